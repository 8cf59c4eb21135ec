package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// A supervisor's personal data on the pages: the export as a file to save,
// and the erasure's confirmation step on the coordinator's supervisor page.
// The rules live in booking/privacy; the API has the same (api/privacy.go).

// exportSupervisorPage is the supervisor's export, as the API gives it, in a file to save.
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
