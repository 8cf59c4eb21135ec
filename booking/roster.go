package booking

import (
	"database/sql"
	"fmt"
	"slices"
	"sync"

	"gorm.io/gorm"
)

// The roster is what every search and booking reads of every candidate and
// what changes seldom: who is active, their languages (with notes) and areas,
// and their weekly windows. It is kept in memory by the version the database
// keeps beside it (roster_version), which triggers on the four tables raise
// with every change, by whichever process or statement makes it. A read asks
// for the version (one row) and reuses the kept roster while it holds, so it
// also holds across several instances on PostgreSQL and inside a write
// transaction, whose snapshot the version is read from. Reading these rows
// for each of a hundred candidates cost a search on a large pool a fifth of
// its time, most of it fetching pages that a concurrent commit had emptied
// from the connection's cache.
type roster struct {
	version     int64
	supervisors map[int64]*rosterEntry
}

type rosterEntry struct {
	active    bool
	languages []string // sorted
	notes     map[string]string
	areas     []string // in the order of Areas
	windows   []Window
}

// rosterCache keeps the last roster read.
type rosterCache struct {
	mu sync.Mutex
	r  *roster
	// passed counts the reads since the last roster that found it stale and
	// read rows of their own instead; after stalePasses the next reads it again.
	passed int
}

// stalePasses bounds how many small reads pass a stale roster by: enough for
// a coordinator saving supervisors one after the other, few enough that a pool
// that only books (one supervisor at a time) soon has its roster again.
const stalePasses = 20

// roster returns the roster as db sees it.
func (s *Service) roster(db *gorm.DB) (*roster, error) {
	return s.currentRoster(db, true)
}

// currentRoster returns the roster as db sees it; when the kept one is not
// current, it reads it again if read or if stalePasses reads have passed it
// by, and otherwise returns nil.
func (s *Service) currentRoster(db *gorm.DB, read bool) (*roster, error) {
	var version int64
	if err := db.Raw(rosterVersionQuery).Row().Scan(&version); err != nil {
		return nil, fmt.Errorf("roster version: %w", err)
	}
	return s.rosterAt(db, version, read)
}

// rosterVersionQuery reads the roster's version.
const rosterVersionQuery = "SELECT version FROM roster_version WHERE id = 1"

// rosterAt is currentRoster for a version the caller has read from db, by a
// query of its own (one round trip less).
func (s *Service) rosterAt(db *gorm.DB, version int64, read bool) (*roster, error) {
	s.rosters.mu.Lock()
	kept := s.rosters.r
	if kept == nil || kept.version != version {
		if !read && s.rosters.passed < stalePasses {
			s.rosters.passed++
			s.rosters.mu.Unlock()
			return nil, nil
		}
		kept = nil
	}
	s.rosters.mu.Unlock()
	if kept != nil {
		return kept, nil
	}
	// Read after the version: a change committed in between is in the rows,
	// so the roster is at least as new as its version says.
	r, err := readRoster(db, version)
	if err != nil {
		return nil, err
	}
	s.rosters.mu.Lock()
	if s.rosters.r == nil || s.rosters.r.version <= version {
		s.rosters.r, s.rosters.passed = r, 0
	}
	s.rosters.mu.Unlock()
	return r, nil
}

func readRoster(db *gorm.DB, version int64) (*roster, error) {
	r := &roster{version: version, supervisors: map[int64]*rosterEntry{}}
	err := scanRows(db.Model(&Supervisor{}).Select("id, active"), func(rows *sql.Rows) error {
		var id int64
		var active bool
		if err := rows.Scan(&id, &active); err != nil {
			return err
		}
		r.supervisors[id] = &rosterEntry{active: active, languages: []string{}, notes: map[string]string{}, areas: []string{}}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	entry := func(id int64) *rosterEntry {
		if e := r.supervisors[id]; e != nil {
			return e
		}
		return &rosterEntry{} // a row of a supervisor just removed: dropped
	}
	err = scanRows(db.Model(&supervisorLanguage{}).Select("supervisor_id, language, note").Order("supervisor_id, language"), func(rows *sql.Rows) error {
		var id int64
		var lang, note string
		if err := rows.Scan(&id, &lang, &note); err != nil {
			return err
		}
		e := entry(id)
		e.languages = append(e.languages, lang)
		if note != "" {
			e.notes[lang] = note
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roster languages: %w", err)
	}
	err = scanRows(db.Model(&supervisorArea{}).Select("supervisor_id, area"), func(rows *sql.Rows) error {
		var id int64
		var area string
		if err := rows.Scan(&id, &area); err != nil {
			return err
		}
		e := entry(id)
		e.areas = append(e.areas, area)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roster areas: %w", err)
	}
	err = scanWindows(db.Order("supervisor_id, weekday, start_minute"), func(id int64, w Window) {
		e := entry(id)
		e.windows = append(e.windows, w)
	})
	if err != nil {
		return nil, fmt.Errorf("roster availability: %w", err)
	}
	for _, e := range r.supervisors {
		slices.SortFunc(e.areas, func(a, b string) int { return slices.Index(Areas, a) - slices.Index(Areas, b) })
	}
	return r, nil
}

// scanWindows reads the weekly windows q selects, by hand rather than by gorm
// (whose reflection cost more than the query), handing each to add.
func scanWindows(q *gorm.DB, add func(supervisorID int64, w Window)) error {
	return scanRows(q.Model(&availabilityRow{}).Select("supervisor_id, weekday, start_minute, end_minute"), func(rows *sql.Rows) error {
		var id int64
		var w Window
		if err := rows.Scan(&id, &w.Weekday, &w.Start, &w.End); err != nil {
			return err
		}
		add(id, w)
		return nil
	})
}

// entry is the roster's entry of a supervisor; nil when there is none, or no roster.
func (r *roster) entry(id int64) *rosterEntry {
	if r == nil {
		return nil
	}
	return r.supervisors[id]
}

// candidates are the active supervisors who speak language (and work in area,
// unless empty), by id.
func (r *roster) candidates(language, area string) []int64 {
	var ids []int64
	for id, e := range r.supervisors {
		if e.active && slices.Contains(e.languages, language) && (area == "" || slices.Contains(e.areas, area)) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
