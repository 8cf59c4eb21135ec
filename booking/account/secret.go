package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"github.com/sprakpool/sprakpool/booking/internal/feedtoken"
)

// SigningKey returns a key for one purpose (such as the web layer's CSRF
// tokens), derived from the random key the database already keeps for feed
// tokens. Every process that shares the database derives the same key, so a
// token one instance issued holds at another and after a restart, and nobody
// without the database can make one. The purpose is part of the derivation,
// so a key never doubles as the feed key or as another purpose's key.
func (s *Service) SigningKey(ctx context.Context, purpose string) ([]byte, error) {
	key, err := feedtoken.Key(s.db.Read(ctx))
	if err != nil {
		return nil, fmt.Errorf("signing key for %s: %w", purpose, err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("sprakpool signing key\x00" + purpose))
	return m.Sum(nil), nil
}
