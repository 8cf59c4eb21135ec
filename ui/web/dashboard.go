package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// overdueAfter is how long after a held session its follow-up counts as overdue.
const overdueAfter = 3 * 24 * time.Hour

// dashboardPage is the coordinator's overview.
type dashboardPage struct {
	// Attention are the upcoming bookings whose supervisor can no longer come.
	Attention   []bookingView
	Today       []bookingView
	WeekCount   int
	Utilization *float64
	Overdue     []bookingView // the oldest few
	OverdueN    int
	FailedMail  []booking.Message
	// Unconfirmed are held sessions their supervisor has not confirmed:
	// billing still rests on booked time for them.
	Unconfirmed  []bookingView
	UnconfirmedN int
	// All is ?all=1: both lists in full instead of their oldest few.
	All bool
	// Charts: utilization in the last six months, and this month's demand
	// against bookings by language.
	Charts []chart
}

// overdueShown is how many overdue follow-ups the overview lists.
const overdueShown = 10

func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	now := s.svc.Now().In(s.loc)
	monday := now.AddDate(0, 0, -(isoWeekday(now) - 1))
	list, err := s.svc.ListBookings(ctx, u, booking.BookingFilter{From: now.AddDate(0, 0, -homeDays).Format(time.DateOnly),
		To: monday.AddDate(0, 0, 6).Format(time.DateOnly), Status: booking.StatusConfirmed})
	if err != nil {
		return err
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return err
	}
	p := &dashboardPage{All: c.QueryParam("all") == "1"}
	if p.Attention, err = s.attentionList(ctx, u, n); err != nil {
		return err
	}
	shown := overdueShown
	if p.All {
		shown = int(^uint(0) >> 1)
	}
	today, week0 := now.Format(time.DateOnly), monday.Format(time.DateOnly)
	for _, b := range list {
		day := b.Start.In(s.loc).Format(time.DateOnly)
		if day == today {
			p.Today = append(p.Today, n.view(b))
		}
		if day >= week0 {
			p.WeekCount++
		}
		if b.Held(now) && b.Followup == nil && now.Sub(b.End) > overdueAfter {
			if p.OverdueN++; p.OverdueN <= shown {
				p.Overdue = append(p.Overdue, n.view(b))
			}
		}
	}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc)
	rep, err := s.reports.Utilization(ctx, u, first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly), "month")
	if err != nil {
		return err
	}
	p.Utilization = rep.Total.Utilization
	if p.Charts, err = s.dashboardCharts(c, first); err != nil {
		return err
	}
	open, err := s.svc.ListBookings(ctx, u, booking.BookingFilter{From: now.AddDate(0, 0, -unconfirmedDays).Format(time.DateOnly),
		To: today, Unconfirmed: true})
	if err != nil {
		return err
	}
	p.UnconfirmedN = len(open)
	// The oldest first, as the label says: they have waited longest.
	for i := 0; i < len(open) && len(p.Unconfirmed) < shown; i++ {
		p.Unconfirmed = append(p.Unconfirmed, n.view(open[i]))
	}
	if p.FailedMail, err = s.outbox.Failed(ctx); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "dashboard", s.lang(c).T("dashboard.title"), p)
}
