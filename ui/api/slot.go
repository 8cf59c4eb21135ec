package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking/search"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

type slotJSON struct {
	Start         string  `json:"start"`
	End           string  `json:"end"`
	SupervisorIDs []int64 `json:"supervisor_ids"`
}

// listSlots answers GET /api/v1/slots: the free start times of a session.
func (s *Server) listSlots(c echo.Context) error {
	wid, err := queryID(c, "workplace_id")
	if err != nil {
		return err
	}
	sid, err := queryID(c, "supervisor_id")
	if err != nil {
		return err
	}
	q := search.SlotQuery{Language: strings.TrimSpace(c.QueryParam("language")), From: c.QueryParam("from"),
		To: c.QueryParam("to"), DurationMinutes: queryMinutes(c, "duration"), Area: c.QueryParam("area"),
		Mode: c.QueryParam("mode"), WorkplaceID: wid, SupervisorID: sid}
	list, err := s.cfg.Search.Slots(c.Request().Context(), httpx.Actor(c), q)
	if err != nil {
		return err
	}
	out := make([]slotJSON, len(list))
	for i, sl := range list {
		out[i] = slotJSON{Start: s.ts(sl.Start), End: s.ts(sl.End), SupervisorIDs: sl.SupervisorIDs}
	}
	return c.JSON(http.StatusOK, out)
}

// queryMinutes reads a whole number of minutes from the query string; what is
// missing or no number reads as -1, which the service refuses as a length
// with the field's own message.
func queryMinutes(c echo.Context, name string) int {
	n, err := strconv.Atoi(c.QueryParam(name))
	if err != nil {
		return -1
	}
	return n
}
