package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// requestJSON is a request as the contract shows it.
type requestJSON struct {
	ID                   int64   `json:"id"`
	WorkplaceID          int64   `json:"workplace_id"`
	Language             string  `json:"language"`
	Area                 string  `json:"area"`
	Mode                 string  `json:"mode"`
	MeetingURL           *string `json:"meeting_url"`
	Purpose              string  `json:"purpose"`
	ParticipantsExpected int     `json:"participants_expected"`
	Notes                string  `json:"notes"`
	DurationMinutes      int     `json:"duration_minutes"`
	Earliest             string  `json:"earliest"`
	Latest               string  `json:"latest"`
	Status               string  `json:"status"`
	BookingID            *int64  `json:"booking_id"`
	DeclineReason        *string `json:"decline_reason"`
	CreatedBy            *int64  `json:"created_by"`
	CreatedAt            string  `json:"created_at"`
	UpdatedAt            string  `json:"updated_at"`
}

// requestDetailJSON is one request read alone: with who could take it now.
type requestDetailJSON struct {
	requestJSON
	Candidates []candidateJSON `json:"candidates"`
}

type candidateJSON struct {
	SupervisorID int64  `json:"supervisor_id"`
	Start        string `json:"start"`
	End          string `json:"end"`
}

func (s *Server) requestJSON(r *request.Request) requestJSON {
	return requestJSON{ID: r.ID, WorkplaceID: r.WorkplaceID, Language: r.Language, Area: r.Area, Mode: r.Mode,
		MeetingURL: r.MeetingURL, Purpose: r.Purpose, ParticipantsExpected: r.ParticipantsExpected, Notes: r.Notes,
		DurationMinutes: r.DurationMinutes, Earliest: s.ts(r.Earliest), Latest: s.ts(r.Latest), Status: r.Status,
		BookingID: r.BookingID, DeclineReason: r.DeclineReason, CreatedBy: r.CreatedBy,
		CreatedAt: s.ts(r.CreatedAt), UpdatedAt: s.ts(r.UpdatedAt)}
}

type requestBody struct {
	WorkplaceID          int64   `json:"workplace_id"`
	Language             string  `json:"language"`
	Area                 string  `json:"area"`
	Mode                 string  `json:"mode"`
	MeetingURL           *string `json:"meeting_url"`
	Purpose              string  `json:"purpose"`
	ParticipantsExpected int     `json:"participants_expected"`
	Notes                string  `json:"notes"`
	DurationMinutes      int     `json:"duration_minutes"`
	Earliest             string  `json:"earliest"`
	Latest               string  `json:"latest"`
}

func (s *Server) createRequest(c echo.Context) error {
	var b requestBody
	if err := decode(c, &b); err != nil {
		return err
	}
	r, err := s.requests.Create(c.Request().Context(), httpx.Actor(c), request.Input(b))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.requestJSON(r))
}

func (s *Server) listRequests(c echo.Context) error {
	list, err := s.requests.List(c.Request().Context(), httpx.Actor(c), c.QueryParam("status"))
	if err != nil {
		return err
	}
	out := make([]requestJSON, len(list))
	for i := range list {
		out[i] = s.requestJSON(&list[i])
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getRequest(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.requests.Get(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	out := requestDetailJSON{requestJSON: s.requestJSON(r), Candidates: make([]candidateJSON, len(r.Candidates))}
	for i, cand := range r.Candidates {
		out.Candidates[i] = candidateJSON{SupervisorID: cand.SupervisorID, Start: s.ts(cand.Start), End: s.ts(cand.End)}
	}
	return c.JSON(http.StatusOK, out)
}

type fillBody struct {
	SupervisorID int64    `json:"supervisor_id"`
	Start        string   `json:"start"`
	End          string   `json:"end"`
	Override     presence `json:"override"`
}

// fillRequest books the request's session: 201 with the booking.
func (s *Server) fillRequest(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var b fillBody
	if err := decode(c, &b); err != nil {
		return err
	}
	in := request.FillInput{SupervisorID: b.SupervisorID, Start: b.Start, End: b.End,
		Override: b.Override.Values, Overriding: b.Override.Set}
	bk, err := s.requests.Fill(c.Request().Context(), httpx.Actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.bookingJSON(bk))
}

type declineBody struct {
	Reason string `json:"reason"`
}

func (s *Server) declineRequest(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var b declineBody
	if err := decode(c, &b); err != nil {
		return err
	}
	r, err := s.requests.Decline(c.Request().Context(), httpx.Actor(c), id, b.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.requestJSON(r))
}

// withdrawRequest takes no body; an empty JSON object is welcome too.
func (s *Server) withdrawRequest(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if c.Request().ContentLength != 0 {
		if err := decode(c, &struct{}{}); err != nil {
			return err
		}
	}
	r, err := s.requests.Withdraw(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.requestJSON(r))
}
