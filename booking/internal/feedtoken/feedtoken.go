// Package feedtoken keeps the secrets of the calendar feeds: the feed key, the
// tokens derived from it and the lookup of the feed a token opens. It knows
// the feeds' tables by name only, so booking and the packages under it use it
// without an import cycle.
//
// A feed token is HMAC-SHA256(feed key, kind ":" nonce), base64url: 256 bits no
// one can guess. The database keeps the key (feed_secrets), each feed's random
// nonce, and only the SHA-256 of each token, by which a request finds its feed.
// So the token can be shown again (the API's feed_url) without being stored, a
// lookup never compares secrets, and renewing (a new nonce) kills the old URL.
package feedtoken

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"

	"gorm.io/gorm"
)

// Feed kinds, as they appear in feed paths (/ical/{kind}/{token}.ics); those of
// supervisors and workplaces are also the names of their tables.
const (
	Supervisor = "supervisors"
	Workplace  = "workplaces"
	Pool       = "pool"
)

// ErrNotFound is what ByToken returns for a token that opens no feed.
var ErrNotFound = errors.New("calendar not found")

var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

type feedSecret struct {
	Name  string `gorm:"primaryKey"`
	Value string
}

func (feedSecret) TableName() string { return "feed_secrets" }

func secretValue(db *gorm.DB, name string) (string, error) {
	var row feedSecret
	if err := db.Where("name = ?", name).First(&row).Error; err != nil {
		return "", fmt.Errorf("read feed secret %s: %w", name, err)
	}
	return row.Value, nil
}

// Key is the random key the database keeps, from which every feed token is
// derived; package account derives its signing keys from it (each for its own
// purpose, so none doubles as the feed key).
func Key(db *gorm.DB) ([]byte, error) {
	v, err := secretValue(db, "key")
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

// Derive turns a feed's nonce into its token.
func Derive(key []byte, kind, nonce string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind + ":" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// NewNonce returns a fresh nonce and the hash of the token it gives.
func NewNonce(key []byte, kind string) (nonce, hash string) {
	nonce = randomToken(16)
	return nonce, hashToken(Derive(key, kind, nonce))
}

// NewNonceTx is a fresh nonce for a feed of that kind and the hash of the
// token it gives, with the feed key read inside the caller's transaction:
// storing both in place of a feed's old ones kills its old URL, as the privacy
// erasure does for a supervisor's feed.
func NewNonceTx(tx *gorm.DB, kind string) (nonce, hash string, err error) {
	nonce, hash, _, err = New(tx, kind)
	return nonce, hash, err
}

// New is NewNonceTx with the token the nonce gives, for a feed being created
// or renewed whose new URL is shown at once.
func New(tx *gorm.DB, kind string) (nonce, hash, token string, err error) {
	key, err := Key(tx)
	if err != nil {
		return "", "", "", err
	}
	nonce, hash = NewNonce(key, kind)
	return nonce, hash, Derive(key, kind, nonce), nil
}

// Fill sets the token of each item of a list of feeds of that kind from its
// nonce; field gives an item's nonce and where its token goes.
func Fill[T any](db *gorm.DB, kind string, list []T, field func(*T) (nonce string, token *string)) error {
	if len(list) == 0 {
		return nil
	}
	key, err := Key(db)
	if err != nil {
		return err
	}
	for i := range list {
		if nonce, token := field(&list[i]); nonce != "" {
			*token = Derive(key, kind, nonce)
		}
	}
	return nil
}

// Renew gives a supervisor's or workplace's feed a new nonce, so its old URL
// stops working; row is the gorm model of the feed's row (with its id), which
// moves its updated_at.
func Renew(tx *gorm.DB, kind string, row any) error {
	nonce, hash, err := NewNonceTx(tx, kind)
	if err != nil {
		return err
	}
	return tx.Model(row).Updates(map[string]any{"feed_nonce": nonce, "feed_token_hash": hash}).Error
}

// IssueMissing gives every supervisor and workplace that has none (rows from
// before feed tokens were derived) a nonce and a token hash.
func IssueMissing(tx *gorm.DB) error {
	key, err := Key(tx)
	if err != nil {
		return err
	}
	for _, table := range []string{Supervisor, Workplace} {
		var ids []int64
		if err := tx.Table(table).Where("feed_nonce = ''").Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("issue feed tokens: %w", err)
		}
		for _, id := range ids {
			nonce, hash := NewNonce(key, table)
			if err := tx.Table(table).Where("id = ?", id).
				Updates(map[string]any{"feed_nonce": nonce, "feed_token_hash": hash}).Error; err != nil {
				return fmt.Errorf("issue feed token of %s %d: %w", table, id, err)
			}
		}
	}
	return nil
}

// PoolToken returns the secret of the whole pool's feed.
func PoolToken(db *gorm.DB) (string, error) {
	key, err := Key(db)
	if err != nil {
		return "", err
	}
	nonce, err := secretValue(db, "pool")
	if err != nil {
		return "", err
	}
	return Derive(key, Pool, nonce), nil
}

// RenewPool replaces the secret of the pool's feed; the old URL stops working.
func RenewPool(tx *gorm.DB) error {
	return tx.Model(&feedSecret{}).Where("name = ?", "pool").Update("value", randomToken(16)).Error
}

// ByToken finds the feed a token of that kind opens, for booking/calendar,
// which renders it: the id of its supervisor or workplace, 0 for the pool's. A
// token of another shape, kind or feed, or one renewed since, is ErrNotFound.
// The tokens of supervisors and workplaces are found by their hash; the pool's
// is compared in constant time.
func ByToken(db *gorm.DB, kind, token string) (int64, error) {
	if !tokenShape.MatchString(token) {
		return 0, ErrNotFound
	}
	if kind == Pool {
		want, err := PoolToken(db)
		if err != nil {
			return 0, err
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
			return 0, ErrNotFound
		}
		return 0, nil
	}
	if kind != Supervisor && kind != Workplace {
		return 0, ErrNotFound
	}
	var ids []int64
	if err := db.Table(kind).Where("feed_token_hash = ? AND feed_nonce <> ''", hashToken(token)).
		Order("id").Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("%s feed: %w", kind, err)
	}
	if len(ids) == 0 {
		return 0, ErrNotFound
	}
	return ids[0], nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// randomToken returns n random bytes as hex.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return hex.EncodeToString(b)
}
