package ui_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// writeRoute is one write endpoint of the API and the token it is called with
// (the coordinator's, so the role check lets the body through; none for the
// login).
type writeRoute struct {
	method, path, token string
	// template is a well-formed body with @ where the fuzzed string goes (as a
	// JSON string), so the service's own validation gets fuzzed too.
	template string
}

// codeOf is the contract's error code for each 4xx status.
var codeOf = map[int]string{400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
	409: "conflict", 413: "too_large", 422: "invalid", 429: "rate_limited"}

// FuzzWriteEndpoints sends each body, and each route's well-formed body with
// the fuzzed string in its text and time fields, to every write endpoint of the API of one
// real server (echo over httptest, a real SQLite file), built once per fuzz
// process: a supervisor, two workplaces, a future and a held booking, a rate.
// The property: no 5xx (a panic is one: echo's recover answers 500), every
// answer is JSON, every 4xx is the contract's error shape with the code that
// belongs to its status, and /healthz still answers 200 afterwards. The state
// drifts from input to input (a body may cancel the booking or rename the
// supervisor); the property holds in every state.
func FuzzWriteEndpoints(f *testing.F) {
	for _, body := range []string{
		`{"supervisor_id":1,"workplace_id":1,"language":"ar","purpose":"workplace_support","start":"2026-03-04T09:00:00+01:00","end":"2026-03-04T10:00:00+01:00"}`,
		`{"start":"2026-03-29T02:30:00+01:00","end":"2026-03-29T04:00:00+02:00","override":["closed_day","daily_limit"]}`,
		`{"start":"9999-12-31T23:00:00-02:00","end":"9999-12-31T23:59:00-02:00"}`,
		`{"start":"0000-01-01T00:00:00+01:00","end":"0001-01-01T00:00:00Z","reason":"x"}`,
		`{"reason_code":"illness","reason":"sjuk"}`,
		`{"persons_supervised":3,"rating":5,"comment":"bra","why_booked":"behov"}`,
		`{"outcome":"held","actual_start":"2026-02-27T09:00:00+01:00","actual_end":"2026-02-27T10:00:00+01:00","note":""}`,
		`{"name":"Amina","email":"a@example.se","phone":"070","languages":["ar"],"areas":["childcare"],"active":true}`,
		`{"name":"Förskolan","kind":"childcare","address":"Väg 1","cost_center":"1","active":false}`,
		`[{"weekday":1,"start":"08:00","end":"24:00"},{"weekday":8,"start":"25:00","end":"07:00"}]`,
		`{"workplace_id":1,"from":"2026-01-01","to":"2026-12-31","hourly_rate":450.5,"funder":"kommunen","note":""}`,
		`{"hourly_rate":1e308,"from":"2026-02-30"}`,
		`{"email":"admin@example.se","password":"wrong"}`,
		`{"participants_expected":1e400}`, `{"supervisor_id":-9223372036854775808}`, `{"override":null}`,
		`{"notes":"\u0000<script>alert(1)</script>","name":"\ud800"}`, "{\"name\":\"\xff\xfe\"}",
		``, `null`, `[]`, `{}`, `{"a":1}`, `{} {}`, `"x"`, strings.Repeat("[", 10000), `{"languages":[null]}`,
	} {
		f.Add([]byte(body), "")
	}
	for _, text := range []string{"2026-03-04T09:00:00+01:00", "2026-03-29T02:30:00+01:00", "2026-10-25T02:30:00+02:00",
		"9999-12-31T23:00:00-02:00", "0000-01-01T00:00:00+01:00", "2026-03-04", "24:00", "08:60", "ar", "illness",
		"Amina Yusuf", "a@example.se", "\x00", "\xff", "<script>alert(1)</script>", "' OR 1=1 --", strings.Repeat("å", 10001)} {
		f.Add([]byte("{}"), text)
	}
	e := newEnv(f, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sups, wpA, _ := e.pool(1)
	var future, held, rate idJSON
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-03 09:00"), e.at("2026-03-03 10:00")), &future)
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-02-27 09:00"), e.at("2026-02-27 10:00")), &held)
	e.must(201, "POST", "/api/v1/rates", e.admin, map[string]any{"from": "2026-01-01", "hourly_rate": 450, "funder": "kommunen"}, &rate)
	sv, wp := fmt.Sprint(sups[0]), fmt.Sprint(wpA)
	routes := []writeRoute{
		{"POST", "/api/v1/bookings", e.admin, `{"supervisor_id":` + sv + `,"workplace_id":` + wp +
			`,"language":"ar","purpose":"workplace_support","start":@,"end":"2026-03-04T10:00:00+01:00","notes":@}`},
		{"PATCH", fmt.Sprintf("/api/v1/bookings/%d", future.ID), e.admin, `{"end":@,"notes":@}`},
		{"POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", future.ID), e.admin, `{"reason_code":@,"reason":@}`},
		{"POST", fmt.Sprintf("/api/v1/bookings/%d/followup", held.ID), e.admin, `{"persons_supervised":1,"rating":3,"comment":@,"why_booked":@}`},
		{"POST", fmt.Sprintf("/api/v1/bookings/%d/confirmation", held.ID), e.admin, `{"outcome":"held","actual_start":@,"note":@}`},
		{"POST", "/api/v1/supervisors", e.admin, `{"name":@,"email":@,"phone":@,"languages":[@],"areas":["childcare"]}`},
		{"PATCH", fmt.Sprintf("/api/v1/supervisors/%d", sups[0]), e.admin, `{"name":@,"phone":@}`},
		{"PUT", fmt.Sprintf("/api/v1/supervisors/%d/availability", sups[0]), e.admin, `[{"weekday":1,"start":@,"end":"16:00"}]`},
		{"POST", fmt.Sprintf("/api/v1/supervisors/%d/absences", sups[0]), e.admin, `{"start":@,"end":"2026-03-10T10:00:00+01:00","reason":@}`},
		{"POST", "/api/v1/workplaces", e.admin, `{"name":@,"kind":"childcare","address":@,"cost_center":@}`},
		{"PATCH", fmt.Sprintf("/api/v1/workplaces/%d", wpA), e.admin, `{"name":@,"address":@}`},
		{"POST", "/api/v1/rates", e.admin, `{"from":@,"hourly_rate":100,"funder":@}`},
		{"PATCH", fmt.Sprintf("/api/v1/rates/%d", rate.ID), e.admin, `{"to":@,"note":@}`},
		{"POST", "/api/v1/auth/token", "", `{"email":@,"password":@}`},
	}
	check := func(t *testing.T, r writeRoute, body string) {
		status, raw := e.do(r.method, r.path, r.token, body)
		if status >= 500 {
			t.Fatalf("%s %s with %q: %d %s", r.method, r.path, body, status, raw)
		}
		if status == 204 {
			return
		}
		if !json.Valid(raw) {
			t.Fatalf("%s %s with %q: %d, not JSON: %q", r.method, r.path, body, status, raw)
		}
		if status < 400 {
			return
		}
		var eb errBody
		if err := json.Unmarshal(raw, &eb); err != nil || eb.Error.Message == "" || codeOf[status] == "" || eb.Error.Code != codeOf[status] {
			t.Fatalf("%s %s with %q: %d is not the contract's error: %s (%v)", r.method, r.path, body, status, raw, err)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, text string) {
		e.t = t
		quoted, err := json.Marshal(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range routes {
			check(t, r, string(body))
			check(t, r, strings.ReplaceAll(r.template, "@", string(quoted)))
		}
		if status, raw := e.do("GET", "/healthz", "", nil); status != 200 {
			t.Fatalf("after %q, %q: /healthz answers %d %s", body, text, status, raw)
		}
	})
}
