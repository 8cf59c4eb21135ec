package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// Bookings that need attention (issue 16): the dashboard's "Behöver åtgärd",
// the booking page's replacements, and the confirm step that shows, before a
// change to a supervisor's schedule is saved, which bookings it would leave
// without them.

// attentionAhead is how far ahead the dashboard looks for bookings that need
// attention: their supervisor's schedule is known that far.
const attentionAhead = 180

// attentionList returns the upcoming bookings that need attention, by start.
func (s *Server) attentionList(ctx context.Context, u *booking.User, n *names) ([]bookingView, error) {
	now := s.svc.Now().In(s.loc)
	list, err := s.svc.ListBookings(ctx, u, booking.BookingFilter{From: now.Format(time.DateOnly),
		To: now.AddDate(0, 0, attentionAhead).Format(time.DateOnly), Status: booking.StatusConfirmed, Attention: true})
	if err != nil {
		return nil, err
	}
	out := make([]bookingView, len(list))
	for i, b := range list {
		out[i] = n.view(b)
	}
	return out, nil
}

// impactViews are the bookings a change would leave, as the lists show them.
func (s *Server) impactViews(c echo.Context, list []booking.Booking) ([]bookingView, error) {
	if len(list) == 0 {
		return nil, nil
	}
	n, err := s.names(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return nil, err
	}
	out := make([]bookingView, len(list))
	for i, b := range list {
		// Nothing is saved yet: the list shows them as they are, booked.
		b.Attention = nil
		out[i] = n.view(b)
	}
	return out, nil
}

// impactStep is the confirm step of a change that would leave bookings
// without their supervisor: the bookings, and the key the form sends back to
// say "save anyway". The key names the change (its times, its windows), so a
// form changed after the warning is checked again, not saved unseen.
type impactStep struct {
	Impact     []bookingView
	ConfirmKey string
}

// confirmed reports whether the form was sent from the confirm step of this
// very change.
func confirmed(c echo.Context, key string) bool { return c.FormValue("confirm") == key }

// needsConfirm is the confirm step for the bookings list a change would
// leave, or nil when it leaves none or the form confirmed it already.
func (s *Server) needsConfirm(c echo.Context, key string, list []booking.Booking) (*impactStep, error) {
	if len(list) == 0 || confirmed(c, key) {
		return nil, nil
	}
	views, err := s.impactViews(c, list)
	if err != nil {
		return nil, err
	}
	return &impactStep{Impact: views, ConfirmKey: key}, nil
}

// importImpact is the confirm step of an .ics import that would leave
// bookings, or nil; the key is the file's digest, so another file is asked
// about again.
func (s *Server) importImpact(c echo.Context, supervisorID int64, data []byte) (*impactStep, error) {
	ctx, u := c.Request().Context(), httpx.Actor(c)
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:16])
	if confirmed(c, key) {
		return nil, nil
	}
	res, err := s.cfg.Calendar.PreviewAbsences(ctx, u, supervisorID, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var list []booking.Booking
	for _, id := range res.AffectedBookingIDs {
		b, err := s.svc.Booking(ctx, u, id)
		if err != nil {
			return nil, err
		}
		list = append(list, *b)
	}
	return s.needsConfirm(c, key, list)
}

// reassignPage gives a booking that needs attention to another supervisor
// through the same service call as the API's PATCH supervisor_id.
func (s *Server) reassignPage(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	sid, err := strconv.ParseInt(c.FormValue("supervisor_id"), 10, 64)
	if err != nil {
		return httpx.BadRequest("supervisor_id must be a number")
	}
	_, err = s.svc.UpdateBooking(c.Request().Context(), httpx.Actor(c), id, booking.BookingPatch{SupervisorID: &sid})
	done := "reassigned"
	if code := booking.ErrorCode(err); code == booking.CodeConflict || code == booking.CodeInvalid {
		// Taken or changed meanwhile: the page shows who is free now.
		done = "reassign_failed"
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+strconv.FormatInt(id, 10)+"?done="+done)
}
