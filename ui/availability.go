package ui

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

type windowJSON struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// parseClock reads "HH:MM" (24-hour; "24:00" is the midnight that ends a day).
func parseClock(v string) (int, bool) {
	if len(v) != 5 || v[2] != ':' {
		return 0, false
	}
	if v == "24:00" {
		return 1440, true
	}
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// wallTime is the instant a clock in loc shows minute (after midnight; 1440
// is the midnight that ends the day) on day's date. ok is false when that
// clock time does not exist that day, in the hour skipped when summer time
// begins: time.Date would quietly move it an hour on. An hour that happens
// twice in autumn is taken as time.Date takes it.
func wallTime(day time.Time, minute int, loc *time.Location) (t time.Time, ok bool) {
	t = time.Date(day.Year(), day.Month(), day.Day(), 0, minute, 0, 0, loc)
	return t, minute == 1440 || t.Hour()*60+t.Minute() == minute
}

func formatClock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

func windowsJSON(ws []booking.Window) []windowJSON {
	out := make([]windowJSON, len(ws))
	for i, w := range ws {
		out[i] = windowJSON{Weekday: w.Weekday, Start: formatClock(w.Start), End: formatClock(w.End)}
	}
	return out
}

func (s *Server) getAvailability(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ws, err := s.svc.Availability(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, windowsJSON(ws))
}

func (s *Server) putAvailability(c echo.Context) error {
	id, err := pathID(c, "id")
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
		start, ok1 := parseClock(w.Start)
		end, ok2 := parseClock(w.End)
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
	saved, err := s.svc.SetAvailability(c.Request().Context(), actor(c), id, ws)
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
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Absences(c.Request().Context(), actor(c), id, c.QueryParam("from"), c.QueryParam("to"))
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
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req absenceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	a, err := s.svc.CreateAbsence(c.Request().Context(), actor(c), id, booking.AbsenceInput(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.absenceJSON(a))
}

func (s *Server) deleteAbsence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	aid, err := pathID(c, "aid")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteAbsence(c.Request().Context(), actor(c), id, aid); err != nil {
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
	list, err := s.svc.FreeSupervisors(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	out := make([]freeJSON, len(list))
	for i := range list {
		out[i] = freeJSON{Supervisor: s.supervisorJSON(actor(c), &list[i].Supervisor), BookedMinutesInWeek: list[i].WeekMinutes}
	}
	return c.JSON(http.StatusOK, out)
}
