package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// Account token kinds and how long their links work.
const (
	TokenInvite        = "invite"
	TokenPasswordReset = "password_reset"
	inviteLifetime     = 7 * 24 * time.Hour
	resetLifetime      = time.Hour
	// maxLoginFailuresPerAddr: from one address, this many wrong passwords within
	// the failure window (over any accounts) and further tries are refused.
	maxLoginFailuresPerAddr = 30
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

// LoginFrom is Login for the web form: besides the per-account limit, wrong
// passwords are counted per address, so one machine cannot try many accounts.
func (s *Service) LoginFrom(ctx context.Context, email, password, addr string) (*User, error) {
	key := "login-addr:" + addr
	n, err := s.countFailures(ctx, key)
	if err != nil {
		return nil, err
	}
	if n >= maxLoginFailuresPerAddr {
		return nil, &Error{Code: CodeRateLimited, Message: errMsgRateLimited}
	}
	u, err := s.Login(ctx, email, password)
	if err != nil && (ErrorCode(err) == CodeUnauthorized || ErrorCode(err) == CodeRateLimited) {
		if _, ferr := s.recordFailure(ctx, key); ferr != nil {
			return nil, ferr
		}
	}
	return u, err
}

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

// InviteUser creates a user who has no usable password yet and returns the
// one-time link with which they choose one. The password field of in is ignored.
func (s *Service) InviteUser(ctx context.Context, actor *User, in UserInput) (*User, string, error) {
	if !actor.IsAdmin() {
		return nil, "", errForbidden("only coordinators may invite users")
	}
	in.Password = randomToken(32) // nobody knows it; the link replaces it
	u, err := s.CreateUser(ctx, in)
	if err != nil {
		return nil, "", err
	}
	link, err := s.accountLink(ctx, u, TokenInvite, inviteLifetime)
	if err != nil {
		return nil, "", fmt.Errorf("invite %s: %w", u.Email, err)
	}
	return u, link, nil
}

// RequestPasswordReset makes a one-time link for the active user with that
// e-mail; for an unknown address it returns no link and no error, so the page
// cannot be used to find out who has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) (*User, string, error) {
	u, err := s.UserByEmail(ctx, email)
	if ErrorCode(err) == CodeNotFound || (err == nil && !u.Active) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	link, err := s.accountLink(ctx, u, TokenPasswordReset, resetLifetime)
	if err != nil {
		return nil, "", fmt.Errorf("password reset for %s: %w", u.Email, err)
	}
	return u, link, nil
}

func (s *Service) accountLink(ctx context.Context, u *User, kind string, life time.Duration) (string, error) {
	secret := randomToken(32)
	now := s.now()
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		return tx.Create(&accountToken{UserID: u.ID, Kind: kind, TokenHash: hashToken(secret),
			ExpiresAt: now.Add(life), CreatedAt: now}).Error
	})
	if err != nil {
		return "", err
	}
	path := "/reset/"
	if kind == TokenInvite {
		path = "/invite/"
	}
	return strings.TrimRight(s.cfg.BaseURL, "/") + path + secret, nil
}

// AccountTokenUser returns the user of an unused, unexpired link of that kind.
func (s *Service) AccountTokenUser(ctx context.Context, kind, secret string) (*User, error) {
	t, err := s.accountToken(s.store.Read(ctx), kind, secret)
	if err != nil {
		return nil, err
	}
	return s.userByID(ctx, t.UserID)
}

func (s *Service) accountToken(db *gorm.DB, kind, secret string) (*accountToken, error) {
	var t accountToken
	err := db.Where("token_hash = ? AND kind = ?", hashToken(secret), kind).First(&t).Error
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
		p.Add(field, "must be at least %d characters", MinPasswordLength)
	} else if len(password) > 72 {
		p.Add(field, "must be at most 72 bytes")
	}
}

// SetPasswordWithToken uses a one-time link: it sets the password, spends the
// link, and ends every session the user had.
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

func setPassword(tx *gorm.DB, userID int64, hash string, now time.Time) error {
	if err := tx.Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
		return err
	}
	return revokeSessions(tx, userID)
}

// ChangePassword sets a new password after checking the current one, and ends
// every session of the user (the caller starts a fresh one for this browser).
func (s *Service) ChangePassword(ctx context.Context, actor *User, current, password string) error {
	var p Problems
	if actor == nil || bcrypt.CompareHashAndPassword([]byte(actor.PasswordHash), []byte(current)) != nil {
		p.Add("current_password", "is wrong")
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
		return (&Problems{{Field: "locale", Message: "must be sv or en"}}).Err()
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

// DeactivateUser stops a user from signing in: their sessions and API tokens end at once.
func (s *Service) DeactivateUser(ctx context.Context, actor *User, id int64) error {
	if !actor.IsAdmin() {
		return errForbidden("only coordinators may deactivate users")
	}
	if actor.ID == id {
		return (&Problems{{Field: "user", Message: "you cannot deactivate yourself"}}).Err()
	}
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{"active": false, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errNotFound("user")
		}
		if err := tx.Model(&apiToken{}).Where("user_id = ? AND revoked_at IS NULL", id).Update("revoked_at", s.now()).Error; err != nil {
			return err
		}
		return revokeSessions(tx, id)
	})
	if err != nil {
		return fmt.Errorf("deactivate user %d: %w", id, err)
	}
	return nil
}
