package ui_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

// BenchmarkTimelinePage1000 measures the server time to render the
// coordinator's week timeline holding 1,000 bookings (50 supervisors, four
// sessions a day, Monday to Friday), over real HTTP with a session cookie.
func BenchmarkTimelinePage1000(b *testing.B) {
	e := newEnv(b, march)
	sups, wpA, _ := e.pool(50)
	ctx := context.Background()
	admin, err := e.svc.UserByEmail(ctx, "admin@example.se")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for day := 2; day <= 6; day++ {
		for slot := 0; slot < 4; slot++ {
			for _, sv := range sups {
				start := time.Date(2026, 3, day, 8+2*slot, 0, 0, 0, e.loc)
				id := sv
				if _, err := e.svc.CreateBooking(ctx, admin, booking.BookingInput{SupervisorID: &id, WorkplaceID: wpA, Language: "ar",
					Purpose: "workplace_support", Start: start.Format(time.RFC3339), End: start.Add(2 * time.Hour).Format(time.RFC3339)}); err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
	}
	if n != 1000 {
		b.Fatalf("%d bookings", n)
	}
	br := e.browser()
	br.t = b
	br.login("admin@example.se")
	status, body := br.get("/timeline?date=2026-03-02")
	if status != 200 || len(regexp.MustCompile(`href="/bookings/\d+"`).FindAllString(body, -1)) != 1000 {
		b.Fatalf("timeline: status %d, not 1,000 bookings shown", status)
	}
	b.ResetTimer()
	for range b.N {
		if status, _ := br.get("/timeline?date=2026-03-02"); status != 200 {
			b.Fatalf("status %d", status)
		}
	}
	b.ReportMetric(float64(len(body))/1024, "KiB/page")
}

// BenchmarkBookingPageWeight measures the booking page (with its cancel form)
// and reports its weight: the HTML and the two assets a first visit loads.
func BenchmarkBookingPageWeight(b *testing.B) {
	p := newWebPool(b, march)
	id := p.book(p.sups[0], p.wpA, "2026-03-03 09:00", "2026-03-03 10:00")
	br := p.browser()
	br.t = b
	br.login(p.mgrA)
	_, html := br.get(fmt.Sprintf("/bookings/%d", id))
	total := len(html)
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(html, -1) {
		status, asset := br.get(m[1])
		if status != 200 {
			b.Fatalf("%s: %d", m[1], status)
		}
		total += len(asset)
	}
	b.ResetTimer()
	for range b.N {
		if status, _ := br.get(fmt.Sprintf("/bookings/%d", id)); status != 200 {
			b.Fatalf("status %d", status)
		}
	}
	b.ReportMetric(float64(len(html)), "html-bytes")
	b.ReportMetric(float64(total), "total-bytes")
}
