package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// timelinePage is every booking of a week: a row per supervisor, a column per
// day, filtered by language and workplace.
type timelinePage struct {
	Monday     time.Time
	Prev, Next string
	Days       []time.Time
	Today      int // index of today in Days, -1 when not in this week
	Rows       []timelineRow
	Language   string
	Workplace  int64
	Workplaces []booking.Workplace
	Languages  []string
}

type timelineRow struct {
	Supervisor booking.Supervisor
	Cells      [7][]weekBooking
}

func (s *Server) timeline(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	monday := s.weekStart(c, "date")
	f := booking.BookingFilter{From: monday.Format(time.DateOnly), To: monday.AddDate(0, 0, 6).Format(time.DateOnly)}
	p := &timelinePage{Monday: monday, Prev: monday.AddDate(0, 0, -7).Format(time.DateOnly),
		Next: monday.AddDate(0, 0, 7).Format(time.DateOnly), Language: c.QueryParam("language"), Today: -1}
	if id, err := strconv.ParseInt(c.QueryParam("workplace_id"), 10, 64); err == nil && id > 0 {
		p.Workplace, f.WorkplaceID = id, &id
	}
	list, err := s.svc.ListBookings(ctx, u, f)
	if err != nil {
		return err
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return err
	}
	s.fillTimeline(p, n, list)
	return s.render(c, http.StatusOK, "timeline", s.lang(c).T("timeline.title"), p)
}

// fillTimeline puts the week's days, the bookings (a row per supervisor who has
// one, by name) and the filter choices into p.
func (s *Server) fillTimeline(p *timelinePage, n *names, list []booking.Booking) {
	now := s.svc.Now().In(s.loc)
	for i := range 7 {
		d := p.Monday.AddDate(0, 0, i)
		p.Days = append(p.Days, d)
		if d.Format(time.DateOnly) == now.Format(time.DateOnly) {
			p.Today = i
		}
	}
	rows := map[int64]*timelineRow{}
	langs := map[string]bool{}
	for _, b := range list {
		langs[b.Language] = true
		if p.Language != "" && b.Language != p.Language {
			continue
		}
		r := rows[b.SupervisorID]
		if r == nil {
			r = &timelineRow{Supervisor: n.sups[b.SupervisorID]}
			rows[b.SupervisorID] = r
		}
		start := b.Start.In(s.loc)
		i := isoWeekday(start) - 1
		r.Cells[i] = append(r.Cells[i], weekBooking{bookingView: n.view(b), Start: start, End: b.End.In(s.loc)})
	}
	for _, sv := range sortedSupervisors(n) {
		if r := rows[sv.ID]; r != nil {
			p.Rows = append(p.Rows, *r)
		}
	}
	for _, l := range vocab.Languages() {
		if langs[l.Code] || l.Code == p.Language {
			p.Languages = append(p.Languages, l.Code)
		}
	}
	for _, w := range n.wps {
		p.Workplaces = append(p.Workplaces, w)
	}
	sortWorkplaces(p.Workplaces)
}
