package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// weekDay is one column of a week: its date and the bookings that start on it.
type weekDay struct {
	Date     time.Time
	Today    bool
	Bookings []weekBooking
}

type weekBooking struct {
	bookingView
	Start, End time.Time
	Contacts   []booking.User
	// Confirmable is a held session its supervisor has not confirmed yet.
	Confirmable bool
}

// weekPage is a supervisor's week, Monday first, with today marked.
type weekPage struct {
	Monday      time.Time
	Prev, Next  string
	Days        []weekDay
	FeedURL     string
	FeedRenewed bool
	// Unconfirmed are the supervisor's held sessions of the last weeks still
	// waiting for their confirmation, each with its one-tap button.
	Unconfirmed []weekBooking
	Confirmed   bool
}

// unconfirmedDays is how far back the week page looks for sessions to confirm.
const unconfirmedDays = 60

// weekStart returns the Monday of the week holding ?date= (today when absent).
func (s *Server) weekStart(c echo.Context, param string) time.Time {
	now := s.svc.Now().In(s.loc)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc)
	if d, err := time.ParseInLocation(time.DateOnly, c.QueryParam(param), s.loc); err == nil {
		day = d
	}
	return day.AddDate(0, 0, -(isoWeekday(day) - 1))
}

func (s *Server) supervisorWeek(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	if u.SupervisorID == nil {
		return &booking.Error{Code: booking.CodeForbidden, Message: "no supervisor"}
	}
	monday := s.weekStart(c, "date")
	list, err := s.svc.ListBookings(ctx, u, booking.BookingFilter{From: monday.Format(time.DateOnly),
		To: monday.AddDate(0, 0, 6).Format(time.DateOnly), SupervisorID: u.SupervisorID})
	if err != nil {
		return err
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return err
	}
	days, err := s.weekDays(ctx, monday, n, list)
	if err != nil {
		return err
	}
	sv := n.sups[*u.SupervisorID]
	p := &weekPage{Monday: monday, Days: days, Prev: monday.AddDate(0, 0, -7).Format(time.DateOnly),
		Next: monday.AddDate(0, 0, 7).Format(time.DateOnly), FeedURL: s.cfg.BaseURL + "/ical/supervisors/" + sv.FeedToken + ".ics",
		FeedRenewed: c.QueryParam("done") == "feed", Confirmed: c.QueryParam("done") == "confirmed"}
	now := s.svc.Now().In(s.loc)
	open, err := s.svc.ListBookings(ctx, u, booking.BookingFilter{From: now.AddDate(0, 0, -unconfirmedDays).Format(time.DateOnly),
		To: now.Format(time.DateOnly), SupervisorID: u.SupervisorID, Unconfirmed: true})
	if err != nil {
		return err
	}
	for _, b := range open {
		p.Unconfirmed = append(p.Unconfirmed, weekBooking{bookingView: n.view(b), Start: b.Start.In(s.loc), End: b.End.In(s.loc), Confirmable: true})
	}
	return s.render(c, http.StatusOK, "week", s.lang(c).T("week.title"), p)
}

// weekDays sorts the bookings into the seven days from monday.
func (s *Server) weekDays(ctx context.Context, monday time.Time, n *names, list []booking.Booking) ([]weekDay, error) {
	now := s.svc.Now().In(s.loc)
	days := make([]weekDay, 7)
	for i := range days {
		d := monday.AddDate(0, 0, i)
		days[i] = weekDay{Date: d, Today: d.Year() == now.Year() && d.YearDay() == now.YearDay()}
	}
	for _, b := range list {
		start := b.Start.In(s.loc)
		i := int(time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, s.loc).Sub(monday).Hours()+12) / 24
		if i < 0 || i > 6 {
			continue
		}
		contacts, err := s.svc.BookingManagers(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		days[i].Bookings = append(days[i].Bookings, weekBooking{bookingView: n.view(b), Start: start,
			End: b.End.In(s.loc), Contacts: contacts, Confirmable: b.Held(now) && b.Confirmation == nil})
	}
	return days, nil
}

// renewFeed gives the supervisor a new calendar address; the old one stops working.
func (s *Server) renewFeed(c echo.Context) error {
	u := httpx.Actor(c)
	if u.SupervisorID == nil {
		return &booking.Error{Code: booking.CodeForbidden, Message: "no supervisor"}
	}
	if _, err := s.svc.RenewSupervisorFeedToken(c.Request().Context(), u, *u.SupervisorID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/?done=feed#feed")
}
