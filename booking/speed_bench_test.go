package booking_test

// The benchmarks on a generated pool of a million bookings: an external test
// package, since they need booking/demo (through
// internal/generated), which imports booking.

import (
	"context"
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
