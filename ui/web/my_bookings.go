package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// The manager's bookings (issue 14): upcoming and history of their
// workplaces, filtered by dates, language and status and searched by text,
// with the cancelled ones apart; each upcoming booking can be moved (Flytta)
// and any booked again a week later (Boka igen).

func init() {
	templateFuncs["mylist"] = func(d pageData, list []myBooking) map[string]any {
		return map[string]any{"L": d.L, "List": list}
	}
}

// myBookingsDays is how far back and ahead the page looks unless told.
const myBookingsDays = 180

// myBookingsPage is the page's filter and its three lists.
type myBookingsPage struct {
	Form                         *form
	Languages                    []string // the languages of the manager's bookings, for the filter
	Upcoming, History, Cancelled []myBooking
	Count                        int
}

// myBooking is one booking in the lists, with its ways on.
type myBooking struct {
	bookingView
	Start, End time.Time
	MoveURL    string // "" when it cannot be moved (held, cancelled)
	AgainURL   string
}

func (s *Server) myBookings(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	l := s.lang(c)
	f := formFrom(c, "from", "to", "language", "status", "q")
	now := s.svc.Now().In(s.loc)
	if f.V("from") == "" {
		f.Values["from"] = now.AddDate(0, 0, -myBookingsDays).Format(time.DateOnly)
	}
	if f.V("to") == "" {
		f.Values["to"] = now.AddDate(0, 0, myBookingsDays).Format(time.DateOnly)
	}
	p := &myBookingsPage{Form: f}
	title := l.T("mybookings.title")
	list, err := s.svc.ListBookings(ctx, u, booking.BookingFilter{From: f.V("from"), To: f.V("to")})
	if failFrom(f, l, err, nil) {
		return s.render(c, http.StatusUnprocessableEntity, "my_bookings", title, p)
	}
	if err != nil {
		return err
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, b := range list {
		if !seen[b.Language] {
			seen[b.Language] = true
			p.Languages = append(p.Languages, b.Language)
		}
		v := n.view(b)
		if !matchesMyFilter(v, f, l, now) {
			continue
		}
		mb := myBooking{bookingView: v, Start: b.Start.In(s.loc), End: b.End.In(s.loc), AgainURL: s.againURL(v)}
		p.Count++
		switch {
		case b.Status == booking.StatusCancelled:
			p.Cancelled = append(p.Cancelled, mb)
		case b.End.After(now):
			mb.MoveURL = "/bookings/" + strconv.FormatInt(b.ID, 10) + "/move"
			p.Upcoming = append(p.Upcoming, mb)
		default:
			p.History = append(p.History, mb)
		}
	}
	// History newest first: the last sessions are the ones looked for.
	for i, j := 0, len(p.History)-1; i < j; i, j = i+1, j-1 {
		p.History[i], p.History[j] = p.History[j], p.History[i]
	}
	return s.render(c, http.StatusOK, "my_bookings", title, p)
}

// matchesMyFilter is the page's filter: language, status (upcoming, held,
// cancelled) and a text found in the supervisor's or workplace's name, the
// language, the purpose or the notes, in either case.
func matchesMyFilter(v bookingView, f *form, l Lang, now time.Time) bool {
	if lang := f.V("language"); lang != "" && v.Language != lang {
		return false
	}
	switch f.V("status") {
	case "upcoming":
		if v.Status != booking.StatusConfirmed || !v.End.After(now) {
			return false
		}
	case "held":
		if v.Status != booking.StatusConfirmed || v.End.After(now) {
			return false
		}
	case "cancelled":
		if v.Status != booking.StatusCancelled {
			return false
		}
	}
	q := strings.ToLower(strings.TrimSpace(f.V("q")))
	if q == "" {
		return true
	}
	hay := []string{v.Supervisor.Name, v.Workplace.Name, v.Notes, v.Language, l.T("purpose." + v.Purpose)}
	if lg, ok := vocab.LanguageByCode(v.Language); ok {
		hay = append(hay, lg.NameSV, lg.NameEN)
	}
	for _, h := range hay {
		if strings.Contains(strings.ToLower(h), q) {
			return true
		}
	}
	return false
}

// againURL books the same again a week later: same language, supervisor,
// time of day and length, on the confirm screen (the grid's step 2) with the
// supervisor chosen; on a DST change the local time stays.
func (s *Server) againURL(v bookingView) string {
	start, end := v.Start.In(s.loc).AddDate(0, 0, 7), v.End.In(s.loc).AddDate(0, 0, 7)
	q := url.Values{"step": {"choose"}, "workplace_id": {strconv.FormatInt(v.WorkplaceID, 10)}, "language": {v.Language},
		"purpose": {v.Purpose}, "mode": {v.Mode}, "date": {start.Format(time.DateOnly)}, "start": {start.Format("15:04")},
		"end": {end.Format("15:04")}, "participants_expected": {strconv.Itoa(v.ParticipantsExpected)},
		"supervisor_id": {strconv.FormatInt(v.SupervisorID, 10)}}
	if v.MeetingURL != nil {
		q.Set("meeting_url", *v.MeetingURL)
	}
	if v.Notes != "" {
		q.Set("notes", v.Notes)
	}
	return "/book?" + q.Encode()
}
