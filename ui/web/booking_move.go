package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// Flytta (issue 14): a manager moves an upcoming booking to a new time with
// the same supervisor, every rule checked again, until the late-cancel
// limit; after it the page says whom to call instead.

type movePage struct {
	B          bookingView
	Start, End time.Time
	Form       *form
	Late       bool          // past the late-cancel limit: call instead
	Notice     time.Duration // the limit
	Reasons    []string      // why the new time collides
	TimesURL   string        // every free time of the language, when the new time collides
}

// moveTarget loads the booking to move; one that is cancelled or over is not found here.
func (s *Server) moveTarget(c echo.Context) (*movePage, error) {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	u := httpx.Actor(c)
	b, err := s.svc.Booking(ctx, u, id)
	if err != nil {
		return nil, err
	}
	now := s.svc.Now()
	if b.Status != booking.StatusConfirmed || !b.Start.After(now) {
		return nil, &booking.Error{Code: booking.CodeNotFound, Message: "only an upcoming booking can be moved"}
	}
	n, err := s.names(ctx, u)
	if err != nil {
		return nil, err
	}
	p := &movePage{B: n.view(*b), Start: b.Start.In(s.loc), End: b.End.In(s.loc), Form: newForm(),
		Late: s.svc.IsLateCancel(b, now), Notice: s.lateNotice(b)}
	p.Form.Values["date"] = p.Start.Format(time.DateOnly)
	p.Form.Values["start"], p.Form.Values["end"] = p.Start.Format("15:04"), p.End.Format("15:04")
	return p, nil
}

// lateNotice is the late-cancel limit of the booking's mode.
func (s *Server) lateNotice(b *booking.Booking) time.Duration {
	cfg := s.svc.Config()
	if b.Mode == "phone" || b.Mode == "video" {
		return cfg.LateCancelRemote
	}
	return cfg.LateCancel
}

func (s *Server) movePage(c echo.Context) error {
	p, err := s.moveTarget(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "booking_move", s.lang(c).T("move.title"), p)
}

func (s *Server) moveBooking(c echo.Context) error {
	p, err := s.moveTarget(c)
	if err != nil {
		return err
	}
	l := s.lang(c)
	title := l.T("move.title")
	if p.Late {
		return s.render(c, http.StatusConflict, "booking_move", title, p)
	}
	p.Form = formFrom(c, "date", "start", "end")
	start, end, ok := s.moveTimes(p.Form, l)
	if !ok {
		return s.render(c, http.StatusUnprocessableEntity, "booking_move", title, p)
	}
	st, en := start.Format(time.RFC3339), end.Format(time.RFC3339)
	_, err = s.svc.UpdateBooking(c.Request().Context(), httpx.Actor(c), p.B.ID, booking.BookingPatch{Start: &st, End: &en})
	var be *booking.Error
	switch {
	case errors.As(err, &be) && be.Code == booking.CodeConflict:
		if vs, ok := be.Details.([]booking.Violation); ok {
			for _, v := range vs {
				p.Reasons = append(p.Reasons, l.T("rule."+v.Rule))
			}
		}
		if len(p.Reasons) == 0 {
			p.Reasons = []string{l.T("rule.overlap")}
		}
		q := url.Values{"workplace_id": {strconv.FormatInt(p.B.WorkplaceID, 10)}, "language": {p.B.Language},
			"purpose": {p.B.Purpose}, "mode": {p.B.Mode}, "from": {start.Format(time.DateOnly)},
			"duration": {strconv.Itoa(int(end.Sub(start).Minutes()+14) / 15 * 15)}}
		p.TimesURL = "/book/times?" + q.Encode()
		return s.render(c, http.StatusConflict, "booking_move", title, p)
	case failFrom(p.Form, l, err, map[string]string{"start": "start", "end": "end"}):
		return s.render(c, http.StatusUnprocessableEntity, "booking_move", title, p)
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+strconv.FormatInt(p.B.ID, 10)+"?done=moved")
}

// moveTimes reads the new date and times as a person types them and checks
// what can be known without the supervisor's calendar.
func (s *Server) moveTimes(f *form, l Lang) (start, end time.Time, ok bool) {
	day, err := time.ParseInLocation(time.DateOnly, f.V("date"), s.loc)
	if err != nil {
		f.Fail("date", l.T("err.date"))
	}
	from, okStart := httpx.ParseClock(f.V("start"))
	to, okEnd := httpx.ParseClock(f.V("end"))
	if !okStart {
		f.Fail("start", l.T("err.clock"))
	}
	if !okEnd {
		f.Fail("end", l.T("err.clock"))
	} else if okStart && to <= from {
		f.Fail("end", l.T("err.end_before_start"))
	}
	if !f.OK() {
		return start, end, false
	}
	start, okStart = httpx.WallTime(day, from, s.loc)
	end, okEnd = httpx.WallTime(day, to, s.loc)
	if !okStart {
		f.Fail("start", l.T("err.no_such_time"))
	}
	if !okEnd {
		f.Fail("end", l.T("err.no_such_time"))
	}
	if f.OK() {
		s.checkWhen(f, l, start)
	}
	return start, end, f.OK()
}
