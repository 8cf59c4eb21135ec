package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// confirmPageData is the supervisor's phone page for saying how a session
// went: one button when it went as booked, a short form otherwise. The
// reminder mail links here (BASE_URL/bookings/{id}/confirm).
type confirmPageData struct {
	B           bookingView
	Start, End  time.Time
	Form        *form
	CanConfirm  bool // ended and not cancelled
	ActualStart time.Time
	ActualEnd   time.Time
	Done        bool
}

// confirmationForm is the form of the confirmation page, prefilled with the
// booked times or what was confirmed before.
func (s *Server) confirmationForm(b *booking.Booking) *form {
	f := newForm()
	f.Values["outcome"] = "held"
	f.Values["actual_start"], f.Values["actual_end"] = b.Start.In(s.loc).Format("15:04"), b.End.In(s.loc).Format("15:04")
	if cf := b.Confirmation; cf != nil {
		f.Values["outcome"], f.Values["note"] = cf.Outcome, cf.Note
		f.Values["actual_start"], f.Values["actual_end"] = cf.ActualStart.In(s.loc).Format("15:04"), cf.ActualEnd.In(s.loc).Format("15:04")
	}
	return f
}

func (s *Server) confirmationPage(c echo.Context) error {
	return s.showConfirmation(c, http.StatusOK, nil)
}

// showConfirmation renders the confirmation page, with a failed form when one is given.
func (s *Server) showConfirmation(c echo.Context, status int, f *form) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	b, err := s.svc.Booking(ctx, u, id)
	if err != nil {
		return err
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return err
	}
	p := &confirmPageData{B: n.view(*b), Start: b.Start.In(s.loc), End: b.End.In(s.loc), Form: f,
		CanConfirm: b.Held(s.svc.Now()), Done: c.QueryParam("done") == "confirmed"}
	if cf := b.Confirmation; cf != nil {
		p.ActualStart, p.ActualEnd = cf.ActualStart.In(s.loc), cf.ActualEnd.In(s.loc)
	}
	if p.Form == nil {
		p.Form = s.confirmationForm(b)
	}
	return s.render(c, status, "confirm", s.lang(c).T("confirm.title"), p)
}

// confirmTimes turns the page's hh:mm fields into the service's RFC 3339 times
// on the booked local date; empty fields keep the booked times.
func (s *Server) confirmTimes(c echo.Context, f *form, l Lang, id int64) (start, end string, err error) {
	if f.V("actual_start") == "" && f.V("actual_end") == "" {
		return "", "", nil
	}
	b, err := s.svc.Booking(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return "", "", err
	}
	day := b.Start.In(s.loc).Format(time.DateOnly)
	parse := func(name string) time.Time {
		t, err := time.ParseInLocation(time.DateOnly+" 15:04", day+" "+f.V(name), s.loc)
		wall, _ := time.Parse("15:04", f.V(name))
		switch {
		case err != nil:
			f.Fail(name, l.T("err.clock"))
		case t.Hour() != wall.Hour() || t.Minute() != wall.Minute(): // in the hour skipped when summer time begins
			f.Fail(name, l.T("err.no_such_time"))
		}
		return t
	}
	st, en := parse("actual_start"), parse("actual_end")
	if f.OK() && !en.After(st) {
		f.Fail("actual_end", l.T("err.end_before_start"))
	}
	return st.Format(time.RFC3339), en.Format(time.RFC3339), nil
}

// confirmPage records, for the supervisor, whether a session took place. The
// booking page, the confirmation page and the one-tap button of the week post
// here; back says where to return.
func (s *Server) confirmPage(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	l := s.lang(c)
	f := formFrom(c, "outcome", "note", "actual_start", "actual_end", "back")
	if f.V("outcome") == "" {
		f.Fail("outcome", l.T("err.outcome"))
	}
	start, end, err := s.confirmTimes(c, f, l, id)
	if err != nil {
		return err
	}
	if f.OK() {
		b, err := s.svc.ConfirmBooking(c.Request().Context(), httpx.Actor(c), id, booking.ConfirmationInput{Outcome: f.V("outcome"),
			ActualStart: start, ActualEnd: end, Note: f.V("note")})
		if err != nil && !failFrom(f, l, err, map[string]string{"booking": "outcome", "status": "outcome"}) {
			return err
		}
		if err == nil && f.V("back") == "week" {
			return c.Redirect(http.StatusSeeOther, "/week?date="+b.Start.In(s.loc).Format(time.DateOnly)+"&done=confirmed")
		}
	}
	switch {
	case f.OK() && f.V("back") == "":
		return c.Redirect(http.StatusSeeOther, "/bookings/"+strconv.FormatInt(id, 10)+"?done=confirmed")
	case f.OK():
		return c.Redirect(http.StatusSeeOther, "/bookings/"+strconv.FormatInt(id, 10)+"/confirm?done=confirmed")
	case f.V("back") == "":
		return s.showBookingConfirm(c, f)
	}
	return s.showConfirmation(c, http.StatusUnprocessableEntity, f)
}
