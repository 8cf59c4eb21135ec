package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// The "Boka språkstöd" flow, at most three screens: the form (what, when,
// where), the free supervisors with a confirm button, and the booking page.

var bookFields = []string{"workplace_id", "language", "date", "start", "end", "purpose", "participants_expected", "mode", "meeting_url", "notes", "supervisor_id"}

// bookPage is what the booking screens show.
type bookPage struct {
	Form       *form
	Workplaces []booking.Workplace
	Free       []booking.FreeSupervisor
	Step       string // "form", "choose"
	Conflict   *conflictView
	Query      string // the form's values as a query string, for the JS live search
	ChangeURL  string // the first screen with the form's values
	// Start and End are the chosen time, and Workplace the place, for the
	// confirm screen's summary.
	Start, End time.Time
	Workplace  booking.Workplace
	// NoneFree: nobody is free at the time; the confirm screen offers Next
	// (the next free times), all free times (TimesURL) and a request.
	NoneFree   bool
	Chosen     int64 // the supervisor asked for (Boka igen), when free
	Next       []slotLink
	TimesURL   string
	RequestURL string
}

type conflictView struct {
	Reasons      []string
	Alternatives []alternativeView
}

type alternativeView struct {
	Supervisor booking.Supervisor
	Start, End time.Time
}

// bookForm is screen 1, or screen 2 when the form was sent with step=choose.
func (s *Server) bookForm(c echo.Context) error {
	p, err := s.newBookPage(c)
	if err != nil {
		return err
	}
	if c.QueryParam("step") != "choose" {
		return s.render(c, http.StatusOK, "book", p.title(s, c), p)
	}
	if status, err := s.findFree(c, p); err != nil || status != http.StatusOK {
		if err != nil {
			return err
		}
		return s.render(c, status, "book", p.title(s, c), p)
	}
	p.Step = "choose"
	return s.render(c, http.StatusOK, "book", p.title(s, c), p)
}

// bookFree is the live search: the free supervisors for the form as it is now.
func (s *Server) bookFree(c echo.Context) error {
	p, err := s.newBookPage(c)
	if err != nil {
		return err
	}
	if _, err := s.findFree(c, p); err != nil {
		return err
	}
	return s.renderPart(c, "book", "free", p)
}

// book is the confirm button of screen 2 and the one-click alternatives: it
// books, or explains the collision with the alternatives as buttons.
func (s *Server) book(c echo.Context) error {
	p, err := s.newBookPage(c)
	if err != nil {
		return err
	}
	l := s.lang(c)
	in, ok := s.bookingInput(p.Form, l)
	if !s.checkStep1(p.Form, l, in, ok) {
		s.noFitLinks(p)
		return s.render(c, http.StatusUnprocessableEntity, "book", p.title(s, c), p)
	}
	b, err := s.svc.CreateBooking(c.Request().Context(), httpx.Actor(c), in)
	var be *booking.Error
	switch {
	case errors.As(err, &be) && be.Code == booking.CodeConflict:
		if p.Conflict, err = s.conflictView(c, be); err != nil {
			return err
		}
		p.Step = "choose"
		if _, err := s.findFree(c, p); err != nil {
			return err
		}
		return s.render(c, http.StatusConflict, "book", p.title(s, c), p)
	case failFrom(p.Form, l, err, map[string]string{"supervisor_id": "supervisor_id"}):
		return s.render(c, http.StatusUnprocessableEntity, "book", p.title(s, c), p)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+strconv.FormatInt(b.ID, 10)+"?done=booked")
}

func (p *bookPage) title(s *Server, c echo.Context) string { return s.lang(c).T("book.title") }

func (s *Server) newBookPage(c echo.Context) (*bookPage, error) {
	u := httpx.Actor(c)
	f := formFrom(c, bookFields...)
	all, err := s.svc.ListWorkplaces(c.Request().Context(), u)
	if err != nil {
		return nil, err
	}
	p := &bookPage{Form: f, Step: "form"}
	for _, w := range all {
		if w.Active && (u.IsAdmin() || u.Manages(w.ID)) {
			p.Workplaces = append(p.Workplaces, w)
		}
	}
	if f.V("workplace_id") == "" && len(p.Workplaces) == 1 {
		f.Values["workplace_id"] = strconv.FormatInt(p.Workplaces[0].ID, 10)
	}
	if f.V("mode") == "" {
		f.Values["mode"] = "on_site"
	}
	if f.V("purpose") == "" {
		f.Values["purpose"] = "workplace_support"
	}
	q := url.Values{}
	for _, n := range bookFields {
		if v := f.V(n); v != "" && n != "supervisor_id" {
			q.Set(n, v)
		}
	}
	p.Query = q.Encode()
	p.ChangeURL = "/book?" + p.Query
	return p, nil
}

// findFree fills the free supervisors, or the form's errors (422).
func (s *Server) findFree(c echo.Context, p *bookPage) (int, error) {
	l := s.lang(c)
	in, ok := s.bookingInput(p.Form, l)
	if !s.checkStep1(p.Form, l, in, ok) {
		s.noFitLinks(p)
		return http.StatusUnprocessableEntity, nil
	}
	wid := in.WorkplaceID
	free, err := s.svc.FreeSupervisors(c.Request().Context(), httpx.Actor(c), booking.FreeQuery{Language: in.Language,
		Start: in.Start, End: in.End, WorkplaceID: &wid})
	if failFrom(p.Form, l, err, nil) {
		return http.StatusUnprocessableEntity, nil
	}
	if err != nil {
		return 0, err
	}
	p.Free = free
	p.summary(s, in)
	for _, fs := range free {
		if in.SupervisorID != nil && fs.Supervisor.ID == *in.SupervisorID {
			p.Chosen = fs.Supervisor.ID
		}
	}
	if len(free) > 0 {
		return http.StatusOK, nil
	}
	marked, next, err := s.whyNoneFree(c.Request().Context(), httpx.Actor(c), p.Form, l, in)
	if err != nil {
		return 0, err
	}
	s.noFitLinks(p)
	if marked {
		return http.StatusUnprocessableEntity, nil
	}
	p.NoneFree = true
	base := requestPages{s}.timesQuery(p.Form)
	for _, sl := range next {
		p.Next = append(p.Next, requestPages{s}.slotLink(sl, base))
	}
	return http.StatusOK, nil
}

// summary fills the confirm screen's summary from the checked input.
func (p *bookPage) summary(s *Server, in booking.BookingInput) {
	p.Start, _ = time.Parse(time.RFC3339, in.Start)
	p.End, _ = time.Parse(time.RFC3339, in.End)
	p.Start, p.End = p.Start.In(s.loc), p.End.In(s.loc)
	for _, w := range p.Workplaces {
		if w.ID == in.WorkplaceID {
			p.Workplace = w
		}
	}
}

// noFitLinks are the ways on when the time does not work: every free time of
// the language, and a request prefilled with the form's values.
func (s *Server) noFitLinks(p *bookPage) {
	f := p.Form
	t := url.Values{}
	for _, n := range []string{"workplace_id", "language", "purpose", "mode", "meeting_url", "participants_expected", "notes"} {
		if v := f.V(n); v != "" {
			t.Set(n, v)
		}
	}
	r := url.Values{}
	for k, v := range t {
		r[k] = v
	}
	if day, err := time.ParseInLocation(time.DateOnly, f.V("date"), s.loc); err == nil && day.Format(time.DateOnly) >= s.svc.Now().In(s.loc).Format(time.DateOnly) {
		t.Set("from", day.Format(time.DateOnly))
		r.Set("earliest_date", day.Format(time.DateOnly))
		r.Set("latest_date", day.AddDate(0, 0, timesDays-1).Format(time.DateOnly))
		r.Set("earliest_time", "08:00")
		r.Set("latest_time", "17:00")
	}
	if start, ok := httpx.ParseClock(f.V("start")); ok {
		if end, ok := httpx.ParseClock(f.V("end")); ok && end > start {
			t.Set("duration", strconv.Itoa((end-start+14)/15*15))
			r.Set("duration", t.Get("duration"))
		}
	}
	if t.Get("language") == "" {
		return
	}
	p.TimesURL, p.RequestURL = "/book/times?"+t.Encode(), "/requests/new?"+r.Encode()
}

// bookingInput checks the form the way a person reads it (a date and two
// clock times) and turns it into the service's input.
func (s *Server) bookingInput(f *form, l Lang) (booking.BookingInput, bool) {
	var in booking.BookingInput
	wid, err := strconv.ParseInt(f.V("workplace_id"), 10, 64)
	if err != nil || wid <= 0 {
		f.Fail("workplace_id", l.required("workplace_id"))
	}
	if _, ok := vocab.LanguageByCode(f.V("language")); !ok {
		f.Fail("language", l.T("err.choose_language"))
	}
	day, err := time.ParseInLocation(time.DateOnly, f.V("date"), s.loc)
	if err != nil {
		f.Fail("date", l.T("err.date"))
	}
	start, okStart := httpx.ParseClock(f.V("start"))
	end, okEnd := httpx.ParseClock(f.V("end"))
	if !okStart {
		f.Fail("start", l.T("err.clock"))
	}
	if !okEnd {
		f.Fail("end", l.T("err.clock"))
	} else if okStart && end <= start {
		f.Fail("end", l.T("err.end_before_start"))
	}
	n, err := strconv.Atoi(f.V("participants_expected"))
	if f.V("participants_expected") == "" {
		n, err = 0, nil
	}
	if err != nil || n < 0 || n > 10000 {
		f.Fail("participants_expected", l.T("err.count"))
	}
	if !f.OK() {
		return in, false
	}
	startAt, okStart := httpx.WallTime(day, start, s.loc)
	endAt, okEnd := httpx.WallTime(day, end, s.loc)
	if !okStart {
		f.Fail("start", l.T("err.no_such_time"))
	}
	if !okEnd {
		f.Fail("end", l.T("err.no_such_time"))
	}
	if !f.OK() {
		return in, false
	}
	in = booking.BookingInput{WorkplaceID: wid, Language: f.V("language"), Mode: f.V("mode"), Purpose: f.V("purpose"),
		Start:                startAt.Format(time.RFC3339),
		End:                  endAt.Format(time.RFC3339),
		ParticipantsExpected: n, Notes: f.V("notes")}
	if v := f.V("meeting_url"); v != "" {
		in.MeetingURL = &v
	}
	if id, err := strconv.ParseInt(f.V("supervisor_id"), 10, 64); err == nil && id > 0 {
		in.SupervisorID = &id
	}
	return in, true
}

// conflictView explains a collision in plain words with the alternatives.
func (s *Server) conflictView(c echo.Context, be *booking.Error) (*conflictView, error) {
	l := s.lang(c)
	cv := &conflictView{}
	if vs, ok := be.Details.([]booking.Violation); ok {
		for _, v := range vs {
			cv.Reasons = append(cv.Reasons, l.T("rule."+v.Rule))
		}
	}
	if len(cv.Reasons) == 0 {
		cv.Reasons = append(cv.Reasons, l.T("rule.overlap"))
	}
	n, err := s.names(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return nil, err
	}
	for _, a := range be.Alternatives {
		cv.Alternatives = append(cv.Alternatives, alternativeView{Supervisor: n.sups[a.SupervisorID],
			Start: a.Start.In(s.loc), End: a.End.In(s.loc)})
	}
	return cv, nil
}
