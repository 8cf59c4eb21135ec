package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// supervisorsPage lists the pool's supervisors for the coordinator, searched,
// filtered and sorted by the query (see list.go).
func (s *Server) supervisorsPage(c echo.Context) error {
	list, err := s.svc.ListSupervisors(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	q := listQueryFrom(c)
	p := &supervisorsList{Q: q, All: len(list), Saved: savedName(c, list, func(sv booking.Supervisor) (int64, string) { return sv.ID, sv.Name })}
	p.List = filterSupervisors(list, q, s.lang(c))
	return s.render(c, http.StatusOK, "supervisors", s.lang(c).T("supervisors.title"), p)
}

// supervisorFormPage is the add and edit form; ID 0 adds. Erased, Erase and
// Notice belong to the personal data section (privacy.go).
type supervisorFormPage struct {
	Step      *impactStep // the confirm step of a deactivation that leaves bookings
	ID        int64
	Form      *form
	Languages []string
	Areas     []string
	Erased    time.Time  // when the personal data was erased; zero if not
	Erase     *eraseStep // the erasure's confirmation step, when asked for
	Notice    string
	// Notes are the dialect or note per chosen language; Removed the chosen
	// languages ticked for removal when the form comes back with an error.
	Notes   map[string]string
	Removed []string
}

func (s *Server) supervisorForm(c echo.Context) error {
	p := &supervisorFormPage{Form: newForm()}
	if c.Param("id") != "" {
		id, err := httpx.PathID(c, "id")
		if err != nil {
			return err
		}
		if p, err = s.supervisorFormFor(c, id); err != nil {
			return err
		}
		if c.QueryParam("erased") != "" {
			p.Notice = "erased"
		}
		if c.QueryParam("saved") != "" {
			p.Notice = "saved"
		}
	} else {
		p.Form.Values["active"] = "true"
	}
	return s.render(c, http.StatusOK, "supervisor_form", s.lang(c).T("supervisor.title"), p)
}

// supervisorFormFor is the edit form filled in with the supervisor's data.
func (s *Server) supervisorFormFor(c echo.Context, id int64) (*supervisorFormPage, error) {
	sv, err := s.svc.Supervisor(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return nil, err
	}
	p := &supervisorFormPage{Form: newForm(), ID: sv.ID, Languages: sv.Languages, Areas: sv.Areas, Notes: sv.LanguageNotes}
	p.Form.Values = map[string]string{"name": sv.Name, "email": sv.Email, "phone": sv.Phone, "active": strconv.FormatBool(sv.Active),
		"presentation": sv.Presentation}
	if sv.ErasedAt != nil {
		p.Erased = sv.ErasedAt.In(s.loc)
	}
	return p, nil
}

// saveSupervisor adds or changes a supervisor.
func (s *Server) saveSupervisor(c echo.Context) error {
	ctx := c.Request().Context()
	l := s.lang(c)
	f := formFrom(c, "name", "email", "phone", "active", "presentation", "language_add", "note_add")
	p := &supervisorFormPage{Form: f}
	form, _ := c.FormParams()
	p.Areas = form["areas"]
	pick := languagePickFrom(form)
	p.Languages, p.Notes, p.Removed = pick.Languages, pick.Notes, pick.Removed
	active := f.V("active") == "true"
	in := booking.SupervisorInput{Name: ptr(f.V("name")), Email: ptr(f.V("email")), Phone: ptr(f.V("phone")),
		Languages: &pick.Kept, Areas: &p.Areas, Active: &active, Presentation: ptr(f.V("presentation")), LanguageNotes: &pick.Notes}
	var err error
	var sv *booking.Supervisor
	if c.Param("id") != "" {
		if p.ID, err = httpx.PathID(c, "id"); err != nil {
			return err
		}
		if !active {
			// Warned before: the bookings a deactivation leaves are listed first.
			list, err := s.svc.DeactivationImpact(ctx, httpx.Actor(c), p.ID)
			if err != nil {
				return err
			}
			if p.Step, err = s.needsConfirm(c, "inactive", list); err != nil {
				return err
			}
			if p.Step != nil {
				return s.render(c, http.StatusOK, "supervisor_form", l.T("supervisor.title"), p)
			}
		}
		sv, err = s.svc.UpdateSupervisor(ctx, httpx.Actor(c), p.ID, in)
	} else {
		sv, err = s.svc.CreateSupervisor(ctx, httpx.Actor(c), in)
	}
	if failFrom(f, l, err, noteFields(pick.Notes)) {
		return s.render(c, http.StatusUnprocessableEntity, "supervisor_form", l.T("supervisor.title"), p)
	}
	if err != nil {
		return err
	}
	if c.FormValue("add") != "" {
		// Adding a language keeps the coordinator on the form, with the new row.
		return c.Redirect(http.StatusSeeOther, "/supervisors/"+strconv.FormatInt(sv.ID, 10)+"?saved=1#languages")
	}
	return c.Redirect(http.StatusSeeOther, "/supervisors?saved="+strconv.FormatInt(sv.ID, 10))
}

func ptr[T any](v T) *T { return &v }
