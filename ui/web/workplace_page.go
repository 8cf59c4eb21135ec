package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// workplacesPage lists the workplaces for the coordinator.
func (s *Server) workplacesPage(c echo.Context) error {
	list, err := s.svc.ListWorkplaces(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	q := listQueryFrom(c)
	p := &workplacesList{Q: q, All: len(list), List: filterWorkplaces(list, q, s.lang(c)),
		Saved: savedName(c, list, func(w booking.Workplace) (int64, string) { return w.ID, w.Name })}
	return s.render(c, http.StatusOK, "workplaces", s.lang(c).T("workplaces.title"), p)
}

// workplaceFormPage is the add and edit form; ID 0 adds.
type workplaceFormPage struct {
	ID   int64
	Form *form
}

func (s *Server) workplaceForm(c echo.Context) error {
	p := &workplaceFormPage{Form: newForm()}
	p.Form.Values["active"], p.Form.Values["kind"] = "true", "childcare"
	if c.Param("id") != "" {
		id, err := httpx.PathID(c, "id")
		if err != nil {
			return err
		}
		w, err := s.svc.Workplace(c.Request().Context(), httpx.Actor(c), id)
		if err != nil {
			return err
		}
		p.ID = w.ID
		p.Form.Values = map[string]string{"name": w.Name, "kind": w.Kind, "address": w.Address,
			"cost_center": w.CostCenter, "active": strconv.FormatBool(w.Active), "contact_name": w.ContactName, "contact_phone": w.ContactPhone}
	}
	return s.render(c, http.StatusOK, "workplace_form", s.lang(c).T("workplace.title"), p)
}

// saveWorkplace adds or changes a workplace.
func (s *Server) saveWorkplace(c echo.Context) error {
	ctx := c.Request().Context()
	l := s.lang(c)
	f := formFrom(c, "name", "kind", "address", "cost_center", "active", "contact_name", "contact_phone")
	p := &workplaceFormPage{Form: f}
	active := f.V("active") == "true"
	in := booking.WorkplaceInput{Name: ptr(f.V("name")), Kind: ptr(f.V("kind")), Address: ptr(f.V("address")),
		CostCenter: ptr(f.V("cost_center")), Active: &active, ContactName: ptr(f.V("contact_name")), ContactPhone: ptr(f.V("contact_phone"))}
	var err error
	var w *booking.Workplace
	if c.Param("id") != "" {
		if p.ID, err = httpx.PathID(c, "id"); err != nil {
			return err
		}
		w, err = s.svc.UpdateWorkplace(ctx, httpx.Actor(c), p.ID, in)
	} else {
		w, err = s.svc.CreateWorkplace(ctx, httpx.Actor(c), in)
	}
	if failFrom(f, l, err, nil) {
		return s.render(c, http.StatusUnprocessableEntity, "workplace_form", l.T("workplace.title"), p)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/workplaces?saved="+strconv.FormatInt(w.ID, 10))
}
