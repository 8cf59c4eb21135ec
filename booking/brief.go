package booking

import (
	"database/sql"
	"fmt"

	"gorm.io/gorm"
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
