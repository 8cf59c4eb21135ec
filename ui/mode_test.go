package ui_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestBookingModeOverHTTP: a video booking without a meeting link, or with one
// that is not https, is 422 naming meeting_url, on create (admin and manager)
// and on change; a phone session right after an on-site one elsewhere needs no
// travel buffer, an on-site one gets 409 travel_buffer.
func TestBookingModeOverHTTP(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, wpB := e.pool(1)
	mgr := e.user("chef@example.se", "manager", []int64{wpA, wpB}, nil)
	body := func(wp int64, start, end, mode string, url any) map[string]any {
		b := bookingBody(sups[0], wp, e.at(start), e.at(end))
		if mode != "" {
			b["mode"] = mode
		}
		if url != nil {
			b["meeting_url"] = url
		}
		return b
	}
	invalid := func(who, method, path string, b map[string]any) {
		t.Helper()
		status, raw := e.do(method, path, who, b)
		if status != 422 {
			t.Fatalf("%s %s %v: status %d, want 422: %s", method, path, b, status, raw)
		}
		eb := decodeErr(t, raw)
		var fields []string
		for _, d := range eb.Error.Details {
			var fe struct{ Field string }
			_ = json.Unmarshal(d, &fe)
			fields = append(fields, fe.Field)
		}
		if eb.Error.Code != "invalid" || len(fields) != 1 || fields[0] != "meeting_url" {
			t.Fatalf("%s %s %v: %s, want invalid meeting_url", method, path, b, raw)
		}
	}
	for _, who := range []string{e.admin, mgr} {
		for _, url := range []any{nil, "", "http://meet.example.se/abc", "meet.example.se/abc", "https://"} {
			invalid(who, "POST", "/api/v1/bookings", body(wpA, "2026-03-30 09:00", "2026-03-30 10:00", "video", url))
		}
	}

	var onSite, call struct {
		ID         int64   `json:"id"`
		Mode       string  `json:"mode"`
		MeetingURL *string `json:"meeting_url"`
	}
	e.must(201, "POST", "/api/v1/bookings", e.admin, body(wpA, "2026-03-30 08:00", "2026-03-30 10:00", "", nil), &onSite)
	if onSite.Mode != "on_site" || onSite.MeetingURL != nil {
		t.Fatalf("default mode: %+v", onSite)
	}
	status, raw := e.do("POST", "/api/v1/bookings", e.admin, body(wpB, "2026-03-30 10:00", "2026-03-30 10:30", "on_site", nil))
	if status != 409 || !json.Valid(raw) || decodeErr(t, raw).Error.Code != "conflict" || !containsRule(raw, "travel_buffer") {
		t.Fatalf("on site at B right after A: %d %s, want 409 travel_buffer", status, raw)
	}
	e.must(201, "POST", "/api/v1/bookings", mgr, body(wpB, "2026-03-30 10:00", "2026-03-30 10:30", "phone", nil), &call)
	if call.Mode != "phone" {
		t.Fatalf("phone booking: %+v", call)
	}
	path := fmt.Sprintf("/api/v1/bookings/%d", call.ID)
	invalid(e.admin, "PATCH", path, map[string]any{"mode": "video"})
	invalid(mgr, "PATCH", path, map[string]any{"mode": "video", "meeting_url": "http://meet.example.se/abc"})
	e.must(200, "PATCH", path, mgr, map[string]any{"mode": "video", "meeting_url": "https://meet.example.se/abc"}, &call)
	if call.Mode != "video" || call.MeetingURL == nil || *call.MeetingURL != "https://meet.example.se/abc" {
		t.Fatalf("video booking: %+v", call)
	}
}

func containsRule(raw []byte, rule string) bool {
	var eb errBody
	if json.Unmarshal(raw, &eb) != nil {
		return false
	}
	for _, d := range eb.Error.Details {
		var v struct{ Rule string }
		if json.Unmarshal(d, &v) == nil && v.Rule == rule {
			return true
		}
	}
	return false
}
