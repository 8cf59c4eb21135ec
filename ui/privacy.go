package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// A supervisor's personal data: export (JSON, in the API and as a download on
// the coordinator's supervisor page) and erasure (coordinator only), and the
// audit log that records both. The rules live in booking/privacy.

// exportSupervisor answers the API with everything personal the pool holds
// about the supervisor.
func (s *Server) exportSupervisor(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	exp, err := s.privacy.ExportSupervisor(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, exp)
}

// exportSupervisorPage is the same export as a file to save.
func (s *Server) exportSupervisorPage(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	exp, err := s.privacy.ExportSupervisor(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="handledare-%d-personuppgifter.json"`, id))
	return c.JSONPretty(http.StatusOK, exp, "  ")
}

// eraseSupervisor erases the supervisor's personal data and answers with the
// anonymised supervisor; a conflict lists what must be done first.
func (s *Server) eraseSupervisor(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	sv, err := s.privacy.EraseSupervisor(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.supervisorJSON(httpx.Actor(c), sv))
}

// eraseStep is the erasure's confirmation step on the supervisor's page: the
// question, or the reasons it cannot be done yet.
type eraseStep struct {
	Blockers []eraseBlocker
}

// eraseBlocker is one reason: the supervisor is active, or a coming booking.
type eraseBlocker struct {
	Rule       string
	BookingID  int64
	Start, End time.Time
}

// eraseSupervisorPage is the erase button's form. Without confirm=yes it shows
// the confirmation step (or why erasing is not possible yet); with it, it
// erases and returns to the supervisor's page with a notice.
func (s *Server) eraseSupervisorPage(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var refused error
	if c.FormValue("confirm") == "yes" {
		if _, refused = s.privacy.EraseSupervisor(ctx, httpx.Actor(c), id); refused == nil {
			return c.Redirect(http.StatusSeeOther, "/supervisors/"+strconv.FormatInt(id, 10)+"?erased=1")
		}
	} else {
		refused = s.privacy.CheckErase(ctx, httpx.Actor(c), id)
	}
	step, err := s.eraseStepOf(refused)
	if err != nil {
		return err
	}
	p, err := s.supervisorFormFor(c, id)
	if err != nil {
		return err
	}
	p.Erase = step
	status := http.StatusOK
	if len(step.Blockers) > 0 {
		status = http.StatusConflict
	}
	return s.render(c, status, "supervisor_form", s.lang(c).T("supervisor.title"), p)
}

// eraseStepOf turns the service's answer into the step to show; any error but
// the refusal's conflict is returned as it is.
func (s *Server) eraseStepOf(refused error) (*eraseStep, error) {
	step := &eraseStep{}
	if refused == nil {
		return step, nil
	}
	var be *booking.Error
	vs, ok := []booking.Violation(nil), false
	if errors.As(refused, &be) && be.Code == booking.CodeConflict {
		vs, ok = be.Details.([]booking.Violation)
	}
	if !ok {
		return nil, refused
	}
	for _, v := range vs {
		b := eraseBlocker{Rule: v.Rule, BookingID: v.BookingID}
		if v.Start != nil && v.End != nil {
			b.Start, b.End = v.Start.In(s.loc), v.End.In(s.loc)
		}
		step.Blockers = append(step.Blockers, b)
	}
	return step, nil
}

type auditJSON struct {
	ID          int64           `json:"id"`
	At          string          `json:"at"`
	ActorUserID *int64          `json:"actor_user_id"`
	Action      string          `json:"action"`
	SubjectKind string          `json:"subject_kind"`
	SubjectID   int64           `json:"subject_id"`
	Detail      json.RawMessage `json:"detail"`
}

// auditLog lists the newest audit rows, newest first: ?limit=N (default 100).
func (s *Server) auditLog(c echo.Context) error {
	limit := 100
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // the service names the range
		}
		limit = n
	}
	list, err := s.privacy.AuditLog(c.Request().Context(), httpx.Actor(c), limit)
	if err != nil {
		return err
	}
	out := make([]auditJSON, len(list))
	for i, e := range list {
		out[i] = auditJSON{ID: e.ID, At: s.ts(e.At), ActorUserID: e.ActorUserID, Action: e.Action,
			SubjectKind: e.SubjectKind, SubjectID: e.SubjectID, Detail: rawJSON(e.Detail)}
	}
	return c.JSON(http.StatusOK, out)
}
