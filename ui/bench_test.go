package ui_test

import (
	"testing"
	"time"
)

// BenchmarkCreateBookingHTTP books a fresh, non-colliding slot per iteration
// through real HTTP, the echo server, the service and SQLite.
func BenchmarkCreateBookingHTTP(b *testing.B) {
	e := newEnv(b, march)
	sups, wpA, _ := e.pool(50)
	override := []string{"outside_availability", "absence", "closed_day", "travel_buffer", "daily_limit"}
	base := time.Date(2026, 4, 1, 0, 0, 0, 0, e.loc)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := base.Add(time.Duration(i/len(sups)) * time.Hour)
		body := bookingBody(sups[i%len(sups)], wpA, start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))
		body["override"] = override
		if status, raw := e.do("POST", "/api/v1/bookings", e.admin, body); status != 201 {
			b.Fatalf("status %d: %s", status, raw)
		}
	}
}

// BenchmarkCreateBookingHTTPParallel is the same with concurrent clients.
func BenchmarkCreateBookingHTTPParallel(b *testing.B) {
	e := newEnv(b, march)
	sups, wpA, _ := e.pool(50)
	override := []string{"outside_availability", "absence", "closed_day", "travel_buffer", "daily_limit"}
	base := time.Date(2026, 4, 1, 0, 0, 0, 0, e.loc)
	next := make(chan int, 1024)
	go func() {
		for i := 0; ; i++ {
			next <- i
		}
	}()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := <-next
			start := base.Add(time.Duration(i/len(sups)) * time.Hour)
			body := bookingBody(sups[i%len(sups)], wpA, start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))
			body["override"] = override
			if status, raw := e.do("POST", "/api/v1/bookings", e.admin, body); status != 201 {
				b.Errorf("status %d: %s", status, raw)
				return
			}
		}
	})
}
