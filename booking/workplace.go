package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking/internal/feedtoken"
)

// Workplace is a preschool, care home, kitchen or other unit that books supervisors.
type Workplace struct {
	ID         int64
	Name       string
	Kind       string
	Address    string
	CostCenter string
	Active     bool
	// ContactName and ContactPhone are whom the supervisor who comes asks for
	// or calls (issue 16).
	ContactName  string
	ContactPhone string
	// FeedToken is the secret of the workplace's calendar feed, derived from
	// FeedNonce (see feed.go); only FeedTokenHash is stored.
	FeedToken     string `gorm:"-" json:"-"`
	FeedNonce     string `json:"-"`
	FeedTokenHash string `json:"-"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// WorkplaceInput creates or changes a workplace; nil fields are left as they are.
type WorkplaceInput struct {
	Name       *string
	Kind       *string
	Address    *string
	CostCenter *string
	Active     *bool
	// ContactName and ContactPhone are one line each.
	ContactName  *string
	ContactPhone *string
}

func (in *WorkplaceInput) validate(creating bool) error {
	var p Problems
	if in.Name != nil || creating {
		checkLine(&p, "name", deref(in.Name), 200, true)
	}
	if in.Kind != nil || creating {
		if !oneOf(deref(in.Kind), Areas) {
			p.Add("kind", "area", "must be one of %s", strings.Join(Areas, ", "))
		}
	}
	if in.Address != nil {
		CheckText(&p, "address", *in.Address, 300, false)
	}
	if in.ContactName != nil {
		checkLine(&p, "contact_name", *in.ContactName, 200, false)
	}
	if in.ContactPhone != nil {
		checkLine(&p, "contact_phone", *in.ContactPhone, 40, false)
	}
	if in.CostCenter != nil {
		CheckText(&p, "cost_center", *in.CostCenter, 50, false)
	}
	return p.Err()
}

func (in *WorkplaceInput) apply(w *Workplace) {
	if in.Name != nil {
		w.Name = strings.TrimSpace(*in.Name)
	}
	if in.Kind != nil {
		w.Kind = *in.Kind
	}
	if in.Address != nil {
		w.Address = strings.TrimSpace(*in.Address)
	}
	if in.CostCenter != nil {
		w.CostCenter = strings.TrimSpace(*in.CostCenter)
	}
	if in.ContactName != nil {
		w.ContactName = strings.TrimSpace(*in.ContactName)
	}
	if in.ContactPhone != nil {
		w.ContactPhone = strings.TrimSpace(*in.ContactPhone)
	}
	if in.Active != nil {
		w.Active = *in.Active
	}
}

// ListWorkplaces returns every workplace by name.
func (s *Service) ListWorkplaces(ctx context.Context, actor *User) ([]Workplace, error) {
	var list []Workplace
	if err := s.store.Read(ctx).Order("name, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list workplaces: %w", err)
	}
	if err := fillWorkplaceTokens(s.store.Read(ctx), list); err != nil {
		return nil, err
	}
	return list, nil
}

// Workplace returns one workplace.
func (s *Service) Workplace(ctx context.Context, actor *User, id int64) (*Workplace, error) {
	return workplaceByID(s.store.Read(ctx), id)
}

func workplaceByID(db *gorm.DB, id int64) (*Workplace, error) {
	var w Workplace
	err := db.First(&w, id).Error
	if isNotFound(err) {
		return nil, errNotFound("workplace")
	}
	if err != nil {
		return nil, fmt.Errorf("workplace %d: %w", id, err)
	}
	list := []Workplace{w}
	if err := fillWorkplaceTokens(db, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// CreateWorkplace adds a workplace (admins only).
func (s *Service) CreateWorkplace(ctx context.Context, actor *User, in WorkplaceInput) (*Workplace, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden("only coordinators may add workplaces")
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	now := s.now()
	w := &Workplace{Active: true, CreatedAt: now, UpdatedAt: now}
	in.apply(w)
	err := s.store.write(ctx, func(tx *gorm.DB) (err error) {
		if w.FeedNonce, w.FeedTokenHash, w.FeedToken, err = feedtoken.New(tx, FeedWorkplace); err != nil {
			return err
		}
		return tx.Create(w).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create workplace: %w", err)
	}
	return w, nil
}

// UpdateWorkplace changes a workplace (admins only).
func (s *Service) UpdateWorkplace(ctx context.Context, actor *User, id int64, in WorkplaceInput) (*Workplace, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden("only coordinators may change workplaces")
	}
	if err := in.validate(false); err != nil {
		return nil, err
	}
	var w *Workplace
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		var err error
		if w, err = workplaceByID(tx, id); err != nil {
			return err
		}
		in.apply(w)
		w.UpdatedAt = s.now()
		return tx.Save(w).Error
	})
	if err != nil {
		return nil, fmt.Errorf("update workplace %d: %w", id, err)
	}
	return w, nil
}

// RenewWorkplaceFeedToken replaces the secret of the workplace's calendar feed.
func (s *Service) RenewWorkplaceFeedToken(ctx context.Context, actor *User, id int64) (*Workplace, error) {
	if !actor.IsAdmin() && !actor.Manages(id) {
		return nil, errForbidden("only coordinators and the workplace's managers may renew the feed")
	}
	var w *Workplace
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		var err error
		if w, err = workplaceByID(tx, id); err != nil {
			return err
		}
		if w.FeedNonce, w.FeedTokenHash, w.FeedToken, err = feedtoken.New(tx, FeedWorkplace); err != nil {
			return err
		}
		return tx.Model(w).Updates(map[string]any{"feed_nonce": w.FeedNonce, "feed_token_hash": w.FeedTokenHash}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("renew feed token of workplace %d: %w", id, err)
	}
	return w, nil
}

// BookingManagers returns the active managers of the booking's workplace, who
// get its mail and its invitations.
func (s *Service) BookingManagers(ctx context.Context, bookingID int64) ([]User, error) {
	db := s.store.Read(ctx)
	b, err := bookingByID(db, bookingID)
	if err != nil {
		return nil, fmt.Errorf("managers of booking %d: %w", bookingID, err)
	}
	m, err := ManagersOf(db, []int64{b.WorkplaceID})
	if err != nil {
		return nil, fmt.Errorf("managers of booking %d: %w", bookingID, err)
	}
	return m[b.WorkplaceID], nil
}

// ManagersOf returns, per workplace, its active managers ordered by name, read
// through db (a read handle or the caller's transaction): the people a
// booking's calendar event names as contacts and invites.
func ManagersOf(db *gorm.DB, workplaceIDs []int64) (map[int64][]User, error) {
	out := map[int64][]User{}
	if len(workplaceIDs) == 0 {
		return out, nil
	}
	var links []userWorkplace
	if err := db.Where("workplace_id IN ?", workplaceIDs).Find(&links).Error; err != nil {
		return nil, fmt.Errorf("load managers: %w", err)
	}
	if len(links) == 0 {
		return out, nil
	}
	userIDs := make([]int64, 0, len(links))
	for _, l := range links {
		userIDs = append(userIDs, l.UserID)
	}
	var users []User
	if err := db.Where("id IN ? AND role = ? AND active = ?", userIDs, RoleManager, true).
		Order("name, id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("load managers: %w", err)
	}
	byID := make(map[int64]User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	for _, l := range links {
		if u, ok := byID[l.UserID]; ok {
			out[l.WorkplaceID] = append(out[l.WorkplaceID], u)
		}
	}
	for id := range out {
		slices.SortFunc(out[id], func(a, b User) int {
			if c := strings.Compare(a.Name, b.Name); c != 0 {
				return c
			}
			return int(a.ID - b.ID)
		})
	}
	return out, nil
}
