// Package account is how people sign in: passwords with their limits on
// failed tries, API tokens, the one-time links of invitations and password
// resets, the browser sessions and the keys that sign the pages' CSRF tokens.
// A second way in (OpenID Connect) belongs here, beside the password login.
// The user itself, its role and its access are the core's (booking); so is
// ending a user's sessions, tokens and links when the user is deactivated
// (booking.EndAccess), which this package's password changes call too.
package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// Service signs people in to the pool that a booking service serves.
type Service struct {
	svc *booking.Service
	db  *sqldb.DB
	// passwordChecks counts the bcrypt comparisons logins made, so tests can
	// see that the limits bound them and that an unknown address costs one too.
	passwordChecks *atomic.Int64
	opts           Options // the ways in beside the password (oidc.go)
	tokens         *tokenCache
}

// New builds the sign-in of the pool that svc serves. It keeps the users of
// API tokens lately used (tokencache.go), each Service its own, correct
// whatever the others do; one per process saves reads.
func New(svc *booking.Service) *Service {
	return &Service{svc: svc, db: svc.DB(), passwordChecks: new(atomic.Int64), tokens: newTokenCache(svc.DB())}
}

// now is the service's clock, in UTC.
func (s *Service) now() time.Time { return s.svc.Clock() }

// hashToken is how every secret is kept: its SHA-256, in hex (the core keeps
// feed tokens the same way).
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

func notFound(what string) error {
	return &booking.Error{Code: booking.CodeNotFound, Message: what + " not found"}
}

func forbidden(msg string) error { return &booking.Error{Code: booking.CodeForbidden, Message: msg} }
