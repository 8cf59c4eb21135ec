package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
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
	// Phone is the user's own mobile number (+46…), empty when none was given.
	Phone        string
	SMSReminders bool `gorm:"column:sms_reminders"`
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

// validate checks a new user and normalises the e-mail address and the name.
// Both are checked as sent: a line break anywhere is refused, not trimmed away.
func (in *UserInput) validate(p *Problems) {
	if oneLine(p, "email", in.Email) {
		in.Email = strings.ToLower(strings.TrimSpace(in.Email))
		checkEmail(p, "email", in.Email)
	}
	if oneLine(p, "name", in.Name) {
		in.Name = strings.TrimSpace(in.Name)
		checkText(p, "name", in.Name, 200, true)
	}
	in.WorkplaceIDs = uniqueIDs(in.WorkplaceIDs)
	checkRole(p, in.Role, in.WorkplaceIDs, in.SupervisorID)
}

// checkRole checks that a user's workplaces and supervisor fit the role.
func checkRole(p *Problems, role string, workplaceIDs []int64, supervisorID *int64) {
	if !oneOf(role, []string{RoleAdmin, RoleManager, RoleSupervisor}) {
		p.Add("role", "role", "must be admin, manager or supervisor")
		return
	}
	if role == RoleManager && len(workplaceIDs) == 0 {
		p.Add("workplace_ids", "manager_workplace", "a manager needs at least one workplace")
	}
	if role != RoleManager && len(workplaceIDs) > 0 {
		p.Add("workplace_ids", "workplace_not_manager", "only managers have workplaces")
	}
	if role == RoleSupervisor && supervisorID == nil {
		p.Add("supervisor_id", "supervisor_account", "a supervisor user needs a supervisor")
	}
	if role != RoleSupervisor && supervisorID != nil {
		p.Add("supervisor_id", "supervisor_not_account", "only supervisor users have a supervisor")
	}
}

// CreateUser adds a user; only the CLI and admins call it.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (*User, error) {
	var p Problems
	in.validate(&p)
	if len(in.Password) < MinPasswordLength {
		p.Add("password", "password_short", "must be at least %d characters", MinPasswordLength)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	u, err := s.newUser(in)
	if err != nil {
		return nil, err
	}
	if err := s.store.write(ctx, func(tx *gorm.DB) error { return insertUser(tx, u) }); err != nil {
		return nil, fmt.Errorf("create user %s: %w", in.Email, err)
	}
	return u, nil
}

// newUser is a valid input made a user, with its password hashed.
func (s *Service) newUser(in UserInput) (*User, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	now := s.now()
	return &User{Email: in.Email, Name: in.Name, Role: in.Role, PasswordHash: string(hash),
		SupervisorID: in.SupervisorID, Locale: "sv", Active: true, CreatedAt: now, UpdatedAt: now,
		WorkplaceIDs: in.WorkplaceIDs}, nil
}

// insertUser stores a new user and their workplaces; the address must be free.
func insertUser(tx *gorm.DB, u *User) error {
	var n int64
	if err := tx.Model(&User{}).Where("email = ?", u.Email).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return &Error{Code: CodeConflict, Message: "a user with that e-mail already exists"}
	}
	if err := checkRoleTargets(tx, u.WorkplaceIDs, u.SupervisorID); err != nil {
		return err
	}
	if err := tx.Create(u).Error; err != nil {
		return err
	}
	return setUserWorkplaces(tx, u.ID, u.WorkplaceIDs)
}

// checkRoleTargets checks that the workplaces and the supervisor exist.
func checkRoleTargets(tx *gorm.DB, workplaceIDs []int64, supervisorID *int64) error {
	for _, wid := range workplaceIDs {
		if err := tx.First(&Workplace{}, wid).Error; err != nil {
			if isNotFound(err) {
				return (&Problems{{Field: "workplace_ids", Key: "no_workplace", Message: fmt.Sprintf("no workplace %d", wid)}}).Err()
			}
			return err
		}
	}
	if supervisorID != nil {
		if err := tx.First(&Supervisor{}, *supervisorID).Error; err != nil {
			if isNotFound(err) {
				return (&Problems{{Field: "supervisor_id", Key: "no_supervisor", Message: fmt.Sprintf("no supervisor %d", *supervisorID)}}).Err()
			}
			return err
		}
	}
	return nil
}

// setUserWorkplaces makes the user's workplaces exactly ids.
func setUserWorkplaces(tx *gorm.DB, userID int64, ids []int64) error {
	if err := tx.Where("user_id = ?", userID).Delete(&userWorkplace{}).Error; err != nil {
		return err
	}
	for _, wid := range ids {
		if err := tx.Create(&userWorkplace{UserID: userID, WorkplaceID: wid}).Error; err != nil {
			return err
		}
	}
	return nil
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
				return u, s.noteTokenUse(ctx, &t)
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

// noteTokenUse records when a token was last used (the account page shows
// it), at most once per tokenUseResolution. It needs no pool-wide lock: it
// touches one row, and only moves the time forward.
func (s *Service) noteTokenUse(ctx context.Context, t *apiToken) error {
	now := s.now()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < tokenUseResolution {
		return nil
	}
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		return tx.Model(&apiToken{}).Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", t.ID, now).
			Update("last_used_at", now).Error
	})
	if err != nil {
		return fmt.Errorf("note use of API token %d: %w", t.ID, err)
	}
	return nil
}

// Login checks an e-mail and password with no address to count (the CLI and
// tests); see LoginFrom.
func (s *Service) Login(ctx context.Context, email, password string) (*User, error) {
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
func (s *Service) LoginFrom(ctx context.Context, email, password, addr string) (*User, error) {
	if strings.ContainsRune(email, 0) || strings.ToValidUTF8(email, "") != email {
		// No account has such an address, and PostgreSQL refuses the text in a
		// query (a 500, found by fuzzing).
		return nil, &Error{Code: CodeUnauthorized, Message: errMsgWrongPassword}
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil && ErrorCode(err) != CodeNotFound {
		return nil, err
	}
	key := "account:" + strings.ToLower(strings.TrimSpace(email))
	try, err := s.beginLogin(ctx, key, addr)
	if err != nil {
		return nil, err
	}
	if try.limited {
		return nil, &Error{Code: CodeRateLimited, Message: errMsgRateLimited}
	}
	hash := dummyPasswordHash
	if u != nil && u.Active && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	s.passwordChecks.Add(1)
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil && hash != dummyPasswordHash {
		// The right password: the wrong ones before it no longer count in a
		// row, and this try was no failure from its address either.
		err := s.store.write(ctx, func(tx *gorm.DB) error {
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
		return nil, &Error{Code: CodeRateLimited, Message: errMsgRateLimited}
	}
	return nil, &Error{Code: CodeUnauthorized, Message: errMsgWrongPassword}
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
	err := s.store.write(ctx, func(tx *gorm.DB) error {
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

// UserPatch changes a user; nil fields stay as they are. SupervisorSet tells
// a supervisor_id of null (no supervisor) from one that was not sent.
type UserPatch struct {
	Name          *string
	Role          *string
	WorkplaceIDs  *[]int64
	SupervisorID  *int64
	SupervisorSet bool
	Active        *bool
}

// UpdateUser changes a user (admins only). When the role changes, the
// workplaces or supervisor the old role had go unless new ones are sent.
// Deactivating ends the user's sessions, API tokens and links at once.
// Whatever calendar feeds the user could see before and no longer can after
// (all of them when deactivated) get new URLs in the same transaction: a feed
// URL is a secret the user may have kept, and it must stop working with the
// access that showed it.
func (s *Service) UpdateUser(ctx context.Context, actor *User, id int64, in UserPatch) (*User, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden("only coordinators may change users")
	}
	var p Problems
	if in.Name != nil && oneLine(&p, "name", *in.Name) {
		checkText(&p, "name", strings.TrimSpace(*in.Name), 200, true)
	}
	if actor.ID == id && in.Active != nil && !*in.Active {
		p.Add("active", "self", "you cannot deactivate yourself")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var u User
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		if err := tx.First(&u, id).Error; err != nil {
			if isNotFound(err) {
				return errNotFound("user")
			}
			return err
		}
		if err := tx.Model(&userWorkplace{}).Where("user_id = ?", id).Order("workplace_id").
			Pluck("workplace_id", &u.WorkplaceIDs).Error; err != nil {
			return err
		}
		before := visibleFeeds(&u)
		if err := in.apply(&u, actor); err != nil {
			return err
		}
		if err := checkRoleTargets(tx, u.WorkplaceIDs, u.SupervisorID); err != nil {
			return err
		}
		u.UpdatedAt = s.now()
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{"name": u.Name, "role": u.Role,
			"supervisor_id": u.SupervisorID, "active": u.Active, "updated_at": u.UpdatedAt}).Error; err != nil {
			return err
		}
		if err := setUserWorkplaces(tx, id, u.WorkplaceIDs); err != nil {
			return err
		}
		if !u.Active {
			if err := endAccess(tx, id, u.UpdatedAt); err != nil {
				return err
			}
		}
		return renewFeeds(tx, lostFeeds(before, visibleFeeds(&u)))
	})
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	return &u, nil
}

// apply puts the patch on u and checks that the result is a valid user.
func (in *UserPatch) apply(u *User, actor *User) error {
	var p Problems
	if in.Name != nil {
		u.Name = strings.TrimSpace(*in.Name)
	}
	if in.Role != nil {
		if actor.ID == u.ID && *in.Role != u.Role {
			p.Add("role", "own_role", "you cannot change your own role")
		}
		u.Role = *in.Role
	}
	if in.WorkplaceIDs != nil {
		u.WorkplaceIDs = uniqueIDs(*in.WorkplaceIDs)
	} else if u.Role != RoleManager {
		u.WorkplaceIDs = []int64{}
	}
	if in.SupervisorSet {
		u.SupervisorID = in.SupervisorID
	} else if u.Role != RoleSupervisor {
		u.SupervisorID = nil
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	checkRole(&p, u.Role, u.WorkplaceIDs, u.SupervisorID)
	return p.Err()
}

func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// feedRef names one calendar feed: its kind (FeedSupervisor, FeedWorkplace,
// FeedPool) and, but for the pool, the id of its supervisor or workplace.
type feedRef struct {
	kind string
	id   int64
}

// visibleFeeds are the feeds whose URL the user is shown: a coordinator the
// pool's, a manager their workplaces', a supervisor their own; none when
// deactivated. (A coordinator also sees every supervisor's and workplace's
// URL, to hand it on; those belong to their owners and stay.)
func visibleFeeds(u *User) []feedRef {
	if !u.Active {
		return nil
	}
	switch {
	case u.Role == RoleAdmin:
		return []feedRef{{kind: FeedPool}}
	case u.Role == RoleManager:
		out := make([]feedRef, len(u.WorkplaceIDs))
		for i, id := range u.WorkplaceIDs {
			out[i] = feedRef{kind: FeedWorkplace, id: id}
		}
		return out
	case u.Role == RoleSupervisor && u.SupervisorID != nil:
		return []feedRef{{kind: FeedSupervisor, id: *u.SupervisorID}}
	}
	return nil
}

// lostFeeds are the feeds in before that are not in after.
func lostFeeds(before, after []feedRef) []feedRef {
	var out []feedRef
	for _, f := range before {
		if !slices.Contains(after, f) {
			out = append(out, f)
		}
	}
	return out
}

// renewFeeds gives each feed a new secret, as renewing it by hand does: the
// old URL answers 404 at once.
func renewFeeds(tx *gorm.DB, feeds []feedRef) error {
	if len(feeds) == 0 {
		return nil
	}
	key, err := feedKey(tx)
	if err != nil {
		return err
	}
	for _, f := range feeds {
		var err error
		switch f.kind {
		case FeedPool:
			err = tx.Model(&feedSecret{}).Where("name = ?", "pool").Update("value", randomToken(16)).Error
		case FeedWorkplace:
			nonce, hash := newFeedNonce(key, FeedWorkplace)
			err = tx.Model(&Workplace{ID: f.id}).Updates(map[string]any{"feed_nonce": nonce, "feed_token_hash": hash}).Error
		case FeedSupervisor:
			nonce, hash := newFeedNonce(key, FeedSupervisor)
			err = tx.Model(&Supervisor{ID: f.id}).Updates(map[string]any{"feed_nonce": nonce, "feed_token_hash": hash}).Error
		}
		if err != nil {
			return fmt.Errorf("renew the %s feed %d: %w", f.kind, f.id, err)
		}
	}
	return nil
}

// APIToken is one of a user's API tokens as the account page lists it; the
// secret itself is never stored, so it cannot be shown.
type APIToken struct {
	ID         int64
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// APITokens lists the actor's own API tokens that still work, newest first.
func (s *Service) APITokens(ctx context.Context, actor *User) ([]APIToken, error) {
	var rows []apiToken
	if err := s.store.Read(ctx).Where("user_id = ? AND revoked_at IS NULL", actor.ID).
		Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("API tokens of user %d: %w", actor.ID, err)
	}
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = APIToken{ID: r.ID, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
	}
	return out, nil
}

// EndAPIToken revokes one of the actor's own API tokens; another user's
// token, or one already ended, is not found.
func (s *Service) EndAPIToken(ctx context.Context, actor *User, id int64) error {
	var n int64
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&apiToken{}).Where("id = ? AND user_id = ? AND revoked_at IS NULL", id, actor.ID).Update("revoked_at", s.now())
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("end API token %d: %w", id, err)
	}
	if n == 0 {
		return errNotFound("token")
	}
	return nil
}
