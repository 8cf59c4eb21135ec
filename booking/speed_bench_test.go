package booking_test

// The benchmarks on a generated pool of a million bookings: an external test
// package, since they need booking/demo (through
// internal/generated), which imports booking.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/generated"
)

// BenchmarkFreeSupervisors1M searches the generated pool of 1,000 supervisors and
// 1,000,000 bookings for who is free for two hours of one language: the
// availability search of the targets (p99 under 10 ms).
func BenchmarkFreeSupervisors1M(b *testing.B) {
	now := mustLocal(b, "2026-05-01 12:00")
	s := generated.Pool(b, generated.Million, now)
	ctx, admin := context.Background(), &booking.User{Role: booking.RoleAdmin}
	start := mustLocal(b, "2026-06-10 10:00")
	q := booking.FreeQuery{Language: "ar", Start: start.Format(time.RFC3339), End: start.Add(2 * time.Hour).Format(time.RFC3339)}
	free, err := s.FreeSupervisors(ctx, admin, q)
	if err != nil || len(free) == 0 {
		b.Fatalf("%d free, %v", len(free), err)
	}
	b.ReportMetric(float64(len(free)), "free")
	for b.Loop() {
		if _, err := s.FreeSupervisors(ctx, admin, q); err != nil {
			b.Fatal(err)
		}
	}
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

// BenchmarkFreeSupervisors1MAfterCommit is BenchmarkFreeSupervisors1M right after
// a booking was committed, as in a busy pool: in WAL mode every commit empties
// the page cache of SQLite's other connections, so the search reads every page
// it needs again (from the operating system's cache). The booking, far from the
// searched day, is made with the clock stopped.
func BenchmarkFreeSupervisors1MAfterCommit(b *testing.B) {
	s, admin, wps := poolCopy1M(b)
	ctx := context.Background()
	start := mustLocal(b, "2026-06-10 10:00")
	q := booking.FreeQuery{Language: "ar", Start: start.Format(time.RFC3339), End: start.Add(2 * time.Hour).Format(time.RFC3339)}
	free, err := s.FreeSupervisors(ctx, admin, q)
	if err != nil || len(free) == 0 {
		b.Fatalf("%d free, %v", len(free), err)
	}
	sv := free[0].Supervisor.ID
	far := mustLocal(b, "2031-01-13 08:00")
	i := 0
	for b.Loop() {
		b.StopTimer()
		// Eight hours a day from 2031 on; a day the pool is closed is skipped.
		for {
			day := far.AddDate(0, 0, i/8)
			at := day.Add(time.Duration(i%8) * time.Hour)
			i++
			_, err := s.CreateBooking(ctx, admin, booking.BookingInput{SupervisorID: &sv, WorkplaceID: wps[0].ID, Language: "ar",
				Purpose: "workplace_support", Override: []string{"outside_availability", "daily_limit", "travel_buffer"}, Overriding: true,
				Start: at.Format(time.RFC3339), End: at.Add(time.Hour).Format(time.RFC3339)})
			if err == nil {
				break
			}
			if !strings.Contains(err.Error(), "closed") {
				b.Fatalf("booking %d: %v", i, err)
			}
			i += 7 - (i-1)%8 // the next day
		}
		b.StartTimer()
		if _, err := s.FreeSupervisors(ctx, admin, q); err != nil {
			b.Fatal(err)
		}
	}
}

// poolCopy1M is a copy of the generated pool of a million bookings at
// 2026-05-01 12:00, to book into, with its coordinator and workplaces.
func poolCopy1M(b *testing.B) (*booking.Service, *booking.User, []booking.Workplace) {
	s := generated.PoolCopy(b, generated.Million, mustLocal(b, "2026-05-01 12:00"))
	admin, err := s.UserByEmail(context.Background(), "generator@sprakpool.example.se")
	if err != nil {
		b.Fatal(err)
	}
	wps, err := s.ListWorkplaces(context.Background(), admin)
	if err != nil || len(wps) == 0 {
		b.Fatalf("workplaces: %v", err)
	}
	return s, admin, wps
}
