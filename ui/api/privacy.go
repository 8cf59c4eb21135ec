package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// A supervisor's personal data: export (JSON; the pages offer it as a
// download too) and erasure (coordinator only), and the audit log that records
// both. The rules live in booking/privacy.

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
