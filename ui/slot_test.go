package ui_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"testing"
)

// wantInvalid requires a 422 in the contract's shape whose details name
// exactly the fields given.
func wantInvalid(t *testing.T, what string, status int, raw []byte, fields ...string) {
	t.Helper()
	if status != 422 {
		t.Errorf("%s: status %d, want 422: %s", what, status, raw)
		return
	}
	eb := decodeErr(t, raw)
	var got []string
	for _, d := range eb.Error.Details {
		var fe struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(d, &fe); err != nil || fe.Field == "" || fe.Message == "" {
			t.Errorf("%s: detail %s names no field or says nothing", what, d)
		}
		got = append(got, fe.Field)
	}
	if eb.Error.Code != "invalid" || !slices.Equal(got, fields) {
		t.Errorf("%s: code %s, fields %v, want invalid %v: %s", what, eb.Error.Code, got, fields, raw)
	}
}

type slotOut struct {
	Start         string  `json:"start"`
	End           string  `json:"end"`
	SupervisorIDs []int64 `json:"supervisor_ids"`
}

// TestSlotsOverHTTP: every free quarter hour of the day in the pool's zone,
// whom it has (fewest booked minutes that week first), and a bare empty array
// when nobody speaks the language.
func TestSlotsOverHTTP(t *testing.T) {
	e := newEnv(t, march) // Sunday 1 March 2026
	sups, wpA, _ := e.pool(2)
	mgr := e.user("chef@example.se", "manager", []int64{wpA}, nil)
	// The first supervisor is booked Monday 09:00–10:00.
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-02 09:00"), e.at("2026-03-02 10:00")), nil)
	q := url.Values{"language": {"ar"}, "from": {"2026-03-02"}, "to": {"2026-03-02"}, "duration": {"60"},
		"workplace_id": {fmt.Sprint(wpA)}}
	status, raw := e.do("GET", "/api/v1/slots?"+q.Encode(), mgr, nil)
	if status != 200 || raw[0] != '[' {
		t.Fatalf("slots: %d %s", status, raw)
	}
	var slots []slotOut
	if err := json.Unmarshal(raw, &slots); err != nil {
		t.Fatal(err)
	}
	// 08:00 to 15:00 on the quarter hour: 29 starts.
	if len(slots) != 29 || slots[0].Start != "2026-03-02T08:00:00+01:00" || slots[0].End != "2026-03-02T09:00:00+01:00" ||
		slots[28].Start != "2026-03-02T15:00:00+01:00" {
		t.Fatalf("slots: %d, first %+v, last %+v", len(slots), slots[0], slots[len(slots)-1])
	}
	for _, s := range slots {
		busy := s.Start > "2026-03-02T08:00:00+01:00" && s.Start < "2026-03-02T10:00:00+01:00"
		want := []int64{sups[1], sups[0]} // the second has fewer booked minutes that week
		if busy {
			want = []int64{sups[1]}
		}
		if !slices.Equal(s.SupervisorIDs, want) {
			t.Errorf("slot %s: supervisors %v, want %v", s.Start, s.SupervisorIDs, want)
		}
	}
	// A named supervisor: only theirs.
	q.Set("supervisor_id", fmt.Sprint(sups[0]))
	e.must(200, "GET", "/api/v1/slots?"+q.Encode(), e.admin, nil, &slots)
	if len(slots) != 29-7 {
		t.Errorf("slots of the booked supervisor: %d, want 22", len(slots))
	}
	// Wolof: nobody speaks it; an empty array, not null.
	q = url.Values{"language": {"wo"}, "from": {"2026-03-02"}, "to": {"2026-03-06"}, "duration": {"60"}}
	if status, raw := e.do("GET", "/api/v1/slots?"+q.Encode(), mgr, nil); status != 200 || string(raw) != "[]\n" {
		t.Errorf("slots for Wolof: %d %q", status, raw)
	}
}

// TestSlotsBadInput: each bad query is a 422 naming its field; a supervisor
// is refused before the query is read.
func TestSlotsBadInput(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, _ := e.pool(1)
	mgr := e.user("chef@example.se", "manager", []int64{wpA}, nil)
	sup := e.user("handledare@example.se", "supervisor", nil, &sups[0])
	ok := url.Values{"language": {"ar"}, "from": {"2026-03-02"}, "to": {"2026-03-13"}, "duration": {"60"}}
	with := func(k, v string) string {
		q := url.Values{}
		for key, vs := range ok {
			q[key] = vs
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return "/api/v1/slots?" + q.Encode()
	}
	e.must(200, "GET", with("", ""), mgr, nil, nil)
	for _, c := range []struct {
		what, path, field string
	}{
		{"duration not a multiple of 15", with("duration", "50"), "duration"},
		{"duration under 15", with("duration", "0"), "duration"},
		{"duration over 600", with("duration", "615"), "duration"},
		{"duration no number", with("duration", "en timme"), "duration"},
		{"no duration", with("duration", ""), "duration"},
		{"more than 31 days", with("to", "2026-04-02"), "to"},
		{"to before from", with("to", "2026-03-01"), "to"},
		{"no from", with("from", ""), "from"},
		{"bad date", with("from", "2.3.2026"), "from"},
		{"unknown language", with("language", "xx"), "language"},
		{"unknown mode", with("mode", "telepathy"), "mode"},
		{"unknown area", with("area", "space"), "area"},
		{"bad workplace id", with("workplace_id", "A"), "workplace_id"},
		{"no such workplace", with("workplace_id", "999"), "workplace_id"},
		{"no such supervisor", with("supervisor_id", "999"), "supervisor_id"},
	} {
		status, raw := e.do("GET", c.path, mgr, nil)
		wantInvalid(t, c.what, status, raw, c.field)
	}
	// Exactly 31 days is fine.
	e.must(200, "GET", with("to", "2026-04-01"), mgr, nil, nil)
	// A supervisor: 403, whatever the query.
	for _, path := range []string{with("", ""), with("duration", "50"), "/api/v1/slots"} {
		status, raw := e.do("GET", path, sup, nil)
		if status != 403 || decodeErr(t, raw).Error.Code != "forbidden" {
			t.Errorf("a supervisor asks %s: %d %s", path, status, raw)
		}
	}
}
