package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// Account token kinds, which are also the kinds of the mail that carries each
// link, and how long their links work.
const (
	TokenInvite        = "invite"
	TokenPasswordReset = "password_reset"
	inviteLifetime     = 7 * 24 * time.Hour
	resetLifetime      = time.Hour
	// maxResetMailsPerHour: password-reset mails to one account within an
	// hour; more requests are answered the same way but send nothing.
	maxResetMailsPerHour = 3
)

type accountToken struct {
	ID        int64
	UserID    int64
	Kind      string
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

// Locales a user may choose for the web pages.

// InviteUser creates a user who has no usable password yet and mails them a
// one-time link with which they choose one; the user and the mail are stored
// together. The link is returned too (for tests and the log). The password
// field of in is ignored.
func (s *Service) InviteUser(ctx context.Context, actor *booking.User, in booking.UserInput) (*booking.User, string, error) {
	if !actor.IsAdmin() {
		return nil, "", forbidden("only coordinators may invite users")
	}
	u, err := s.svc.NewInvitedUser(in)
	if err != nil {
		return nil, "", err
	}
	var link string
	err = s.db.Write(ctx, func(tx *gorm.DB) error {
		if err := booking.InsertUser(tx, u); err != nil {
			return err
		}
		link, err = s.mailAccountLink(tx, u, TokenInvite, inviteLifetime)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("invite %s: %w", u.Email, err)
	}
	return u, link, nil
}

// RequestPasswordReset mails a one-time link to the active user with that
// e-mail, at most maxResetMailsPerHour an hour. For an unknown address, a
// deactivated user or one over the limit it mails nothing and returns no
// link and no error, so the page cannot be used to find out who has an
// account; and it does the same work (one lookup, one write transaction, one
// count) either way, so neither can its timing.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) (*booking.User, string, error) {
	if s.opts.NoPasswords {
		return nil, "", errPasswordsOff()
	}
	u, err := s.svc.UserByEmail(ctx, email)
	if err != nil && booking.ErrorCode(err) != booking.CodeNotFound {
		return nil, "", err
	}
	var userID int64 // no user has id 0
	if u != nil && u.Active {
		userID = u.ID
	}
	var link string
	err = s.db.Write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&accountToken{}).Where("user_id = ? AND kind = ? AND created_at > ?",
			userID, TokenPasswordReset, s.now().Add(-time.Hour)).Count(&n).Error; err != nil {
			return err
		}
		if userID == 0 || n >= maxResetMailsPerHour {
			return nil
		}
		link, err = s.mailAccountLink(tx, u, TokenPasswordReset, resetLifetime)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("password reset for %s: %w", email, err)
	}
	if link == "" {
		return nil, "", nil
	}
	return u, link, nil
}

// mailAccountLink makes a one-time link of that kind for the user and puts
// the mail that carries it into the outbox, inside the caller's transaction.
//
// In a pool where people sign in with the municipality's account, an
// invitation carries no password link: it sends the new user to the login
// page and its button (payload "sso": true), and no link is stored.
func (s *Service) mailAccountLink(tx *gorm.DB, u *booking.User, kind string, life time.Duration) (string, error) {
	base := strings.TrimRight(s.svc.Config().BaseURL, "/")
	var link string
	sso := kind == TokenInvite && s.opts.SingleSignOn
	if sso {
		link = base + "/"
	} else {
		secret := randomToken(32)
		now := s.now()
		if err := tx.Create(&accountToken{UserID: u.ID, Kind: kind, TokenHash: hashToken(secret),
			ExpiresAt: now.Add(life), CreatedAt: now}).Error; err != nil {
			return "", err
		}
		path := "/reset/"
		if kind == TokenInvite {
			path = "/invite/"
		}
		link = base + path + secret
	}
	payload, err := json.Marshal(map[string]any{"link": link, "name": u.Name, "sso": sso})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(link))
	key := kind + ":user:" + strconv.FormatInt(u.ID, 10) + ":" + hex.EncodeToString(sum[:8])
	id := u.ID
	// The mail's kind is the link's: invite or password_reset.
	if _, err := s.svc.InsertMessage(tx, &booking.Message{Key: key, Kind: kind, Recipient: u.Email, UserID: &id, Payload: string(payload)}); err != nil {
		return "", err
	}
	return link, nil
}

// AccountTokenUser returns the user of an unused, unexpired link of that kind.
// A deactivated user's links do not work.
func (s *Service) AccountTokenUser(ctx context.Context, kind, secret string) (*booking.User, error) {
	t, err := s.accountToken(s.db.Read(ctx), kind, secret)
	if err != nil {
		return nil, err
	}
	return s.svc.UserByID(ctx, t.UserID)
}

func (s *Service) accountToken(db *gorm.DB, kind, secret string) (*accountToken, error) {
	var t accountToken
	err := db.Where("token_hash = ? AND kind = ?", hashToken(secret), kind).
		Where("user_id IN (?)", db.Model(&booking.User{}).Select("id").Where("active = ?", true)).First(&t).Error
	if sqldb.IsNotFound(err) {
		return nil, notFound("link")
	}
	if err != nil {
		return nil, fmt.Errorf("account link: %w", err)
	}
	if t.UsedAt != nil || !s.now().Before(t.ExpiresAt) {
		return nil, notFound("link")
	}
	return &t, nil
}

func checkPassword(p *booking.Problems, field, password string) {
	if len(password) < booking.MinPasswordLength {
		p.Add(field, "password_short", "must be at least %d characters", booking.MinPasswordLength)
	} else if len(password) > 72 {
		p.Add(field, "password_long", "must be at most 72 bytes")
	}
}

// SetPasswordWithToken uses a one-time link: it sets the password, spends the
// link and every other link of the user, and ends every session and API token
// the user had. A deactivated user's link sets nothing.
func (s *Service) SetPasswordWithToken(ctx context.Context, kind, secret, password string) (*booking.User, error) {
	if s.opts.NoPasswords {
		return nil, errPasswordsOff()
	}
	var p booking.Problems
	checkPassword(&p, "password", password)
	if err := p.Err(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("set password: %w", err)
	}
	var userID int64
	err = s.db.Write(ctx, func(tx *gorm.DB) error {
		t, err := s.accountToken(tx, kind, secret)
		if err != nil {
			return err
		}
		userID = t.UserID
		now := s.now()
		if err := tx.Model(t).Update("used_at", now).Error; err != nil {
			return err
		}
		return setPassword(tx, userID, string(hash), now)
	})
	if err != nil {
		return nil, fmt.Errorf("set password with link: %w", err)
	}
	return s.svc.UserByID(ctx, userID)
}

// setPassword stores a new password hash and ends every other way in that the
// old password gave or that could set another one: sessions, API tokens,
// unused invitation and reset links.
func setPassword(tx *gorm.DB, userID int64, hash string, now time.Time) error {
	if err := tx.Model(&booking.User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
		return err
	}
	return booking.EndAccess(tx, userID, now)
}

// ChangePassword sets a new password after checking the current one, and ends
// every session and API token of the user (the caller starts a fresh session
// for this browser).
func (s *Service) ChangePassword(ctx context.Context, actor *booking.User, current, password string) error {
	if s.opts.NoPasswords {
		return errPasswordsOff()
	}
	var p booking.Problems
	if actor == nil || bcrypt.CompareHashAndPassword([]byte(actor.PasswordHash), []byte(current)) != nil {
		p.Add("current_password", "wrong_password", "is wrong")
	}
	checkPassword(&p, "password", password)
	if err := p.Err(); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	err = s.db.Write(ctx, func(tx *gorm.DB) error { return setPassword(tx, actor.ID, string(hash), s.now()) })
	if err != nil {
		return fmt.Errorf("change password of user %d: %w", actor.ID, err)
	}
	return nil
}
