package booking

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// FollowupInput is what a workplace says after a held session.
type FollowupInput struct {
	PersonsSupervised int
	Rating            int
	Comment           string
	WhyBooked         string
}

// RecordFollowup stores (or corrects) the follow-up of a held booking. It does
// not raise the sequence: calendars do not change.
func (s *Service) RecordFollowup(ctx context.Context, actor *User, id int64, in FollowupInput) (*Booking, error) {
	if !actor.IsAdmin() && (actor == nil || actor.Role != RoleManager) {
		return nil, errForbidden("only coordinators and the booking's managers may follow up")
	}
	var p Problems
	if in.PersonsSupervised < 0 || in.PersonsSupervised > 10000 {
		p.Add("persons_supervised", "count", "must be between 0 and 10000")
	}
	if in.Rating < 1 || in.Rating > 5 {
		p.Add("rating", "rating", "must be 1 to 5")
	}
	CheckText(&p, "comment", in.Comment, 4000, false)
	CheckText(&p, "why_booked", in.WhyBooked, 2000, false)
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
		if !b.Held(now) {
			p.Add("booking", "timing", "a follow-up can be given once the session has been held")
		}
		if err := p.Err(); err != nil {
			return err
		}
		f := &Followup{BookingID: b.ID, PersonsSupervised: in.PersonsSupervised, Rating: in.Rating,
			Comment: in.Comment, WhyBooked: in.WhyBooked, CreatedBy: &actor.ID, CreatedAt: now}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(f).Error; err != nil {
			return err
		}
		b.Followup = f
		return logEvent(tx, b, EventFollowup, actor, now, f)
	})
	if err != nil {
		return nil, fmt.Errorf("follow up booking %d: %w", id, err)
	}
	return b, nil
}

func loadFollowups(db *gorm.DB, list []*Booking) error {
	return loadPerBooking(db, list, "follow-ups",
		func(f *Followup) int64 { return f.BookingID },
		func(b *Booking, f *Followup) { b.Followup = f })
}

// loadPerBooking reads the rows of T (one per booking at most, keyed by
// booking_id) for every booking in list with one query, and hands each booking
// its row (nil when it has none) through set.
func loadPerBooking[T any](db *gorm.DB, list []*Booking, what string, bookingID func(*T) int64, set func(*Booking, *T)) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	for i, b := range list {
		ids[i] = b.ID
	}
	var rows []T
	if err := db.Where("booking_id IN ?", ids).Find(&rows).Error; err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	byID := make(map[int64]*T, len(rows))
	for i := range rows {
		byID[bookingID(&rows[i])] = &rows[i]
	}
	for _, b := range list {
		set(b, byID[b.ID])
	}
	return nil
}
