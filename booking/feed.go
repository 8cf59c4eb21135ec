package booking

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"time"

	"github.com/emersion/go-ical"
	"gorm.io/gorm"
)

// Calendar feeds: a supervisor's, a workplace's and the whole pool's bookings,
// behind secret URLs that phones and Outlook poll.
//
// A feed token is HMAC-SHA256(feed key, kind ":" nonce), base64url: 256 bits no
// one can guess. The database keeps the key (feed_secrets), each feed's random
// nonce, and only the SHA-256 of each token, by which a request finds its feed.
// So the token can be shown again (the API's feed_url) without being stored, a
// lookup never compares secrets, and renewing (a new nonce) kills the old URL.

// FeedWindow is how far back a feed reaches, and how long a cancelled booking
// stays in it as CANCELLED after its cancellation.
const FeedWindow = 60 * 24 * time.Hour

// Feed kinds, as they appear in feed paths (/ical/{kind}/{token}.ics).
const (
	FeedSupervisor = "supervisors"
	FeedWorkplace  = "workplaces"
	FeedPool       = "pool"
)

// Feed is a rendered calendar feed with what HTTP caching needs.
type Feed struct {
	Body []byte
	// ETag is a strong validator of Body (quoted).
	ETag string
	// LastModified is the latest change of anything the feed shows, including a
	// booking leaving the window.
	LastModified time.Time
}

var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

type feedSecret struct {
	Name  string `gorm:"primaryKey"`
	Value string
}

func (feedSecret) TableName() string { return "feed_secrets" }

func feedSecretValue(db *gorm.DB, name string) (string, error) {
	var row feedSecret
	if err := db.Where("name = ?", name).First(&row).Error; err != nil {
		return "", fmt.Errorf("read feed secret %s: %w", name, err)
	}
	return row.Value, nil
}

// feedKey returns the HMAC key every feed token is derived from.
func feedKey(db *gorm.DB) ([]byte, error) {
	v, err := feedSecretValue(db, "key")
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

// deriveFeedToken turns a feed's nonce into its token.
func deriveFeedToken(key []byte, kind, nonce string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind + ":" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// newFeedNonce returns a fresh nonce and the hash of the token it gives.
func newFeedNonce(key []byte, kind string) (nonce, hash string) {
	nonce = randomToken(16)
	return nonce, hashToken(deriveFeedToken(key, kind, nonce))
}

// NewFeedNonceTx is a fresh nonce for a feed of that kind and the hash of the
// token it gives, with the feed key read inside the caller's transaction:
// storing both in place of a feed's old ones kills its old URL, as the privacy
// erasure does for a supervisor's feed.
func NewFeedNonceTx(tx *gorm.DB, kind string) (nonce, hash string, err error) {
	key, err := feedKey(tx)
	if err != nil {
		return "", "", err
	}
	nonce, hash = newFeedNonce(key, kind)
	return nonce, hash, nil
}

// issueFeedTokens gives every supervisor and workplace that has none (rows from
// before feed tokens were derived) a nonce and a token hash. Migrate runs it.
func (s *Service) issueFeedTokens(ctx context.Context) error {
	return s.store.write(ctx, func(tx *gorm.DB) error {
		key, err := feedKey(tx)
		if err != nil {
			return err
		}
		for kind, table := range map[string]string{FeedSupervisor: "supervisors", FeedWorkplace: "workplaces"} {
			var ids []int64
			if err := tx.Table(table).Where("feed_nonce = ''").Pluck("id", &ids).Error; err != nil {
				return fmt.Errorf("issue feed tokens: %w", err)
			}
			for _, id := range ids {
				nonce, hash := newFeedNonce(key, kind)
				if err := tx.Table(table).Where("id = ?", id).
					Updates(map[string]any{"feed_nonce": nonce, "feed_token_hash": hash}).Error; err != nil {
					return fmt.Errorf("issue feed token of %s %d: %w", table, id, err)
				}
			}
		}
		return nil
	})
}

// fillSupervisorTokens sets FeedToken of each supervisor from its nonce.
func fillSupervisorTokens(db *gorm.DB, list []Supervisor) error {
	if len(list) == 0 {
		return nil
	}
	key, err := feedKey(db)
	if err != nil {
		return err
	}
	for i := range list {
		if list[i].FeedNonce != "" {
			list[i].FeedToken = deriveFeedToken(key, FeedSupervisor, list[i].FeedNonce)
		}
	}
	return nil
}

// fillWorkplaceTokens sets FeedToken of each workplace from its nonce.
func fillWorkplaceTokens(db *gorm.DB, list []Workplace) error {
	if len(list) == 0 {
		return nil
	}
	key, err := feedKey(db)
	if err != nil {
		return err
	}
	for i := range list {
		if list[i].FeedNonce != "" {
			list[i].FeedToken = deriveFeedToken(key, FeedWorkplace, list[i].FeedNonce)
		}
	}
	return nil
}

// PoolFeedToken returns the secret of the whole pool's feed (admins only).
func (s *Service) PoolFeedToken(ctx context.Context, actor *User) (string, error) {
	if !actor.IsAdmin() {
		return "", errForbidden("only coordinators may see the pool's calendar")
	}
	db := s.store.Read(ctx)
	key, err := feedKey(db)
	if err != nil {
		return "", err
	}
	nonce, err := feedSecretValue(db, "pool")
	if err != nil {
		return "", err
	}
	return deriveFeedToken(key, FeedPool, nonce), nil
}

// RenewPoolFeedToken replaces the secret of the pool's feed; the old URL stops
// working at once.
func (s *Service) RenewPoolFeedToken(ctx context.Context, actor *User) (string, error) {
	if !actor.IsAdmin() {
		return "", errForbidden("only coordinators may renew the pool's calendar")
	}
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		return tx.Model(&feedSecret{}).Where("name = ?", "pool").Update("value", randomToken(16)).Error
	})
	if err != nil {
		return "", fmt.Errorf("renew the pool's feed token: %w", err)
	}
	return s.PoolFeedToken(ctx, actor)
}

// SupervisorFeed renders the feed of the supervisor whose token this is.
func (s *Service) SupervisorFeed(ctx context.Context, token string) (*Feed, error) {
	if !tokenShape.MatchString(token) {
		return nil, errNotFound("calendar")
	}
	db := s.store.Read(ctx)
	var sv Supervisor
	err := db.Where("feed_token_hash = ? AND feed_nonce <> ''", hashToken(token)).First(&sv).Error
	if isNotFound(err) {
		return nil, errNotFound("calendar")
	}
	if err != nil {
		return nil, fmt.Errorf("supervisor feed: %w", err)
	}
	name := "Språkpool – " + sv.Name
	key := feedName(FeedSupervisor, sv.ID)
	left, err := feedLeftAt(db, key)
	if err != nil {
		return nil, err
	}
	return s.cachedFeed(db, key, name, latest(sv.UpdatedAt, left),
		func(q *gorm.DB) *gorm.DB { return q.Where("supervisor_id = ?", sv.ID) })
}

// WorkplaceFeed renders the feed of the workplace whose token this is.
func (s *Service) WorkplaceFeed(ctx context.Context, token string) (*Feed, error) {
	if !tokenShape.MatchString(token) {
		return nil, errNotFound("calendar")
	}
	db := s.store.Read(ctx)
	var w Workplace
	err := db.Where("feed_token_hash = ? AND feed_nonce <> ''", hashToken(token)).First(&w).Error
	if isNotFound(err) {
		return nil, errNotFound("calendar")
	}
	if err != nil {
		return nil, fmt.Errorf("workplace feed: %w", err)
	}
	name := "Språkpool – " + w.Name
	key := feedName(FeedWorkplace, w.ID)
	left, err := feedLeftAt(db, key)
	if err != nil {
		return nil, err
	}
	return s.cachedFeed(db, key, name, latest(w.UpdatedAt, left),
		func(q *gorm.DB) *gorm.DB { return q.Where("workplace_id = ?", w.ID) })
}

// PoolFeed renders every booking, for the pool's token.
func (s *Service) PoolFeed(ctx context.Context, token string) (*Feed, error) {
	if !tokenShape.MatchString(token) {
		return nil, errNotFound("calendar")
	}
	db := s.store.Read(ctx)
	key, err := feedKey(db)
	if err != nil {
		return nil, err
	}
	nonce, err := feedSecretValue(db, "pool")
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(deriveFeedToken(key, FeedPool, nonce))) != 1 {
		return nil, errNotFound("calendar")
	}
	return s.cachedFeed(db, FeedPool, "Språkpool – alla bokningar", time.Time{}, func(q *gorm.DB) *gorm.DB { return q })
}

// feedName names a supervisor's or workplace's feed: "supervisors:17".
func feedName(kind string, id int64) string { return fmt.Sprintf("%s:%d", kind, id) }

// feedChange is the last moment a booking left a feed other than by age.
type feedChange struct {
	Feed      string `gorm:"primaryKey"`
	ChangedAt time.Time
}

func (feedChange) TableName() string { return "feed_changes" }

// noteFeedsLeft records, in the transaction that moves a booking, that it left
// the feeds of the supervisor and the workplace it was taken from: their
// Last-Modified must move forward although nothing they still show changed.
func noteFeedsLeft(tx *gorm.DB, before, after *Booking, at time.Time) error {
	var feeds []string
	if before.SupervisorID != after.SupervisorID {
		feeds = append(feeds, feedName(FeedSupervisor, before.SupervisorID))
	}
	if before.WorkplaceID != after.WorkplaceID {
		feeds = append(feeds, feedName(FeedWorkplace, before.WorkplaceID))
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
func (s *Service) feedBookings(db *gorm.DB, scope func(*gorm.DB) *gorm.DB) ([]Booking, time.Time, error) {
	cutoff := s.now().Add(-FeedWindow)
	var list []Booking
	err := scope(db.Model(&Booking{})).
		Where("end_at > ? AND (status = ? OR cancelled_at > ?)", cutoff, StatusConfirmed, cutoff).
		Order("start_at, id").Find(&list).Error
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("feed bookings: %w", err)
	}
	// The feed also changed when a booking left it by age: the latest such moment.
	var left time.Time
	var ends []time.Time
	if err := scope(db.Model(&Booking{})).Where("end_at <= ?", cutoff).
		Order("end_at DESC").Limit(1).Pluck("end_at", &ends).Error; err != nil {
		return nil, time.Time{}, fmt.Errorf("feed bookings: %w", err)
	}
	if len(ends) == 1 {
		left = ends[0].Add(FeedWindow)
	}
	var cancels []time.Time
	if err := scope(db.Model(&Booking{})).Where("status = ? AND cancelled_at <= ? AND end_at > ?", StatusCancelled, cutoff, cutoff).
		Order("cancelled_at DESC").Limit(1).Pluck("cancelled_at", &cancels).Error; err != nil {
		return nil, time.Time{}, fmt.Errorf("feed bookings: %w", err)
	}
	if len(cancels) == 1 && cancels[0].Add(FeedWindow).After(left) {
		left = cancels[0].Add(FeedWindow)
	}
	return list, left, nil
}

// renderFeed renders a feed: no METHOD (a feed publishes, it does not invite),
// REFRESH-INTERVAL and X-PUBLISHED-TTL of an hour, X-WR-CALNAME naming it.
func (s *Service) renderFeed(db *gorm.DB, name string, ownerChanged time.Time, scope func(*gorm.DB) *gorm.DB) (*Feed, error) {
	list, left, err := s.feedBookings(db, scope)
	if err != nil {
		return nil, err
	}
	entries, err := s.calendarEntries(db, list)
	if err != nil {
		return nil, fmt.Errorf("render feed: %w", err)
	}
	cal := s.feedCalendar(name)
	last := latest(ownerChanged, left)
	for i := range entries {
		e := &entries[i]
		cal.Children = append(cal.Children, s.vevent(e).Component)
		last = latest(last, e.Booking.UpdatedAt, e.Supervisor.UpdatedAt, e.Workplace.UpdatedAt)
		for _, m := range e.Managers {
			last = latest(last, m.UpdatedAt)
		}
	}
	body, err := encodeCalendar(cal)
	if err != nil {
		return nil, fmt.Errorf("render feed: %w", err)
	}
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
