package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/ui"
)

// demoServer is a server on the demo pool, with or without serve's --demo.
func demoServer(t *testing.T, withDemo bool) *env {
	t.Helper()
	ctx := context.Background()
	svc, err := booking.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, svc); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(ui.New(svc, ui.Config{BaseURL: "http://sprakpool.test", Logger: log, Demo: withDemo}))
	t.Cleanup(func() { srv.Close(); svc.Close() })
	return &env{t: t, srv: srv, svc: svc}
}

// With serve --demo the login page lists the demo logins by role, and one click
// (a form with its CSRF token) signs in as each role; only demo addresses are
// taken, and a click without the token is refused.
func TestDemoLoginsOneClick(t *testing.T) {
	t.Parallel()
	e := demoServer(t, true)
	b := e.browser()
	status, page := b.get("/")
	if status != 200 {
		t.Fatalf("login page %d", status)
	}
	for _, want := range []string{"Prova med demokonton", "<h3>Samordnare</h3>", "<h3>Chefer</h3>", "<h3>Handledare</h3>",
		`action="/demo/login"`, `<span class="vh">Logga in som </span>samordnare</button>`} {
		if !strings.Contains(page, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	if i, j, k := strings.Index(page, "<h3>Samordnare</h3>"), strings.Index(page, "<h3>Chefer</h3>"), strings.Index(page, "<h3>Handledare</h3>"); !(i < j && j < k) {
		t.Errorf("roles out of order: %d %d %d", i, j, k)
	}
	starts := map[string]string{booking.RoleAdmin: "/timeline", booking.RoleManager: "/book", booking.RoleSupervisor: "/availability"}
	seen := map[string]bool{}
	for _, l := range demo.Logins() {
		if seen[l.Role] {
			continue
		}
		seen[l.Role] = true
		if !strings.Contains(page, `name="email" value="`+l.Email+`"`) {
			t.Errorf("no one-click form for %s", l.Email)
		}
		b := e.browser()
		b.get("/")
		if st, _, _ := b.post("/demo/login", url.Values{"email": {l.Email}, "_csrf": {strings.Repeat("x", 43)}}); st != http.StatusForbidden {
			t.Errorf("without the CSRF token: %d, want 403", st)
		}
		st, body, resp := b.post("/demo/login", url.Values{"email": {l.Email}})
		if st != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("one click as %s: %d %s", l.Email, st, body)
		}
		if st, body := b.get(starts[l.Role]); st != 200 {
			t.Errorf("%s signed in by one click cannot open %s: %d %.200s", l.Role, starts[l.Role], st, body)
		}
	}
	// Only the demo's own addresses are signed in this way.
	b = e.browser()
	b.get("/")
	if st, _, _ := b.post("/demo/login", url.Values{"email": {"someone@example.se"}}); st != http.StatusNotFound {
		t.Errorf("a non-demo address: %d, want 404", st)
	}
	// English visitors read it in English.
	if _, page := b.get("/?lang=en"); !strings.Contains(page, "Try it with the demo accounts") || !strings.Contains(page, "<h3>Coordinator</h3>") {
		t.Errorf("English login page lacks the demo logins")
	}
}

// Without --demo the login page shows none of it and the one-click route does
// not exist, even on a database holding the demo pool.
func TestDemoLoginsOnlyWithDemo(t *testing.T) {
	t.Parallel()
	e := demoServer(t, false)
	b := e.browser()
	_, page := b.get("/")
	for _, no := range []string{"demo", "sprakpool-demo", "samordnare@"} {
		if strings.Contains(strings.ToLower(page), no) {
			t.Errorf("login page without --demo shows %q", no)
		}
	}
	if st, _, _ := b.post("/demo/login", url.Values{"email": {demo.Logins()[0].Email}}); st != http.StatusNotFound {
		t.Errorf("POST /demo/login without --demo: %d, want 404", st)
	}
	_ = time.Now
}
