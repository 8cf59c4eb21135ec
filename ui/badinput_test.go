package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
)

// The bad input catalogue: careless and hostile requests to every write
// endpoint and every filter of the API. Each gets the contract's error shape
// with the status that fits and a message that says what to fix; afterwards
// the server still answers /healthz and the data is exactly as before.
// (TestErrorCatalogue in error_test.go holds the contract's table itself, one
// case per status; this file goes wide instead.)

// badPool is the small pool the catalogue runs against: one supervisor with a
// user, a workplace with its manager, a future booking, a held one, an absence
// and a rate.
type badPool struct {
	*env
	sup, wp, future, held, absence, rate int64
	supTok, mgrTok                       string
}

func newBadPool(t *testing.T) *badPool {
	e := newEnv(t, march)
	sups, wpA, _ := e.pool(1)
	p := &badPool{env: e, sup: sups[0], wp: wpA}
	p.supTok = e.user("handledare@example.se", booking.RoleSupervisor, nil, &p.sup)
	p.mgrTok = e.user("chef@example.se", booking.RoleManager, []int64{wpA}, nil)
	var v idJSON
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(p.sup, wpA, e.at("2026-03-31 09:00"), e.at("2026-03-31 10:00")), &v)
	p.future = v.ID
	// An admin may record a session after the fact: it is held at once.
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(p.sup, wpA, e.at("2026-02-27 09:00"), e.at("2026-02-27 10:00")), &v)
	p.held = v.ID
	e.must(201, "POST", fmt.Sprintf("/api/v1/supervisors/%d/absences", p.sup), e.admin,
		map[string]any{"start": e.at("2026-04-06 08:00"), "end": e.at("2026-04-06 12:00"), "reason": "kurs"}, &v)
	p.absence = v.ID
	e.must(201, "POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-01-01", "hourly_rate": 450, "funder": "Kommunen"}, &v)
	p.rate = v.ID
	return p
}

// snapshot is everything the API shows about the pool, to compare before and
// after a bad request.
func (p *badPool) snapshot() string {
	p.t.Helper()
	var b strings.Builder
	for _, path := range []string{
		"/api/v1/bookings?from=2026-01-01&to=2027-01-31",
		"/api/v1/supervisors", "/api/v1/workplaces", "/api/v1/rates",
		fmt.Sprintf("/api/v1/supervisors/%d/availability", p.sup),
		fmt.Sprintf("/api/v1/supervisors/%d/absences?from=2026-01-01&to=2027-01-31", p.sup),
		fmt.Sprintf("/api/v1/bookings/%d/events", p.future),
	} {
		status, raw := p.do("GET", path, p.admin, nil)
		if status != 200 {
			p.t.Fatalf("snapshot %s: %d %s", path, status, raw)
		}
		b.WriteString(path + "\n")
		b.Write(raw)
		b.WriteString("\n")
	}
	for _, path := range []string{"/api/v1/me"} { // the tokens still work
		for _, tok := range []string{p.supTok, p.mgrTok} {
			status, raw := p.do("GET", path, tok, nil)
			b.WriteString(fmt.Sprintf("%s %d %s\n", path, status, raw))
		}
	}
	return b.String()
}

// send posts raw bytes with a content type ("" sends none).
func (p *badPool) send(method, path, token, ctype string, body []byte) (int, []byte) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := p.srv.Client().Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// badCase is one bad request and the answer it must get.
type badCase struct {
	name         string
	method, path string
	token        string
	ctype        string
	body         []byte
	status       int
	code         string
	field        string // 422: the field the details must name
	hint         string // a word the message must contain, so it says what to fix
}

// check sends the case and checks the answer, the server's health and that
// nothing changed. It returns the snapshot after the case, so that one defect
// does not make every later case fail too.
func (p *badPool) check(t *testing.T, c badCase, before string) string {
	t.Helper()
	token := c.token
	if token == "" {
		token = p.admin
	}
	status, raw := p.send(c.method, c.path, token, c.ctype, c.body)
	if status != c.status {
		t.Errorf("status %d, want %d: %.300s", status, c.status, raw)
	} else {
		var eb struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
				Details []struct {
					Field   string `json:"field"`
					Message string `json:"message"`
				} `json:"details"`
			} `json:"error"`
		}
		if err := json.Unmarshal(raw, &eb); err != nil || eb.Error.Code != c.code {
			t.Errorf("want error code %q, got %v: %.300s", c.code, err, raw)
		}
		msg := eb.Error.Message
		if msg == "" || msg == http.StatusText(status) || (c.hint != "" && !strings.Contains(strings.ToLower(msg), strings.ToLower(c.hint))) {
			t.Errorf("message %q does not say what to fix (want it to mention %q)", msg, c.hint)
		}
		if c.field != "" {
			found := false
			for _, d := range eb.Error.Details {
				if d.Field == c.field && d.Message != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("details do not name %q with a message: %.300s", c.field, raw)
			}
		}
	}
	if status, raw := p.do("GET", "/healthz", "", nil); status != 200 {
		t.Fatalf("after %s: /healthz %d %s", c.name, status, raw)
	}
	after := p.snapshot()
	if after != before {
		t.Errorf("after %s the data changed:\n--- before\n%s\n--- after\n%s", c.name, before, after)
	}
	return after
}

// writeEndpoint is a JSON write endpoint with a body it would accept (or at
// least read) and the text fields it takes.
type writeEndpoint struct {
	method, path string
	valid        map[string]any // an object body; nil when the body is an array
	array        []any
	text         map[string]int // text field -> longest length allowed
}

func (p *badPool) writeEndpoints() []writeEndpoint {
	e := p.env
	sup := fmt.Sprintf("/api/v1/supervisors/%d", p.sup)
	bk := func(id int64, tail string) string { return fmt.Sprintf("/api/v1/bookings/%d%s", id, tail) }
	week := []any{map[string]any{"weekday": 1, "start": "08:00", "end": "16:00"}}
	return []writeEndpoint{
		{method: "POST", path: "/api/v1/auth/token", valid: map[string]any{"email": "nobody@example.se", "password": "wrong-password"}},
		{method: "POST", path: "/api/v1/supervisors", valid: map[string]any{"name": "Ny", "languages": []string{"ar"}, "areas": []string{"childcare"}},
			text: map[string]int{"name": 200, "phone": 40}},
		{method: "PATCH", path: sup, valid: map[string]any{"name": "Ny"}, text: map[string]int{"name": 200, "phone": 40}},
		{method: "PUT", path: sup + "/availability", array: week},
		{method: "POST", path: sup + "/absences", valid: map[string]any{"start": e.at("2026-04-07 08:00"), "end": e.at("2026-04-07 09:00"), "reason": "x"},
			text: map[string]int{"reason": 500}},
		{method: "POST", path: "/api/v1/workplaces", valid: map[string]any{"name": "Ny", "kind": "kitchen"},
			text: map[string]int{"name": 200, "address": 300, "cost_center": 50}},
		{method: "PATCH", path: fmt.Sprintf("/api/v1/workplaces/%d", p.wp), valid: map[string]any{"name": "Ny"},
			text: map[string]int{"name": 200, "address": 300, "cost_center": 50}},
		{method: "POST", path: "/api/v1/bookings", valid: bookingBody(p.sup, p.wp, e.at("2026-04-01 09:00"), e.at("2026-04-01 10:00")),
			text: map[string]int{"notes": 4000}},
		{method: "PATCH", path: bk(p.future, ""), valid: map[string]any{"notes": "x"}, text: map[string]int{"notes": 4000}},
		{method: "POST", path: bk(p.future, "/cancel"), valid: map[string]any{"reason_code": "other", "reason": "x"},
			text: map[string]int{"reason": 2000}},
		{method: "POST", path: bk(p.held, "/followup"), valid: map[string]any{"persons_supervised": 3, "rating": 4, "comment": "x", "why_booked": "x"},
			text: map[string]int{"comment": 4000, "why_booked": 2000}},
		{method: "POST", path: bk(p.held, "/confirmation"), valid: map[string]any{"outcome": "held", "note": "x"},
			text: map[string]int{"note": 2000}},
		{method: "POST", path: "/api/v1/rates", valid: map[string]any{"from": "2027-01-01", "hourly_rate": 500, "funder": "x"},
			text: map[string]int{"funder": 200, "note": 1000}},
		{method: "PATCH", path: fmt.Sprintf("/api/v1/rates/%d", p.rate), valid: map[string]any{"note": "x"},
			text: map[string]int{"funder": 200, "note": 1000}},
	}
}

func (w writeEndpoint) body(set map[string]any) []byte {
	var v any = w.array
	if w.valid != nil {
		m := map[string]any{}
		for k, x := range w.valid {
			m[k] = x
		}
		for k, x := range set {
			m[k] = x
		}
		v = m
	}
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return raw
}

// withRaw puts raw JSON bytes (not valid JSON text, perhaps) in as a field's value.
func (w writeEndpoint) withRaw(field, rawValue string) []byte {
	b := w.body(map[string]any{field: "\x01PLACEHOLDER\x01"})
	return bytes.Replace(b, []byte(`"\u0001PLACEHOLDER\u0001"`), []byte(rawValue), 1)
}

const jsonType = "application/json"

func TestBadInputBodies(t *testing.T) {
	p := newBadPool(t)
	before := p.snapshot()
	var cases []badCase
	for _, w := range p.writeEndpoints() {
		valid := w.body(nil)
		n := w.method + " " + w.path + ": "
		add := func(name, ctype string, body []byte, status int, code, field, hint string) {
			cases = append(cases, badCase{name: n + name, method: w.method, path: w.path, ctype: ctype,
				body: body, status: status, code: code, field: field, hint: hint})
		}
		add("0 bytes", jsonType, nil, 400, "bad_request", "", "empty")
		add("1 MiB + 1", jsonType, append(valid, bytes.Repeat([]byte(" "), 1<<20+1-len(valid))...), 413, "too_large", "", "1 MiB")
		add("100k nested arrays", jsonType, bytes.Repeat([]byte("["), 100000), 400, "bad_request", "", "JSON")
		add("100k nested objects", jsonType, bytes.Repeat([]byte(`{"a":`), 100000), 400, "bad_request", "", "JSON")
		add("text/plain", "text/plain", valid, 400, "bad_request", "", "Content-Type")
		add("form", "application/x-www-form-urlencoded", []byte("name=x"), 400, "bad_request", "", "Content-Type")
		add("no content type", "", valid, 400, "bad_request", "", "Content-Type")
		add("JSON array for an object", jsonType, []byte(`[1,2]`), 400, "bad_request", "", "")
		add("trailing garbage", jsonType, append(append([]byte{}, valid...), []byte("xyz")...), 400, "bad_request", "", "")
		for field, max := range w.text {
			add(field+" with a NUL byte", jsonType, w.withRaw(field, "\"a\x00b\""), 400, "bad_request", "", "JSON")
			add(field+` with \u0000`, jsonType, w.body(map[string]any{field: "a\x00b"}), 422, "invalid", field, "")
			add(field+" with a bell", jsonType, w.body(map[string]any{field: "a\ab"}), 422, "invalid", field, "")
			add(field+" not UTF-8", jsonType, w.withRaw(field, "\"Bj\xf6rn \xff\xfe\""), 400, "bad_request", "", "UTF-8")
			add(field+" cut UTF-8", jsonType, w.withRaw(field, "\"\xc3\""), 400, "bad_request", "", "UTF-8")
			add(field+" 10,000 characters", jsonType, w.body(map[string]any{field: strings.Repeat("ö", 10000)}), 422, "invalid", field, "")
			add(fmt.Sprintf("%s %d+1 characters", field, max), jsonType, w.body(map[string]any{field: strings.Repeat("x", max+1)}), 422, "invalid", field, "")
			add(field+" a number", jsonType, w.withRaw(field, "42"), 400, "bad_request", "", field)
		}
	}
	// The .ics import reads a calendar file, not JSON: what is not one is 422.
	imp := fmt.Sprintf("/api/v1/supervisors/%d/absences/import", p.sup)
	ics := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n")
	for _, c := range []badCase{
		{name: "import: 0 bytes", body: nil, status: 422, code: "invalid", field: "body"},
		{name: "import: JSON", body: []byte(`{"start":"x"}`), status: 422, code: "invalid", field: "body"},
		{name: "import: 50k nested calendars", body: bytes.Repeat([]byte("BEGIN:VCALENDAR\r\n"), 50000), status: 422, code: "invalid", field: "body"},
		{name: "import: 1 MiB + 1", body: append(append([]byte{}, ics...), bytes.Repeat([]byte("\r\n"), 1<<19)...)[:1<<20+1], status: 413, code: "too_large", hint: "1 MiB"},
		{name: "import: binary", body: []byte("\x00\xff\xfe\x00"), status: 422, code: "invalid", field: "body"},
	} {
		c.method, c.path, c.ctype = "POST", imp, "text/calendar"
		cases = append(cases, c)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { before = p.check(t, c, before) })
	}
	t.Logf("%d bad bodies tried", len(cases))
}

func TestBadInputBookingTimes(t *testing.T) {
	p := newBadPool(t)
	before := p.snapshot()
	e := p.env
	post := func(name string, start, end string, status int, code, field string) badCase {
		b := bookingBody(p.sup, p.wp, start, end)
		b["override"] = []string{"outside_availability", "closed_day", "daily_limit"}
		raw, _ := json.Marshal(b)
		return badCase{name: name, method: "POST", path: "/api/v1/bookings", ctype: jsonType, body: raw, status: status, code: code, field: field}
	}
	patch := func(name string, start, end string, status int, code, field string) badCase {
		raw, _ := json.Marshal(map[string]any{"start": start, "end": end})
		return badCase{name: "PATCH " + name, method: "PATCH", path: fmt.Sprintf("/api/v1/bookings/%d", p.future), ctype: jsonType, body: raw,
			status: status, code: code, field: field}
	}
	absence := func(name string, start, end string, status int, code, field string) badCase {
		raw, _ := json.Marshal(map[string]any{"start": start, "end": end})
		return badCase{name: "absence " + name, method: "POST", path: fmt.Sprintf("/api/v1/supervisors/%d/absences", p.sup), ctype: jsonType, body: raw,
			status: status, code: code, field: field}
	}
	var cases []badCase
	for _, f := range []func(string, string, string, int, string, string) badCase{post, patch} {
		cases = append(cases,
			f("zero length", e.at("2026-04-01 09:00"), e.at("2026-04-01 09:00"), 422, "invalid", "end"),
			f("end before start", e.at("2026-04-01 09:00"), e.at("2026-04-01 08:59"), 422, "invalid", "end"),
			f("over 24 hours", e.at("2026-04-01 09:00"), e.at("2026-04-02 10:00"), 422, "invalid", "end"),
			f("a week long", e.at("2026-04-01 09:00"), e.at("2026-04-08 09:00"), 422, "invalid", "end"),
			f("over midnight", e.at("2026-04-01 23:00"), e.at("2026-04-02 01:00"), 422, "invalid", "end"),
			f("the last days of 9999", "9999-12-30T09:00:00+01:00", "9999-12-30T10:00:00+01:00", 422, "invalid", "start"),
			f("before 1900", "1899-06-01T09:00:00+01:00", "1899-06-01T10:00:00+01:00", 422, "invalid", "start"),
			f("year 10000", "10000-01-03T09:00:00+01:00", "10000-01-03T10:00:00+01:00", 422, "invalid", "start"),
			f("year 0", "0000-01-03T09:00:00+01:00", "0000-01-03T10:00:00+01:00", 422, "invalid", "start"),
			f("no offset", "2026-04-01T09:00:00", "2026-04-01T10:00:00", 422, "invalid", "start"),
			f("local DST gap without offset", "2026-03-29T02:30:00", "2026-03-29T03:30:00", 422, "invalid", "start"),
			f("local DST fold without offset", "2026-10-25T02:30:00", "2026-10-25T03:30:00", 422, "invalid", "start"),
			f("offset out of range", "2026-04-01T09:00:00+25:00", "2026-04-01T10:00:00+25:00", 422, "invalid", "start"),
			f("month 13", "2026-13-01T09:00:00+01:00", "2026-13-01T10:00:00+01:00", 422, "invalid", "start"),
			f("30 February", "2026-02-30T09:00:00+01:00", "2026-02-30T10:00:00+01:00", 422, "invalid", "start"),
			f("hour 24", "2026-04-01T24:00:00+02:00", "2026-04-01T25:00:00+02:00", 422, "invalid", "start"),
			f("SQL as a time", "2026-04-01' OR 1=1--", "1;DROP TABLE bookings", 422, "invalid", "start"),
			f("empty times", "", "", 422, "invalid", "start"),
		)
	}
	cases = append(cases,
		absence("zero length", e.at("2026-04-07 08:00"), e.at("2026-04-07 08:00"), 422, "invalid", "end"),
		absence("end before start", e.at("2026-04-07 08:00"), e.at("2026-04-06 08:00"), 422, "invalid", "end"),
		absence("no offset", "2026-04-07T08:00:00", "2026-04-07T09:00:00", 422, "invalid", "start"),
		absence("year 10000", "10000-01-03T09:00:00+01:00", "10000-01-03T10:00:00+01:00", 422, "invalid", "start"),
	)
	conf := func(name, start, end, field string) badCase {
		raw, _ := json.Marshal(map[string]any{"outcome": "held", "actual_start": start, "actual_end": end})
		return badCase{name: "confirmation " + name, method: "POST", path: fmt.Sprintf("/api/v1/bookings/%d/confirmation", p.held),
			ctype: jsonType, body: raw, status: 422, code: "invalid", field: field}
	}
	cases = append(cases,
		conf("zero length", e.at("2026-02-27 09:00"), e.at("2026-02-27 09:00"), "actual_end"),
		conf("over 24 hours", e.at("2026-02-27 09:00"), e.at("2026-02-28 10:00"), "actual_end"),
		conf("no offset", "2026-02-27T09:00:00", "2026-02-27T10:00:00", "actual_start"),
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { before = p.check(t, c, before) })
	}
	t.Logf("%d bad times tried", len(cases))
}

// A booking in year 9999 is a future date like any other (the contract knows
// no horizon): it is stored, listed, shown and put in the feeds, and nothing
// breaks. Times given with an offset on the days clocks change are the instants
// they name, whatever the local clock showed.
func TestBookingTimesAtTheEdges(t *testing.T) {
	p := newBadPool(t)
	e := p.env
	over := []string{"outside_availability", "closed_day", "daily_limit", "travel_buffer"}
	book := func(start, end string) map[string]any {
		b := bookingBody(p.sup, p.wp, start, end)
		b["override"] = over
		var out map[string]any
		e.must(201, "POST", "/api/v1/bookings", e.admin, b, &out)
		return out
	}
	far := book("9999-06-01T09:00:00+02:00", "9999-06-01T10:00:00+02:00")
	if far["start"] != "9999-06-01T09:00:00+02:00" || far["end"] != "9999-06-01T10:00:00+02:00" {
		t.Fatalf("year 9999 came back as %v–%v", far["start"], far["end"])
	}
	var list []map[string]any
	e.must(200, "GET", "/api/v1/bookings?from=9999-06-01&to=9999-06-30", e.admin, nil, &list)
	if len(list) != 1 {
		t.Fatalf("year 9999: %d bookings listed", len(list))
	}
	e.must(200, "GET", "/api/v1/reports/utilization?from=9999-06-01&to=9999-06-30&by=week", e.admin, nil, nil)
	b := p.browser()
	b.login("admin@example.se")
	if status, body := b.get(fmt.Sprintf("/bookings/%v", far["id"])); status != 200 || !strings.Contains(body, "9999") {
		t.Fatalf("year 9999 booking page: %d", status)
	}
	if status, _ := b.get("/timeline?date=9999-06-01"); status >= 500 {
		t.Fatalf("timeline in year 9999: %d", status)
	}
	feed := e.feedURLOf(fmt.Sprintf("/api/v1/supervisors/%d", p.sup), e.admin)
	resp, raw := e.fetchFeed("GET", *feed, nil, nil)
	if resp.StatusCode != 200 || !bytes.Contains(raw, []byte("DTSTART;TZID=Europe/Stockholm:99990601T090000")) {
		t.Fatalf("feed with a year 9999 booking: %d\n%s", resp.StatusCode, raw)
	}

	// 02:30 on 29 March 2026 does not exist in Stockholm; with an offset it is
	// simply the instant named. 02:30 on 25 October happens twice; the offset
	// says which.
	for _, c := range []struct{ start, end, wantStart, wantEnd string }{
		{"2026-03-29T02:30:00+01:00", "2026-03-29T04:00:00+02:00", "2026-03-29T03:30:00+02:00", "2026-03-29T04:00:00+02:00"},
		{"2026-03-29T02:30:00+02:00", "2026-03-29T03:30:00+02:00", "2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"},
		{"2026-10-25T02:30:00+02:00", "2026-10-25T02:45:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:45:00+02:00"},
		{"2026-10-25T02:30:00+01:00", "2026-10-25T02:45:00+01:00", "2026-10-25T02:30:00+01:00", "2026-10-25T02:45:00+01:00"},
	} {
		got := book(c.start, c.end)
		if got["start"] != c.wantStart || got["end"] != c.wantEnd {
			t.Errorf("%s–%s came back as %v–%v, want %s–%s", c.start, c.end, got["start"], got["end"], c.wantStart, c.wantEnd)
		}
	}
	// The two 02:30 of 25 October are an hour apart: no overlap between them.
	e.must(200, "GET", "/api/v1/bookings?from=2026-10-25&to=2026-10-25", e.admin, nil, &list)
	if len(list) != 2 {
		t.Errorf("25 October: %d bookings, want the two 02:30s", len(list))
	}
	e.must(200, "GET", "/healthz", "", nil, nil)
}

// SQL in every filter and query parameter of every GET: refused with 422 and the
// parameter named, or (where a parameter is free text to match) an empty answer;
// never a 500, and nothing changes.
func TestBadInputSQLInFilters(t *testing.T) {
	p := newBadPool(t)
	before := p.snapshot()
	payloads := []string{`' OR 1=1--`, `1;DROP TABLE bookings`, `1) OR (1=1`, `"; DELETE FROM users; --`, `%' UNION SELECT * FROM users--`}
	type param struct {
		path, name string
		base       url.Values
	}
	dates := url.Values{"from": {"2026-03-01"}, "to": {"2026-03-31"}}
	with := func(extra map[string]string) url.Values {
		v := url.Values{}
		for k, x := range dates {
			v[k] = x
		}
		for k, x := range extra {
			v.Set(k, x)
		}
		return v
	}
	avail := url.Values{"language": {"ar"}, "start": {p.at("2026-04-01 09:00")}, "end": {p.at("2026-04-01 10:00")}}
	var params []param
	for _, n := range []string{"from", "to", "supervisor_id", "workplace_id", "status", "unconfirmed"} {
		params = append(params, param{"/api/v1/bookings", n, dates})
	}
	for _, n := range []string{"from", "to"} {
		params = append(params, param{fmt.Sprintf("/api/v1/supervisors/%d/absences", p.sup), n, dates})
	}
	for _, n := range []string{"language", "area", "start", "end", "workplace_id"} {
		params = append(params, param{"/api/v1/availability", n, avail})
	}
	for _, n := range []string{"from", "to", "by", "format"} {
		params = append(params, param{"/api/v1/reports/utilization", n, with(map[string]string{"by": "supervisor"})})
	}
	for _, r := range []string{"cancellations", "followups", "billing"} {
		for _, n := range []string{"from", "to", "format"} {
			params = append(params, param{"/api/v1/reports/" + r, n, dates})
		}
	}
	var cases []badCase
	for _, prm := range params {
		for _, sql := range payloads {
			q := url.Values{}
			for k, x := range prm.base {
				q[k] = x
			}
			q.Set(prm.name, sql)
			cases = append(cases, badCase{name: prm.path + " " + prm.name + "=" + sql, method: "GET", path: prm.path + "?" + q.Encode(),
				status: 422, code: "invalid", field: prm.name})
		}
	}
	// SQL in path ids is simply not found.
	for _, path := range []string{"/api/v1/bookings/", "/api/v1/supervisors/", "/api/v1/workplaces/"} {
		for _, sql := range payloads {
			cases = append(cases, badCase{name: path + sql, method: "GET", path: path + url.PathEscape(sql), status: 404, code: "not_found"})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { before = p.check(t, c, before) })
	}
	// Pages take query parameters too: they may ignore a bad one, never fail.
	b := p.browser()
	b.login("admin@example.se")
	n := len(cases)
	for _, page := range []string{"/timeline?date=%s", "/timeline?language=%s", "/timeline?workplace_id=%s",
		"/reports/utilization?from=%s", "/reports/utilization?by=%s", "/reports/cancellations?to=%s", "/book/free?date=%s", "/book/free?language=%s",
		"/?next=%s", "/users?invited=%s"} {
		for _, sql := range payloads {
			path := fmt.Sprintf(page, url.QueryEscape(sql))
			if status, body := b.get(path); status >= 500 {
				t.Errorf("%s: %d %.200s", path, status, body)
			}
			n++
		}
	}
	if after := p.snapshot(); after != before {
		t.Fatal("pages with SQL in their parameters changed the data")
	}
	t.Logf("%d filters with SQL tried", n)
}

// xss is the hostile text put in every text field, after a tag naming the
// field; short is for fields too short to hold it all.
const (
	xss      = `<script>alert(1)</script>"><img src=x onerror=alert(1)>`
	xssShort = `<script>alert(1)</script>`
)

// escaped is how html/template writes v in a page.
func escaped(v string) string { return template.HTMLEscapeString(v) }

// TestHTMLInTextFieldsIsEscaped puts HTML and script in every text field over
// the API: the API gives the text back exactly as sent, every page that shows
// it has it escaped (the raw tags appear nowhere), and the feeds carry it as
// plain text that go-ical parses back to the same string.
func TestHTMLInTextFieldsIsEscaped(t *testing.T) {
	e := newEnv(t, march)
	ctx := context.Background()
	text := map[string]string{}
	val := func(tag string, short bool) string {
		v := tag + xss
		if short {
			v = tag + xssShort
		}
		text[tag] = v
		return v
	}
	var wp, sv idJSON
	e.must(201, "POST", "/api/v1/workplaces", e.admin, map[string]any{"name": val("wpname", false), "kind": "childcare",
		"address": val("wpaddr", false), "cost_center": val("cc", true)}, &wp)
	e.must(201, "POST", "/api/v1/supervisors", e.admin, map[string]any{"name": val("svname", false), "phone": val("ph", true),
		"languages": []string{"ar"}, "areas": []string{"childcare"}}, &sv)
	var week []map[string]any
	for wd := 1; wd <= 5; wd++ {
		week = append(week, map[string]any{"weekday": wd, "start": "08:00", "end": "16:00"})
	}
	e.must(200, "PUT", fmt.Sprintf("/api/v1/supervisors/%d/availability", sv.ID), e.admin, week, nil)
	if _, err := e.svc.CreateUser(ctx, booking.UserInput{Email: "chef@example.se", Name: val("mgrname", false), Role: booking.RoleManager,
		WorkplaceIDs: []int64{wp.ID}, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateUser(ctx, booking.UserInput{Email: "sv@example.se", Name: val("svuser", false), Role: booking.RoleSupervisor,
		SupervisorID: &sv.ID, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	notes := func(tag string) string {
		return val(tag, false) + "\nrad två; med komma, kolon: och \\ snedstreck"
	}
	mk := func(start, end, tag string) int64 {
		b := bookingBody(sv.ID, wp.ID, e.at(start), e.at(end))
		b["notes"] = notes(tag)
		var v idJSON
		e.must(201, "POST", "/api/v1/bookings", e.admin, b, &v)
		return v.ID
	}
	future := mk("2026-03-30 09:00", "2026-03-30 10:00", "notesF")
	cancelled := mk("2026-03-31 09:00", "2026-03-31 10:00", "notesC")
	held := mk("2026-02-27 09:00", "2026-02-27 10:00", "notesH")
	mgrTok, err := account.New(e.svc).CreateToken(ctx, "chef@example.se")
	if err != nil {
		t.Fatal(err)
	}
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", cancelled), mgrTok, map[string]any{"reason_code": "other", "reason": val("reason", false)}, nil)
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/followup", held), e.admin, map[string]any{"persons_supervised": 3, "rating": 4,
		"comment": val("comment", false), "why_booked": val("why", false)}, nil)
	e.must(200, "POST", fmt.Sprintf("/api/v1/bookings/%d/confirmation", held), e.admin, map[string]any{"outcome": "held", "note": val("confnote", false)}, nil)
	e.must(201, "POST", fmt.Sprintf("/api/v1/supervisors/%d/absences", sv.ID), e.admin,
		map[string]any{"start": e.at("2026-04-01 08:00"), "end": e.at("2026-04-01 12:00"), "reason": val("absence", false)}, nil)
	e.must(201, "POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-01-01", "hourly_rate": 450, "funder": val("funder", false), "note": val("ratenote", false)}, nil)

	// Stored as given: the API returns the very bytes.
	var gotB map[string]any
	e.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", held), e.admin, nil, &gotB)
	if gotB["notes"] != notes("notesH") {
		t.Errorf("notes came back as %q", gotB["notes"])
	}
	var gotW map[string]any
	e.must(200, "GET", fmt.Sprintf("/api/v1/workplaces/%d", wp.ID), e.admin, nil, &gotW)
	if gotW["name"] != text["wpname"] || gotW["address"] != text["wpaddr"] || gotW["cost_center"] != text["cc"] {
		t.Errorf("workplace came back as %v", gotW)
	}

	// Pages: which text each must show (escaped); none may hold a raw tag.
	type page struct {
		who, path string
		shows     []string
	}
	bk := func(id int64) string { return fmt.Sprintf("/bookings/%d", id) }
	pages := []page{
		{"admin", bk(future), []string{"wpname", "svname", "notesF"}},
		{"admin", bk(cancelled), []string{"wpname", "svname", "notesC", "reason"}},
		{"admin", bk(held), []string{"wpname", "svname", "notesH", "comment", "why"}},
		{"admin", bk(held) + "/confirm", []string{"wpname", "confnote"}},
		{"admin", "/timeline?date=2026-03-30", []string{"wpname", "svname"}},
		{"admin", "/supervisors", []string{"svname"}},
		{"admin", fmt.Sprintf("/supervisors/%d", sv.ID), []string{"svname", "ph"}},
		{"admin", "/workplaces", []string{"wpname"}},
		{"admin", fmt.Sprintf("/workplaces/%d", wp.ID), []string{"wpname", "wpaddr", "cc"}},
		{"admin", "/users", []string{"mgrname", "svuser"}},
		{"admin", "/", nil},
		{"admin", "/reports", nil},
		{"admin", "/reports/cancellations?from=2026-03-01&to=2026-03-31", []string{"mgrname"}},
		{"admin", "/reports/followups?from=2026-02-01&to=2026-02-28", []string{"wpname"}},
		{"admin", "/reports/billing?from=2026-02-01&to=2026-02-28", []string{"wpname", "funder"}},
		{"admin", "/book", []string{"wpname"}},
		{"admin", fmt.Sprintf("/book/free?workplace_id=%d&language=ar&date=2026-03-30&start=11:00&end=12:00&step=choose", wp.ID), []string{"svname"}},
		{"chef@example.se", "/", []string{"wpname", "mgrname"}},
		{"chef@example.se", bk(future), []string{"wpname", "svname", "notesF"}},
		{"chef@example.se", "/book", []string{"wpname"}},
		{"chef@example.se", "/account", []string{"mgrname"}},
		{"sv@example.se", "/week?date=2026-03-30", []string{"wpname"}},
		{"sv@example.se", "/absences", []string{"absence"}},
		{"sv@example.se", bk(future), []string{"wpname", "notesF"}},
		{"sv@example.se", bk(held) + "/confirm", []string{"confnote"}},
		{"sv@example.se", "/availability", nil},
	}
	browsers := map[string]*browser{}
	shown := map[string]bool{}
	for _, pg := range pages {
		b := browsers[pg.who]
		if b == nil {
			b = e.browser()
			email := pg.who
			if email == "admin" {
				email = "admin@example.se"
			}
			b.login(email)
			browsers[pg.who] = b
		}
		status, body := b.get(pg.path)
		if status != 200 {
			t.Errorf("%s %s: status %d", pg.who, pg.path, status)
			continue
		}
		for _, raw := range []string{"<script>alert", "<img src=x", "onerror=alert(1)>"} {
			if strings.Contains(body, raw) {
				i := strings.Index(body, raw)
				t.Errorf("%s %s holds the raw %q: …%s…", pg.who, pg.path, raw, body[max(0, i-80):min(len(body), i+80)])
			}
		}
		for _, tag := range pg.shows {
			v := text[tag]
			if !strings.Contains(body, escaped(v)) {
				t.Errorf("%s %s does not show %s escaped (%s)", pg.who, pg.path, tag, escaped(v))
			}
			shown[tag] = true
		}
	}
	// Every text field is shown on some page (a rate's note is on none).
	for tag := range text {
		if !shown[tag] && tag != "ratenote" {
			t.Errorf("no page checks %s", tag)
		}
	}

	// Feeds: the text is only text, and parses back to what was sent.
	feed := e.feedURLOf(fmt.Sprintf("/api/v1/supervisors/%d", sv.ID), e.admin)
	resp, raw := e.fetchFeed("GET", *feed, nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("feed: %d", resp.StatusCode)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(raw)).Decode()
	if err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, raw)
	}
	events := cal.Events()
	if len(events) != 3 {
		t.Fatalf("feed has %d events, want 3", len(events))
	}
	for _, ev := range events {
		summary, _ := ev.Props.Text(ical.PropSummary)
		location, _ := ev.Props.Text(ical.PropLocation)
		desc, _ := ev.Props.Text(ical.PropDescription)
		if !strings.HasSuffix(summary, " – "+text["wpname"]) {
			t.Errorf("SUMMARY %q does not end in the workplace's name", summary)
		}
		if location != text["wpname"]+", "+text["wpaddr"] {
			t.Errorf("LOCATION %q", location)
		}
		lines := strings.Split(desc, "\n")
		want := map[string]bool{"Språkstödshandledare: " + text["svname"] + ", " + text["ph"]: false}
		n := 0
		for _, tag := range []string{"notesF", "notesC", "notesH"} {
			if strings.Contains(desc, text[tag]) {
				want["Anteckningar: "+notes(tag)] = false
				n++
			}
		}
		if n != 1 {
			t.Errorf("DESCRIPTION does not carry one booking's notes:\n%s", desc)
		}
		if strings.Contains(desc, "INSTÄLLD") {
			want["INSTÄLLD: annat – "+text["reason"]] = false
		}
		joined := "\n" + strings.Join(lines, "\n") + "\n"
		for w := range want {
			if !strings.Contains(joined, "\n"+w+"\n") {
				t.Errorf("DESCRIPTION lacks the line(s) %q:\n%s", w, desc)
			}
		}
	}
	if bytes.Contains(raw, []byte("&lt;")) {
		t.Error("the feed HTML-escapes text; it must carry it as plain text")
	}
}

// TestLocalTimesThatDoNotExistInForms: the pages take a date and a clock time.
// 02:30 on 29 March 2026 never shows on a Stockholm clock (02:00 jumps to
// 03:00); a form that names it is refused at the field, not silently moved an
// hour. 02:30 on 25 October happens twice; the form takes it, as one of the two.
func TestLocalTimesThatDoNotExistInForms(t *testing.T) {
	const gap = "Den tiden finns inte den dagen"
	p := newWebPool(t, march)
	mgr := p.browser()
	mgr.login(p.mgrA)
	mgr.get("/book")
	form := bookValues(p.wpA, "02:30", "04:00")
	form.Set("date", "2026-03-29")
	form.Set("supervisor_id", "any")
	status, body, _ := mgr.post("/book", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, gap) {
		t.Errorf("booking at 02:30 on 29 March: %d, want 422 saying the time does not exist", status)
	}
	sup := p.browser()
	sup.login(p.supUser)
	sup.get("/absences")
	abs := url.Values{"start_date": {"2026-03-29"}, "start_time": {"02:30"}, "end_date": {"2026-03-29"}, "end_time": {"05:00"}, "reason": {"natt"}}
	status, body, _ = sup.post("/absences", abs)
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "start_time", gap+", eftersom klockan ställs fram en timme. Välj en annan tid.") {
		t.Errorf("absence from 02:30 on 29 March: %d, want 422 at start_time", status)
	}
	abs.Set("start_time", "01:30")
	abs.Set("end_time", "02:15")
	if status, body, _ = sup.post("/absences", abs); status != http.StatusUnprocessableEntity || !hasFieldError(body, "end_time", gap+", eftersom klockan ställs fram en timme. Välj en annan tid.") {
		t.Errorf("absence until 02:15 on 29 March: %d, want 422 at end_time", status)
	}
	// Around the gap, and in the repeated hour, times are taken as written.
	for _, c := range [][2]string{{"2026-03-29", "01:30"}, {"2026-10-25", "02:30"}} {
		abs = url.Values{"start_date": {c[0]}, "start_time": {c[1]}, "end_date": {c[0]}, "end_time": {"05:00"}, "reason": {"natt"}}
		sup.get("/absences")
		if status, body, _ := sup.post("/absences", abs); status != http.StatusSeeOther {
			t.Errorf("absence from %s %s: %d %.300s", c[0], c[1], status, body)
		}
	}
	var list []struct{ Start, End string }
	p.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d/absences?from=2026-03-01&to=2026-10-31", p.sups[0]), p.admin_(), nil, &list)
	if len(list) != 2 || list[0].Start != "2026-03-29T01:30:00+01:00" || list[0].End != "2026-03-29T05:00:00+02:00" ||
		(list[1].Start != "2026-10-25T02:30:00+02:00" && list[1].Start != "2026-10-25T02:30:00+01:00") {
		t.Errorf("absences %+v", list)
	}

	// The confirmation page reads clock times on the booked day.
	q := newWebPool(t, time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC))
	b := bookingBody(q.sups[0], q.wpA, q.at("2026-03-29 01:00"), q.at("2026-03-29 04:00"))
	b["override"] = []string{"outside_availability"}
	var v idJSON
	q.must(201, "POST", "/api/v1/bookings", q.admin_(), b, &v)
	s := q.browser()
	s.login(q.supUser)
	s.get(fmt.Sprintf("/bookings/%d/confirm", v.ID))
	status, body, _ = s.post(fmt.Sprintf("/bookings/%d/confirmation", v.ID), url.Values{"outcome": {"held"}, "actual_start": {"02:30"}, "actual_end": {"04:00"}, "back": {"confirm"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "actual_start", gap+", eftersom klockan ställs fram en timme. Välj en annan tid.") {
		t.Errorf("confirmation from 02:30 on 29 March: %d, want 422 at actual_start", status)
	}
}
