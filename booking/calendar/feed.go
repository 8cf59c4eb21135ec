package calendar

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-ical"
	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/feedtoken"
)

// Calendar feeds: a supervisor's, a workplace's and the whole pool's bookings,
// behind secret URLs that phones and Outlook poll. The tokens in those URLs are
// booking/internal/feedtoken's (ByToken finds the feed a token opens).

// FeedWindow is how far back a feed reaches, and how long a cancelled booking
// stays in it as CANCELLED after its cancellation.
const FeedWindow = 60 * 24 * time.Hour

// Feed is a rendered calendar feed with what HTTP caching needs.
type Feed struct {
	Body []byte
	// ETag is a strong validator of Body (quoted).
	ETag string
	// LastModified is the latest change of anything the feed shows, including a
	// booking leaving the window.
	LastModified time.Time
}

// SupervisorFeed renders the feed of the supervisor whose token this is.
func (s *Service) SupervisorFeed(ctx context.Context, token string) (*Feed, error) {
	db := s.db.Read(ctx)
	id, err := feedByToken(db, booking.FeedSupervisor, token)
	if err != nil {
		return nil, err
	}
	var sv booking.Supervisor
	if err := db.First(&sv, id).Error; err != nil {
		return nil, fmt.Errorf("supervisor feed: %w", err)
	}
	name := "Språkpool – " + sv.Name
	key := booking.FeedName(booking.FeedSupervisor, sv.ID)
	left, err := feedLeftAt(db, key)
	if err != nil {
		return nil, err
	}
	return s.cachedFeed(db, key, name, latest(sv.UpdatedAt, left),
		func(q *gorm.DB) *gorm.DB { return q.Where("supervisor_id = ?", sv.ID) })
}

// WorkplaceFeed renders the feed of the workplace whose token this is.
func (s *Service) WorkplaceFeed(ctx context.Context, token string) (*Feed, error) {
	db := s.db.Read(ctx)
	id, err := feedByToken(db, booking.FeedWorkplace, token)
	if err != nil {
		return nil, err
	}
	var w booking.Workplace
	if err := db.First(&w, id).Error; err != nil {
		return nil, fmt.Errorf("workplace feed: %w", err)
	}
	name := "Språkpool – " + w.Name
	key := booking.FeedName(booking.FeedWorkplace, w.ID)
	left, err := feedLeftAt(db, key)
	if err != nil {
		return nil, err
	}
	return s.cachedFeed(db, key, name, latest(w.UpdatedAt, left),
		func(q *gorm.DB) *gorm.DB { return q.Where("workplace_id = ?", w.ID) })
}

// PoolFeed renders every booking, for the pool's token.
func (s *Service) PoolFeed(ctx context.Context, token string) (*Feed, error) {
	db := s.db.Read(ctx)
	if _, err := feedByToken(db, booking.FeedPool, token); err != nil {
		return nil, err
	}
	return s.cachedFeed(db, booking.FeedPool, "Språkpool – alla bokningar", time.Time{}, func(q *gorm.DB) *gorm.DB { return q })
}

// feedByToken is feedtoken.ByToken with booking's not-found error.
func feedByToken(db *gorm.DB, kind, token string) (int64, error) {
	id, err := feedtoken.ByToken(db, kind, token)
	if errors.Is(err, feedtoken.ErrNotFound) {
		return 0, notFound("calendar")
	}
	return id, err
}

// feedChange is the last moment a booking left a feed other than by age; the
// booking service records it in the transaction that moves the booking.
type feedChange struct {
	Feed      string `gorm:"primaryKey"`
	ChangedAt time.Time
}

func (feedChange) TableName() string { return "feed_changes" }

// feedLeftAt is when a booking last left the feed (zero: never).
func feedLeftAt(db *gorm.DB, feed string) (time.Time, error) {
	var rows []feedChange
	if err := db.Where("feed = ?", feed).Limit(1).Find(&rows).Error; err != nil {
		return time.Time{}, fmt.Errorf("feed %s: %w", feed, err)
	}
	if len(rows) == 0 {
		return time.Time{}, nil
	}
	return rows[0].ChangedAt, nil
}

// feedBookings returns the bookings a feed shows: from FeedWindow back to every
// future one, cancelled ones until FeedWindow after their cancellation.
func (s *Service) feedBookings(db *gorm.DB, scope func(*gorm.DB) *gorm.DB) ([]booking.Booking, time.Time, error) {
	cutoff := s.now().Add(-FeedWindow)
	var list []booking.Booking
	err := scope(db.Model(&booking.Booking{})).
		Where("end_at > ? AND (status = ? OR cancelled_at > ?)", cutoff, booking.StatusConfirmed, cutoff).
		Order("start_at, id").Find(&list).Error
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("feed bookings: %w", err)
	}
	// The feed also changed when a booking left it by age: the latest such moment.
	var left time.Time
	var ends []time.Time
	if err := scope(db.Model(&booking.Booking{})).Where("end_at <= ?", cutoff).
		Order("end_at DESC").Limit(1).Pluck("end_at", &ends).Error; err != nil {
		return nil, time.Time{}, fmt.Errorf("feed bookings: %w", err)
	}
	if len(ends) == 1 {
		left = ends[0].Add(FeedWindow)
	}
	var cancels []time.Time
	if err := scope(db.Model(&booking.Booking{})).Where("status = ? AND cancelled_at <= ? AND end_at > ?", booking.StatusCancelled, cutoff, cutoff).
		Order("cancelled_at DESC").Limit(1).Pluck("cancelled_at", &cancels).Error; err != nil {
		return nil, time.Time{}, fmt.Errorf("feed bookings: %w", err)
	}
	if len(cancels) == 1 && cancels[0].Add(FeedWindow).After(left) {
		left = cancels[0].Add(FeedWindow)
	}
	return list, left, nil
}

// renderFeed renders a feed: no METHOD (a feed publishes, it does not invite),
// REFRESH-INTERVAL and X-PUBLISHED-TTL of an hour, X-WR-CALNAME naming it. The
// events are those kept for people's version where they hold, rendered anew
// where not (feedcache.go).
func (s *Service) renderFeed(db *gorm.DB, name string, ownerChanged time.Time, scope func(*gorm.DB) *gorm.DB, people string) (*Feed, error) {
	list, left, err := s.feedBookings(db, scope)
	if err != nil {
		return nil, err
	}
	events := make([]renderedEvent, len(list))
	var missing []booking.Booking
	var at []int // where each missing one goes
	for i := range list {
		e, ok := s.events.get(list[i].ID, eventKey(&list[i], people))
		if ok {
			events[i] = e
			continue
		}
		missing = append(missing, list[i])
		at = append(at, i)
	}
	entries, err := s.calendarEntries(db, missing)
	if err != nil {
		return nil, fmt.Errorf("render feed: %w", err)
	}
	for k := range entries {
		e := &entries[k]
		body, err := encodeComponent(s.vevent(e).Component)
		if err != nil {
			return nil, fmt.Errorf("render feed: %w", err)
		}
		changed := latest(e.Booking.UpdatedAt, e.Supervisor.UpdatedAt, e.Workplace.UpdatedAt)
		for _, m := range e.Managers {
			changed = latest(changed, m.UpdatedAt)
		}
		events[at[k]] = renderedEvent{body: body, changed: changed}
		s.events.put(e.Booking.ID, eventKey(e.Booking, people), events[at[k]])
	}
	head, err := encodeCalendar(s.feedCalendar(name))
	if err != nil {
		return nil, fmt.Errorf("render feed: %w", err)
	}
	end := []byte("END:" + ical.CompCalendar + "\r\n")
	if !bytes.HasSuffix(head, end) {
		return nil, errors.New("render feed: the calendar does not end with END:VCALENDAR")
	}
	size := len(head)
	for _, e := range events {
		size += len(e.body)
	}
	body := make([]byte, 0, size)
	body = append(body, head[:len(head)-len(end)]...)
	last := latest(ownerChanged, left)
	for _, e := range events {
		body = append(body, e.body...)
		last = latest(last, e.changed)
	}
	body = append(body, end...)
	sum := sha256.Sum256(body)
	if last.IsZero() {
		// An empty pool feed: no change yet to date it by.
		last = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return &Feed{Body: body, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`, LastModified: last.UTC().Truncate(time.Second)}, nil
}

// feedCalendar is the head of a feed.
func (s *Service) feedCalendar(name string) *ical.Calendar {
	cal := s.newCalendar()
	for prop, v := range map[string]string{"X-WR-CALNAME": name, ical.PropName: name, "X-WR-TIMEZONE": s.cfg.Location.String()} {
		p := ical.NewProp(prop)
		p.SetText(icalText(v))
		p.Params.Del(ical.ParamValue) // TEXT is what clients assume for X- properties
		cal.Props.Set(p)
	}
	refresh := ical.NewProp(ical.PropRefreshInterval)
	refresh.Params.Set(ical.ParamValue, "DURATION")
	refresh.Value = "PT1H"
	cal.Props.Set(refresh)
	ttl := ical.NewProp("X-PUBLISHED-TTL")
	ttl.Value = "PT1H"
	cal.Props.Set(ttl)
	return cal
}

func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}
