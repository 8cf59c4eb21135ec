package booking

import (
	"context"
	"testing"
	"time"
)

// BenchmarkFreeSupervisors1M searches the generated pool of 1,000 supervisors and
// 1,000,000 bookings for who is free for two hours of one language: the
// availability search of the targets (p99 under 10 ms).
func BenchmarkFreeSupervisors1M(b *testing.B) {
	now := mustLocal(b, "2026-05-01 12:00")
	s := cachedPool(b, benchSpec, now)
	ctx, admin := context.Background(), &User{Role: RoleAdmin}
	start := mustLocal(b, "2026-06-10 10:00")
	q := FreeQuery{Language: "ar", Start: start.Format(time.RFC3339), End: start.Add(2 * time.Hour).Format(time.RFC3339)}
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
