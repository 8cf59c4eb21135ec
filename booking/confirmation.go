package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outcomes of a session, confirmed by the supervisor afterwards.
var Outcomes = []string{"held", "no_show", "not_held"}

// Confirmation is what the supervisor says happened: billing and the project
// leader's figures rest on it rather than on what was planned.
type Confirmation struct {
	BookingID   int64 `gorm:"primaryKey;autoIncrement:false"`
	Outcome     string
	ActualStart time.Time
	ActualEnd   time.Time
	Note        string
	ConfirmedBy *int64
	ConfirmedAt time.Time
}

// TableName keeps gorm on the schema's name.
func (Confirmation) TableName() string { return "booking_confirmations" }

// ConfirmationInput confirms a session; empty times default to the booked ones.
type ConfirmationInput struct {
	Outcome     string
	ActualStart string
	ActualEnd   string
	Note        string
}

// EventConfirmed is logged when a supervisor confirms a session.
const EventConfirmed = "confirmed"

// ConfirmBooking records (or corrects) the outcome of an ended booking. Only an
// admin or the booking's own supervisor may; the calendars do not change, so the
// sequence stays.
func (s *Service) ConfirmBooking(ctx context.Context, actor *User, id int64, in ConfirmationInput) (*Booking, error) {
	if !actor.IsAdmin() && (actor == nil || actor.Role != RoleSupervisor) {
		return nil, errForbidden("only coordinators and the booking's supervisor may confirm it")
	}
	var p Problems
	if !oneOf(in.Outcome, Outcomes) {
		p.Add("outcome", "outcome", "must be one of %s", strings.Join(Outcomes, ", "))
	}
	var start, end time.Time
	if in.ActualStart != "" {
		start = ParseTime(&p, "actual_start", in.ActualStart)
	}
	if in.ActualEnd != "" {
		end = ParseTime(&p, "actual_end", in.ActualEnd)
	}
	CheckText(&p, "note", in.Note, 2000, false)
	var b *Booking
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		var err error
		if b, err = bookingByID(tx, id); err != nil {
			return err
		}
		if !canSee(actor, b) {
			return errNotFound("booking")
		}
		now := s.now()
		switch {
		case b.Status != StatusConfirmed:
			p.Add("status", "already_cancelled", "a cancelled booking cannot be confirmed")
		case b.End.After(now):
			p.Add("booking", "not_ended", "a session can be confirmed once it has ended")
		}
		if start.IsZero() {
			start = b.Start
		}
		if end.IsZero() {
			end = b.End
		}
		if len(p) == 0 && (!end.After(start) || !s.endsSameDay(start, end)) {
			p.Add("actual_end", "same_day", "must be after actual_start, on the same day")
		}
		if err := p.Err(); err != nil {
			return err
		}
		c := &Confirmation{BookingID: b.ID, Outcome: in.Outcome, ActualStart: start.UTC(), ActualEnd: end.UTC(),
			Note: in.Note, ConfirmedBy: &actor.ID, ConfirmedAt: now}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(c).Error; err != nil {
			return err
		}
		b.Confirmation = c
		return logEvent(tx, b, EventConfirmed, actor, now, c)
	})
	if err != nil {
		return nil, fmt.Errorf("confirm booking %d: %w", id, err)
	}
	return b, nil
}

func loadConfirmations(db *gorm.DB, list []*Booking) error {
	return loadPerBooking(db, list, "confirmations",
		func(c *Confirmation) int64 { return c.BookingID },
		func(b *Booking, c *Confirmation) { b.Confirmation = c })
}
