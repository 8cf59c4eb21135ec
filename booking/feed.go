package booking

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking/internal/feedtoken"
)

// Calendar feeds: a supervisor's, a workplace's and the whole pool's bookings,
// behind secret URLs that phones and Outlook poll. booking/calendar renders
// them and booking/internal/feedtoken keeps their secrets; what stays here is
// what the core writes in its own transactions: the feeds' tokens (issued with
// a new supervisor or workplace, renewed on request and when a user loses
// access) and the note that a booking left a feed.

// Feed kinds, as they appear in feed paths (/ical/{kind}/{token}.ics).
const (
	FeedSupervisor = feedtoken.Supervisor
	FeedWorkplace  = feedtoken.Workplace
	FeedPool       = feedtoken.Pool
)

// fillSupervisorTokens sets FeedToken of each supervisor from its nonce.
func fillSupervisorTokens(db *gorm.DB, list []Supervisor) error {
	return feedtoken.Fill(db, FeedSupervisor, list, func(sv *Supervisor) (string, *string) { return sv.FeedNonce, &sv.FeedToken })
}

// fillWorkplaceTokens sets FeedToken of each workplace from its nonce.
func fillWorkplaceTokens(db *gorm.DB, list []Workplace) error {
	return feedtoken.Fill(db, FeedWorkplace, list, func(w *Workplace) (string, *string) { return w.FeedNonce, &w.FeedToken })
}

// PoolFeedToken returns the secret of the whole pool's feed (admins only).
func (s *Service) PoolFeedToken(ctx context.Context, actor *User) (string, error) {
	if !actor.IsAdmin() {
		return "", errForbidden("only coordinators may see the pool's calendar")
	}
	return feedtoken.PoolToken(s.store.Read(ctx))
}

// RenewPoolFeedToken replaces the secret of the pool's feed; the old URL stops
// working at once.
func (s *Service) RenewPoolFeedToken(ctx context.Context, actor *User) (string, error) {
	if !actor.IsAdmin() {
		return "", errForbidden("only coordinators may renew the pool's calendar")
	}
	if err := s.store.write(ctx, feedtoken.RenewPool); err != nil {
		return "", fmt.Errorf("renew the pool's feed token: %w", err)
	}
	return s.PoolFeedToken(ctx, actor)
}

// FeedName names a supervisor's or workplace's feed, "supervisors:17": the key
// by which booking/calendar keeps it, and by which the write path records that
// a booking left it.
func FeedName(kind string, id int64) string { return fmt.Sprintf("%s:%d", kind, id) }

// noteFeedsLeft records, in the transaction that moves a booking, that it left
// the feeds of the supervisor and the workplace it was taken from: their
// Last-Modified must move forward although nothing they still show changed.
func noteFeedsLeft(tx *gorm.DB, before, after *Booking, at time.Time) error {
	var feeds []string
	if before.SupervisorID != after.SupervisorID {
		feeds = append(feeds, FeedName(FeedSupervisor, before.SupervisorID))
	}
	if before.WorkplaceID != after.WorkplaceID {
		feeds = append(feeds, FeedName(FeedWorkplace, before.WorkplaceID))
	}
	for _, f := range feeds {
		if err := tx.Exec(`INSERT INTO feed_changes (feed, changed_at) VALUES (?, ?)
			ON CONFLICT (feed) DO UPDATE SET changed_at = excluded.changed_at
			WHERE feed_changes.changed_at < excluded.changed_at`, f, at.UTC()).Error; err != nil {
			return fmt.Errorf("note that booking %d left %s: %w", after.ID, f, err)
		}
	}
	return nil
}
