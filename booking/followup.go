package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// FollowupInput is what a workplace says after a held session.
type FollowupInput struct {
	PersonsSupervised int
	Rating            int
	Comment           string
	WhyBooked         string
	// Reasons are codes of FollowupReasons (an unknown one is invalid);
	// duplicates count once.
	Reasons []string
	// WouldBookAgain is nil when the question was not answered.
	WouldBookAgain *bool
}

// followupReason is one reason of one follow-up: a row so they can be counted.
type followupReason struct {
	BookingID int64  `gorm:"primaryKey;autoIncrement:false"`
	Reason    string `gorm:"primaryKey"`
}

// TableName keeps gorm on the schema's name.
func (followupReason) TableName() string { return "booking_followup_reasons" }

// followupReasons checks reasons and puts them in FollowupReasons' order.
func followupReasons(p *Problems, reasons []string) []string {
	out := []string{}
	for _, r := range FollowupReasons {
		if slices.Contains(reasons, r) {
			out = append(out, r)
		}
	}
	for _, r := range reasons {
		if !oneOf(r, FollowupReasons) {
			p.Add("reasons", "followup_reason", "must be among %s", strings.Join(FollowupReasons, ", "))
			break
		}
	}
	return out
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
	reasons := followupReasons(&p, in.Reasons)
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
			Comment: in.Comment, WhyBooked: in.WhyBooked, WouldBookAgain: in.WouldBookAgain, Reasons: reasons,
			CreatedBy: &actor.ID, CreatedAt: now}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(f).Error; err != nil {
			return err
		}
		if err := saveFollowupReasons(tx, f); err != nil {
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

// saveFollowupReasons replaces the reasons of f's booking with f.Reasons.
func saveFollowupReasons(tx *gorm.DB, f *Followup) error {
	if err := tx.Where("booking_id = ?", f.BookingID).Delete(&followupReason{}).Error; err != nil {
		return fmt.Errorf("follow-up reasons: %w", err)
	}
	if len(f.Reasons) == 0 {
		return nil
	}
	rows := make([]followupReason, len(f.Reasons))
	for i, r := range f.Reasons {
		rows[i] = followupReason{BookingID: f.BookingID, Reason: r}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("follow-up reasons: %w", err)
	}
	return nil
}

func loadFollowups(db *gorm.DB, list []*Booking) error {
	var with []*Booking
	err := loadPerBooking(db, list, "follow-ups",
		func(f *Followup) int64 { return f.BookingID },
		func(b *Booking, f *Followup) {
			if b.Followup = f; f != nil {
				f.Reasons = []string{}
				with = append(with, b)
			}
		})
	if err != nil || len(with) == 0 {
		return err
	}
	ids := make([]int64, len(with))
	byID := make(map[int64]*Followup, len(with))
	for i, b := range with {
		ids[i], byID[b.ID] = b.ID, b.Followup
	}
	var rows []followupReason
	for chunk := range slices.Chunk(ids, 500) {
		var part []followupReason
		if err := db.Where("booking_id IN ?", chunk).Find(&part).Error; err != nil {
			return fmt.Errorf("load follow-up reasons: %w", err)
		}
		rows = append(rows, part...)
	}
	for _, r := range rows {
		f := byID[r.BookingID]
		f.Reasons = append(f.Reasons, r.Reason)
	}
	for _, f := range byID {
		slices.SortFunc(f.Reasons, func(a, b string) int {
			return slices.Index(FollowupReasons, a) - slices.Index(FollowupReasons, b)
		})
	}
	return nil
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
