package ui_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

type attentionBooking struct {
	ID        int64             `json:"id"`
	Status    string            `json:"status"`
	Attention []json.RawMessage `json:"attention"`
}

// Issue 16 over the API: an absence over bookings answers 201 with
// affected_booking_ids; they carry attention shaped like a 409 detail;
// ?attention=true lists only them; an import names what it covers; an admin's
// PATCH supervisor_id gives one to another supervisor and its attention ends;
// cancelled and past bookings never need attention. SQLite, and PostgreSQL
// with SPRAKPOOL_TEST_POSTGRES.
func TestAbsenceAttentionOverAPI(t *testing.T) {
	e := newEnv(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	sups, wp, _ := e.pool(2)
	book := func(start, end string) int64 {
		var b idJSON
		e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wp, e.at(start), e.at(end)), &b)
		return b.ID
	}
	b1, b2 := book("2026-12-09 09:00", "2026-12-09 10:00"), book("2026-12-09 13:00", "2026-12-09 14:00")
	b3, spared := book("2026-12-10 09:00", "2026-12-10 10:00"), book("2026-12-14 09:00", "2026-12-14 10:00")
	gone := book("2026-12-09 11:00", "2026-12-09 12:00")
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", gone), e.admin, map[string]any{"reason_code": "illness"}, nil)

	var none struct {
		Affected []int64 `json:"affected_booking_ids"`
	}
	e.must(201, "POST", fmt.Sprintf("/api/v1/supervisors/%d/absences", sups[1]), e.admin,
		map[string]any{"start": e.at("2026-12-16 00:00"), "end": e.at("2026-12-17 00:00")}, &none)
	if none.Affected == nil || len(none.Affected) != 0 {
		t.Errorf("an absence over no booking: affected_booking_ids %v, want []", none.Affected)
	}
	var abs struct {
		ID       int64   `json:"id"`
		Affected []int64 `json:"affected_booking_ids"`
	}
	e.must(201, "POST", fmt.Sprintf("/api/v1/supervisors/%d/absences", sups[0]), e.admin,
		map[string]any{"start": e.at("2026-12-09 00:00"), "end": e.at("2026-12-11 00:00"), "reason": "sjuk"}, &abs)
	if want := []int64{b1, b2, b3}; !slices.Equal(abs.Affected, want) {
		t.Errorf("affected_booking_ids %v, want %v", abs.Affected, want)
	}
	var one attentionBooking
	e.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", b1), e.admin, nil, &one)
	if len(one.Attention) != 1 || string(one.Attention[0]) != fmt.Sprintf(`{"rule":"absence","absence_id":%d}`, abs.ID) {
		t.Errorf("attention of %d: %s", b1, one.Attention)
	}
	var list []attentionBooking
	e.must(200, "GET", "/api/v1/bookings?from=2026-12-01&to=2026-12-31", e.admin, nil, &list)
	for _, b := range list {
		if b.Attention == nil || ((b.ID == spared || b.ID == gone) != (len(b.Attention) == 0)) {
			t.Errorf("booking %d (%s): attention %s", b.ID, b.Status, b.Attention)
		}
	}
	e.must(200, "GET", "/api/v1/bookings?from=2026-12-01&to=2026-12-31&attention=true", e.admin, nil, &list)
	if got := ids(list); !slices.Equal(got, []int64{b1, b2, b3}) {
		t.Errorf("?attention=true listed %v, want %v", got, []int64{b1, b2, b3})
	}
	if status, raw := e.do("GET", "/api/v1/bookings?from=2026-12-01&to=2026-12-31&attention=yes", e.admin, nil); status != 422 {
		t.Errorf("attention=yes: %d %s, want 422", status, raw)
	}

	// An import over the spared booking names it.
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:semester-1@example\r\n" +
		"DTSTAMP:20261201T090000Z\r\nDTSTART:20261214T070000Z\r\nDTEND:20261214T160000Z\r\nSUMMARY:Ledig\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	status, raw := e.do("POST", fmt.Sprintf("/api/v1/supervisors/%d/absences/import", sups[0]), e.admin, ics)
	var imp struct {
		Created  int     `json:"created"`
		Affected []int64 `json:"affected_booking_ids"`
	}
	if err := json.Unmarshal(raw, &imp); status != 200 || err != nil || imp.Created != 1 || !slices.Equal(imp.Affected, []int64{spared}) {
		t.Errorf("import: %d %s, want 200 naming booking %d", status, raw, spared)
	}

	// Given to the other supervisor, it needs nothing any more.
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/bookings/%d", b1), e.admin, map[string]any{"supervisor_id": sups[1]}, &one)
	if one.Attention == nil || len(one.Attention) != 0 {
		t.Errorf("after PATCH supervisor_id: attention %s, want []", one.Attention)
	}
	e.must(200, "GET", "/api/v1/bookings?from=2026-12-01&to=2026-12-31&attention=true", e.admin, nil, &list)
	if got := ids(list); !slices.Equal(got, []int64{b2, b3, spared}) {
		t.Errorf("after the reassignment ?attention=true listed %v", got)
	}

	// Once over, a booking needs nothing, though its supervisor was away.
	late := newEnvAt(e, time.Date(2026, 12, 9, 15, 0, 0, 0, time.UTC))
	late.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", b2), late.admin, nil, &one)
	if one.Attention == nil || len(one.Attention) != 0 {
		t.Errorf("a past booking: attention %s, want []", one.Attention)
	}
}

func ids(list []attentionBooking) []int64 {
	out := []int64{}
	for _, b := range list {
		out = append(out, b.ID)
	}
	return out
}

// newEnvAt is e with its service's clock moved to now.
func newEnvAt(e *env, now time.Time) *env {
	e.svc.Now = func() time.Time { return now }
	return e
}
