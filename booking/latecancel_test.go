package booking

import (
	"encoding/json"
	"testing"
	"time"
)

// TestLateCancellationThresholds: exactly at the notice is not late, one minute
// closer is; on site the notice is SPRAKPOOL_LATE_CANCEL (24h), for phone and
// video SPRAKPOOL_LATE_CANCEL_REMOTE (4h).
func TestLateCancellationThresholds(t *testing.T) {
	start := time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC) // Monday 11:00 CEST
	cases := []struct {
		mode   string
		before time.Duration
		late   bool
	}{
		{"on_site", 24 * time.Hour, false},
		{"on_site", 24*time.Hour - time.Minute, true},
		{"on_site", 5 * time.Hour, true},
		{"phone", 4 * time.Hour, false},
		{"phone", 4*time.Hour - time.Minute, true},
		{"video", 4 * time.Hour, false},
		{"video", 4*time.Hour - time.Minute, true},
		{"video", 5 * time.Hour, false},
	}
	for _, c := range cases {
		t.Run(c.mode+"/"+c.before.String(), func(t *testing.T) {
			f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			sv := f.supervisor("Amina", []string{"ar"})
			in := BookingInput{SupervisorID: &sv.ID, WorkplaceID: f.wpA.ID, Language: "ar", Purpose: "other",
				Mode: c.mode, Start: start.Format(time.RFC3339), End: start.Add(time.Hour).Format(time.RFC3339)}
			if c.mode == "video" {
				link := "https://meet.example.se/abc"
				in.MeetingURL = &link
			}
			b, err := f.s.CreateBooking(f.ctx, f.admin, in)
			if err != nil {
				t.Fatal(err)
			}
			at := start.Add(-c.before)
			f.s.Now = func() time.Time { return at }
			if got := f.s.IsLateCancel(b, at); got != c.late {
				t.Fatalf("IsLateCancel = %v, want %v", got, c.late)
			}
			if _, err := f.s.CancelBooking(f.ctx, f.admin, b.ID, "illness", ""); err != nil {
				t.Fatal(err)
			}
			events, err := f.s.Events(f.ctx, f.admin, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			var data map[string]any
			if err := json.Unmarshal([]byte(events[len(events)-1].Data), &data); err != nil || data["late"] != c.late {
				t.Fatalf("cancel event %s, want late=%v", events[len(events)-1].Data, c.late)
			}
		})
	}
}
