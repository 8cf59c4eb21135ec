package demo

import (
	"context"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// TestGenerateSmall generates a small pool and checks it against the rules; the
// reports are checked against it, booking by booking, in booking/report.
func TestGenerateSmall(t *testing.T) {
	now := mustLocal(t, "2026-07-01 12:00")
	s := pooltest.NewService(t, now)
	ctx := context.Background()
	spec := GenerateSpec{Supervisors: 6, Workplaces: 4, Bookings: 1500, Years: 1, Seed: 7, First: "2026-01-05"}
	if err := Generate(ctx, s, spec); err != nil {
		t.Fatal(err)
	}
	if err := Generate(ctx, s, spec); err != ErrGenerateNotEmpty {
		t.Fatalf("second run: %v, want ErrGenerateNotEmpty", err)
	}
	db := s.DB().Read(ctx)
	var n, overlaps, triggers, outside int64
	db.Raw("SELECT COUNT(*) FROM bookings").Scan(&n)
	db.Raw(`SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.supervisor_id = b.supervisor_id AND a.id < b.id
		AND a.status = 'confirmed' AND b.status = 'confirmed' AND a.start_at < b.end_at AND b.start_at < a.end_at`).Scan(&overlaps)
	if s.DB().SQLite {
		db.Raw("SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'bookings' AND type = 'trigger'").Scan(&triggers)
	} else { // the exclusion and length constraints count for the two triggers each
		db.Raw(`SELECT 2 * COUNT(*) FROM pg_constraint WHERE (conname = 'bookings_no_overlap' AND contype = 'x')
			OR (conname = 'bookings_max_length' AND contype = 'c')`).Scan(&triggers)
	}
	// Overlap and length, on insert and on update.
	if n != 1500 || overlaps != 0 || triggers != 4 {
		t.Fatalf("bookings %d (want 1500), overlaps %d, triggers %d (want 4)", n, overlaps, triggers)
	}
	admin := &booking.User{Role: booking.RoleAdmin}
	all, err := s.ListBookings(ctx, admin, booking.BookingFilter{From: "2026-01-01", To: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	loc := s.Config().Location
	for _, b := range all {
		if _, closed := vocab.ClosedDayOn(b.Start.In(loc)); closed || !insideWorkday(b.Start.In(loc), b.End.In(loc)) {
			outside++
		}
	}
	if outside > 0 {
		t.Fatalf("%d bookings outside the weekly windows or on closed days", outside)
	}

}

// insideWorkday reports whether local start..end lies within 08:00–16:00 of
// one day: the weekly window every generated supervisor has on each weekday.
func insideWorkday(ls, le time.Time) bool {
	y, m, d := ls.Date()
	ly, lm, ld := le.Date()
	startMin, endMin := ls.Hour()*60+ls.Minute(), le.Hour()*60+le.Minute()
	return y == ly && m == lm && d == ld && 480 <= startMin && endMin <= 960
}

func mustLocal(t testing.TB, local string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
