package booking

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
var Locales = []string{"sv", "en"}

// UserByID returns a user for the session layer, which has no actor yet.
func (s *Service) UserByID(ctx context.Context, id int64) (*User, error) { return s.userByID(ctx, id) }

// ListUsers returns every user by name (coordinators only).
func (s *Service) ListUsers(ctx context.Context, actor *User) ([]User, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden("only coordinators may list users")
	}
	var list []User
	if err := s.store.Read(ctx).Order("name, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	for i := range list {
		if err := s.loadUserWorkplaces(ctx, &list[i]); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// InviteUser creates a user who has no usable password yet and mails them a
// one-time link with which they choose one; the user and the mail are stored
// together. The link is returned too (for tests and the log). The password
// field of in is ignored.
func (s *Service) InviteUser(ctx context.Context, actor *User, in UserInput) (*User, string, error) {
	if !actor.IsAdmin() {
		return nil, "", errForbidden("only coordinators may invite users")
	}
	var p Problems
	in.validate(&p)
	if err := p.Err(); err != nil {
		return nil, "", err
	}
	in.Password = randomToken(32) // nobody knows it; the link replaces it
	u, err := s.newUser(in)
	if err != nil {
		return nil, "", err
	}
	var link string
	err = s.store.write(ctx, func(tx *gorm.DB) error {
		if err := insertUser(tx, u); err != nil {
			return err
		}
		link, err = s.mailAccountLink(tx, u, TokenInvite, inviteLifetime)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("invite %s: %w", in.Email, err)
	}
	return u, link, nil
}

// RequestPasswordReset mails a one-time link to the active user with that
// e-mail, at most maxResetMailsPerHour an hour. For an unknown address, a
// deactivated user or one over the limit it mails nothing and returns no
// link and no error, so the page cannot be used to find out who has an
// account; and it does the same work (one lookup, one write transaction, one
// count) either way, so neither can its timing.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) (*User, string, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil && ErrorCode(err) != CodeNotFound {
		return nil, "", err
	}
	var userID int64 // no user has id 0
	if u != nil && u.Active {
		userID = u.ID
	}
	var link string
	err = s.store.write(ctx, func(tx *gorm.DB) error {
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
func (s *Service) mailAccountLink(tx *gorm.DB, u *User, kind string, life time.Duration) (string, error) {
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
	link := strings.TrimRight(s.cfg.BaseURL, "/") + path + secret
	payload, err := json.Marshal(map[string]any{"link": link, "name": u.Name})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(link))
	key := kind + ":user:" + strconv.FormatInt(u.ID, 10) + ":" + hex.EncodeToString(sum[:8])
	id := u.ID
	// The mail's kind is the link's: invite or password_reset.
	if _, err := s.InsertMessage(tx, &Message{Key: key, Kind: kind, Recipient: u.Email, UserID: &id, Payload: string(payload)}); err != nil {
		return "", err
	}
	return link, nil
}

// AccountTokenUser returns the user of an unused, unexpired link of that kind.
// A deactivated user's links do not work.
func (s *Service) AccountTokenUser(ctx context.Context, kind, secret string) (*User, error) {
	t, err := s.accountToken(s.store.Read(ctx), kind, secret)
	if err != nil {
		return nil, err
	}
	return s.userByID(ctx, t.UserID)
}

func (s *Service) accountToken(db *gorm.DB, kind, secret string) (*accountToken, error) {
	var t accountToken
	err := db.Where("token_hash = ? AND kind = ?", hashToken(secret), kind).
		Where("user_id IN (?)", db.Model(&User{}).Select("id").Where("active = ?", true)).First(&t).Error
	if isNotFound(err) {
		return nil, errNotFound("link")
	}
	if err != nil {
		return nil, fmt.Errorf("account link: %w", err)
	}
	if t.UsedAt != nil || !s.now().Before(t.ExpiresAt) {
		return nil, errNotFound("link")
	}
	return &t, nil
}

func checkPassword(p *Problems, field, password string) {
	if len(password) < MinPasswordLength {
		p.Add(field, "password_short", "must be at least %d characters", MinPasswordLength)
	} else if len(password) > 72 {
		p.Add(field, "password_long", "must be at most 72 bytes")
	}
}

// SetPasswordWithToken uses a one-time link: it sets the password, spends the
// link and every other link of the user, and ends every session and API token
// the user had. A deactivated user's link sets nothing.
func (s *Service) SetPasswordWithToken(ctx context.Context, kind, secret, password string) (*User, error) {
	var p Problems
	checkPassword(&p, "password", password)
	if err := p.Err(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("set password: %w", err)
	}
	var userID int64
	err = s.store.write(ctx, func(tx *gorm.DB) error {
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
	return s.userByID(ctx, userID)
}

// setPassword stores a new password hash and ends every other way in that the
// old password gave or that could set another one: sessions, API tokens,
// unused invitation and reset links.
func setPassword(tx *gorm.DB, userID int64, hash string, now time.Time) error {
	if err := tx.Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
		return err
	}
	return endAccess(tx, userID, now)
}

// endAccess ends, inside the caller's transaction, every session, API token
// and unused account link of the user. The token rows stay (revoked), so the
// audit of who held which token survives.
func endAccess(tx *gorm.DB, userID int64, now time.Time) error {
	if err := tx.Model(&apiToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("revoke API tokens of user %d: %w", userID, err)
	}
	if err := tx.Model(&accountToken{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error; err != nil {
		return fmt.Errorf("end account links of user %d: %w", userID, err)
	}
	if err := revokeSessions(tx, userID); err != nil {
		return fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	return nil
}

// ChangePassword sets a new password after checking the current one, and ends
// every session and API token of the user (the caller starts a fresh session
// for this browser).
func (s *Service) ChangePassword(ctx context.Context, actor *User, current, password string) error {
	var p Problems
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
	err = s.store.write(ctx, func(tx *gorm.DB) error { return setPassword(tx, actor.ID, string(hash), s.now()) })
	if err != nil {
		return fmt.Errorf("change password of user %d: %w", actor.ID, err)
	}
	return nil
}

// SetLocale stores the language the user reads the pages in.
func (s *Service) SetLocale(ctx context.Context, actor *User, locale string) error {
	if !oneOf(locale, Locales) {
		return (&Problems{{Field: "locale", Key: "locale", Message: "must be sv or en"}}).Err()
	}
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		return tx.Model(&User{}).Where("id = ?", actor.ID).Updates(map[string]any{"locale": locale, "updated_at": s.now()}).Error
	})
	if err != nil {
		return fmt.Errorf("set locale of user %d: %w", actor.ID, err)
	}
	actor.Locale = locale
	return nil
}

// DeactivateUser stops a user from signing in: their sessions, API tokens
// and links end at once, and the feeds they could see get new URLs. It is
// UpdateUser with {active: false}.
func (s *Service) DeactivateUser(ctx context.Context, actor *User, id int64) error {
	inactive := false
	_, err := s.UpdateUser(ctx, actor, id, UserPatch{Active: &inactive})
	return err
}
