package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

type windowJSON struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

func windowsJSON(ws []booking.Window) []windowJSON {
	out := make([]windowJSON, len(ws))
	for i, w := range ws {
		out[i] = windowJSON{Weekday: w.Weekday, Start: httpx.FormatClock(w.Start), End: httpx.FormatClock(w.End)}
	}
	return out
}

func (s *Server) getAvailability(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	ws, err := s.svc.Availability(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, windowsJSON(ws))
}

func (s *Server) putAvailability(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var req []windowJSON
	if err := decode(c, &req); err != nil {
		return err
	}
	var p booking.Problems
	ws := make([]booking.Window, len(req))
	for i, w := range req {
		start, ok1 := httpx.ParseClock(w.Start)
		end, ok2 := httpx.ParseClock(w.End)
		if !ok1 {
			p.Add(fmt.Sprintf("[%d].start", i), "clock", "must be a time such as 08:00")
		}
		if !ok2 {
			p.Add(fmt.Sprintf("[%d].end", i), "clock", "must be a time such as 16:30")
		}
		ws[i] = booking.Window{Weekday: w.Weekday, Start: start, End: end}
	}
	if err := p.Err(); err != nil {
		return err
	}
	saved, err := s.svc.SetAvailability(c.Request().Context(), httpx.Actor(c), id, ws)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, windowsJSON(saved))
}

type absenceJSON struct {
	ID     int64  `json:"id"`
	Start  string `json:"start"`
	End    string `json:"end"`
	Reason string `json:"reason"`
	// AffectedBookingIDs is in the answer to creating one only.
	AffectedBookingIDs *[]int64 `json:"affected_booking_ids,omitempty"`
}

type absenceRequest struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Reason string `json:"reason"`
}

func (s *Server) absenceJSON(a *booking.Absence) absenceJSON {
	return absenceJSON{ID: a.ID, Start: s.ts(a.Start), End: s.ts(a.End), Reason: a.Reason}
}

func (s *Server) listAbsences(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Absences(c.Request().Context(), httpx.Actor(c), id, c.QueryParam("from"), c.QueryParam("to"))
	if err != nil {
		return err
	}
	out := make([]absenceJSON, len(list))
	for i := range list {
		out[i] = s.absenceJSON(&list[i])
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createAbsence(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var req absenceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	a, err := s.svc.CreateAbsence(c.Request().Context(), httpx.Actor(c), id, booking.AbsenceInput(req))
	if err != nil {
		return err
	}
	out := s.absenceJSON(a)
	ids := a.AffectedBookingIDs
	if ids == nil {
		ids = []int64{}
	}
	out.AffectedBookingIDs = &ids
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) deleteAbsence(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	aid, err := httpx.PathID(c, "aid")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteAbsence(c.Request().Context(), httpx.Actor(c), id, aid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type freeJSON struct {
	Supervisor          supervisorJSON `json:"supervisor"`
	BookedMinutesInWeek int            `json:"booked_minutes_in_week"`
}

func (s *Server) freeSupervisors(c echo.Context) error {
	wid, err := queryID(c, "workplace_id")
	if err != nil {
		return err
	}
	q := booking.FreeQuery{Language: strings.TrimSpace(c.QueryParam("language")), Area: c.QueryParam("area"),
		Start: queryTime(c, "start"), End: queryTime(c, "end"), WorkplaceID: wid}
	list, err := s.svc.FreeSupervisors(c.Request().Context(), httpx.Actor(c), q)
	if err != nil {
		return err
	}
	out := make([]freeJSON, len(list))
	for i := range list {
		out[i] = freeJSON{Supervisor: s.supervisorJSON(httpx.Actor(c), &list[i].Supervisor), BookedMinutesInWeek: list[i].WeekMinutes}
	}
	return c.JSON(http.StatusOK, out)
}

// importAbsences answers POST /api/v1/supervisors/{id}/absences/import, whose body
// is an .ics file (text/calendar), with the counts created and skipped.
func (s *Server) importAbsences(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, httpx.MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &httpx.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "the body is larger than 1 MiB"}
	}
	if err != nil {
		return httpx.BadRequest("could not read the body: " + err.Error())
	}
	res, err := s.cfg.Calendar.ImportAbsences(c.Request().Context(), httpx.Actor(c), id, bytes.NewReader(body))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
