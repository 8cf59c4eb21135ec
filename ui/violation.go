package ui

import (
	"encoding/json"

	"github.com/sprakpool/sprakpool/booking"
)

type violationJSON struct {
	Rule      string  `json:"rule"`
	BookingID int64   `json:"booking_id,omitempty"`
	Start     *string `json:"start,omitempty"`
	End       *string `json:"end,omitempty"`
	AbsenceID int64   `json:"absence_id,omitempty"`
	Date      string  `json:"date,omitempty"`
	Minutes   int     `json:"minutes,omitempty"`
}

type alternativeJSON struct {
	SupervisorID int64  `json:"supervisor_id"`
	Start        string `json:"start"`
	End          string `json:"end"`
}

func (s *Server) violationsJSON(vs []booking.Violation) []violationJSON {
	out := make([]violationJSON, len(vs))
	for i, v := range vs {
		out[i] = violationJSON{Rule: v.Rule, BookingID: v.BookingID, Start: s.tsPtr(v.Start), End: s.tsPtr(v.End),
			AbsenceID: v.AbsenceID, Date: v.Date, Minutes: v.Minutes}
	}
	return out
}

func (s *Server) alternativesJSON(as []booking.Alternative) []alternativeJSON {
	out := make([]alternativeJSON, len(as))
	for i, a := range as {
		out[i] = alternativeJSON{SupervisorID: a.SupervisorID, Start: s.ts(a.Start), End: s.ts(a.End)}
	}
	return out
}

// rawJSON passes stored JSON through as it is.
func rawJSON(s string) json.RawMessage {
	if !json.Valid([]byte(s)) {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}
