package booking_test

import (
	"slices"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
)

// TestListUnconfirmed: ?unconfirmed=true lists the held sessions the actor may
// see that have no confirmation: not future ones, not cancelled ones, not
// confirmed ones, whatever the outcome.
func TestListUnconfirmed(t *testing.T) {
	p := pooltest.NewReportPool(t)
	ids := func(u *booking.User) []int64 {
		t.Helper()
		list, err := p.S.ListBookings(p.Ctx, u, booking.BookingFilter{From: "2026-03-01", To: "2026-04-30", Unconfirmed: true})
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, b := range list {
			out = append(out, b.ID)
		}
		return out
	}
	// The clock is 15 April 12:00: the booking of 7 April (13) is held, so is
	// 20 March (12); b12 (11) was cancelled.
	if got, want := ids(p.Admin), []int64{12, 1, 9, 2, 3, 8, 10, 13}; !slices.Equal(got, want) {
		t.Fatalf("admin: %v, want %v", got, want)
	}
	if got, want := ids(p.ManagerB), []int64{9, 2}; !slices.Equal(got, want) {
		t.Fatalf("manager B: %v, want %v", got, want)
	}
	for _, c := range []struct {
		id      int64
		outcome string
	}{{1, "held"}, {2, "no_show"}, {8, "not_held"}} {
		if _, err := p.S.ConfirmBooking(p.Ctx, p.Admin, c.id, booking.ConfirmationInput{Outcome: c.outcome}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := ids(p.Admin), []int64{12, 9, 3, 10, 13}; !slices.Equal(got, want) {
		t.Fatalf("admin after confirming 1, 2 and 8: %v, want %v", got, want)
	}
	// Before the 7 April booking has ended it is not held yet.
	p.SetClock("2026-04-07 09:30")
	if got, want := ids(p.Admin), []int64{12, 9, 3, 10}; !slices.Equal(got, want) {
		t.Fatalf("admin on 7 April 09:30: %v, want %v", got, want)
	}
}
