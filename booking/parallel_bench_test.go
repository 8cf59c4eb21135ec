package booking

import (
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCreateBookingParallel books fresh slots from 16 goroutines at once
// (on a 2-core machine), through the service: the write lock's cost under
// contention, on SQLite or, with SPRAKPOOL_TEST_POSTGRES, PostgreSQL.
func BenchmarkCreateBookingParallel(b *testing.B) {
	f, svs := benchPool(b)
	loc := f.s.cfg.Location
	days := bkWorkdays(time.Date(2026, 1, 5, 0, 0, 0, 0, loc), 400)
	perDay := len(svs) * 8
	var next atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1) - 1)
			if i/perDay >= len(days) {
				b.Error("out of days")
				return
			}
			d, k := days[i/perDay], i%perDay
			s := time.Date(d.Year(), d.Month(), d.Day(), 8+k/len(svs), 0, 0, 0, loc)
			sv := svs[k%len(svs)]
			if _, err := f.s.CreateBooking(f.ctx, f.admin, BookingInput{SupervisorID: &sv.ID, WorkplaceID: f.wpA.ID,
				Language: "ar", Purpose: "workplace_support", Start: s.Format(time.RFC3339),
				End: s.Add(time.Hour).Format(time.RFC3339)}); err != nil {
				b.Errorf("booking %d: %v", i, err)
				return
			}
		}
	})
}
