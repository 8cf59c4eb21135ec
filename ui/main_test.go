package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/migrations/testdb"
	"github.com/sprakpool/sprakpool/ui"
)

// env is a running server on a real SQLite file, reached over real HTTP.
type env struct {
	t      testing.TB
	srv    *httptest.Server
	svc    *booking.Service
	dbPath string
	loc    *time.Location
	admin  string // API token of the coordinator
}

func newEnv(t testing.TB, now time.Time) *env {
	t.Helper()
	ctx := context.Background()
	path := testdb.DSN(t, "ui.db") // SQLite, or PostgreSQL with SPRAKPOOL_TEST_POSTGRES
	cfg := booking.DefaultConfig()
	svc, err := booking.Open(ctx, path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return now }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(ui.New(svc, ui.Config{BaseURL: "http://sprakpool.test", Logger: log}))
	t.Cleanup(func() { srv.Close(); svc.Close() })
	e := &env{t: t, srv: srv, svc: svc, dbPath: path, loc: cfg.Location}
	e.admin = e.user("admin@example.se", booking.RoleAdmin, nil, nil)
	return e
}

// user creates a user and returns an API token for it.
func (e *env) user(email, role string, workplaces []int64, supervisor *int64) string {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.svc.CreateUser(ctx, booking.UserInput{Email: email, Name: email, Role: role,
		WorkplaceIDs: workplaces, SupervisorID: supervisor, Password: "secret-password"}); err != nil {
		e.t.Fatal(err)
	}
	token, err := account.New(e.svc).CreateToken(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

// do sends a request with a JSON body (a string is sent as it is) and returns
// the status and the raw body.
func (e *env) do(method, path, token string, body any) (int, []byte) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// must sends a request, requires the status, and decodes the answer into out.
func (e *env) must(want int, method, path, token string, body, out any) {
	e.t.Helper()
	status, raw := e.do(method, path, token, body)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

type errBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Details []json.RawMessage `json:"details"`
		Alts    []struct {
			SupervisorID int64  `json:"supervisor_id"`
			Start        string `json:"start"`
		} `json:"alternatives"`
	} `json:"error"`
}

func decodeErr(t testing.TB, raw []byte) errBody {
	t.Helper()
	var eb errBody
	if err := json.Unmarshal(raw, &eb); err != nil || eb.Error.Code == "" {
		t.Fatalf("not an error body: %v: %s", err, raw)
	}
	return eb
}

type idJSON struct {
	ID int64 `json:"id"`
}

// pool creates n supervisors speaking ar (Mon–Fri 08:00–16:00) and two
// workplaces over the API, returning their ids.
func (e *env) pool(n int) (sups []int64, wpA, wpB int64) {
	e.t.Helper()
	var w idJSON
	e.must(201, "POST", "/api/v1/workplaces", e.admin, map[string]any{"name": "Förskolan Solrosen", "kind": "childcare", "address": "Solrosvägen 1"}, &w)
	wpA = w.ID
	e.must(201, "POST", "/api/v1/workplaces", e.admin, map[string]any{"name": "Vårdboendet Linden", "kind": "elderly_care"}, &w)
	wpB = w.ID
	var week []map[string]any
	for wd := 1; wd <= 5; wd++ {
		week = append(week, map[string]any{"weekday": wd, "start": "08:00", "end": "16:00"})
	}
	for i := range n {
		var sv idJSON
		e.must(201, "POST", "/api/v1/supervisors", e.admin, map[string]any{"name": fmt.Sprintf("Handledare %02d", i+1),
			"languages": []string{"ar", "so"}, "areas": booking.Areas}, &sv)
		e.must(200, "PUT", fmt.Sprintf("/api/v1/supervisors/%d/availability", sv.ID), e.admin, week, nil)
		sups = append(sups, sv.ID)
	}
	return sups, wpA, wpB
}

// at turns a Stockholm wall time "2006-01-02 15:04" into RFC 3339.
func (e *env) at(local string) string {
	e.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", local, e.loc)
	if err != nil {
		e.t.Fatal(err)
	}
	return t.Format(time.RFC3339)
}

func bookingBody(sup, wp int64, start, end string) map[string]any {
	return map[string]any{"supervisor_id": sup, "workplace_id": wp, "language": "ar",
		"purpose": "workplace_support", "start": start, "end": end, "participants_expected": 3}
}

// requestBody is a request of an hour of Arabic at wp, somewhere between
// earliest and latest.
func requestBody(wp int64, earliest, latest string) map[string]any {
	return map[string]any{"workplace_id": wp, "language": "ar", "purpose": "workplace_support",
		"participants_expected": 3, "duration_minutes": 60, "earliest": earliest, "latest": latest}
}
