package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking/internal/feedtoken"
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
		CheckEmail(p, "email", in.Email)
	}
	if oneLine(p, "name", in.Name) {
		in.Name = strings.TrimSpace(in.Name)
		CheckText(p, "name", in.Name, 200, true)
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
	if err := s.store.write(ctx, func(tx *gorm.DB) error { return InsertUser(tx, u) }); err != nil {
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

// InsertUser stores a new user and their workplaces inside the caller's
// transaction; the address must be free. Package account inserts an invited
// user with it, in the transaction that writes the invitation's link and mail.
func InsertUser(tx *gorm.DB, u *User) error {
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

// NewInvitedUser checks an invited user's input and makes it a user whose
// password nobody knows (the invitation's link replaces it), for InsertUser.
// The password field of in is ignored.
func (s *Service) NewInvitedUser(in UserInput) (*User, error) {
	var p Problems
	in.validate(&p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	in.Password = randomToken(32) // nobody knows it; the link replaces it
	return s.newUser(in)
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
		CheckText(&p, "name", strings.TrimSpace(*in.Name), 200, true)
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
			if err := EndAccess(tx, id, u.UpdatedAt); err != nil {
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
	for _, f := range feeds {
		var err error
		switch f.kind {
		case FeedPool:
			err = feedtoken.RenewPool(tx)
		case FeedWorkplace:
			err = feedtoken.Renew(tx, FeedWorkplace, &Workplace{ID: f.id})
		case FeedSupervisor:
			err = feedtoken.Renew(tx, FeedSupervisor, &Supervisor{ID: f.id})
		}
		if err != nil {
			return fmt.Errorf("renew the %s feed %d: %w", f.kind, f.id, err)
		}
	}
	return nil
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

// EndAccess ends, inside the caller's transaction, every session, API token
// and unused account link of the user: when the user is deactivated, and when
// their password changes (package account). The token rows stay (revoked), so
// the audit of who held which token survives. The tables are package
// account's; these are the only statements on them that the core needs.
func EndAccess(tx *gorm.DB, userID int64, now time.Time) error {
	if err := tx.Table("api_tokens").Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("revoke API tokens of user %d: %w", userID, err)
	}
	if err := tx.Table("account_tokens").Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error; err != nil {
		return fmt.Errorf("end account links of user %d: %w", userID, err)
	}
	if err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", userID).Error; err != nil {
		return fmt.Errorf("end sessions of user %d: %w", userID, err)
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
