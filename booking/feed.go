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

	"gorm.io/gorm"
)

// Calendar feeds: a supervisor's, a workplace's and the whole pool's bookings,
// behind secret URLs that phones and Outlook poll. booking/calendar renders
// them; what stays here is what the core writes in its own transactions: the
// feeds' tokens (issued with a new supervisor or workplace, renewed on request
// and when a user loses access) and the note that a booking left a feed.
//
// A feed token is HMAC-SHA256(feed key, kind ":" nonce), base64url: 256 bits no
// one can guess. The database keeps the key (feed_secrets), each feed's random
// nonce, and only the SHA-256 of each token, by which a request finds its feed.
// So the token can be shown again (the API's feed_url) without being stored, a
// lookup never compares secrets, and renewing (a new nonce) kills the old URL.

// Feed kinds, as they appear in feed paths (/ical/{kind}/{token}.ics).
const (
	FeedSupervisor = "supervisors"
	FeedWorkplace  = "workplaces"
	FeedPool       = "pool"
)

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

// FeedKey is the random key the database keeps, from which every feed token
// is derived; package account derives its signing keys from it (each for its
// own purpose, so none doubles as the feed key).
func FeedKey(db *gorm.DB) ([]byte, error) { return feedKey(db) }

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
	return poolFeedToken(s.store.Read(ctx))
}

func poolFeedToken(db *gorm.DB) (string, error) {
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

// FeedByToken finds the feed a token of that kind opens, for booking/calendar,
// which renders it: the id of its supervisor or workplace, 0 for the pool's. A
// token of another shape, kind or feed, or one renewed since, is not found. The
// tokens of supervisors and workplaces are found by their hash; the pool's is
// compared in constant time.
func FeedByToken(db *gorm.DB, kind, token string) (int64, error) {
	if !tokenShape.MatchString(token) {
		return 0, errNotFound("calendar")
	}
	if kind == FeedPool {
		want, err := poolFeedToken(db)
		if err != nil {
			return 0, err
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
			return 0, errNotFound("calendar")
		}
		return 0, nil
	}
	if kind != FeedSupervisor && kind != FeedWorkplace {
		return 0, errNotFound("calendar")
	}
	var ids []int64
	if err := db.Table(kind).Where("feed_token_hash = ? AND feed_nonce <> ''", hashToken(token)).
		Order("id").Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("%s feed: %w", kind, err)
	}
	if len(ids) == 0 {
		return 0, errNotFound("calendar")
	}
	return ids[0], nil
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
