package ui_test

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkFeedHTTP2000 fetches a supervisor's feed of 2,000 bookings over HTTP:
// unconditionally (200, from the kept rendering while nothing changed) and with
// its ETag (304). The targets: p99 under 20 ms and a 304 under 2 ms.
func BenchmarkFeedHTTP2000(b *testing.B) {
	e := newEnv(b, march)
	sups, wpA, _ := e.pool(1)
	override := []string{"outside_availability", "absence", "closed_day", "travel_buffer", "daily_limit"}
	day := time.Date(2026, 4, 1, 0, 0, 0, 0, e.loc)
	for i := range 2000 {
		d := day.AddDate(0, 0, i/4)
		start := time.Date(d.Year(), d.Month(), d.Day(), 8+2*(i%4), 0, 0, 0, e.loc)
		body := bookingBody(sups[0], wpA, start.Format(time.RFC3339), start.Add(90*time.Minute).Format(time.RFC3339))
		body["override"] = override
		e.must(201, "POST", "/api/v1/bookings", e.admin, body, nil)
	}
	var sv feedURLJSON
	e.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d", sups[0]), e.admin, nil, &sv)
	resp, _ := e.fetchFeed("GET", *sv.FeedURL, nil, nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" {
		b.Fatalf("feed: %d, ETag %q", resp.StatusCode, etag)
	}
	b.Run("200", func(b *testing.B) {
		for b.Loop() {
			if r, _ := e.fetchFeed("GET", *sv.FeedURL, nil, nil); r.StatusCode != 200 {
				b.Fatalf("status %d", r.StatusCode)
			}
		}
	})
	b.Run("304", func(b *testing.B) {
		for b.Loop() {
			if r, _ := e.fetchFeed("GET", *sv.FeedURL, map[string]string{"If-None-Match": etag}, nil); r.StatusCode != 304 {
				b.Fatalf("status %d", r.StatusCode)
			}
		}
	})
}
