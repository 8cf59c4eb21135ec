package ui_test

import (
	"fmt"
	"testing"
	"time"
)

func TestConfirmation(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, _ := e.pool(2)
	mgr := e.user("chef@example.se", "manager", []int64{wpA}, nil)
	own := e.user("amina@example.se", "supervisor", nil, &sups[0])
	other := e.user("bilal@example.se", "supervisor", nil, &sups[1])
	var b struct {
		ID int64 `json:"id"`
	}
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-30 09:00"), e.at("2026-03-30 11:00")), &b)
	path := fmt.Sprintf("/api/v1/bookings/%d/confirmation", b.ID)
	held := map[string]any{"outcome": "held", "actual_start": e.at("2026-03-30 09:10"), "actual_end": e.at("2026-03-30 10:40"), "note": "Bra samtal"}

	// Before the end: 422.
	e.must(422, "POST", path, own, held, nil)
	// After the end.
	e.svc.Now = func() time.Time { return time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC) }
	e.must(403, "POST", path, mgr, held, nil)
	e.must(404, "POST", path, other, held, nil)
	e.must(422, "POST", path, own, map[string]any{"outcome": "maybe"}, nil)
	e.must(422, "POST", path, own, map[string]any{"outcome": "held", "actual_start": e.at("2026-03-30 11:00"), "actual_end": e.at("2026-03-30 10:00")}, nil)
	var got struct {
		Confirmation *struct {
			Outcome     string `json:"outcome"`
			ActualStart string `json:"actual_start"`
			ActualEnd   string `json:"actual_end"`
			Note        string `json:"note"`
		} `json:"confirmation"`
		Sequence int `json:"sequence"`
	}
	e.must(200, "POST", path, own, held, &got)
	if got.Confirmation == nil || got.Confirmation.ActualStart != "2026-03-30T09:10:00+02:00" || got.Confirmation.ActualEnd != "2026-03-30T10:40:00+02:00" || got.Sequence != 0 {
		t.Fatalf("confirmation: %+v", got)
	}
	// The coordinator sees it; so does the manager, who may not confirm.
	e.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", b.ID), e.admin, nil, &got)
	if got.Confirmation == nil || got.Confirmation.Outcome != "held" || got.Confirmation.Note != "Bra samtal" {
		t.Fatalf("coordinator sees %+v", got.Confirmation)
	}
	// Times default to the booked ones.
	e.must(200, "POST", path, e.admin, map[string]any{"outcome": "no_show"}, &got)
	if got.Confirmation.Outcome != "no_show" || got.Confirmation.ActualStart != "2026-03-30T09:00:00+02:00" {
		t.Fatalf("defaults: %+v", got.Confirmation)
	}
	var events []struct{ Kind string }
	e.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d/events", b.ID), e.admin, nil, &events)
	if n := len(events); n != 3 || events[1].Kind != "confirmed" {
		t.Fatalf("events: %+v", events)
	}
}

// TestUnconfirmedBookings: the coordinator sees which held sessions still lack
// their supervisor's confirmation (?unconfirmed=true); a session leaves the list
// once confirmed; a supervisor sees only their own.
func TestUnconfirmedBookings(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, _ := e.pool(2)
	own := e.user("amina@example.se", "supervisor", nil, &sups[0])
	var b1, b2, b3, b4 struct {
		ID int64 `json:"id"`
	}
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-30 09:00"), e.at("2026-03-30 11:00")), &b1)
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[1], wpA, e.at("2026-03-30 09:00"), e.at("2026-03-30 10:00")), &b2)
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-31 09:00"), e.at("2026-03-31 10:00")), &b3)
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[1], wpA, e.at("2026-03-30 13:00"), e.at("2026-03-30 14:00")), &b4)
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", b4.ID), e.admin, map[string]any{"reason_code": "illness"}, nil)
	e.svc.Now = func() time.Time { return time.Date(2026, 3, 30, 16, 0, 0, 0, time.UTC) }

	const list = "/api/v1/bookings?from=2026-03-30&to=2026-03-31&unconfirmed=true"
	ids := func(token string) string {
		t.Helper()
		var got []struct {
			ID int64 `json:"id"`
		}
		e.must(200, "GET", list, token, nil, &got)
		out := ""
		for _, b := range got {
			out += fmt.Sprintf("%d ", b.ID)
		}
		return out
	}
	// b3 has not happened yet; b4 was cancelled.
	if got, want := ids(e.admin), fmt.Sprintf("%d %d ", b1.ID, b2.ID); got != want {
		t.Fatalf("unconfirmed: %q, want %q", got, want)
	}
	if got, want := ids(own), fmt.Sprintf("%d ", b1.ID); got != want {
		t.Fatalf("supervisor's unconfirmed: %q, want %q", got, want)
	}
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/confirmation", b1.ID), own, map[string]any{"outcome": "held"}, nil)
	if got, want := ids(e.admin), fmt.Sprintf("%d ", b2.ID); got != want {
		t.Fatalf("after confirming b1: %q, want %q", got, want)
	}
	var all []struct{ ID int64 }
	e.must(200, "GET", "/api/v1/bookings?from=2026-03-30&to=2026-03-31&unconfirmed=false", e.admin, nil, &all)
	if len(all) != 4 {
		t.Fatalf("unconfirmed=false lists %d, want all 4", len(all))
	}
	e.must(422, "GET", "/api/v1/bookings?from=2026-03-30&to=2026-03-31&unconfirmed=yes", e.admin, nil, nil)
}
