package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// bookingPageData is the booking page: the booking, its people, the cancel and
// follow-up forms where they apply, and for coordinators the audit trail.
type bookingPageData struct {
	B          bookingView
	Start      time.Time
	End        time.Time
	Contacts   []booking.User
	Cancel     *form
	Followup   *form
	Confirm    *form
	CanCancel  bool
	CanFollow  bool
	CanConfirm bool
	// Late is set when cancelling now would be late and charged; Notice is the
	// notice the booking's mode needs.
	Late   bool
	Notice time.Duration
	Events []eventView
	Done   string
	// Replacements are, for a coordinator on a booking that needs attention,
	// who could take it instead (fewest booked minutes that week first).
	Replacements []booking.FreeSupervisor
	CanReassign  bool
}

type eventView struct {
	Kind  string
	At    time.Time
	Actor string
}

func (s *Server) bookingPage(c echo.Context) error {
	return s.showBooking(c, http.StatusOK, nil, nil)
}

// showBookingConfirm renders the booking page with a failed confirmation form.
func (s *Server) showBookingConfirm(c echo.Context, f *form) error {
	c.Set("confirm_form", f)
	return s.showBooking(c, http.StatusUnprocessableEntity, nil, nil)
}

// showBooking renders the booking page, with a failed form when one is given.
func (s *Server) showBooking(c echo.Context, status int, cancel, followup *form) error {
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
	contacts, err := s.svc.BookingManagers(ctx, b.ID)
	if err != nil {
		return err
	}
	now := s.svc.Now()
	mayChange := u.IsAdmin() || u.Manages(b.WorkplaceID)
	p := &bookingPageData{B: n.view(*b), Start: b.Start.In(s.loc), End: b.End.In(s.loc), Contacts: contacts,
		Cancel: cancel, Followup: followup, Done: c.QueryParam("done"),
		CanCancel:  mayChange && b.Status == booking.StatusConfirmed && b.End.After(now),
		CanFollow:  mayChange && b.Held(now),
		CanConfirm: (u.IsAdmin() || u.Is(b.SupervisorID)) && b.Status == booking.StatusConfirmed && !b.End.After(now)}
	if p.CanCancel && s.svc.IsLateCancel(b, now) {
		p.Late, p.Notice = true, s.svc.Config().LateCancel
		if b.Mode != "on_site" {
			p.Notice = s.svc.Config().LateCancelRemote
		}
	}
	if u.IsAdmin() && len(b.Attention) > 0 {
		p.CanReassign = true
		if p.Replacements, err = s.svc.Replacements(ctx, u, b); err != nil {
			return err
		}
	}
	p.Confirm, _ = c.Get("confirm_form").(*form)
	if p.Confirm == nil {
		p.Confirm = newForm()
		if cf := b.Confirmation; cf != nil {
			p.Confirm.Values["outcome"], p.Confirm.Values["note"] = cf.Outcome, cf.Note
		}
	}
	if p.Cancel == nil {
		p.Cancel = newForm()
	}
	if p.Followup == nil {
		p.Followup = followupForm(b)
	}
	if u.IsAdmin() {
		if p.Events, err = s.eventViews(c, b.ID); err != nil {
			return err
		}
	}
	return s.render(c, status, "booking", s.lang(c).T("booking.title"), p)
}

func followupForm(b *booking.Booking) *form {
	f := newForm()
	if fu := b.Followup; fu != nil {
		f.Values["persons_supervised"] = strconv.Itoa(fu.PersonsSupervised)
		f.Values["rating"] = strconv.Itoa(fu.Rating)
		f.Values["why_booked"], f.Values["comment"] = fu.WhyBooked, fu.Comment
		f.Values["reasons"] = strings.Join(fu.Reasons, " ")
		if fu.WouldBookAgain != nil {
			f.Values["would_book_again"] = strconv.FormatBool(*fu.WouldBookAgain)
		}
	}
	return f
}

func (s *Server) eventViews(c echo.Context, id int64) ([]eventView, error) {
	ctx := c.Request().Context()
	list, err := s.svc.Events(ctx, httpx.Actor(c), id)
	if err != nil {
		return nil, err
	}
	out := make([]eventView, len(list))
	for i, e := range list {
		out[i] = eventView{Kind: e.Kind, At: e.At.In(s.loc)}
		if e.ActorID != nil {
			if who, err := s.svc.UserByID(ctx, *e.ActorID); err == nil {
				out[i].Actor = who.Name
			}
		}
	}
	return out, nil
}

// cancelBookingPage cancels with a reason code and a reason, both required.
func (s *Server) cancelBookingPage(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	l := s.lang(c)
	f := formFrom(c, "reason_code", "reason")
	if f.V("reason_code") == "" {
		f.Fail("reason_code", l.T("err.reason_code"))
	}
	if f.V("reason") == "" {
		f.Fail("reason", l.T("err.reason"))
	}
	if f.OK() {
		_, err = s.svc.CancelBooking(c.Request().Context(), httpx.Actor(c), id, f.V("reason_code"), f.V("reason"))
		if err != nil && !failFrom(f, l, err, map[string]string{"status": "reason"}) {
			return err
		}
	}
	if !f.OK() {
		return s.showBooking(c, http.StatusUnprocessableEntity, f, nil)
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+strconv.FormatInt(id, 10)+"?done=cancelled")
}

// followupPage records how a held session went.
func (s *Server) followupPage(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	l := s.lang(c)
	f := formFrom(c, "persons_supervised", "rating", "why_booked", "comment", "would_book_again")
	reasons, again := followupChoices(c, f)
	persons, err := strconv.Atoi(f.V("persons_supervised"))
	if err != nil || persons < 0 || persons > 10000 {
		f.Fail("persons_supervised", l.T("err.count"))
	}
	rating, err := strconv.Atoi(f.V("rating"))
	if err != nil || rating < 1 || rating > 5 {
		f.Fail("rating", l.T("err.rating"))
	}
	if f.OK() {
		_, err = s.svc.RecordFollowup(c.Request().Context(), httpx.Actor(c), id, booking.FollowupInput{PersonsSupervised: persons,
			Rating: rating, WhyBooked: f.V("why_booked"), Comment: f.V("comment"), Reasons: reasons, WouldBookAgain: again})
		if err != nil && !failFrom(f, l, err, map[string]string{"booking": "persons_supervised"}) {
			return err
		}
	}
	if !f.OK() {
		return s.showBooking(c, http.StatusUnprocessableEntity, nil, f)
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+strconv.FormatInt(id, 10)+"?done=followup")
}
