package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

type supervisorJSON struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Email     string   `json:"email"`
	Phone     string   `json:"phone"`
	Languages []string `json:"languages"`
	Areas     []string `json:"areas"`
	Active    bool     `json:"active"`
	FeedURL   *string  `json:"feed_url,omitempty"`
	// Issue 16, additive: the presentation managers see, and a note per language.
	Presentation  string            `json:"presentation"`
	LanguageNotes map[string]string `json:"language_notes"`
}

// supervisorRequest creates or patches a supervisor; absent fields stay as they are.
type supervisorRequest struct {
	Name      *string   `json:"name"`
	Email     *string   `json:"email"`
	Phone     *string   `json:"phone"`
	Languages *[]string `json:"languages"`
	Areas     *[]string `json:"areas"`
	Active    *bool     `json:"active"`
	// Presentation and LanguageNotes ({"ar": "syrisk dialekt"}) replace the stored ones.
	Presentation  *string            `json:"presentation"`
	LanguageNotes *map[string]string `json:"language_notes"`
}

func (r supervisorRequest) input() booking.SupervisorInput {
	return booking.SupervisorInput{Name: r.Name, Email: r.Email, Phone: r.Phone, Languages: r.Languages, Areas: r.Areas, Active: r.Active,
		Presentation: r.Presentation, LanguageNotes: r.LanguageNotes}
}

func (s *Server) supervisorJSON(u *booking.User, sv *booking.Supervisor) supervisorJSON {
	out := supervisorJSON{ID: sv.ID, Name: sv.Name, Email: sv.Email, Phone: sv.Phone,
		Languages: sv.Languages, Areas: sv.Areas, Active: sv.Active, Presentation: sv.Presentation, LanguageNotes: sv.LanguageNotes}
	if out.LanguageNotes == nil {
		out.LanguageNotes = map[string]string{}
	}
	if u.IsAdmin() || u.Is(sv.ID) {
		url := s.cfg.BaseURL + "/ical/supervisors/" + sv.FeedToken + ".ics"
		out.FeedURL = &url
	}
	return out
}

func (s *Server) listSupervisors(c echo.Context) error {
	list, err := s.svc.ListSupervisors(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	out := make([]supervisorJSON, len(list))
	for i := range list {
		out[i] = s.supervisorJSON(httpx.Actor(c), &list[i])
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getSupervisor(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	sv, err := s.svc.Supervisor(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.supervisorJSON(httpx.Actor(c), sv))
}

func (s *Server) createSupervisor(c echo.Context) error {
	var req supervisorRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	sv, err := s.svc.CreateSupervisor(c.Request().Context(), httpx.Actor(c), req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.supervisorJSON(httpx.Actor(c), sv))
}

func (s *Server) updateSupervisor(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var req supervisorRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	sv, err := s.svc.UpdateSupervisor(c.Request().Context(), httpx.Actor(c), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.supervisorJSON(httpx.Actor(c), sv))
}

func (s *Server) renewSupervisorFeed(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	sv, err := s.svc.RenewSupervisorFeedToken(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]*string{"feed_url": s.supervisorJSON(httpx.Actor(c), sv).FeedURL})
}
