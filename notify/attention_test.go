package notify

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// Issue 16: an absence over three of Amina's bookings is saved (201) and
// names them; they carry attention; the coordinator gets exactly one mail
// listing them; given to Fatima, Amina gets a CANCEL and Fatima a REQUEST (the
// calendar parts parsed), the managers a changed invitation naming Fatima; one
// cancelled as supervisor_unavailable tells the managers. It runs on SQLite,
// and on PostgreSQL with SPRAKPOOL_TEST_POSTGRES.
func TestAbsenceOverBookingsThenReassign(t *testing.T) {
	p := newPool(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	ctx := p.ctx
	fName, fEmail, langs := "Fatima Ali", "fatima.privat@example.org", []string{"ar"}
	fatima, err := p.svc.CreateSupervisor(ctx, p.admin, booking.SupervisorInput{Name: &fName, Email: &fEmail, Languages: &langs, Areas: &booking.Areas})
	if err != nil {
		t.Fatal(err)
	}
	var week []booking.Window
	for wd := 1; wd <= 5; wd++ {
		week = append(week, booking.Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
	}
	if _, err := p.svc.SetAvailability(ctx, p.admin, fatima.ID, week); err != nil {
		t.Fatal(err)
	}
	fUser, err := p.svc.CreateUser(ctx, booking.UserInput{Email: "fatima@kommun.example", Name: fName, Role: booking.RoleSupervisor, SupervisorID: &fatima.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	hit := []*booking.Booking{p.book("2026-12-09 09:00", "2026-12-09 10:00"), p.book("2026-12-09 13:00", "2026-12-09 14:00"),
		p.book("2026-12-10 09:00", "2026-12-10 10:00")}
	spared := p.book("2026-12-14 09:00", "2026-12-14 10:00")
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	run(t, n, "outbox", p.clock.Now())
	srv.reset()

	// Warned before: the same three are named before anything is saved.
	in := booking.AbsenceInput{Start: p.at("2026-12-09 00:00").Format(time.RFC3339), End: p.at("2026-12-11 00:00").Format(time.RFC3339), Reason: "sjuk"}
	preview, err := p.svc.AbsenceImpact(ctx, p.admin, p.sv.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := []int64{hit[0].ID, hit[1].ID, hit[2].ID}
	if got := bookingIDs(preview); !slices.Equal(got, wantIDs) {
		t.Errorf("absence impact %v, want %v", got, wantIDs)
	}
	a, err := p.svc.CreateAbsence(ctx, p.admin, p.sv.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.AffectedBookingIDs, wantIDs) {
		t.Errorf("affected_booking_ids %v, want %v", a.AffectedBookingIDs, wantIDs)
	}
	for _, b := range hit {
		got, err := p.svc.Booking(ctx, p.admin, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Attention) != 1 || got.Attention[0].Rule != booking.RuleAbsence || got.Attention[0].AbsenceID != a.ID {
			t.Errorf("booking %d attention %+v, want absence %d", b.ID, got.Attention, a.ID)
		}
	}
	list, err := p.svc.ListBookings(ctx, p.admin, booking.BookingFilter{From: "2026-12-01", To: "2026-12-31", Attention: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := bookingIDs(list); !slices.Equal(got, wantIDs) {
		t.Errorf("attention list %v, want %v (not %d)", got, wantIDs, spared.ID)
	}

	// One mail to the coordinator, listing the three, and no second one.
	run(t, n, "outbox", p.clock.Now())
	run(t, n, "outbox", p.clock.Now().Add(time.Minute))
	msgs := srv.messages()
	if len(msgs) != 1 || msgs[0].Kind != outbox.KindAttention || !slices.Equal(msgs[0].To, []string{p.admin.Email}) {
		t.Fatalf("after the absence: %d messages to %v (%v), want one %s to the coordinator", len(msgs), recipients(msgs), msgs, outbox.KindAttention)
	}
	text := msgs[0].text("text/plain")
	for _, b := range hit {
		if !strings.Contains(text, fmt.Sprintf("https://sprakpool.example.se/bookings/%d\n", b.ID)) {
			t.Errorf("the coordinator's mail does not link booking %d:\n%s", b.ID, text)
		}
	}
	if strings.Contains(text, fmt.Sprintf("/bookings/%d\n", spared.ID)) || !strings.Contains(text, "Amina Yusuf är frånvarande") ||
		!strings.Contains(msgs[0].Subject, "3 bokningar saknar handledare") {
		t.Errorf("the coordinator's mail %q:\n%s", msgs[0].Subject, text)
	}
	srv.reset()

	// Fatima could take the first; she gets it in one change.
	repl, err := p.svc.Replacements(ctx, p.admin, hit[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(repl) != 1 || repl[0].Supervisor.ID != fatima.ID {
		t.Fatalf("replacements %+v, want Fatima alone", repl)
	}
	p.clock.set(p.clock.Now().Add(time.Hour))
	moved, err := p.svc.UpdateBooking(ctx, p.admin, hit[0].ID, booking.BookingPatch{SupervisorID: &fatima.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := p.svc.Booking(ctx, p.admin, moved.ID); len(got.Attention) != 0 {
		t.Errorf("the reassigned booking still needs attention: %+v", got.Attention)
	}
	run(t, n, "outbox", p.clock.Now())
	want := map[string][2]string{p.svUser.Email: {outbox.KindBookingRemoved, "CANCEL"}, fUser.Email: {outbox.KindBookingChanged, "REQUEST"},
		p.manager.Email: {outbox.KindBookingChanged, "REQUEST"}}
	msgs = srv.messages()
	if len(msgs) != len(want) {
		t.Errorf("after the reassignment: %d messages to %v, want %d", len(msgs), recipients(msgs), len(want))
	}
	for _, m := range msgs {
		to := strings.Join(m.To, ",")
		w, ok := want[to]
		if !ok || m.Kind != w[0] {
			t.Errorf("after the reassignment: %s got %s, want %v", to, m.Kind, w)
			continue
		}
		checkInvitation(t, m, moved, w[1], moved.Sequence)
		if to == p.manager.Email && !strings.Contains(m.text("text/plain"), "Handledare: Fatima Ali") {
			t.Errorf("the managers' changed invitation does not name Fatima:\n%s", m.text("text/plain"))
		}
	}
	srv.reset()

	// The last is cancelled: Amina cannot come; the managers are told.
	p.clock.set(p.clock.Now().Add(time.Hour))
	if _, err := p.svc.CancelBooking(ctx, p.admin, hit[2].ID, "supervisor_unavailable", ""); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	if got := byKind(srv.messages(), outbox.KindBookingCancelled); !slices.ContainsFunc(got, func(m received) bool {
		return slices.Contains(m.To, p.manager.Email) && strings.Contains(m.text("text/plain"), "handledaren kan inte")
	}) {
		t.Errorf("the managers were not told of the cancellation: %v", recipients(srv.messages()))
	}
	left, err := p.svc.ListBookings(ctx, p.admin, booking.BookingFilter{From: "2026-12-01", To: "2026-12-31", Attention: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := bookingIDs(left); !slices.Equal(got, []int64{hit[1].ID}) {
		t.Errorf("still needing attention %v, want only %d", got, hit[1].ID)
	}
}

func bookingIDs(list []booking.Booking) []int64 {
	out := []int64{}
	for _, b := range list {
		out = append(out, b.ID)
	}
	return out
}
