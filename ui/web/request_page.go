package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// Requests (issue 14): what a manager sends when no time fits, their list
// ("Mina förfrågningar") with a withdraw button, and the coordinators' queue
// where a candidate fills a request in one click or a reason declines it.

var requestFields = []string{"workplace_id", "language", "purpose", "mode", "meeting_url", "participants_expected", "notes",
	"duration", "earliest_date", "earliest_time", "latest_date", "latest_time"}

// requestPages are the pages of issue 14: free times (times_page.go), the
// request form, my requests and the coordinators' queue; a room of their own
// on the pages' Server.
type requestPages struct{ *Server }

// requestFormPage is the request form on a page of its own.
type requestFormPage struct {
	Request    *form
	Workplaces []booking.Workplace
	Lengths    []int
}

// requestView is a request with the names a page shows next to it.
type requestView struct {
	request.Request
	Workplace  booking.Workplace
	Earliest   time.Time // in the pool's zone
	Latest     time.Time
	Candidates []candidateView
	Decline    *form
}

type candidateView struct {
	Supervisor booking.Supervisor
	Start, End time.Time
	StartRFC   string
	EndRFC     string
}

// requestsPage is "Mina förfrågningar" and, for coordinators, the queue.
type requestsPage struct {
	Queue    bool
	List     []requestView
	Done     string
	Problem  string // a fill that collided, in plain words
	FailedID int64
}

func (s requestPages) requestService() *request.Service {
	if s.cfg.Requests != nil {
		return s.cfg.Requests
	}
	return request.New(s.svc)
}

// requestForm is the request form on its own page, prefilled from the query.
func (s requestPages) requestForm(c echo.Context) error {
	p := &requestFormPage{Request: formFrom(c, requestFields...), Lengths: sessionLengths}
	var err error
	if p.Workplaces, err = s.bookableWorkplaces(c); err != nil {
		return err
	}
	defaults(p.Request, p.Workplaces)
	if p.Request.V("duration") == "" {
		p.Request.Values["duration"] = "60"
	}
	if p.Request.V("earliest_date") == "" {
		today := s.svc.Now().In(s.loc)
		p.Request.Values["earliest_date"], p.Request.Values["earliest_time"] = today.Format(time.DateOnly), "08:00"
		p.Request.Values["latest_date"], p.Request.Values["latest_time"] = today.AddDate(0, 0, timesDays-1).Format(time.DateOnly), "17:00"
	}
	return s.render(c, http.StatusOK, "request_new", s.lang(c).T("request.title"), p)
}

// createRequest sends the request form: the manager's list on success, the
// form with an error at each field otherwise.
func (s requestPages) createRequest(c echo.Context) error {
	l := s.lang(c)
	f := formFrom(c, requestFields...)
	p := &requestFormPage{Request: f, Lengths: sessionLengths}
	var err error
	if p.Workplaces, err = s.bookableWorkplaces(c); err != nil {
		return err
	}
	in := request.Input{Language: f.V("language"), Mode: f.V("mode"), Purpose: f.V("purpose"), Notes: f.V("notes")}
	if v := f.V("meeting_url"); v != "" {
		in.MeetingURL = &v
	}
	if id, err := strconv.ParseInt(f.V("workplace_id"), 10, 64); err == nil {
		in.WorkplaceID = id
	}
	if n, err := strconv.Atoi(f.V("duration")); err == nil {
		in.DurationMinutes = n
	} else {
		f.Fail("duration", l.T("err.duration"))
	}
	if v := f.V("participants_expected"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10000 {
			f.Fail("participants_expected", l.T("err.count"))
		}
		in.ParticipantsExpected = n
	}
	in.Earliest = s.wallTime(f, l, "earliest_date", "earliest_time")
	in.Latest = s.wallTime(f, l, "latest_date", "latest_time")
	title := l.T("request.title")
	if !f.OK() {
		return s.render(c, http.StatusUnprocessableEntity, "request_new", title, p)
	}
	_, err = s.requestService().Create(c.Request().Context(), httpx.Actor(c), in)
	if failFrom(f, l, err, map[string]string{"duration_minutes": "duration", "earliest": "earliest_date", "latest": "latest_date"}) {
		return s.render(c, http.StatusUnprocessableEntity, "request_new", title, p)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/requests?done=sent")
}

// wallTime reads a date and a clock time of the form as RFC 3339, or fails the fields.
func (s requestPages) wallTime(f *form, l Lang, dateField, clockField string) string {
	day, err := time.ParseInLocation(time.DateOnly, f.V(dateField), s.loc)
	if err != nil {
		f.Fail(dateField, l.T("err.date"))
	}
	minute, ok := httpx.ParseClock(f.V(clockField))
	if !ok {
		f.Fail(clockField, l.T("err.clock"))
	}
	if err != nil || !ok {
		return ""
	}
	t, ok := httpx.WallTime(day, minute, s.loc)
	if !ok {
		f.Fail(clockField, l.T("err.no_such_time"))
		return ""
	}
	return t.Format(time.RFC3339)
}

// myRequests lists the requests of the manager's workplaces, newest first.
func (s requestPages) myRequests(c echo.Context) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	list, err := s.requestService().List(ctx, u, "")
	if err != nil {
		return err
	}
	slices.Reverse(list)
	p := &requestsPage{Done: c.QueryParam("done")}
	if p.List, err = s.requestViews(c, list, false); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "requests", s.lang(c).T("requests.title"), p)
}

// withdrawRequest closes an open request on the manager's behalf.
func (s requestPages) withdrawRequest(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return &booking.Error{Code: booking.CodeNotFound, Message: "request not found"}
	}
	if _, err := s.requestService().Withdraw(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/requests?done=withdrawn")
}

// requestQueue is the coordinators' queue: every open request, oldest first,
// with who could take it now.
func (s requestPages) requestQueue(c echo.Context) error {
	return s.renderQueue(c, http.StatusOK, &requestsPage{Queue: true, Done: c.QueryParam("done")}, nil)
}

func (s requestPages) renderQueue(c echo.Context, status int, p *requestsPage, failed *form) error {
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	list, err := s.requestService().List(ctx, u, request.StatusOpen)
	if err != nil {
		return err
	}
	for i := range list {
		r, err := s.requestService().Get(ctx, u, list[i].ID)
		if err != nil {
			return err
		}
		list[i] = *r
	}
	if p.List, err = s.requestViews(c, list, true); err != nil {
		return err
	}
	for i := range p.List {
		if failed != nil && p.List[i].ID == p.FailedID {
			p.List[i].Decline = failed
		}
	}
	return s.render(c, status, "requests", s.lang(c).T("queue.title"), p)
}

func (s requestPages) requestViews(c echo.Context, list []request.Request, candidates bool) ([]requestView, error) {
	n, err := s.names(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return nil, err
	}
	out := make([]requestView, 0, len(list))
	for _, r := range list {
		v := requestView{Request: r, Workplace: n.wps[r.WorkplaceID], Earliest: r.Earliest.In(s.loc), Latest: r.Latest.In(s.loc), Decline: newForm()}
		if candidates {
			for _, cd := range r.Candidates {
				v.Candidates = append(v.Candidates, candidateView{Supervisor: n.sups[cd.SupervisorID], Start: cd.Start.In(s.loc),
					End: cd.End.In(s.loc), StartRFC: cd.Start.Format(time.RFC3339), EndRFC: cd.End.Format(time.RFC3339)})
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// fillRequest books a candidate for the request (one click in the queue).
func (s requestPages) fillRequest(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return &booking.Error{Code: booking.CodeNotFound, Message: "request not found"}
	}
	sv, _ := strconv.ParseInt(c.FormValue("supervisor_id"), 10, 64)
	_, err = s.requestService().Fill(c.Request().Context(), httpx.Actor(c), id,
		request.FillInput{SupervisorID: sv, Start: c.FormValue("start"), End: c.FormValue("end")})
	var be *booking.Error
	if errors.As(err, &be) && (be.Code == booking.CodeConflict || be.Code == booking.CodeInvalid) {
		// Someone took the time (or the request) meanwhile: show the queue
		// again, as it is now, with the reason.
		l := s.lang(c)
		p := &requestsPage{Queue: true, FailedID: id, Problem: l.T("queue.fill_failed")}
		if vs, ok := be.Details.([]booking.Violation); ok && len(vs) > 0 {
			p.Problem = l.T("queue.fill_failed") + " " + l.T("rule."+vs[0].Rule)
		}
		status := http.StatusConflict
		if be.Code == booking.CodeInvalid {
			status = http.StatusUnprocessableEntity
		}
		return s.renderQueue(c, status, p, nil)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/requests/queue?done=filled")
}

// declineRequest closes a request with the reason its managers are shown.
func (s requestPages) declineRequest(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return &booking.Error{Code: booking.CodeNotFound, Message: "request not found"}
	}
	l := s.lang(c)
	f := formFrom(c, "reason")
	if f.V("reason") == "" {
		f.Fail("reason", l.T("err.decline_reason"))
		return s.renderQueue(c, http.StatusUnprocessableEntity, &requestsPage{Queue: true, FailedID: id}, f)
	}
	_, err = s.requestService().Decline(c.Request().Context(), httpx.Actor(c), id, f.V("reason"))
	if failFrom(f, l, err, nil) {
		return s.renderQueue(c, http.StatusUnprocessableEntity, &requestsPage{Queue: true, FailedID: id}, f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/requests/queue?done=declined")
}
