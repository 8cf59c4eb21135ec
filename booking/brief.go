package booking

import (
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

// workplaceBrief reads a workplace's name, kind and whether it is active in
// one query; nil when there is none.
func workplaceBrief(db *gorm.DB, id int64) (*brief, error) {
	var w []brief
	if err := db.Raw("SELECT name, kind, active FROM workplaces WHERE id = ?", id).Scan(&w).Error; err != nil {
		return nil, fmt.Errorf("workplace %d: %w", id, err)
	}
	if len(w) == 0 {
		return nil, nil
	}
	return &w[0], nil
}

// supervisorBrief reads a supervisor's name, whether they are active, and
// whether they speak language and work in area, in one query; nil when there
// is none.
func supervisorBrief(db *gorm.DB, id int64, language, area string) (*brief, error) {
	var sv []brief
	err := db.Raw(`SELECT name, active,
		EXISTS (SELECT 1 FROM supervisor_languages WHERE supervisor_id = s.id AND language = ?) AS speaks,
		EXISTS (SELECT 1 FROM supervisor_areas WHERE supervisor_id = s.id AND area = ?) AS covers
		FROM supervisors s WHERE s.id = ?`, language, area, id).Scan(&sv).Error
	if err != nil {
		return nil, fmt.Errorf("supervisor %d: %w", id, err)
	}
	if len(sv) == 0 {
		return nil, nil
	}
	return &sv[0], nil
}
