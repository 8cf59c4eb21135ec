package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// supervisorsPage lists the pool's supervisors for the coordinator.
func (s *Server) supervisorsPage(c echo.Context) error {
	list, err := s.svc.ListSupervisors(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "supervisors", s.lang(c).T("supervisors.title"), list)
}

// supervisorFormPage is the add and edit form; ID 0 adds.
type supervisorFormPage struct {
	ID        int64
	Form      *form
	Languages []string
	Areas     []string
}

func (s *Server) supervisorForm(c echo.Context) error {
	p := &supervisorFormPage{Form: newForm()}
	if c.Param("id") != "" {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		sv, err := s.svc.Supervisor(c.Request().Context(), actor(c), id)
		if err != nil {
			return err
		}
		p.ID, p.Languages, p.Areas = sv.ID, sv.Languages, sv.Areas
		p.Form.Values = map[string]string{"name": sv.Name, "email": sv.Email, "phone": sv.Phone, "active": strconv.FormatBool(sv.Active)}
	} else {
		p.Form.Values["active"] = "true"
	}
	return s.render(c, http.StatusOK, "supervisor_form", s.lang(c).T("supervisor.title"), p)
}

// saveSupervisor adds or changes a supervisor.
func (s *Server) saveSupervisor(c echo.Context) error {
	ctx := c.Request().Context()
	l := s.lang(c)
	f := formFrom(c, "name", "email", "phone", "active")
	p := &supervisorFormPage{Form: f}
	form, _ := c.FormParams()
	p.Languages, p.Areas = form["languages"], form["areas"]
	active := f.V("active") == "true"
	in := booking.SupervisorInput{Name: ptr(f.V("name")), Email: ptr(f.V("email")), Phone: ptr(f.V("phone")),
		Languages: &p.Languages, Areas: &p.Areas, Active: &active}
	var err error
	var sv *booking.Supervisor
	if c.Param("id") != "" {
		if p.ID, err = pathID(c, "id"); err != nil {
			return err
		}
		sv, err = s.svc.UpdateSupervisor(ctx, actor(c), p.ID, in)
	} else {
		sv, err = s.svc.CreateSupervisor(ctx, actor(c), in)
	}
	if failFrom(f, l, err, nil) {
		return s.render(c, http.StatusUnprocessableEntity, "supervisor_form", l.T("supervisor.title"), p)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/supervisors?saved="+strconv.FormatInt(sv.ID, 10))
}

func ptr[T any](v T) *T { return &v }
