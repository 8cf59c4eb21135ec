package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking/internal/feedtoken"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"gorm.io/gorm"
)

// Supervisor is a multilingual employee of the pool who is booked to give language support.
type Supervisor struct {
	ID     int64
	Name   string
	Email  string
	Phone  string
	Active bool
	// FeedToken is the secret of the supervisor's calendar feed, derived from
	// FeedNonce (see feed.go); only FeedTokenHash is stored.
	FeedToken     string `gorm:"-" json:"-"`
	FeedNonce     string `json:"-"`
	FeedTokenHash string `json:"-"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// ErasedAt is when the supervisor's personal data was erased (booking/privacy).
	ErasedAt  *time.Time
	Languages []string `gorm:"-"`
	Areas     []string `gorm:"-"`
	// Presentation is a few lines the supervisor is introduced with to the
	// managers who choose them (issue 16); LanguageNotes says, per language
	// code, the dialect or other note ("syrisk dialekt"); a language without a
	// note has no key.
	Presentation  string
	LanguageNotes map[string]string `gorm:"-"`
}

type supervisorLanguage struct {
	SupervisorID int64
	Language     string
	Note         string
}

type supervisorArea struct {
	SupervisorID int64
	Area         string
}

// Speaks reports whether the supervisor speaks the language.
func (sv *Supervisor) Speaks(lang string) bool { return slices.Contains(sv.Languages, lang) }

// Covers reports whether the supervisor works in the area.
func (sv *Supervisor) Covers(area string) bool { return slices.Contains(sv.Areas, area) }

// SupervisorInput creates or changes a supervisor; nil fields are left as they are.
type SupervisorInput struct {
	Name      *string
	Email     *string
	Phone     *string
	Languages *[]string
	Areas     *[]string
	Active    *bool
	// Presentation and LanguageNotes (code → note) replace the stored ones when
	// given; a note for a language the supervisor does not speak is dropped.
	Presentation  *string
	LanguageNotes *map[string]string
}

// Lengths of the people-as-people fields: a presentation is a short text, a
// language note a few words.
const (
	MaxPresentation = 1000
	MaxLanguageNote = 100
)

func (in *SupervisorInput) validate(creating bool) error {
	var p Problems
	if in.Name != nil || creating {
		checkLine(&p, "name", deref(in.Name), 200, true)
	}
	if in.Email != nil && *in.Email != "" && oneLine(&p, "email", *in.Email) {
		CheckEmail(&p, "email", *in.Email)
	}
	if in.Phone != nil {
		checkLine(&p, "phone", *in.Phone, 40, false)
	}
	if in.Languages != nil || creating {
		langs := derefSlice(in.Languages)
		if len(langs) == 0 {
			p.Add("languages", "required", "at least one language is required")
		}
		for _, l := range langs {
			if _, ok := vocab.LanguageByCode(l); !ok {
				p.Add("languages", "choose_language", "unknown language %q", l)
			}
		}
	}
	if in.Presentation != nil {
		CheckText(&p, "presentation", *in.Presentation, MaxPresentation, false)
	}
	if in.LanguageNotes != nil {
		for code, note := range *in.LanguageNotes {
			checkLine(&p, "language_notes."+code, note, MaxLanguageNote, false)
		}
	}
	if in.Areas != nil || creating {
		areas := derefSlice(in.Areas)
		if len(areas) == 0 {
			p.Add("areas", "required", "at least one area is required")
		}
		for _, a := range areas {
			if !oneOf(a, Areas) {
				p.Add("areas", "area", "unknown area %q; use one of %s", a, strings.Join(Areas, ", "))
			}
		}
	}
	return p.Err()
}

// ListSupervisors returns every supervisor, active or not, by name.
func (s *Service) ListSupervisors(ctx context.Context, actor *User) ([]Supervisor, error) {
	var list []Supervisor
	if err := s.store.Read(ctx).Order("name, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list supervisors: %w", err)
	}
	if err := s.loadSupervisorSkills(ctx, s.store.Read(ctx), list); err != nil {
		return nil, err
	}
	if err := fillSupervisorTokens(s.store.Read(ctx), list); err != nil {
		return nil, err
	}
	return list, nil
}

// Supervisor returns one supervisor.
func (s *Service) Supervisor(ctx context.Context, actor *User, id int64) (*Supervisor, error) {
	return s.supervisor(ctx, s.store.Read(ctx), id)
}

// SupervisorTx is Supervisor inside the caller's transaction, for the packages
// under booking/ that read a supervisor together with other rows, or change
// them, in one transaction (the privacy export and erasure).
func (s *Service) SupervisorTx(ctx context.Context, tx *gorm.DB, id int64) (*Supervisor, error) {
	return s.supervisor(ctx, tx, id)
}

// supervisor is one supervisor with skills and feed token.
func (s *Service) supervisor(ctx context.Context, db *gorm.DB, id int64) (*Supervisor, error) {
	sv, err := s.supervisorWithSkills(ctx, db, id)
	if err != nil {
		return nil, err
	}
	list := []Supervisor{*sv}
	if err := fillSupervisorTokens(db, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// supervisorWithSkills reads a supervisor and their languages and areas, without
// the feed token s.supervisor derives (one query less on every booking request).
func (s *Service) supervisorWithSkills(ctx context.Context, db *gorm.DB, id int64) (*Supervisor, error) {
	var sv Supervisor
	err := db.First(&sv, id).Error
	if isNotFound(err) {
		return nil, errNotFound("supervisor")
	}
	if err != nil {
		return nil, fmt.Errorf("supervisor %d: %w", id, err)
	}
	list := []Supervisor{sv}
	if err := s.loadSupervisorSkills(ctx, db, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// loadSupervisorSkills fills Languages (with their notes) and Areas of each
// supervisor in list: from the roster when it is current or the list is long,
// else (a supervisor just saved) from their rows, so that saving supervisors
// one after the other does not read the whole roster each time.
func (s *Service) loadSupervisorSkills(ctx context.Context, db *gorm.DB, list []Supervisor) error {
	if len(list) == 0 {
		return nil
	}
	r, err := s.currentRoster(db, len(list) > 20)
	if err != nil {
		return fmt.Errorf("load supervisor skills: %w", err)
	}
	for i := range list {
		list[i].Languages, list[i].Areas, list[i].LanguageNotes = []string{}, []string{}, map[string]string{}
	}
	if r == nil {
		return loadSkillRows(db, list)
	}
	for i := range list {
		sv := &list[i]
		if e := r.supervisors[sv.ID]; e != nil {
			sv.Languages = append(sv.Languages, e.languages...)
			sv.Areas = append(sv.Areas, e.areas...)
			for k, v := range e.notes {
				sv.LanguageNotes[k] = v
			}
		}
	}
	return nil
}

// loadSkillRows fills the languages and areas of list from their rows.
func loadSkillRows(db *gorm.DB, list []Supervisor) error {
	ids := make([]int64, len(list))
	index := make(map[int64]int, len(list))
	for i := range list {
		ids[i] = list[i].ID
		index[list[i].ID] = i
	}
	var langs []supervisorLanguage
	if err := db.Where("supervisor_id IN ?", ids).Order("language").Find(&langs).Error; err != nil {
		return fmt.Errorf("load supervisor languages: %w", err)
	}
	for _, l := range langs {
		sv := &list[index[l.SupervisorID]]
		sv.Languages = append(sv.Languages, l.Language)
		if l.Note != "" {
			sv.LanguageNotes[l.Language] = l.Note
		}
	}
	var areas []supervisorArea
	if err := db.Where("supervisor_id IN ?", ids).Find(&areas).Error; err != nil {
		return fmt.Errorf("load supervisor areas: %w", err)
	}
	for _, a := range areas {
		sv := &list[index[a.SupervisorID]]
		sv.Areas = append(sv.Areas, a.Area)
	}
	for i := range list {
		slices.SortFunc(list[i].Areas, func(a, b string) int { return slices.Index(Areas, a) - slices.Index(Areas, b) })
	}
	return nil
}

// CreateSupervisor adds a supervisor to the pool (admins only).
func (s *Service) CreateSupervisor(ctx context.Context, actor *User, in SupervisorInput) (*Supervisor, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden("only coordinators may add supervisors")
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	now := s.now()
	sv := &Supervisor{Active: true, CreatedAt: now, UpdatedAt: now}
	in.apply(sv)
	err := s.store.write(ctx, func(tx *gorm.DB) (err error) {
		if sv.FeedNonce, sv.FeedTokenHash, sv.FeedToken, err = feedtoken.New(tx, FeedSupervisor); err != nil {
			return err
		}
		if err := tx.Create(sv).Error; err != nil {
			return err
		}
		return saveSkills(tx, sv)
	})
	if err != nil {
		return nil, fmt.Errorf("create supervisor: %w", err)
	}
	return sv, nil
}

// UpdateSupervisor changes a supervisor (admins only).
func (s *Service) UpdateSupervisor(ctx context.Context, actor *User, id int64, in SupervisorInput) (*Supervisor, error) {
	if !actor.IsAdmin() {
		return nil, errForbidden("only coordinators may change supervisors")
	}
	if err := in.validate(false); err != nil {
		return nil, err
	}
	var sv *Supervisor
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		var err error
		if sv, err = s.supervisor(ctx, tx, id); err != nil {
			return err
		}
		if sv.ErasedAt != nil && in.Active != nil && *in.Active {
			// Nobody could reach them: an erased supervisor is never bookable again (booking/privacy).
			return (&Problems{{Field: "active", Key: "erased", Message: "an erased supervisor cannot be made active again; add a new supervisor instead"}}).Err()
		}
		if sv.Active && in.Active != nil && !*in.Active {
			affected, err := s.impact(tx, id, func(a *attentionInput) { a.active = false })
			if err != nil {
				return err
			}
			if err := s.noteImpact(tx, id, "inactive", affected); err != nil {
				return err
			}
		}
		in.apply(sv)
		sv.UpdatedAt = s.now()
		if err := tx.Save(sv).Error; err != nil {
			return err
		}
		if in.Languages == nil && in.Areas == nil && in.LanguageNotes == nil {
			return nil
		}
		return saveSkills(tx, sv)
	})
	if err != nil {
		return nil, fmt.Errorf("update supervisor %d: %w", id, err)
	}
	return sv, nil
}

// RenewSupervisorFeedToken replaces the secret of the supervisor's calendar feed;
// the old URL stops working at once.
func (s *Service) RenewSupervisorFeedToken(ctx context.Context, actor *User, id int64) (*Supervisor, error) {
	if !actor.IsAdmin() && !actor.Is(id) {
		return nil, errForbidden("only coordinators and the supervisor may renew the feed")
	}
	var sv *Supervisor
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		var err error
		if sv, err = s.supervisor(ctx, tx, id); err != nil {
			return err
		}
		if sv.FeedNonce, sv.FeedTokenHash, sv.FeedToken, err = feedtoken.New(tx, FeedSupervisor); err != nil {
			return err
		}
		return tx.Model(sv).Updates(map[string]any{"feed_nonce": sv.FeedNonce, "feed_token_hash": sv.FeedTokenHash}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("renew feed token of supervisor %d: %w", id, err)
	}
	return sv, nil
}

func (in *SupervisorInput) apply(sv *Supervisor) {
	if in.Name != nil {
		sv.Name = strings.TrimSpace(*in.Name)
	}
	if in.Email != nil {
		sv.Email = strings.ToLower(strings.TrimSpace(*in.Email))
	}
	if in.Phone != nil {
		sv.Phone = strings.TrimSpace(*in.Phone)
	}
	if in.Active != nil {
		sv.Active = *in.Active
	}
	if in.Languages != nil {
		sv.Languages = uniqueSorted(*in.Languages)
	}
	if in.Areas != nil {
		sv.Areas = uniqueSorted(*in.Areas)
	}
	if in.Presentation != nil {
		sv.Presentation = strings.TrimSpace(*in.Presentation)
	}
	if in.LanguageNotes != nil {
		sv.LanguageNotes = map[string]string{}
		for code, note := range *in.LanguageNotes {
			if note = strings.TrimSpace(note); note != "" {
				sv.LanguageNotes[code] = note
			}
		}
	}
	for code := range sv.LanguageNotes {
		if !slices.Contains(sv.Languages, code) {
			delete(sv.LanguageNotes, code)
		}
	}
	if sv.LanguageNotes == nil {
		sv.LanguageNotes = map[string]string{}
	}
	if sv.Languages == nil {
		sv.Languages = []string{}
	}
	if sv.Areas == nil {
		sv.Areas = []string{}
	}
}

func saveSkills(tx *gorm.DB, sv *Supervisor) error {
	if err := tx.Where("supervisor_id = ?", sv.ID).Delete(&supervisorLanguage{}).Error; err != nil {
		return err
	}
	if err := tx.Where("supervisor_id = ?", sv.ID).Delete(&supervisorArea{}).Error; err != nil {
		return err
	}
	for _, l := range sv.Languages {
		if err := tx.Create(&supervisorLanguage{SupervisorID: sv.ID, Language: l, Note: sv.LanguageNotes[l]}).Error; err != nil {
			return err
		}
	}
	for _, a := range sv.Areas {
		if err := tx.Create(&supervisorArea{SupervisorID: sv.ID, Area: a}).Error; err != nil {
			return err
		}
	}
	return nil
}

func uniqueSorted(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func derefSlice[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

// CheckEmail validates an e-mail address the way the pool does everywhere.
func CheckEmail(p *Problems, field, v string) {
	if !validEmail(v) {
		p.Add(field, "email", "must be an e-mail address such as name@example.se")
	}
}
