package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// managerHomePage is a manager's start page: what is coming, and the held
// sessions that still wait for a follow-up.
type managerHomePage struct {
	Coming  []bookingView
	Waiting []bookingView
	// Feeds are the calendar addresses of the manager's workplaces.
	Feeds       []workplaceFeed
	FeedRenewed bool
}

// workplaceFeed is one workplace's calendar address for its managers.
type workplaceFeed struct {
	ID        int64
	Name, URL string
}

// homeDays is how far the start pages look ahead and back.
const homeDays = 60

func (s *Server) managerHome(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
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
	p := &managerHomePage{FeedRenewed: c.QueryParam("done") == "feed"}
	for _, w := range n.wps {
		if u.Manages(w.ID) {
			p.Feeds = append(p.Feeds, workplaceFeed{ID: w.ID, Name: w.Name, URL: s.cfg.BaseURL + "/ical/workplaces/" + w.FeedToken + ".ics"})
		}
	}
	slices.SortFunc(p.Feeds, func(a, b workplaceFeed) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
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

// renewWorkplaceFeedPage gives a workplace a new calendar address; the old one stops working.
func (s *Server) renewWorkplaceFeedPage(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.RenewWorkplaceFeedToken(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/?done=feed#feed-"+strconv.FormatInt(id, 10))
}
