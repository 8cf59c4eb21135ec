package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// seriesJSON is a series as the contract shows it: the first occurrence's
// booking fields, the repeat rule, its bookings and the skipped dates.
type seriesJSON struct {
	ID                   int64         `json:"id"`
	UID                  string        `json:"uid"`
	Repeat               repeatJSON    `json:"repeat"`
	SkipConflicts        bool          `json:"skip_conflicts"`
	SupervisorID         int64         `json:"supervisor_id"`
	WorkplaceID          int64         `json:"workplace_id"`
	Language             string        `json:"language"`
	Area                 string        `json:"area"`
	Mode                 string        `json:"mode"`
	MeetingURL           *string       `json:"meeting_url"`
	Start                string        `json:"start"`
	End                  string        `json:"end"`
	Purpose              string        `json:"purpose"`
	ParticipantsExpected int           `json:"participants_expected"`
	Notes                string        `json:"notes"`
	Occurrences          int           `json:"occurrences"`
	Sequence             int           `json:"sequence"`
	CreatedBy            *int64        `json:"created_by"`
	CreatedAt            string        `json:"created_at"`
	UpdatedAt            string        `json:"updated_at"`
	Bookings             []bookingJSON `json:"bookings"`
	Skipped              []skippedJSON `json:"skipped"`
}

type repeatJSON struct {
	EveryWeeks int     `json:"every_weeks"`
	Count      *int    `json:"count,omitempty"`
	Until      *string `json:"until,omitempty"`
}

type skippedJSON struct {
	Date    string          `json:"date"`
	Start   string          `json:"start"`
	Details any             `json:"details"`
	Holiday *skippedHoliday `json:"holiday,omitempty"`
}

type skippedHoliday struct {
	NameSV string `json:"name_sv"`
	NameEN string `json:"name_en"`
}

func (s *Server) seriesJSON(sr *booking.Series) seriesJSON {
	out := seriesJSON{ID: sr.ID, UID: sr.UID, Repeat: repeatJSON{EveryWeeks: sr.EveryWeeks, Count: sr.Count, Until: sr.Until},
		SkipConflicts: sr.SkipConflicts, SupervisorID: sr.SupervisorID, WorkplaceID: sr.WorkplaceID, Language: sr.Language,
		Area: sr.Area, Mode: sr.Mode, MeetingURL: sr.MeetingURL, Start: s.ts(sr.Start), End: s.ts(sr.End),
		Purpose: sr.Purpose, ParticipantsExpected: sr.ParticipantsExpected, Notes: sr.Notes, Occurrences: sr.Occurrences,
		Sequence: sr.Sequence, CreatedBy: sr.CreatedBy, CreatedAt: s.ts(sr.CreatedAt), UpdatedAt: s.ts(sr.UpdatedAt),
		Bookings: make([]bookingJSON, len(sr.Bookings)), Skipped: make([]skippedJSON, len(sr.Skipped))}
	for i := range sr.Bookings {
		out.Bookings[i] = s.bookingJSON(&sr.Bookings[i])
	}
	for i, sk := range sr.Skipped {
		out.Skipped[i] = skippedJSON{Date: sk.Date, Start: s.ts(sk.Start), Details: httpx.Violations(sk.Details, s.loc)}
		if sk.Holiday != nil {
			out.Skipped[i].Holiday = &skippedHoliday{NameSV: sk.Holiday.NameSV, NameEN: sk.Holiday.NameEN}
		}
	}
	return out
}

type seriesRequest struct {
	bookingRequest
	Repeat struct {
		EveryWeeks int     `json:"every_weeks"`
		Count      *int    `json:"count"`
		Until      *string `json:"until"`
	} `json:"repeat"`
	SkipConflicts bool `json:"skip_conflicts"`
}

func (s *Server) createSeries(c echo.Context) error {
	var r seriesRequest
	if err := decode(c, &r); err != nil {
		return err
	}
	in := booking.SeriesInput{BookingInput: booking.BookingInput{SupervisorID: r.SupervisorID, WorkplaceID: r.WorkplaceID,
		Language: r.Language, Area: r.Area, Mode: r.Mode, MeetingURL: r.MeetingURL, Start: r.Start, End: r.End,
		Purpose: r.Purpose, ParticipantsExpected: r.ParticipantsExpected, Notes: r.Notes,
		Override: r.Override.Values, Overriding: r.Override.Set},
		EveryWeeks: r.Repeat.EveryWeeks, Count: r.Repeat.Count, Until: r.Repeat.Until, SkipConflicts: r.SkipConflicts}
	sr, err := s.svc.CreateSeries(c.Request().Context(), httpx.Actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.seriesJSON(sr))
}

func (s *Server) getSeries(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	sr, err := s.svc.SeriesByID(c.Request().Context(), httpx.Actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.seriesJSON(sr))
}

type seriesCancelRequest struct {
	ReasonCode string `json:"reason_code"`
	Reason     string `json:"reason"`
	From       string `json:"from"`
}

func (s *Server) cancelSeries(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var r seriesCancelRequest
	if err := decode(c, &r); err != nil {
		return err
	}
	sr, err := s.svc.CancelSeries(c.Request().Context(), httpx.Actor(c), id, r.ReasonCode, r.Reason, r.From)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.seriesJSON(sr))
}
