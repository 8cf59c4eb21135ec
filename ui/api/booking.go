package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

type bookingJSON struct {
	ID                   int64             `json:"id"`
	UID                  string            `json:"uid"`
	SupervisorID         int64             `json:"supervisor_id"`
	WorkplaceID          int64             `json:"workplace_id"`
	Language             string            `json:"language"`
	Area                 string            `json:"area"`
	Mode                 string            `json:"mode"`
	MeetingURL           *string           `json:"meeting_url"`
	Start                string            `json:"start"`
	End                  string            `json:"end"`
	Purpose              string            `json:"purpose"`
	ParticipantsExpected int               `json:"participants_expected"`
	Notes                string            `json:"notes"`
	Status               string            `json:"status"`
	Sequence             int               `json:"sequence"`
	CancelReasonCode     *string           `json:"cancel_reason_code"`
	CancelReason         *string           `json:"cancel_reason"`
	CancelledAt          *string           `json:"cancelled_at"`
	Followup             *followupJSON     `json:"followup"`
	Confirmation         *confirmationJSON `json:"confirmation"`
	Attention            any               `json:"attention"`
	CreatedAt            string            `json:"created_at"`
	UpdatedAt            string            `json:"updated_at"`
	SeriesID             *int64            `json:"series_id"`
}

type confirmationJSON struct {
	Outcome     string `json:"outcome"`
	ActualStart string `json:"actual_start"`
	ActualEnd   string `json:"actual_end"`
	Note        string `json:"note"`
	ConfirmedAt string `json:"confirmed_at"`
}

type followupJSON struct {
	PersonsSupervised int      `json:"persons_supervised"`
	Rating            int      `json:"rating"`
	Comment           string   `json:"comment"`
	WhyBooked         string   `json:"why_booked"`
	Reasons           []string `json:"reasons"`
	WouldBookAgain    *bool    `json:"would_book_again"`
	CreatedAt         string   `json:"created_at"`
}

func (s *Server) bookingJSON(b *booking.Booking) bookingJSON {
	out := bookingJSON{ID: b.ID, UID: b.UID, SupervisorID: b.SupervisorID, WorkplaceID: b.WorkplaceID,
		Language: b.Language, Area: b.Area, Mode: b.Mode, MeetingURL: b.MeetingURL,
		Start: s.ts(b.Start), End: s.ts(b.End), Purpose: b.Purpose, ParticipantsExpected: b.ParticipantsExpected,
		Notes: b.Notes, Status: b.Status, Sequence: b.Sequence, CancelReasonCode: b.CancelReasonCode,
		CancelReason: b.CancelReason, CancelledAt: s.tsPtr(b.CancelledAt),
		CreatedAt: s.ts(b.CreatedAt), UpdatedAt: s.ts(b.UpdatedAt), Attention: httpx.Attention(b.Attention, s.loc),
		SeriesID: b.SeriesID}
	if f := b.Followup; f != nil {
		out.Followup = &followupJSON{PersonsSupervised: f.PersonsSupervised, Rating: f.Rating,
			Comment: f.Comment, WhyBooked: f.WhyBooked, Reasons: f.Reasons, WouldBookAgain: f.WouldBookAgain,
			CreatedAt: s.ts(f.CreatedAt)}
		if out.Followup.Reasons == nil {
			out.Followup.Reasons = []string{}
		}
	}
	if c := b.Confirmation; c != nil {
		out.Confirmation = &confirmationJSON{Outcome: c.Outcome, ActualStart: s.ts(c.ActualStart),
			ActualEnd: s.ts(c.ActualEnd), Note: c.Note, ConfirmedAt: s.ts(c.ConfirmedAt)}
	}
	return out
}

type bookingRequest struct {
	SupervisorID         *int64   `json:"supervisor_id"`
	WorkplaceID          int64    `json:"workplace_id"`
	Language             string   `json:"language"`
	Area                 string   `json:"area"`
	Mode                 string   `json:"mode"`
	MeetingURL           *string  `json:"meeting_url"`
	Start                string   `json:"start"`
	End                  string   `json:"end"`
	Purpose              string   `json:"purpose"`
	ParticipantsExpected int      `json:"participants_expected"`
	Notes                string   `json:"notes"`
	Override             presence `json:"override"`
}

type bookingPatchRequest struct {
	SupervisorID         *int64   `json:"supervisor_id"`
	WorkplaceID          *int64   `json:"workplace_id"`
	Language             *string  `json:"language"`
	Area                 *string  `json:"area"`
	Mode                 *string  `json:"mode"`
	MeetingURL           *string  `json:"meeting_url"`
	Start                *string  `json:"start"`
	End                  *string  `json:"end"`
	Purpose              *string  `json:"purpose"`
	ParticipantsExpected *int     `json:"participants_expected"`
	Notes                *string  `json:"notes"`
	Override             presence `json:"override"`
}

func (s *Server) listBookings(c echo.Context) error {
	sid, err := queryID(c, "supervisor_id")
	if err != nil {
		return err
	}
	wid, err := queryID(c, "workplace_id")
	if err != nil {
		return err
	}
	unconfirmed := c.QueryParam("unconfirmed")
	if unconfirmed != "" && unconfirmed != "true" && unconfirmed != "false" {
		return &booking.Error{Code: booking.CodeInvalid, Message: "unconfirmed must be true or false",
			Details: []booking.FieldError{{Field: "unconfirmed", Message: "must be true or false"}}}
	}
	attention := c.QueryParam("attention")
	if attention != "" && attention != "true" && attention != "false" {
		return &booking.Error{Code: booking.CodeInvalid, Message: "attention must be true or false",
			Details: []booking.FieldError{{Field: "attention", Message: "must be true or false"}}}
	}
	f := booking.BookingFilter{From: c.QueryParam("from"), To: c.QueryParam("to"), SupervisorID: sid,
		WorkplaceID: wid, Status: c.QueryParam("status"), Unconfirmed: unconfirmed == "true", Attention: attention == "true"}
	list, err := s.svc.ListBookings(c.Request().Context(), httpx.Actor(c), f)
	if err != nil {
		return err
	}
	out := make([]bookingJSON, len(list))
	for i := range list {
		out[i] = s.bookingJSON(&list[i])
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getBooking(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Booking(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.bookingJSON(b))
}

func (s *Server) createBooking(c echo.Context) error {
	var r bookingRequest
	if err := decode(c, &r); err != nil {
		return err
	}
	in := booking.BookingInput{SupervisorID: r.SupervisorID, WorkplaceID: r.WorkplaceID, Language: r.Language,
		Area: r.Area, Mode: r.Mode, MeetingURL: r.MeetingURL, Start: r.Start, End: r.End, Purpose: r.Purpose,
		ParticipantsExpected: r.ParticipantsExpected, Notes: r.Notes,
		Override: r.Override.Values, Overriding: r.Override.Set}
	b, err := s.svc.CreateBooking(c.Request().Context(), httpx.Actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.bookingJSON(b))
}

func (s *Server) updateBooking(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var r bookingPatchRequest
	if err := decode(c, &r); err != nil {
		return err
	}
	in := booking.BookingPatch{SupervisorID: r.SupervisorID, WorkplaceID: r.WorkplaceID, Language: r.Language,
		Area: r.Area, Mode: r.Mode, MeetingURL: r.MeetingURL, Start: r.Start, End: r.End, Purpose: r.Purpose,
		ParticipantsExpected: r.ParticipantsExpected, Notes: r.Notes,
		Override: r.Override.Values, Overriding: r.Override.Set}
	b, err := s.svc.UpdateBooking(c.Request().Context(), httpx.Actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.bookingJSON(b))
}

type cancelRequest struct {
	ReasonCode string `json:"reason_code"`
	Reason     string `json:"reason"`
}

func (s *Server) cancelBooking(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var r cancelRequest
	if err := decode(c, &r); err != nil {
		return err
	}
	b, err := s.svc.CancelBooking(c.Request().Context(), httpx.Actor(c), id, r.ReasonCode, r.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.bookingJSON(b))
}

type followupRequest struct {
	PersonsSupervised int      `json:"persons_supervised"`
	Rating            int      `json:"rating"`
	Comment           string   `json:"comment"`
	WhyBooked         string   `json:"why_booked"`
	Reasons           []string `json:"reasons"`
	WouldBookAgain    *bool    `json:"would_book_again"`
}

func (s *Server) followupBooking(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var r followupRequest
	if err := decode(c, &r); err != nil {
		return err
	}
	b, err := s.svc.RecordFollowup(c.Request().Context(), httpx.Actor(c), id, booking.FollowupInput(r))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.bookingJSON(b))
}

type confirmationRequest struct {
	Outcome     string `json:"outcome"`
	ActualStart string `json:"actual_start"`
	ActualEnd   string `json:"actual_end"`
	Note        string `json:"note"`
}

func (s *Server) confirmBooking(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var r confirmationRequest
	if err := decode(c, &r); err != nil {
		return err
	}
	b, err := s.svc.ConfirmBooking(c.Request().Context(), httpx.Actor(c), id, booking.ConfirmationInput(r))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.bookingJSON(b))
}

type eventJSON struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	Sequence int    `json:"sequence"`
	ActorID  *int64 `json:"actor_id"`
	At       string `json:"at"`
	Data     any    `json:"data"`
}

// bookingEvents shows a booking's audit trail to those who may see the booking.
func (s *Server) bookingEvents(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Events(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	out := make([]eventJSON, len(list))
	for i, e := range list {
		out[i] = eventJSON{ID: e.ID, Kind: e.Kind, Sequence: e.Sequence, ActorID: e.ActorID, At: s.ts(e.At), Data: rawJSON(e.Data)}
	}
	return c.JSON(http.StatusOK, out)
}
