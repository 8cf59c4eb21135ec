package httpx

import (
	"time"

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
	// Occurrence names the series occurrence (its local date) a rule is broken on.
	Occurrence string `json:"occurrence,omitempty"`
}

type alternativeJSON struct {
	SupervisorID int64  `json:"supervisor_id"`
	Start        string `json:"start"`
	End          string `json:"end"`
}

func violationsJSON(vs []booking.Violation, loc *time.Location) []violationJSON {
	out := make([]violationJSON, len(vs))
	for i, v := range vs {
		out[i] = violationJSON{Rule: v.Rule, BookingID: v.BookingID, Start: TimestampPtr(v.Start, loc), End: TimestampPtr(v.End, loc),
			AbsenceID: v.AbsenceID, Date: v.Date, Minutes: v.Minutes, Occurrence: v.Occurrence}
	}
	return out
}

// Attention is a booking's attention (booking.Booking.Attention) as the API
// writes it: shaped like a 409's details, [] when there is none.
func Attention(vs []booking.Violation, loc *time.Location) any { return violationsJSON(vs, loc) }

func alternativesJSON(as []booking.Alternative, loc *time.Location) []alternativeJSON {
	out := make([]alternativeJSON, len(as))
	for i, a := range as {
		out[i] = alternativeJSON{SupervisorID: a.SupervisorID, Start: Timestamp(a.Start, loc), End: Timestamp(a.End, loc)}
	}
	return out
}

// Timestamp is how the API writes an instant: RFC 3339 in the pool's zone.
func Timestamp(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

// TimestampPtr is Timestamp of an optional instant.
func TimestampPtr(t *time.Time, loc *time.Location) *string {
	if t == nil {
		return nil
	}
	v := Timestamp(*t, loc)
	return &v
}

// Violations is how the API writes broken rules (a conflict's details, a
// series' skipped dates), times in loc.
func Violations(vs []booking.Violation, loc *time.Location) any { return violationsJSON(vs, loc) }
