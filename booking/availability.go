package booking

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Window is one weekly availability window in local wall-clock time: Weekday 1 is
// Monday, Start and End are minutes after local midnight (End 1440 is midnight).
type Window struct {
	Weekday int
	Start   int
	End     int
}

type availabilityRow struct {
	ID           int64
	SupervisorID int64
	Weekday      int
	StartMinute  int
	EndMinute    int
}

func (availabilityRow) TableName() string { return "availability" }

// Absence is a time a supervisor cannot be booked; End is not included.
type Absence struct {
	ID           int64
	SupervisorID int64
	Start        time.Time `gorm:"column:start_at"`
	End          time.Time `gorm:"column:end_at"`
	Reason       string
	SourceUID    *string
	CreatedAt    time.Time
	// AffectedBookingIDs are, once it is created, the confirmed bookings of the
	// supervisor it covers (attention.go).
	AffectedBookingIDs []int64 `gorm:"-"`
}

// ISOWeekday returns 1 for Monday through 7 for Sunday.
func ISOWeekday(t time.Time) int {
	wd := int(t.Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

func canSeeSchedule(actor *User, supervisorID int64) bool {
	return actor.IsAdmin() || actor.Is(supervisorID)
}

// Availability returns a supervisor's weekly pattern.
func (s *Service) Availability(ctx context.Context, actor *User, supervisorID int64) ([]Window, error) {
	if !canSeeSchedule(actor, supervisorID) {
		return nil, errForbidden("only coordinators and the supervisor may see the availability")
	}
	if _, err := s.supervisor(ctx, s.store.Read(ctx), supervisorID); err != nil {
		return nil, err
	}
	return windowsOf(s.store.Read(ctx), supervisorID)
}

func windowsOf(db *gorm.DB, supervisorID int64) ([]Window, error) {
	var rows []availabilityRow
	if err := db.Where("supervisor_id = ?", supervisorID).Order("weekday, start_minute").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("availability of supervisor %d: %w", supervisorID, err)
	}
	out := make([]Window, len(rows))
	for i, r := range rows {
		out[i] = Window{Weekday: r.Weekday, Start: r.StartMinute, End: r.EndMinute}
	}
	return out, nil
}

// ValidateWindows checks a weekly pattern: weekdays 1..7, start before end,
// and no two windows of one day overlapping.
func ValidateWindows(ws []Window) error {
	var p Problems
	for i, w := range ws {
		field := fmt.Sprintf("[%d]", i)
		if w.Weekday < 1 || w.Weekday > 7 {
			p.Add(field+".weekday", "weekday", "must be 1 (Monday) to 7 (Sunday)")
		}
		if w.Start < 0 || w.End > 1440 || w.End <= w.Start {
			p.Add(field+".end", "end_before_start", "must be after start, on the same day")
		}
	}
	if len(p) == 0 {
		sorted := slices.Clone(ws)
		slices.SortFunc(sorted, func(a, b Window) int { return (a.Weekday*1441 + a.Start) - (b.Weekday*1441 + b.Start) })
		for i := 1; i < len(sorted); i++ {
			if sorted[i].Weekday == sorted[i-1].Weekday && sorted[i].Start < sorted[i-1].End {
				p.Add("availability", "windows_overlap", "two windows overlap on weekday %d", sorted[i].Weekday)
			}
		}
	}
	return p.Err()
}

// SetAvailability replaces a supervisor's weekly pattern.
func (s *Service) SetAvailability(ctx context.Context, actor *User, supervisorID int64, ws []Window) ([]Window, error) {
	if !canSeeSchedule(actor, supervisorID) {
		return nil, errForbidden("only coordinators and the supervisor may change the availability")
	}
	if err := ValidateWindows(ws); err != nil {
		return nil, err
	}
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		if _, err := s.supervisor(ctx, tx, supervisorID); err != nil {
			return err
		}
		affected, err := s.impact(tx, supervisorID, func(a *attentionInput) { a.windows = slices.Clone(ws) })
		if err != nil {
			return err
		}
		if err := s.noteImpact(tx, supervisorID, "availability", affected); err != nil {
			return err
		}
		if err := tx.Where("supervisor_id = ?", supervisorID).Delete(&availabilityRow{}).Error; err != nil {
			return err
		}
		for _, w := range ws {
			row := availabilityRow{SupervisorID: supervisorID, Weekday: w.Weekday, StartMinute: w.Start, EndMinute: w.End}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set availability of supervisor %d: %w", supervisorID, err)
	}
	return windowsOf(s.store.Read(ctx), supervisorID)
}

// Absences lists a supervisor's absences that overlap the dates from..to.
func (s *Service) Absences(ctx context.Context, actor *User, supervisorID int64, from, to string) ([]Absence, error) {
	if !canSeeSchedule(actor, supervisorID) {
		return nil, errForbidden("only coordinators and the supervisor may see absences")
	}
	start, end, err := s.ParseRange(from, to)
	if err != nil {
		return nil, err
	}
	if _, err := s.supervisor(ctx, s.store.Read(ctx), supervisorID); err != nil {
		return nil, err
	}
	return absencesOf(s.store.Read(ctx), supervisorID, start, end)
}

func absencesOf(db *gorm.DB, supervisorID int64, start, end time.Time) ([]Absence, error) {
	list := []Absence{}
	err := db.Where("supervisor_id = ? AND start_at < ? AND end_at > ?", supervisorID, end.UTC(), start.UTC()).
		Order("start_at, id").Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("absences of supervisor %d: %w", supervisorID, err)
	}
	return list, nil
}

// AbsenceInput records an absence; times are RFC 3339 with an offset.
type AbsenceInput struct {
	Start  string
	End    string
	Reason string
}

// checkAbsence reads an absence's times and checks its fields, every problem at once.
func (s *Service) checkAbsence(in AbsenceInput) (start, end time.Time, err error) {
	var p Problems
	start = ParseTime(&p, "start", in.Start)
	end = ParseTime(&p, "end", in.End)
	if len(p) == 0 && !end.After(start) {
		p.Add("end", "end_before_start", "must be after start")
	}
	CheckText(&p, "reason", in.Reason, 500, false)
	return start, end, p.Err()
}

// CreateAbsence records an absence. Bookings already made in it stay, now
// needing attention: their ids are in AffectedBookingIDs, and the coordinators
// get one message listing them, written with the absence.
func (s *Service) CreateAbsence(ctx context.Context, actor *User, supervisorID int64, in AbsenceInput) (*Absence, error) {
	if !canSeeSchedule(actor, supervisorID) {
		return nil, errForbidden("only coordinators and the supervisor may record absences")
	}
	start, end, err := s.checkAbsence(in)
	if err != nil {
		return nil, err
	}
	a := &Absence{SupervisorID: supervisorID, Start: start.UTC(), End: end.UTC(), Reason: in.Reason, CreatedAt: s.now()}
	err = s.store.write(ctx, func(tx *gorm.DB) error {
		if _, err := s.supervisor(ctx, tx, supervisorID); err != nil {
			return err
		}
		affected, err := s.impact(tx, supervisorID, func(sc *attentionInput) {
			sc.absences = append(sc.absences, Absence{Start: a.Start, End: a.End})
		})
		if err != nil {
			return err
		}
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		a.AffectedBookingIDs = make([]int64, len(affected))
		for i, b := range affected {
			a.AffectedBookingIDs[i] = b.ID
		}
		return s.NoteAttention(tx, supervisorID, "absence", fmt.Sprintf("absence:%d", a.ID), a.AffectedBookingIDs)
	})
	if err != nil {
		return nil, fmt.Errorf("create absence of supervisor %d: %w", supervisorID, err)
	}
	return a, nil
}

// DeleteAbsence removes an absence.
func (s *Service) DeleteAbsence(ctx context.Context, actor *User, supervisorID, absenceID int64) error {
	if !canSeeSchedule(actor, supervisorID) {
		return errForbidden("only coordinators and the supervisor may remove absences")
	}
	return s.store.write(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND supervisor_id = ?", absenceID, supervisorID).Delete(&Absence{})
		if res.Error != nil {
			return fmt.Errorf("delete absence %d: %w", absenceID, res.Error)
		}
		if res.RowsAffected == 0 {
			return errNotFound("absence")
		}
		return nil
	})
}
