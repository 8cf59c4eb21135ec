package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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
	// Q searches supervisors, workplaces and notes; Status is "confirmed",
	// "cancelled" or "" for both; Sort is "name" or "booked" (most booked
	// time first); Busy hides the supervisors without a booking that week.
	Q, Status, Sort string
	Busy            bool
}

type timelineRow struct {
	Supervisor booking.Supervisor
	Cells      [7][]weekBooking
	Minutes    int // booked minutes of the week's confirmed bookings shown
}

// Query is the filters as a query string, for the week links (typed as a URL
// so that html/template keeps its & and =; url.Values encoded every value).
func (p *timelinePage) Query() template.URL {
	v := url.Values{}
	for k, x := range map[string]string{"language": p.Language, "q": p.Q, "status": p.Status, "sort": p.Sort} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if p.Workplace > 0 {
		v.Set("workplace_id", strconv.FormatInt(p.Workplace, 10))
	}
	if p.Busy {
		v.Set("busy", "1")
	}
	return template.URL(v.Encode())
}

func (s *Server) timeline(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	monday := s.weekStart(c, "date")
	f := booking.BookingFilter{From: monday.Format(time.DateOnly), To: monday.AddDate(0, 0, 6).Format(time.DateOnly)}
	p := &timelinePage{Monday: monday, Prev: monday.AddDate(0, 0, -7).Format(time.DateOnly),
		Next: monday.AddDate(0, 0, 7).Format(time.DateOnly), Language: c.QueryParam("language"), Today: -1,
		Q: strings.TrimSpace(c.QueryParam("q")), Sort: c.QueryParam("sort"), Busy: c.QueryParam("busy") == "1"}
	if st := c.QueryParam("status"); st == booking.StatusConfirmed || st == booking.StatusCancelled {
		p.Status, f.Status = st, st
	}
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

// fillTimeline puts the week's days, the bookings (a row per supervisor: every
// active one who matches the filters, with or without bookings, unless Busy)
// and the filter choices into p.
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
	q := listQuery{Q: p.Q}
	for _, b := range list {
		langs[b.Language] = true
		v := n.view(b)
		if p.Language != "" && b.Language != p.Language || !q.matches(v.Supervisor.Name, v.Workplace.Name, b.Notes) {
			continue
		}
		r := rows[b.SupervisorID]
		if r == nil {
			r = &timelineRow{Supervisor: n.sups[b.SupervisorID]}
			rows[b.SupervisorID] = r
		}
		start := b.Start.In(s.loc)
		i := isoWeekday(start) - 1
		r.Cells[i] = append(r.Cells[i], weekBooking{bookingView: v, Start: start, End: b.End.In(s.loc)})
		if b.Status == booking.StatusConfirmed {
			r.Minutes += int(b.End.Sub(b.Start).Minutes())
		}
	}
	for _, sv := range sortedSupervisors(n) {
		if sv.Active {
			for _, l := range sv.Languages {
				langs[l] = true
			}
		}
		r := rows[sv.ID]
		if r == nil && !p.Busy && p.Workplace == 0 && sv.Active && (p.Language == "" || sv.Speaks(p.Language)) && q.matches(sv.Name) {
			r = &timelineRow{Supervisor: sv}
		}
		if r != nil {
			p.Rows = append(p.Rows, *r)
		}
	}
	if p.Sort == "booked" {
		slices.SortStableFunc(p.Rows, func(a, b timelineRow) int { return b.Minutes - a.Minutes })
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
