package ui_test

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

type requestOut struct {
	ID                   int64   `json:"id"`
	WorkplaceID          int64   `json:"workplace_id"`
	Language             string  `json:"language"`
	Area                 string  `json:"area"`
	Mode                 string  `json:"mode"`
	MeetingURL           *string `json:"meeting_url"`
	Purpose              string  `json:"purpose"`
	ParticipantsExpected int     `json:"participants_expected"`
	Notes                string  `json:"notes"`
	DurationMinutes      int     `json:"duration_minutes"`
	Earliest             string  `json:"earliest"`
	Latest               string  `json:"latest"`
	Status               string  `json:"status"`
	BookingID            *int64  `json:"booking_id"`
	DeclineReason        *string `json:"decline_reason"`
	CreatedBy            *int64  `json:"created_by"`
	CreatedAt            string  `json:"created_at"`
	UpdatedAt            string  `json:"updated_at"`
	Candidates           []struct {
		SupervisorID int64  `json:"supervisor_id"`
		Start        string `json:"start"`
		End          string `json:"end"`
	} `json:"candidates"`
}

// requestPool: the clock on Sunday 1 March 2026, two supervisors of Arabic,
// a manager of each workplace and a supervisor's login.
type requestPool struct {
	*env
	sups             []int64
	wpA, wpB         int64
	mgrA, mgrB, supX string
}

func newRequestPool(t *testing.T) *requestPool {
	e := newEnv(t, march)
	p := &requestPool{env: e}
	p.sups, p.wpA, p.wpB = e.pool(2)
	p.mgrA = e.user("chef.a@example.se", "manager", []int64{p.wpA}, nil)
	p.mgrB = e.user("chef.b@example.se", "manager", []int64{p.wpB}, nil)
	p.supX = e.user("handledare@example.se", "supervisor", nil, &p.sups[0])
	return p
}

// week is a request of A for an hour in the working week of 2–6 March, made by A's manager.
func (p *requestPool) week() requestOut {
	p.t.Helper()
	var r requestOut
	p.must(201, "POST", "/api/v1/requests", p.mgrA, requestBody(p.wpA, p.at("2026-03-02 08:00"), p.at("2026-03-06 16:00")), &r)
	return r
}

// TestRequestLifecycleOverHTTP: a manager asks, sees it listed and with
// candidates; the coordinator fills it; the booking is the manager's.
func TestRequestLifecycleOverHTTP(t *testing.T) {
	p := newRequestPool(t)
	r := p.week()
	if r.ID == 0 || r.Status != "open" || r.WorkplaceID != p.wpA || r.Language != "ar" || r.Area != "childcare" ||
		r.Mode != "on_site" || r.MeetingURL != nil || r.DurationMinutes != 60 || r.BookingID != nil ||
		r.DeclineReason != nil || r.CreatedBy == nil || r.Earliest != "2026-03-02T08:00:00+01:00" ||
		r.Latest != "2026-03-06T16:00:00+01:00" || r.CreatedAt != "2026-03-01T13:00:00+01:00" || r.UpdatedAt == "" {
		t.Fatalf("created: %+v", r)
	}
	var list []requestOut
	p.must(200, "GET", "/api/v1/requests", p.mgrA, nil, &list)
	if len(list) != 1 || list[0].ID != r.ID || list[0].Candidates != nil {
		t.Fatalf("A's manager lists %+v", list)
	}
	p.must(200, "GET", "/api/v1/requests?status=open", p.admin, nil, &list)
	if len(list) != 1 {
		t.Fatalf("the coordinator lists %d open", len(list))
	}
	// Another workplace's manager neither lists nor reads it.
	p.must(200, "GET", "/api/v1/requests", p.mgrB, nil, &list)
	if len(list) != 0 {
		t.Errorf("B's manager lists %+v", list)
	}
	path := fmt.Sprintf("/api/v1/requests/%d", r.ID)
	if status, raw := p.do("GET", path, p.mgrB, nil); status != 404 || decodeErr(t, raw).Error.Code != "not_found" {
		t.Errorf("B's manager reads A's request: %d %s", status, raw)
	}
	var got requestOut
	p.must(200, "GET", path, p.mgrA, nil, &got)
	if len(got.Candidates) != 5 {
		t.Fatalf("candidates: %+v", got.Candidates)
	}
	c := got.Candidates[0]
	if c.Start != "2026-03-02T08:00:00+01:00" || c.End != "2026-03-02T09:00:00+01:00" || !slices.Contains(p.sups, c.SupervisorID) {
		t.Errorf("first candidate: %+v", c)
	}
	// The coordinator fills it with the first candidate: 201 with the booking.
	var b struct {
		ID           int64  `json:"id"`
		UID          string `json:"uid"`
		SupervisorID int64  `json:"supervisor_id"`
		WorkplaceID  int64  `json:"workplace_id"`
		Start        string `json:"start"`
		Status       string `json:"status"`
		Purpose      string `json:"purpose"`
	}
	fill := map[string]any{"supervisor_id": c.SupervisorID, "start": c.Start, "end": c.End}
	p.must(201, "POST", path+"/fill", p.admin, fill, &b)
	if b.ID == 0 || b.UID == "" || b.SupervisorID != c.SupervisorID || b.WorkplaceID != p.wpA || b.Start != c.Start ||
		b.Status != "confirmed" || b.Purpose != "workplace_support" {
		t.Fatalf("filled: %+v", b)
	}
	p.must(200, "GET", path, p.mgrA, nil, &got)
	if got.Status != "filled" || got.BookingID == nil || *got.BookingID != b.ID || got.Candidates == nil || len(got.Candidates) != 0 {
		t.Errorf("after the fill: %+v", got)
	}
	var bookings []struct {
		ID int64 `json:"id"`
	}
	p.must(200, "GET", "/api/v1/bookings?from=2026-03-02&to=2026-03-06", p.mgrA, nil, &bookings)
	if len(bookings) != 1 || bookings[0].ID != b.ID {
		t.Errorf("A's manager's bookings: %+v, want %d", bookings, b.ID)
	}
	p.must(200, "GET", "/api/v1/requests?status=filled", p.mgrA, nil, &list)
	if len(list) != 1 || list[0].Status != "filled" {
		t.Errorf("filled: %+v", list)
	}
	// Filling it again: 409, it is no longer open; nothing more is booked.
	if status, raw := p.do("POST", path+"/fill", p.admin, fill); status != 409 || decodeErr(t, raw).Error.Code != "conflict" {
		t.Errorf("fill of a filled request: %d %s", status, raw)
	}
	if status, raw := p.do("POST", path+"/decline", p.admin, map[string]any{"reason": "x"}); status != 409 {
		t.Errorf("decline of a filled request: %d %s", status, raw)
	}
	if status, raw := p.do("POST", path+"/withdraw", p.mgrA, nil); status != 409 {
		t.Errorf("withdraw of a filled request: %d %s", status, raw)
	}
}

// TestRequestDeclineWithdrawExpire: the other ways a request closes, and who may.
func TestRequestDeclineWithdrawExpire(t *testing.T) {
	p := newRequestPool(t)
	path := func(r requestOut, act string) string { return fmt.Sprintf("/api/v1/requests/%d/%s", r.ID, act) }

	r := p.week()
	status, raw := p.do("POST", path(r, "decline"), p.admin, map[string]any{"reason": " "})
	wantInvalid(t, "decline without a reason", status, raw, "reason")
	if status, _ := p.do("POST", path(r, "decline"), p.mgrA, map[string]any{"reason": "nej"}); status != 403 {
		t.Errorf("a manager declines: %d", status)
	}
	var got requestOut
	p.must(200, "POST", path(r, "decline"), p.admin, map[string]any{"reason": "Ingen ledig den veckan"}, &got)
	if got.Status != "declined" || got.DeclineReason == nil || *got.DeclineReason != "Ingen ledig den veckan" {
		t.Errorf("declined: %+v", got)
	}
	if status, raw := p.do("POST", path(r, "fill"), p.admin, map[string]any{"supervisor_id": p.sups[0],
		"start": p.at("2026-03-03 10:00"), "end": p.at("2026-03-03 11:00")}); status != 409 {
		t.Errorf("fill of a declined request: %d %s", status, raw)
	}

	r = p.week()
	if status, raw := p.do("POST", path(r, "withdraw"), p.mgrB, nil); status != 404 {
		t.Errorf("B's manager withdraws A's request: %d %s", status, raw)
	}
	if status, raw := p.do("POST", path(r, "withdraw"), p.mgrA, map[string]any{"why": "x"}); status != 400 {
		t.Errorf("withdraw with an unknown field: %d %s", status, raw)
	}
	p.must(200, "POST", path(r, "withdraw"), p.mgrA, nil, &got)
	if got.Status != "withdrawn" {
		t.Errorf("withdrawn: %+v", got)
	}
	if status, raw := p.do("POST", path(r, "withdraw"), p.mgrA, map[string]any{}); status != 409 {
		t.Errorf("withdraw again: %d %s", status, raw)
	}

	// An open request whose latest has passed reads expired.
	r = p.week()
	p.svc.Now = func() time.Time { return time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC) }
	var list []requestOut
	p.must(200, "GET", "/api/v1/requests?status=expired", p.mgrA, nil, &list)
	if len(list) != 1 || list[0].ID != r.ID || list[0].Status != "expired" {
		t.Errorf("expired: %+v", list)
	}
	p.must(200, "GET", "/api/v1/requests", p.mgrA, nil, &list)
	if len(list) != 3 || list[0].Status != "declined" || list[1].Status != "withdrawn" || list[2].Status != "expired" {
		t.Errorf("all, oldest first: %+v", list)
	}
}

// TestRequestBadInput: the window's rules, the body's and the roles', each
// answered in the contract's error shape.
func TestRequestBadInput(t *testing.T) {
	p := newRequestPool(t)
	body := func(change map[string]any) map[string]any {
		b := requestBody(p.wpA, p.at("2026-03-02 08:00"), p.at("2026-03-06 16:00"))
		for k, v := range change {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	for _, c := range []struct {
		what   string
		change map[string]any
		fields []string
	}{
		{"window in the past", map[string]any{"earliest": p.at("2026-02-23 08:00"), "latest": p.at("2026-02-27 16:00")}, []string{"latest"}},
		{"window shorter than the duration", map[string]any{"latest": p.at("2026-03-02 08:45")}, []string{"latest"}},
		{"window of more than 60 days", map[string]any{"latest": p.at("2026-05-02 08:00")}, []string{"latest"}},
		{"duration not a multiple of 15", map[string]any{"duration_minutes": 50}, []string{"duration_minutes"}},
		{"no duration", map[string]any{"duration_minutes": nil}, []string{"duration_minutes"}},
		{"no offset", map[string]any{"earliest": "2026-03-02T08:00:00"}, []string{"earliest"}},
		{"unknown language", map[string]any{"language": "xx"}, []string{"language"}},
		{"video without a link", map[string]any{"mode": "video"}, []string{"meeting_url"}},
		{"no workplace", map[string]any{"workplace_id": nil}, []string{"workplace_id"}},
	} {
		status, raw := p.do("POST", "/api/v1/requests", p.mgrA, body(c.change))
		wantInvalid(t, c.what, status, raw, c.fields...)
	}
	// A window of exactly 60 days is fine.
	p.must(201, "POST", "/api/v1/requests", p.mgrA, body(map[string]any{"latest": p.at("2026-05-01 08:00")}), nil)

	for _, c := range []struct {
		what, token string
		body        any
		want        int
	}{
		{"unknown field", p.mgrA, body(map[string]any{"supervisor_id": 1}), 400},
		{"a number as a string", p.mgrA, body(map[string]any{"duration_minutes": "60"}), 400},
		{"malformed JSON", p.mgrA, `{"workplace_id":`, 400},
		{"another workplace", p.mgrB, body(nil), 403},
		{"a supervisor", p.supX, body(nil), 403},
		{"a supervisor with garbage", p.supX, "not json", 403},
		{"nobody", "", body(nil), 401},
	} {
		status, raw := p.do("POST", "/api/v1/requests", c.token, c.body)
		if status != c.want || decodeErr(t, raw).Error.Message == "" {
			t.Errorf("%s: %d, want %d: %s", c.what, status, c.want, raw)
		}
	}
	for _, path := range []string{"/api/v1/requests", "/api/v1/requests/1"} {
		if status, raw := p.do("GET", path, p.supX, nil); status != 403 {
			t.Errorf("a supervisor reads %s: %d %s", path, status, raw)
		}
	}
	status, raw := p.do("GET", "/api/v1/requests?status=pending", p.mgrA, nil)
	wantInvalid(t, "unknown status", status, raw, "status")
	if status, raw := p.do("GET", "/api/v1/requests/999", p.admin, nil); status != 404 {
		t.Errorf("no such request: %d %s", status, raw)
	}

	// Fills: only the coordinator (403 before the body), inside the window.
	var r requestOut
	p.must(201, "POST", "/api/v1/requests", p.mgrA, body(map[string]any{"earliest": p.at("2026-03-03 08:00")}), &r)
	path := fmt.Sprintf("/api/v1/requests/%d/fill", r.ID)
	if status, raw := p.do("POST", path, p.mgrA, "not json"); status != 403 {
		t.Errorf("a manager fills: %d %s", status, raw)
	}
	fill := func(start, end string) (int, []byte) {
		return p.do("POST", path, p.admin, map[string]any{"supervisor_id": p.sups[0], "start": p.at(start), "end": p.at(end)})
	}
	status, raw = fill("2026-03-02 10:00", "2026-03-02 11:00")
	wantInvalid(t, "fill before the window", status, raw, "start")
	status, raw = fill("2026-03-06 15:30", "2026-03-06 16:30")
	wantInvalid(t, "fill past the window", status, raw, "end")
	status, raw = p.do("POST", path, p.admin, map[string]any{"start": p.at("2026-03-03 10:00"), "end": p.at("2026-03-03 11:00")})
	wantInvalid(t, "fill without a supervisor", status, raw, "supervisor_id")
	if status, raw := p.do("POST", path, p.admin, map[string]any{"supervisor_id": p.sups[0], "start": p.at("2026-03-03 10:00"),
		"end": p.at("2026-03-03 11:00"), "note": "x"}); status != 400 {
		t.Errorf("fill with an unknown field: %d %s", status, raw)
	}
	// A rule of the booking: the supervisor is busy then (409 with the rule), and the request stays open.
	p.must(201, "POST", "/api/v1/bookings", p.admin, bookingBody(p.sups[0], p.wpB, p.at("2026-03-03 10:00"), p.at("2026-03-03 11:00")), nil)
	status, raw = fill("2026-03-03 10:00", "2026-03-03 11:00")
	if eb := decodeErr(t, raw); status != 409 || len(eb.Error.Details) == 0 {
		t.Errorf("fill over a booking: %d %s", status, raw)
	}
	var got requestOut
	p.must(200, "GET", fmt.Sprintf("/api/v1/requests/%d", r.ID), p.admin, nil, &got)
	if got.Status != "open" {
		t.Errorf("after a refused fill: %s", got.Status)
	}
}
