package booking

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// brief is what checking a booking needs of its workplace or supervisor: one
// row, no feed tokens derived, no lists loaded.
type brief struct {
	Name           string
	Kind           string // a workplace's kind
	Active         bool
	Speaks, Covers bool // a supervisor speaks the booking's language, works in its area
}

// briefs reads the workplace and the supervisor of a booking in one query
// (each nil when its id is 0 or there is none): whether they are active, the
// workplace's kind, and whether the supervisor speaks language and works in
// area (the workplace's kind when area is empty, as the booking's area defaults).
func briefs(db *gorm.DB, workplaceID, supervisorID int64, language, area string) (w, sv *brief, err error) {
	var wName, wKind, sName sql.NullString
	var wActive, sActive, speaks, covers sql.NullBool
	err = db.Raw(`SELECT w.name, w.kind, w.active, s.name, s.active,
		EXISTS (SELECT 1 FROM supervisor_languages WHERE supervisor_id = s.id AND language = ?),
		EXISTS (SELECT 1 FROM supervisor_areas WHERE supervisor_id = s.id AND area = COALESCE(NULLIF(?, ''), w.kind))
		FROM (SELECT 1 AS one) one
		LEFT JOIN workplaces w ON w.id = ? LEFT JOIN supervisors s ON s.id = ?`,
		language, area, workplaceID, supervisorID).Row().Scan(&wName, &wKind, &wActive, &sName, &sActive, &speaks, &covers)
	if err != nil {
		return nil, nil, fmt.Errorf("workplace %d and supervisor %d: %w", workplaceID, supervisorID, err)
	}
	if wName.Valid {
		w = &brief{Name: wName.String, Kind: wKind.String, Active: wActive.Bool}
	}
	if sName.Valid {
		sv = &brief{Name: sName.String, Active: sActive.Bool, Speaks: speaks.Bool, Covers: covers.Bool}
	}
	return w, sv, nil
}

// poolChannel is the PostgreSQL channel that triggers raise at every change to
// workplaces, supervisors and the supervisors' languages and areas (migration
// 00020).
const poolChannel = "sprakpool_pool"

// briefMemo keeps the briefs of bookings lately checked, so that a busy
// workplace's bookings do not each read them again (on PostgreSQL that was one
// round trip in seven of a booking's). Only briefs that found both the
// workplace and the supervisor asked for are kept; sqldb.Memo says how long.
type briefMemo = sqldb.Memo[briefKey, briefPair]

type briefKey struct {
	workplaceID, supervisorID int64
	language, area            string
}

type briefPair struct{ w, sv *brief }

func newBriefMemo(db *sqldb.DB) *briefMemo {
	w := db.Watch(poolChannel, "workplaces", "supervisors", "supervisor_languages", "supervisor_areas")
	return sqldb.NewMemo[briefKey, briefPair](w, time.Minute, 10000)
}

// cachedBriefs is briefs through the service's memo; the briefs it returns are
// shared, and only read.
func (s *Service) cachedBriefs(ctx context.Context, workplaceID, supervisorID int64, language, area string) (w, sv *brief, err error) {
	p, err := s.briefs().Get(briefKey{workplaceID, supervisorID, language, area}, func() (briefPair, bool, error) {
		w, sv, err := briefs(s.store.Read(ctx), workplaceID, supervisorID, language, area)
		return briefPair{w, sv}, err == nil && w != nil && (supervisorID == 0 || sv != nil), err
	})
	return p.w, p.sv, err
}
