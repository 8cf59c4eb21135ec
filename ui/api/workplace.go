package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

type workplaceJSON struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Address    string  `json:"address"`
	CostCenter string  `json:"cost_center"`
	Active     bool    `json:"active"`
	FeedURL    *string `json:"feed_url,omitempty"`
	// Issue 16, additive: whom a supervisor who comes asks for or calls.
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

type workplaceRequest struct {
	Name       *string `json:"name"`
	Kind       *string `json:"kind"`
	Address    *string `json:"address"`
	CostCenter *string `json:"cost_center"`
	Active     *bool   `json:"active"`
	// ContactName and ContactPhone: one line each.
	ContactName  *string `json:"contact_name"`
	ContactPhone *string `json:"contact_phone"`
}

func (r workplaceRequest) input() booking.WorkplaceInput {
	return booking.WorkplaceInput{Name: r.Name, Kind: r.Kind, Address: r.Address, CostCenter: r.CostCenter, Active: r.Active,
		ContactName: r.ContactName, ContactPhone: r.ContactPhone}
}

func (s *Server) workplaceJSON(u *booking.User, w *booking.Workplace) workplaceJSON {
	out := workplaceJSON{ID: w.ID, Name: w.Name, Kind: w.Kind, Address: w.Address, CostCenter: w.CostCenter, Active: w.Active,
		ContactName: w.ContactName, ContactPhone: w.ContactPhone}
	if u.IsAdmin() || u.Manages(w.ID) {
		url := s.cfg.BaseURL + "/ical/workplaces/" + w.FeedToken + ".ics"
		out.FeedURL = &url
	}
	return out
}

func (s *Server) listWorkplaces(c echo.Context) error {
	list, err := s.svc.ListWorkplaces(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	out := make([]workplaceJSON, len(list))
	for i := range list {
		out[i] = s.workplaceJSON(httpx.Actor(c), &list[i])
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getWorkplace(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	w, err := s.svc.Workplace(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.workplaceJSON(httpx.Actor(c), w))
}

func (s *Server) createWorkplace(c echo.Context) error {
	var req workplaceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	w, err := s.svc.CreateWorkplace(c.Request().Context(), httpx.Actor(c), req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.workplaceJSON(httpx.Actor(c), w))
}

func (s *Server) updateWorkplace(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var req workplaceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	w, err := s.svc.UpdateWorkplace(c.Request().Context(), httpx.Actor(c), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.workplaceJSON(httpx.Actor(c), w))
}

func (s *Server) renewWorkplaceFeed(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	w, err := s.svc.RenewWorkplaceFeedToken(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]*string{"feed_url": s.workplaceJSON(httpx.Actor(c), w).FeedURL})
}
