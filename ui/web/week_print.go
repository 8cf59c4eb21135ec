package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// weekPrint is a supervisor's plan on paper: the week of ?date=, or with
// ?day=1 only that day, each session with its time, place, contact and the
// number to call; the print stylesheet leaves out menus and buttons.
type weekPrint struct {
	Name   string
	Monday time.Time
	Day    *time.Time // the one day printed; nil for the week
	Days   []weekDay
}

func (s *Server) printWeek(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	if u.SupervisorID == nil {
		return &booking.Error{Code: booking.CodeForbidden, Message: "no supervisor"}
	}
	monday := s.weekStart(c, "date")
	from, to := monday, monday.AddDate(0, 0, 6)
	p := &weekPrint{Monday: monday}
	if c.QueryParam("day") == "1" {
		d, err := time.ParseInLocation(time.DateOnly, c.QueryParam("date"), s.loc)
		if err != nil {
			now := s.svc.Now().In(s.loc)
			d = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc)
		}
		p.Day, from, to = &d, d, d
	}
	list, err := s.svc.ListBookings(ctx, u, booking.BookingFilter{From: from.Format(time.DateOnly),
		To: to.Format(time.DateOnly), SupervisorID: u.SupervisorID, Status: booking.StatusConfirmed})
	if err != nil {
		return err
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return err
	}
	if p.Days, err = s.weekDays(ctx, monday, n, list); err != nil {
		return err
	}
	if p.Day != nil {
		p.Days = p.Days[isoWeekday(*p.Day)-1 : isoWeekday(*p.Day)]
	}
	p.Name = n.sups[*u.SupervisorID].Name
	return s.render(c, http.StatusOK, "week_print", s.lang(c).T("print.title"), p)
}
