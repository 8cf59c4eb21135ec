package account

import (
	"context"
	"strings"

	"github.com/sprakpool/sprakpool/booking"
)

// Options are the ways in that a pool offers beside the password, as its
// configuration sets them (SPRAKPOOL_OIDC_ISSUER, SPRAKPOOL_PASSWORD_LOGIN).
// The zero value is a pool with passwords only.
type Options struct {
	// SingleSignOn: people sign in with the municipality's account (OpenID
	// Connect), so an invitation tells them to do that instead of carrying a
	// link to choose a password.
	SingleSignOn bool
	// NoPasswords: password logins are refused (form, API token and CLI
	// alike) and so are the links that set or reset a password.
	NoPasswords bool
}

// NewWith is New for a pool with other ways in than the password.
func NewWith(svc *booking.Service, opts Options) *Service {
	s := New(svc)
	s.opts = opts
	return s
}

// PasswordLogin reports whether people may sign in with a password.
func (s *Service) PasswordLogin() bool { return !s.opts.NoPasswords }

// SingleSignOn reports whether people sign in with the municipality's account.
func (s *Service) SingleSignOn() bool { return s.opts.SingleSignOn }

// errPasswordsOff refuses what a password would do in a pool that takes none.
func errPasswordsOff() error {
	return forbidden("password login is turned off; sign in with the municipality's account")
}

// SignInVerified is the second way in: the active user whose e-mail equals
// one that the municipality's OpenID Provider has verified (in any case; the
// caller has checked the ID token's issuer, audience, nonce, signature and
// expiry). Anyone else is unauthenticated: an unknown address and a
// deactivated user alike, so the answer names no account the provider did
// not already vouch for.
func (s *Service) SignInVerified(ctx context.Context, email string) (*booking.User, error) {
	email = strings.TrimSpace(email)
	if email == "" || strings.ContainsRune(email, 0) || strings.ToValidUTF8(email, "") != email {
		return nil, errNoAccount()
	}
	u, err := s.svc.UserByEmail(ctx, email) // addresses are stored in lower case
	if booking.ErrorCode(err) == booking.CodeNotFound {
		return nil, errNoAccount()
	}
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, errNoAccount()
	}
	return u, nil
}

func errNoAccount() error {
	return &booking.Error{Code: booking.CodeUnauthorized, Message: "no active account has this e-mail address"}
}
