package ui_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestErrorCatalogue produces every error of the contract's table over HTTP and
// checks the status, the code and, for 422, the field named.
func TestErrorCatalogue(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, wpB := e.pool(1)
	mgr := e.user("chef@example.se", "manager", []int64{wpA}, nil)
	supTok := e.user("handledare@example.se", "supervisor", nil, &sups[0])
	good := bookingBody(sups[0], wpA, e.at("2026-03-30 09:00"), e.at("2026-03-30 10:00"))
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	e.must(201, "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-31 09:00"), e.at("2026-03-31 10:00")), nil)

	cases := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		status int
		code   string
		field  string
	}{
		{"malformed JSON", "POST", "/api/v1/bookings", e.admin, `{"workplace_id": 1,`, 400, "bad_request", ""},
		{"not JSON at all", "POST", "/api/v1/bookings", e.admin, `hello`, 400, "bad_request", ""},
		{"empty body", "POST", "/api/v1/bookings", e.admin, ``, 400, "bad_request", ""},
		{"unknown field", "POST", "/api/v1/bookings", e.admin, with("colour", "blue"), 400, "bad_request", ""},
		{"wrong type", "POST", "/api/v1/bookings", e.admin, with("workplace_id", "five"), 400, "bad_request", ""},
		{"two JSON values", "POST", "/api/v1/bookings", e.admin, `{} {}`, 400, "bad_request", ""},
		{"no offset on a time", "POST", "/api/v1/bookings", e.admin, with("start", "2026-03-30T09:00:00"), 422, "invalid", "start"},
		{"end before start", "POST", "/api/v1/bookings", e.admin, with("end", e.at("2026-03-30 08:00")), 422, "invalid", "end"},
		{"over midnight", "POST", "/api/v1/bookings", e.admin, with("end", e.at("2026-03-31 01:00")), 422, "invalid", "end"},
		{"unknown language", "POST", "/api/v1/bookings", e.admin, with("language", "xx"), 422, "invalid", "language"},
		{"supervisor lacks the language", "POST", "/api/v1/bookings", e.admin, with("language", "ti"), 422, "invalid", "language"},
		{"manager books in the past", "POST", "/api/v1/bookings", mgr, bookingBody(sups[0], wpA, e.at("2026-02-27 09:00"), e.at("2026-02-27 10:00")), 422, "invalid", "start"},
		{"no token", "GET", "/api/v1/bookings?from=2026-03-01&to=2026-03-31", "", nil, 401, "unauthenticated", ""},
		{"bad token", "GET", "/api/v1/me", "sp_nonsense", nil, 401, "unauthenticated", ""},
		{"wrong role: supervisor books", "POST", "/api/v1/bookings", supTok, good, 403, "forbidden", ""},
		{"wrong role is checked before the body", "POST", "/api/v1/bookings", supTok, `{not json`, 403, "forbidden", ""},
		{"wrong role: manager adds a supervisor", "POST", "/api/v1/supervisors", mgr, map[string]any{"name": "X"}, 403, "forbidden", ""},
		{"manager sends override", "POST", "/api/v1/bookings", mgr, with("override", []string{}), 403, "forbidden", ""},
		{"manager books for another workplace", "POST", "/api/v1/bookings", mgr, with("workplace_id", wpB), 403, "forbidden", ""},
		{"no such booking", "GET", "/api/v1/bookings/999999", e.admin, nil, 404, "not_found", ""},
		{"unknown route", "GET", "/api/v1/nothing-here", e.admin, nil, 404, "not_found", ""},
		{"collision", "POST", "/api/v1/bookings", e.admin, bookingBody(sups[0], wpA, e.at("2026-03-31 09:30"), e.at("2026-03-31 10:30")), 409, "conflict", ""},
		{"list without from", "GET", "/api/v1/bookings?to=2026-03-31", e.admin, nil, 422, "invalid", "from"},
		{"list over 400 days", "GET", "/api/v1/bookings?from=2026-01-01&to=2027-03-01", e.admin, nil, 422, "invalid", "to"},
		{"SQL in a filter", "GET", "/api/v1/bookings?from=2026-01-01&to=2026-02-01&status=confirmed'%20OR%201=1--", e.admin, nil, 422, "invalid", "status"},
		{"wrong content type", "POST", "/api/v1/workplaces", e.admin, nil, 400, "bad_request", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, raw := e.do(c.method, c.path, c.token, c.body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, raw)
			}
			eb := decodeErr(t, raw)
			if eb.Error.Code != c.code || eb.Error.Message == "" {
				t.Fatalf("code %q message %q, want code %q", eb.Error.Code, eb.Error.Message, c.code)
			}
			if c.field != "" {
				var fields []string
				for _, d := range eb.Error.Details {
					var fe struct{ Field string }
					_ = json.Unmarshal(d, &fe)
					fields = append(fields, fe.Field)
				}
				if !strings.Contains(strings.Join(fields, ","), c.field) {
					t.Fatalf("details name %v, want %q: %s", fields, c.field, raw)
				}
			}
		})
	}
}

func TestBodyOverOneMiB(t *testing.T) {
	e := newEnv(t, march)
	big := `{"notes":"` + strings.Repeat("a", 1<<20) + `"}`
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			var body io.Reader = strings.NewReader(big)
			if chunked {
				body = io.MultiReader(bytes.NewReader([]byte(big))) // unknown length: sent chunked
			}
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/bookings", body)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+e.admin)
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if chunked && len(req.TransferEncoding) == 0 && req.ContentLength > 0 {
				t.Fatal("request was not chunked")
			}
			if resp.StatusCode != 413 || decodeErr(t, raw).Error.Code != "too_large" {
				t.Fatalf("status %d: %s", resp.StatusCode, raw)
			}
		})
	}
	// The server keeps serving.
	e.must(200, "GET", "/api/v1/me", e.admin, nil, nil)
}

func TestRateLimitBadTokens(t *testing.T) {
	e := newEnv(t, march)
	// Asking without any token is not guessing: it never counts towards the limit.
	for i := 1; i <= 25; i++ {
		if status, raw := e.do("GET", "/api/v1/me", "", nil); status != 401 {
			t.Fatalf("no token %d: %d %s", i, status, raw)
		}
	}
	for i := 1; i <= 20; i++ {
		if status, raw := e.do("GET", "/api/v1/me", "sp_wrong", nil); status != 401 {
			t.Fatalf("bad token %d: %d %s", i, status, raw)
		}
	}
	status, raw := e.do("GET", "/api/v1/me", "sp_wrong", nil)
	if status != 429 || decodeErr(t, raw).Error.Code != "rate_limited" {
		t.Fatalf("21st bad token: %d %s", status, raw)
	}
	// A valid token from the same address is never limited.
	e.must(200, "GET", "/api/v1/me", e.admin, nil, nil)
}

func TestPasswordLoginGivesTokenAndIsRateLimited(t *testing.T) {
	e := newEnv(t, march)
	var tok struct{ Token string }
	e.must(201, "POST", "/api/v1/auth/token", "", map[string]string{"email": "admin@example.se", "password": "secret-password"}, &tok)
	var me struct{ Role string }
	e.must(200, "GET", "/api/v1/me", tok.Token, nil, &me)
	if me.Role != "admin" {
		t.Fatalf("role %q", me.Role)
	}
	for i := 1; i <= 9; i++ {
		e.must(401, "POST", "/api/v1/auth/token", "", map[string]string{"email": "admin@example.se", "password": "wrong"}, nil)
	}
	e.must(429, "POST", "/api/v1/auth/token", "", map[string]string{"email": "admin@example.se", "password": "wrong"}, nil)
	// Locked now, even with the right password.
	e.must(429, "POST", "/api/v1/auth/token", "", map[string]string{"email": "admin@example.se", "password": "secret-password"}, nil)
}
