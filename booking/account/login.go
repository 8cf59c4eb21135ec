package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
)

type authFailure struct {
	ID  int64
	Key string
	At  time.Time
}

// Limits on failed sign-ins within the failure window.
const (
	failureWindow       = 15 * time.Minute
	maxPasswordFailures = 10 // the 10th wrong password in a row is refused as rate limited
	maxBadTokensPerAddr = 20 // the 21st bad token from one address is refused as rate limited
	// maxLoginFailuresPerAddr: from one address, this many wrong passwords within
	// the failure window (over any accounts, form and API together) and further
	// tries are refused.
	maxLoginFailuresPerAddr = 30
	errMsgRateLimited       = "too many failed attempts; wait 15 minutes and try again"
	errMsgUnauthenticated   = "missing or invalid credentials"
	errMsgWrongPassword     = "wrong e-mail or password"
	// tokenUseResolution: an API token's last use is written at most this
	// often, so a busy script does not turn every request into a write.
	tokenUseResolution = time.Minute
)

// dummyPasswordHash is compared against when no account can match (unknown
// address, deactivated user, no password), so that a login takes as long as
// one with a wrong password for a real account and the timing tells nobody who
// has an account. It has bcrypt.DefaultCost, like every stored hash; its
// password is unknown and irrelevant: the comparison's result is never used.
const dummyPasswordHash = "$2a$10$x8yFPfW0eOBbiwPfLBX5neyx9GYkAYuNFrY9eJB3rh5n0VnQdl4IO"

// Login checks an e-mail and password with no address to count (the CLI and
// tests); see LoginFrom.
func (s *Service) Login(ctx context.Context, email, password string) (*booking.User, error) {
	return s.LoginFrom(ctx, email, password, "")
}

// LoginFrom checks an e-mail and password sent from addr, for the login form
// and POST /api/v1/auth/token alike. Two limits apply within the failure
// window: the 10th wrong password in a row for an account is refused as rate
// limited, and so is every try after it; from one address, after 30 wrong
// passwords (over any accounts) every try is refused.
//
// Each try is recorded as a failure before its password is checked, in the
// same write transaction that counts the earlier ones; a right password
// removes the record again. So however many tries for one account arrive at
// once, at most maxPasswordFailures of them reach bcrypt: the others already
// see the limit reached. Every try that reaches bcrypt costs the same whether
// or not the account exists.
func (s *Service) LoginFrom(ctx context.Context, email, password, addr string) (*booking.User, error) {
	if s.opts.NoPasswords {
		return nil, errPasswordsOff()
	}
	if strings.ContainsRune(email, 0) || strings.ToValidUTF8(email, "") != email {
		// No account has such an address, and PostgreSQL refuses the text in a
		// query (a 500, found by fuzzing).
		return nil, &booking.Error{Code: booking.CodeUnauthorized, Message: errMsgWrongPassword}
	}
	u, err := s.svc.UserByEmail(ctx, email)
	if err != nil && booking.ErrorCode(err) != booking.CodeNotFound {
		return nil, err
	}
	key := "account:" + strings.ToLower(strings.TrimSpace(email))
	try, err := s.beginLogin(ctx, key, addr)
	if err != nil {
		return nil, err
	}
	if try.limited {
		return nil, &booking.Error{Code: booking.CodeRateLimited, Message: errMsgRateLimited}
	}
	hash := dummyPasswordHash
	if u != nil && u.Active && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	s.passwordChecks.Add(1)
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil && hash != dummyPasswordHash {
		// The right password: the wrong ones before it no longer count in a
		// row, and this try was no failure from its address either.
		err := s.db.Write(ctx, func(tx *gorm.DB) error {
			if err := tx.Where("key = ?", key).Delete(&authFailure{}).Error; err != nil {
				return err
			}
			return tx.Where("id = ?", try.addrRow).Delete(&authFailure{}).Error
		})
		if err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		return u, nil
	}
	if try.failures >= maxPasswordFailures {
		return nil, &booking.Error{Code: booking.CodeRateLimited, Message: errMsgRateLimited}
	}
	return nil, &booking.Error{Code: booking.CodeUnauthorized, Message: errMsgWrongPassword}
}

// loginTry is a login attempt recorded before its password is checked.
type loginTry struct {
	limited  bool  // refused unchecked: a limit was already reached
	failures int64 // the account's failures in a row, this try included
	addrRow  int64 // the id of this try's row under its address (0: none)
}

// beginLogin counts the earlier failures of the account and the address and,
// unless a limit is already reached, records this try under both, in one
// write transaction, so that simultaneous tries are counted one after another.
func (s *Service) beginLogin(ctx context.Context, key, addr string) (*loginTry, error) {
	try := &loginTry{}
	now := s.now()
	since := now.Add(-failureWindow)
	err := s.db.Write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("at <= ?", since).Delete(&authFailure{}).Error; err != nil {
			return err
		}
		if addr != "" {
			addrKey := "login-addr:" + addr
			var n int64
			if err := tx.Model(&authFailure{}).Where("key = ? AND at > ?", addrKey, since).Count(&n).Error; err != nil {
				return err
			}
			if n >= maxLoginFailuresPerAddr {
				try.limited = true
				return nil
			}
			row := &authFailure{Key: addrKey, At: now}
			if err := tx.Create(row).Error; err != nil {
				return err
			}
			try.addrRow = row.ID
		}
		if err := tx.Model(&authFailure{}).Where("key = ? AND at > ?", key, since).Count(&try.failures).Error; err != nil {
			return err
		}
		if try.failures >= maxPasswordFailures {
			try.limited = true
			return nil
		}
		try.failures++
		return tx.Create(&authFailure{Key: key, At: now}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("record login attempt: %w", err)
	}
	return try, nil
}

// TokenForLogin signs in with e-mail and password from addr (counted like the
// login form) and returns a new API token.
func (s *Service) TokenForLogin(ctx context.Context, email, password, addr string) (string, error) {
	u, err := s.LoginFrom(ctx, email, password, addr)
	if err != nil {
		return "", err
	}
	return s.createToken(ctx, u)
}

// recordFailure notes one failure and returns how many there are in the window.
func (s *Service) recordFailure(ctx context.Context, key string) (int64, error) {
	var n int64
	now := s.now()
	err := s.db.Write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("at <= ?", now.Add(-failureWindow)).Delete(&authFailure{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&authFailure{Key: key, At: now}).Error; err != nil {
			return err
		}
		return tx.Model(&authFailure{}).Where("key = ? AND at > ?", key, now.Add(-failureWindow)).Count(&n).Error
	})
	if err != nil {
		return 0, fmt.Errorf("record auth failure: %w", err)
	}
	return n, nil
}
