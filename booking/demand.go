package booking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// UnmetAttempt is demand the pool could not meet: a booking (or a series)
// asked without a supervisor and answered no_free_supervisor. Requests are
// demand too; they are kept in their own table.
type UnmetAttempt struct {
	ID          int64
	Kind        string // UnmetBooking or UnmetSeries
	WorkplaceID int64
	Language    string
	Area        string
	Mode        string
	Purpose     string
	// Start and End are the time asked for (a series': its first occurrence's).
	Start     time.Time `gorm:"column:start_at"`
	End       time.Time `gorm:"column:end_at"`
	CreatedBy *int64
	CreatedAt time.Time
}

// TableName keeps gorm on the schema's name.
func (UnmetAttempt) TableName() string { return "unmet_attempts" }

// Kinds of unmet attempts.
const (
	UnmetBooking = "booking"
	UnmetSeries  = "series"
)

// keepDemand records b as an unmet attempt when vs says that no supervisor was
// free, and returns err, the answer to the caller. The booking's transaction
// has rolled back by then; the record is a small write of its own, made even
// when the caller has gone away. Should it fail, the answer stays a conflict
// (errors.Join keeps the *Error findable) and the failure is in its text.
func (s *Service) keepDemand(ctx context.Context, actor *User, b *Booking, vs []Violation, err error) error {
	if len(vs) != 1 || vs[0].Rule != RuleNoFreeSupervisor {
		return err
	}
	if rerr := s.recordUnmet(context.WithoutCancel(ctx), UnmetBooking, actor, b); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

func (s *Service) recordUnmet(ctx context.Context, kind string, actor *User, b *Booking) error {
	u := &UnmetAttempt{Kind: kind, WorkplaceID: b.WorkplaceID, Language: b.Language, Area: b.Area, Mode: b.Mode,
		Purpose: b.Purpose, Start: b.Start.UTC(), End: b.End.UTC(), CreatedAt: s.now()}
	if actor != nil && actor.ID != 0 {
		u.CreatedBy = &actor.ID
	}
	// Row writes only: an insert needs none of the booking rules' locks.
	if err := s.store.WriteRows(ctx, func(tx *gorm.DB) error { return tx.Create(u).Error }); err != nil {
		return fmt.Errorf("record unmet attempt: %w", err)
	}
	return nil
}
