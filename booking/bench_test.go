package booking

import (
	"fmt"
	"testing"
	"time"
)

// benchPool is a pool of 20 supervisors who speak Arabic, available Monday to
// Friday 08:00–16:00, on a real SQLite file.
func benchPool(b *testing.B) (*fixture, []*Supervisor) {
	b.Helper()
	f := newFixture(b, time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	svs := make([]*Supervisor, 20)
	for i := range svs {
		svs[i] = f.supervisor(fmt.Sprintf("Handledare %02d", i), []string{"ar"})
	}
	return f, svs
}

// BenchmarkCreateBooking books a fresh slot each time, through the service: one
// hour per supervisor, eight a day (exactly the daily limit), working days on.
func BenchmarkCreateBooking(b *testing.B) {
	f, svs := benchPool(b)
	loc := f.s.cfg.Location
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, loc)
	days := bkWorkdays(day, 1)
	next := func(i int) (sv *Supervisor, start, end string) {
		perDay := len(svs) * 8
		for len(days) <= i/perDay {
			days = append(days, bkWorkdays(days[len(days)-1].AddDate(0, 0, 1), 1)...)
		}
		d, k := days[i/perDay], i%perDay
		s := time.Date(d.Year(), d.Month(), d.Day(), 8+k/len(svs), 0, 0, 0, loc)
		return svs[k%len(svs)], s.Format(time.RFC3339), s.Add(time.Hour).Format(time.RFC3339)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sv, start, end := next(i)
		i++
		if _, err := f.s.CreateBooking(f.ctx, f.admin, BookingInput{SupervisorID: &sv.ID, WorkplaceID: f.wpA.ID,
			Language: "ar", Purpose: "workplace_support", Start: start, End: end}); err != nil {
			b.Fatalf("booking %d: %v", i, err)
		}
	}
	b.ReportMetric(float64(len(days)), "days")
}

// BenchmarkCreateBookingConflict asks for a taken slot each time: the rules
// check, then the 409 with its alternatives (other supervisors, nearest slots).
// In the busy pool every supervisor has four one-hour bookings on each working
// day of the four weeks around the slot.
func BenchmarkCreateBookingConflict(b *testing.B) {
	for _, busy := range []bool{false, true} {
		name := "empty pool"
		if busy {
			name = "busy pool"
		}
		b.Run(name, func(b *testing.B) {
			f, svs := benchPool(b)
			loc := f.s.cfg.Location
			in := BookingInput{SupervisorID: &svs[0].ID, WorkplaceID: f.wpA.ID, Language: "ar", Purpose: "workplace_support",
				Start: f.at("2026-03-30 10:00"), End: f.at("2026-03-30 11:00")}
			if _, err := f.s.CreateBooking(f.ctx, f.admin, in); err != nil {
				b.Fatal(err)
			}
			n := 1
			if busy {
				for _, d := range bkWorkdays(time.Date(2026, 3, 16, 0, 0, 0, 0, loc), 18) {
					for _, sv := range svs {
						for _, h := range []int{8, 10, 12, 14} {
							s := time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, loc)
							if sv == svs[0] && s.Format(time.RFC3339) == in.Start {
								continue
							}
							if _, err := f.s.CreateBooking(f.ctx, f.admin, BookingInput{SupervisorID: &sv.ID, WorkplaceID: f.wpA.ID,
								Language: "ar", Purpose: "workplace_support", Start: s.Format(time.RFC3339),
								End: s.Add(time.Hour).Format(time.RFC3339)}); err != nil {
								b.Fatal(err)
							}
							n++
						}
					}
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				_, err := f.s.CreateBooking(f.ctx, f.admin, in)
				if vs, ok := bkViolations(err); !ok || len(vs) != 1 || vs[0].Rule != RuleOverlap {
					b.Fatalf("want an overlap, got %v", err)
				}
			}
			b.ReportMetric(float64(n), "bookings")
		})
	}
}
