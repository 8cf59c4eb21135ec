package ui_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/migrations/testdb"
	"github.com/sprakpool/sprakpool/ui"
)

// headerSite is a server for the header test: plain HTTP with an http
// BASE_URL, or TLS with an https one (so the browser's jar sends Secure
// cookies back, as a real browser would).
type headerSite struct {
	t      *testing.T
	srv    *httptest.Server
	e      *echo.Echo
	svc    *booking.Service
	secure bool
	tokens map[string]string // role -> API token
	// cookies counts the cookies checked, by name.
	cookies map[string]int
	ids     map[string]string // path parameter -> a value that exists
}

func newHeaderSite(t *testing.T, secure bool) *headerSite {
	ctx := context.Background()
	svc, err := booking.Open(ctx, testdb.DSN(t, "headers.db"), booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return march }
	base := "http://sprakpool.test"
	if secure {
		base = "https://sprakpool.example.se"
	}
	e := ui.New(svc, ui.Config{BaseURL: base, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewUnstartedServer(e)
	if secure {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() { srv.Close(); svc.Close() })
	h := &headerSite{t: t, srv: srv, e: e, svc: svc, secure: secure, tokens: map[string]string{}, ids: map[string]string{}, cookies: map[string]int{}}

	// A pool with one of everything, made through the API as the coordinator.
	env := &env{t: t, srv: srv, svc: svc, loc: svc.Config().Location}
	env.admin = env.user("admin@example.se", booking.RoleAdmin, nil, nil)
	sups, wpA, _ := env.pool(1)
	h.tokens["admin"] = env.admin
	h.tokens["manager"] = env.user("chef@example.se", booking.RoleManager, []int64{wpA}, nil)
	h.tokens["supervisor"] = env.user("sv@example.se", booking.RoleSupervisor, nil, &sups[0])
	var b, a idJSON
	env.must(201, "POST", "/api/v1/bookings", env.admin, bookingBody(sups[0], wpA, env.at("2026-03-30 09:00"), env.at("2026-03-30 10:00")), &b)
	env.must(201, "POST", fmt.Sprintf("/api/v1/supervisors/%d/absences", sups[0]), env.admin,
		map[string]any{"start": env.at("2026-04-06 08:00"), "end": env.at("2026-04-06 12:00")}, &a)
	var rate idJSON
	env.must(201, "POST", "/api/v1/rates", env.admin, map[string]any{"from": "2026-01-01", "hourly_rate": 450}, &rate)
	feed := env.feedURLOf(fmt.Sprintf("/api/v1/supervisors/%d", sups[0]), env.admin)
	h.ids["feed"] = (*feed)[strings.LastIndex(*feed, "/")+1:]
	h.ids["booking"], h.ids["supervisor"], h.ids["workplace"] = itoa(b.ID), itoa(sups[0]), itoa(wpA)
	h.ids["absence"], h.ids["rate"] = itoa(a.ID), itoa(rate.ID)
	return h
}

// path fills a route's parameters with things that exist.
func (h *headerSite) path(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		switch {
		case p == ":file":
			parts[i] = h.ids["feed"]
		case p == ":kind":
			parts[i] = "billing"
		case p == ":token":
			parts[i] = "no-such-token"
		case p == ":aid":
			parts[i] = h.ids["absence"]
		case p == ":id" && i > 0:
			switch parts[i-1] {
			case "bookings":
				parts[i] = h.ids["booking"]
			case "supervisors":
				parts[i] = h.ids["supervisor"]
			case "workplaces":
				parts[i] = h.ids["workplace"]
			case "rates":
				parts[i] = h.ids["rate"]
			default:
				parts[i] = "1"
			}
		case p == "*":
			parts[i] = "nothing-here"
		}
	}
	path := strings.Join(parts, "/")
	switch {
	case strings.HasPrefix(path, "/api/v1/reports/"), path == "/api/v1/bookings", strings.HasSuffix(path, "/absences"):
		path += "?from=2026-03-01&to=2026-03-31&by=supervisor"
	case path == "/api/v1/availability":
		path += "?" + url.Values{"language": {"ar"}, "start": {"2026-03-31T09:00:00+02:00"}, "end": {"2026-03-31T10:00:00+02:00"}}.Encode()
	}
	return path
}

// browserFor is a cookie-keeping client signed in (through the login form) as
// the role, or anonymous for "".
func (h *headerSite) browserFor(role string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := h.srv.Client()
	c = &http.Client{Transport: c.Transport, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if role == "" {
		return c
	}
	email := map[string]string{"admin": "admin@example.se", "manager": "chef@example.se", "supervisor": "sv@example.se"}[role]
	resp, err := c.Get(h.srv.URL + "/")
	if err != nil {
		h.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	h.checkHeaders("GET / before login", resp)
	m := csrfInput.FindStringSubmatch(string(raw))
	if m == nil {
		h.t.Fatal("login form without a CSRF token")
	}
	resp, err = c.PostForm(h.srv.URL+"/login", url.Values{"email": {email}, "password": {"secret-password"}, "_csrf": {m[1]}})
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("login as %s: %d", role, resp.StatusCode)
	}
	h.checkHeaders("POST /login", resp)
	if sessionCookieOf(resp) == nil {
		h.t.Fatalf("login as %s set no session cookie", role)
	}
	return c
}

var referrerPolicies = regexp.MustCompile(`^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$`)

// checkHeaders checks the security headers and the flags of every cookie set.
func (h *headerSite) checkHeaders(what string, resp *http.Response) {
	t := h.t
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s (%d): CSP %q lacks %q", what, resp.StatusCode, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: CSP %q allows inline script", what, csp)
	}
	if v := resp.Header.Get("X-Content-Type-Options"); v != "nosniff" {
		t.Errorf("%s (%d): X-Content-Type-Options %q", what, resp.StatusCode, v)
	}
	if v := resp.Header.Get("Referrer-Policy"); !referrerPolicies.MatchString(v) {
		t.Errorf("%s (%d): Referrer-Policy %q leaks the path to other sites", what, resp.StatusCode, v)
	}
	hsts := resp.Header.Get("Strict-Transport-Security")
	if h.secure && !strings.Contains(hsts, "max-age=") {
		t.Errorf("%s (%d): no HSTS behind an https BASE_URL (%q)", what, resp.StatusCode, hsts)
	}
	if !h.secure && hsts != "" {
		t.Errorf("%s (%d): HSTS %q with an http BASE_URL would lock users out", what, resp.StatusCode, hsts)
	}
	for _, ck := range resp.Cookies() {
		h.cookies[ck.Name]++
		if !ck.HttpOnly {
			t.Errorf("%s: cookie %s is not HttpOnly", what, ck.Name)
		}
		if ck.Secure != h.secure {
			t.Errorf("%s: cookie %s Secure=%v with secure=%v", what, ck.Name, ck.Secure, h.secure)
		}
		if ck.SameSite != http.SameSiteLaxMode && ck.SameSite != http.SameSiteStrictMode {
			t.Errorf("%s: cookie %s SameSite=%v, want Lax or Strict", what, ck.Name, ck.SameSite)
		}
		if ck.Path != "/" {
			t.Errorf("%s: cookie %s Path=%q, want /", what, ck.Name, ck.Path)
		}
	}
}

// TestSecurityHeadersOnEveryRoute requests every GET route of the server (from
// echo's own route list, so a new page is checked without being listed here)
// as a visitor and as each role, plus error pages and POSTs, over an http and
// an https BASE_URL: each answer carries CSP with default-src and
// frame-ancestors 'none', nosniff, a Referrer-Policy, HSTS exactly when the
// BASE_URL is https, and every cookie is HttpOnly, SameSite, Path=/ and Secure
// behind https.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("https=%v", secure), func(t *testing.T) {
			h := newHeaderSite(t, secure)
			routes, answers := 0, 0
			statuses := map[int]int{}
			clients := map[string]*http.Client{}
			for _, role := range []string{"", "admin", "manager", "supervisor"} {
				clients[role] = h.browserFor(role)
			}
			get := func(role, method, path string, bearer bool) {
				t.Helper()
				req, _ := http.NewRequest(method, h.srv.URL+path, nil)
				if bearer && role != "" {
					req.Header.Set("Authorization", "Bearer "+h.tokens[role])
				}
				resp, err := clients[role].Do(req)
				if err != nil {
					t.Fatalf("%s %s: %v", method, path, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				h.checkHeaders(fmt.Sprintf("%s %s as %q", method, path, role), resp)
				statuses[resp.StatusCode]++
				answers++
			}
			seen := map[string]bool{}
			for _, r := range h.e.Routes() {
				if (r.Method != http.MethodGet && r.Method != http.MethodHead) || seen[r.Method+r.Path] {
					continue
				}
				seen[r.Method+r.Path] = true
				routes++
				path := h.path(r.Path)
				for _, role := range []string{"", "admin", "manager", "supervisor"} {
					get(role, r.Method, path, strings.HasPrefix(path, "/api/") || path == "/metrics")
				}
			}
			// A real static asset (the routes list has only /static/*).
			_, body := (&browser{t: t, base: h.srv.URL, client: clients["admin"]}).get("/")
			if m := regexp.MustCompile(`/static/[^"]+\.css`).FindString(body); m != "" {
				get("admin", "GET", m, false)
			} else {
				t.Error("no stylesheet on the start page")
			}
			// Error pages: unknown page, unknown API path, unsafe method without CSRF, bad feed token.
			get("", "GET", "/?lang=en", false) // sets the language cookie
			get("", "GET", "/no-such-page", false)
			get("admin", "GET", "/no-such-page", false)
			get("admin", "GET", "/api/v1/no-such-thing", true)
			get("admin", "DELETE", "/", false) // refused by the CSRF check before routing: 403
			get("", "GET", "/ical/pool/nonsense.ics", false)
			get("admin", "POST", "/logout", false) // no CSRF token: 403 page
			get("", "POST", "/api/v1/bookings", false)
			if statuses[404] == 0 || statuses[403] == 0 || statuses[401] == 0 {
				t.Errorf("error pages not reached: %v", statuses)
			}
			// The 500 page: the database has gone away under a signed-in user.
			h.svc.Close()
			get("admin", "GET", "/", false)
			get("admin", "GET", "/api/v1/me", true)
			get("", "GET", "/healthz", false)
			if statuses[500] == 0 || statuses[503] == 0 {
				t.Errorf("no 500 page reached: %v", statuses)
			}
			for _, name := range []string{"sprakpool_session", "sprakpool_csrf", "sprakpool_lang"} {
				if h.cookies[name] == 0 {
					t.Errorf("cookie %s was never set, so its flags were not checked", name)
				}
			}
			t.Logf("https=%v: %d GET/HEAD routes, %d answers checked (statuses %v), cookies %v", secure, routes, answers, statuses, h.cookies)
		})
	}
}
