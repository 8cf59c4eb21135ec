package ui

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// managerHomePage is a manager's start page: what is coming, and the held
// sessions that still wait for a follow-up.
type managerHomePage struct {
	Coming  []bookingView
	Waiting []bookingView
}

// homeDays is how far the start pages look ahead and back.
const homeDays = 60

func (s *Server) managerHome(c echo.Context) error {
	ctx := c.Request().Context()
	u := actor(c)
	now := s.svc.Now().In(s.loc)
	list, err := s.svc.ListBookings(ctx, u, booking.BookingFilter{From: now.AddDate(0, 0, -homeDays).Format(time.DateOnly),
		To: now.AddDate(0, 0, homeDays).Format(time.DateOnly)})
	if err != nil {
		return err
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return err
	}
	p := &managerHomePage{}
	for _, b := range list {
		switch {
		case b.End.After(now):
			p.Coming = append(p.Coming, n.view(b))
		case b.Held(now) && b.Followup == nil:
			p.Waiting = append(p.Waiting, n.view(b))
		}
	}
	return s.render(c, http.StatusOK, "home_manager", s.lang(c).T("home.title"), p)
}
