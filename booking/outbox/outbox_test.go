package outbox_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// Booking events become one outbox row per recipient, once: planning again adds
// nothing, and each event is marked planned in the same transaction.
func TestPlanEventMailsOnce(t *testing.T) {
	f := pooltest.New(t, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
	o := outbox.New(f.S)
	sv := f.Supervisor("Amina", []string{"ar"})
	mgr := f.Manager("chef@example.se", f.WpA.ID)
	b, err := f.Book(sv, f.WpA, "2026-09-08 09:00", "2026-09-08 10:00")
	if err != nil {
		t.Fatal(err)
	}
	// The supervisor has no user: the mail goes to the supervisor's own address, if any.
	n, err := o.PlanEvents(f.Ctx)
	if err != nil || n != 1 {
		t.Fatalf("planned %d, %v; want 1 (the manager; the supervisor has no address)", n, err)
	}
	if n, err := o.PlanEvents(f.Ctx); err != nil || n != 0 {
		t.Fatalf("planned again %d, %v; want 0", n, err)
	}
	if _, err := f.S.CancelBooking(f.Ctx, f.Admin, b.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}
	if n, err := o.PlanEvents(f.Ctx); err != nil || n != 1 {
		t.Fatalf("planned %d, %v after the cancellation; want 1", n, err)
	}
	rows, err := o.List(f.Ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Kind != outbox.KindBookingConfirmed || rows[1].Kind != outbox.KindBookingCancelled ||
		rows[0].Recipient != mgr.Email || *rows[1].Sequence != 1 || rows[0].MessageID == rows[1].MessageID {
		t.Fatalf("outbox %+v", rows)
	}
}

// A claim holds a message for its lease: a second claimer (another process)
// gets nothing until the lease runs out; a recorded send is never claimed again.
func TestClaimMailLease(t *testing.T) {
	now := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
	s := outbox.New(pooltest.NewService(t, now))
	if err := s.Queue(t.Context(), outbox.Input{Key: "k1", Kind: outbox.KindInvite, Recipient: "a@example.se", Payload: map[string]any{"link": "x"}}); err != nil {
		t.Fatal(err)
	}
	first, err := s.Claim(t.Context(), now, 5*time.Minute, 10)
	if err != nil || len(first) != 1 || first[0].Attempts != 1 || first[0].Status != booking.MessageSending {
		t.Fatalf("first claim %+v, %v", first, err)
	}
	if again, err := s.Claim(t.Context(), now.Add(4*time.Minute), 5*time.Minute, 10); err != nil || len(again) != 0 {
		t.Fatalf("claimed during the lease: %+v, %v", again, err)
	}
	late, err := s.Claim(t.Context(), now.Add(5*time.Minute), 5*time.Minute, 10)
	if err != nil || len(late) != 1 || late[0].Attempts != 2 {
		t.Fatalf("after the lease: %+v, %v", late, err)
	}
	if err := s.RecordSent(t.Context(), late[0].ID, now.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// The first claimer's late failure does not undo the send.
	if status, err := s.RecordFailure(t.Context(), first[0].ID, now.Add(6*time.Minute), "timeout", false); err != nil || status != booking.MessageSent {
		t.Fatalf("late failure: %s, %v", status, err)
	}
	if rest, err := s.Claim(t.Context(), now.Add(time.Hour), 5*time.Minute, 10); err != nil || len(rest) != 0 {
		t.Fatalf("a sent message was claimed again: %+v, %v", rest, err)
	}
}

// A claimed message its batch never tried is given back due at once, its
// attempt not counted; once sent by someone else, a late release changes nothing.
func TestReleaseMail(t *testing.T) {
	now := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
	s := outbox.New(pooltest.NewService(t, now))
	if err := s.Queue(t.Context(), outbox.Input{Key: "k1", Kind: outbox.KindInvite, Recipient: "a@example.se", Payload: map[string]any{"link": "x"}}); err != nil {
		t.Fatal(err)
	}
	first, err := s.Claim(t.Context(), now, 5*time.Minute, 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("claim %+v, %v", first, err)
	}
	if err := s.Release(t.Context(), first[0].ID); err != nil {
		t.Fatal(err)
	}
	again, err := s.Claim(t.Context(), now.Add(time.Second), 5*time.Minute, 10)
	if err != nil || len(again) != 1 || again[0].Attempts != 1 {
		t.Fatalf("claim after the release: %+v, %v; want the message, attempt 1", again, err)
	}
	if err := s.RecordSent(t.Context(), again[0].ID, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(t.Context(), first[0].ID); err != nil {
		t.Fatal(err)
	}
	if rest, err := s.Claim(t.Context(), now.Add(time.Hour), 5*time.Minute, 10); err != nil || len(rest) != 0 {
		t.Fatalf("a sent message was released and claimed again: %+v, %v", rest, err)
	}
}

// A booking handed to another supervisor tells both: the new one and the one it
// was taken from.
func TestPlanEventMailsTellsTheFormerSupervisor(t *testing.T) {
	f := pooltest.New(t, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
	o := outbox.New(f.S)
	a, b := f.Supervisor("Amina", []string{"ar"}), f.Supervisor("Bashir", []string{"ar"})
	for _, sv := range []*booking.Supervisor{a, b} {
		if _, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: sv.Name + "@example.se", Name: sv.Name, Role: booking.RoleSupervisor,
			SupervisorID: &sv.ID, Password: "secret-password"}); err != nil {
			t.Fatal(err)
		}
	}
	bk, err := f.Book(a, f.WpA, "2026-09-08 09:00", "2026-09-08 10:00")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.UpdateBooking(f.Ctx, f.Admin, bk.ID, booking.BookingPatch{SupervisorID: &b.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.PlanEvents(f.Ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := o.List(f.Ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, r := range rows[1:] { // after the confirmation
		to = append(to, r.Kind+" "+r.Recipient)
	}
	// The former supervisor's mail cancels the booking in her calendar
	// (finding 14); the new one's invites him.
	if want := []string{"booking_changed bashir@example.se", "booking_removed amina@example.se"}; !slices.Equal(to, want) {
		t.Fatalf("the change went to %v, want %v", to, want)
	}
}

// TestMonthlyReportOnlyForCoordinatorsWhoWereThere: a pool set up mid-month does
// not mail its new coordinator last month's report; one there on the 1st gets it.
func TestMonthlyReportOnlyForCoordinatorsWhoWereThere(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	s := pooltest.NewService(t, at)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, booking.UserInput{Email: "ny@example.se", Name: "Ny", Role: booking.RoleAdmin, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	if n, err := outbox.New(s).PlanMonthlyReports(ctx, at); err != nil || n != 0 {
		t.Fatalf("new coordinator: planned %d (%v), want 0", n, err)
	}
	s2 := pooltest.NewService(t, time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC))
	if _, err := s2.CreateUser(ctx, booking.UserInput{Email: "gammal@example.se", Name: "Gammal", Role: booking.RoleAdmin, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	s2.Now = func() time.Time { return at }
	if n, err := outbox.New(s2).PlanMonthlyReports(ctx, at); err != nil || n != 1 {
		t.Fatalf("coordinator there on the 1st: planned %d (%v), want 1", n, err)
	}
}
