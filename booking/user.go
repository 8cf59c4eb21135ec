package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// User is someone who signs in: a coordinator (admin), a manager tied to
// workplaces, or a supervisor tied to one supervisor. Every service call is made
// on behalf of a user, the actor.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string `json:"-"`
	SupervisorID *int64
	Locale       string
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
	WorkplaceIDs []int64 `gorm:"-"`
}

// IsAdmin reports whether u runs the pool.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// Manages reports whether u is a manager of the workplace.
func (u *User) Manages(workplaceID int64) bool {
	if u == nil || u.Role != RoleManager {
		return false
	}
	for _, id := range u.WorkplaceIDs {
		if id == workplaceID {
			return true
		}
	}
	return false
}

// Is reports whether u is the user of the supervisor.
func (u *User) Is(supervisorID int64) bool {
	return u != nil && u.Role == RoleSupervisor && u.SupervisorID != nil && *u.SupervisorID == supervisorID
}

type userWorkplace struct {
	UserID      int64
	WorkplaceID int64
}

type apiToken struct {
	ID         int64
	UserID     int64
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

type authFailure struct {
	ID  int64
	Key string
	At  time.Time
}

// UserInput creates a user.
type UserInput struct {
	Email        string
	Name         string
	Role         string
	WorkplaceIDs []int64
	SupervisorID *int64
	Password     string
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// CreateUser adds a user; only the CLI and admins call it.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (*User, error) {
	var p Problems
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	checkEmail(&p, "email", in.Email)
	in.Name = strings.TrimSpace(in.Name)
	checkText(&p, "name", in.Name, 200, true)
	if !oneOf(in.Role, []string{RoleAdmin, RoleManager, RoleSupervisor}) {
		p.Add("role", "must be admin, manager or supervisor")
	}
	if len(in.Password) < MinPasswordLength {
		p.Add("password", "must be at least %d characters", MinPasswordLength)
	}
	if in.Role == RoleManager && len(in.WorkplaceIDs) == 0 {
		p.Add("workplace_ids", "a manager needs at least one workplace")
	}
	if in.Role != RoleManager && len(in.WorkplaceIDs) > 0 {
		p.Add("workplace_ids", "only managers have workplaces")
	}
	if in.Role == RoleSupervisor && in.SupervisorID == nil {
		p.Add("supervisor_id", "a supervisor user needs a supervisor")
	}
	if in.Role != RoleSupervisor && in.SupervisorID != nil {
		p.Add("supervisor_id", "only supervisor users have a supervisor")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	now := s.now()
	u := &User{Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: string(hash),
		SupervisorID: in.SupervisorID, Locale: "sv", Active: true, CreatedAt: now, UpdatedAt: now,
		WorkplaceIDs: in.WorkplaceIDs}
	err = s.store.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Where("email = ?", u.Email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &Error{Code: CodeConflict, Message: "a user with that e-mail already exists"}
		}
		for _, wid := range in.WorkplaceIDs {
			if err := tx.First(&Workplace{}, wid).Error; err != nil {
				if isNotFound(err) {
					return (&Problems{{Field: "workplace_ids", Message: fmt.Sprintf("no workplace %d", wid)}}).Err()
				}
				return err
			}
		}
		if u.SupervisorID != nil {
			if err := tx.First(&Supervisor{}, *u.SupervisorID).Error; err != nil {
				if isNotFound(err) {
					return (&Problems{{Field: "supervisor_id", Message: fmt.Sprintf("no supervisor %d", *u.SupervisorID)}}).Err()
				}
				return err
			}
		}
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		for _, wid := range in.WorkplaceIDs {
			if err := tx.Create(&userWorkplace{UserID: u.ID, WorkplaceID: wid}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create user %s: %w", in.Email, err)
	}
	return u, nil
}

// UserByEmail finds an active or inactive user.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.store.Read(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).First(&u).Error
	if isNotFound(err) {
		return nil, errNotFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("user by email: %w", err)
	}
	return &u, s.loadUserWorkplaces(ctx, &u)
}

func (s *Service) loadUserWorkplaces(ctx context.Context, u *User) error {
	u.WorkplaceIDs = []int64{}
	if err := s.store.Read(ctx).Model(&userWorkplace{}).Where("user_id = ?", u.ID).
		Order("workplace_id").Pluck("workplace_id", &u.WorkplaceIDs).Error; err != nil {
		return fmt.Errorf("load workplaces of user %d: %w", u.ID, err)
	}
	return nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a new API token for the user with that e-mail. The secret is
// returned once; only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, email string) (string, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	return s.createToken(ctx, u)
}

func (s *Service) createToken(ctx context.Context, u *User) (string, error) {
	if !u.Active {
		return "", &Error{Code: CodeInvalid, Message: "the user is deactivated"}
	}
	token := "sp_" + randomToken(32)
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		return tx.Create(&apiToken{UserID: u.ID, TokenHash: hashToken(token), CreatedAt: s.now()}).Error
	})
	if err != nil {
		return "", fmt.Errorf("create token for user %d: %w", u.ID, err)
	}
	return token, nil
}

// RevokeToken ends one API token at once, e.g. the one a script was given
// when the script is retired or the token has leaked. The row stays, so the
// audit of who held which token survives.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	var n int64
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&apiToken{}).Where("token_hash = ? AND revoked_at IS NULL", hashToken(token)).Update("revoked_at", s.now())
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n == 0 {
		return errNotFound("token")
	}
	return nil
}

// RevokeTokens ends every API token of the user with that e-mail (the user
// stays active and can sign in) and returns how many were still valid.
func (s *Service) RevokeTokens(ctx context.Context, email string) (int64, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.store.write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&apiToken{}).Where("user_id = ? AND revoked_at IS NULL", u.ID).Update("revoked_at", s.now())
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of user %d: %w", u.ID, err)
	}
	return n, nil
}

// Limits on failed sign-ins within the failure window.
const (
	failureWindow         = 15 * time.Minute
	maxPasswordFailures   = 10 // the 10th wrong password in a row is refused as rate limited
	maxBadTokensPerAddr   = 20 // the 21st bad token from one address is refused as rate limited
	errMsgRateLimited     = "too many failed attempts; wait 15 minutes and try again"
	errMsgUnauthenticated = "missing or invalid credentials"
)

// Authenticate finds the user of an API token. A valid token is never limited;
// bad tokens are counted per address.
func (s *Service) Authenticate(ctx context.Context, token, addr string) (*User, error) {
	if token != "" {
		var t apiToken
		err := s.store.Read(ctx).Where("token_hash = ? AND revoked_at IS NULL", hashToken(token)).First(&t).Error
		if err != nil && !isNotFound(err) {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		if err == nil {
			u, err := s.userByID(ctx, t.UserID)
			if err != nil {
				return nil, err
			}
			if u.Active {
				return u, nil
			}
		}
	}
	if token == "" {
		// No credentials at all is not a guess: only bad tokens count towards the limit.
		return nil, &Error{Code: CodeUnauthorized, Message: errMsgUnauthenticated}
	}
	n, err := s.recordFailure(ctx, "addr:"+addr)
	if err != nil {
		return nil, err
	}
	if n > maxBadTokensPerAddr {
		return nil, &Error{Code: CodeRateLimited, Message: errMsgRateLimited}
	}
	return nil, &Error{Code: CodeUnauthorized, Message: errMsgUnauthenticated}
}

// Login checks an e-mail and password. The 10th wrong password in a row for an
// account, within the failure window, is rate limited, and so is every try after it.
func (s *Service) Login(ctx context.Context, email, password string) (*User, error) {
	if strings.ContainsRune(email, 0) || strings.ToValidUTF8(email, "") != email {
		// No account has such an address, and PostgreSQL refuses the text in a
		// query (a 500, found by fuzzing).
		return nil, &Error{Code: CodeUnauthorized, Message: "wrong e-mail or password"}
	}
	key := "account:" + strings.ToLower(strings.TrimSpace(email))
	n, err := s.countFailures(ctx, key)
	if err != nil {
		return nil, err
	}
	if n >= maxPasswordFailures {
		return nil, &Error{Code: CodeRateLimited, Message: errMsgRateLimited}
	}
	u, err := s.UserByEmail(ctx, email)
	if err == nil && u.Active && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil {
		if err := s.store.write(ctx, func(tx *gorm.DB) error {
			return tx.Where("key = ?", key).Delete(&authFailure{}).Error
		}); err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		return u, nil
	}
	if err != nil && ErrorCode(err) != CodeNotFound {
		return nil, err
	}
	n, err = s.recordFailure(ctx, key)
	if err != nil {
		return nil, err
	}
	if n >= maxPasswordFailures {
		return nil, &Error{Code: CodeRateLimited, Message: errMsgRateLimited}
	}
	return nil, &Error{Code: CodeUnauthorized, Message: "wrong e-mail or password"}
}

// TokenForLogin signs in with e-mail and password and returns a new API token.
func (s *Service) TokenForLogin(ctx context.Context, email, password string) (string, error) {
	u, err := s.Login(ctx, email, password)
	if err != nil {
		return "", err
	}
	return s.createToken(ctx, u)
}

func (s *Service) countFailures(ctx context.Context, key string) (int64, error) {
	var n int64
	err := s.store.Read(ctx).Model(&authFailure{}).
		Where("key = ? AND at > ?", key, s.now().Add(-failureWindow)).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count auth failures: %w", err)
	}
	return n, nil
}

// recordFailure notes one failure and returns how many there are in the window.
func (s *Service) recordFailure(ctx context.Context, key string) (int64, error) {
	var n int64
	now := s.now()
	err := s.store.write(ctx, func(tx *gorm.DB) error {
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

func (s *Service) userByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.store.Read(ctx).First(&u, id).Error
	if isNotFound(err) {
		return nil, errNotFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return &u, s.loadUserWorkplaces(ctx, &u)
}
