package ui_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/migrations/testdb"
	"github.com/sprakpool/sprakpool/ui"
)

// Issue 12, finding 12: behind the README's nginx every client had the proxy's
// address, so 30 wrong passwords from anyone closed the login for everyone.
// With SPRAKPOOL_TRUSTED_PROXIES, a request from a trusted proxy counts as
// coming from the right-most X-Forwarded-For entry that is not itself a trusted
// proxy; from anyone else the header is ignored.

// lockedBuffer collects the server's log lines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proxiedEnv is newEnv with the given trusted proxies (CIDR ranges) and the
// request log kept.
func proxiedEnv(t *testing.T, trusted ...string) (*env, *lockedBuffer) {
	t.Helper()
	ctx := context.Background()
	cfg := booking.DefaultConfig()
	path := testdb.DSN(t, "proxy.db")
	svc, err := booking.Open(ctx, path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return march }
	var nets []*net.IPNet
	for _, v := range trusted {
		_, n, err := net.ParseCIDR(v)
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, n)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := httptest.NewServer(ui.New(svc, ui.Config{BaseURL: "http://sprakpool.test", Logger: log, TrustedProxies: nets}))
	t.Cleanup(func() { srv.Close(); svc.Close() })
	e := &env{t: t, srv: srv, svc: svc, dbPath: path, loc: cfg.Location}
	e.admin = e.user("admin@example.se", booking.RoleAdmin, nil, nil)
	return e, logs
}

// forwarded adds X-Forwarded-For to every request, as a proxy in front would.
type forwarded struct{ xff string }

func (f forwarded) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.xff)
	return http.DefaultTransport.RoundTrip(r)
}

// via is a browser whose requests carry X-Forwarded-For: xff.
func (e *env) via(xff string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, base: e.srv.URL, client: &http.Client{Jar: jar, Transport: forwarded{xff},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// badToken sends one wrong API token from behind xff.
func (e *env) badToken(xff string) int {
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer sp_wrong")
	resp, err := e.via(xff).client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// wrongPasswords makes n failed logins through the form from behind xff, each
// for another unknown address (so no account limit is reached).
func (e *env) wrongPasswords(xff string, n int) int {
	b := e.via(xff)
	b.get("/")
	status := 0
	for i := range n {
		status, _, _ = b.post("/login", url.Values{"email": {"nobody" + itoa(int64(i)) + "@example.se"}, "password": {"guess"}})
	}
	return status
}

func TestTrustedProxyCountsTheClient(t *testing.T) { // finding 12
	// The test server's peer is 127.0.0.1: the proxy. 10.0.0.0/8 is a second tier.
	e, logs := proxiedEnv(t, "127.0.0.1/32", "10.0.0.0/8")
	e.user("samordnare@example.se", booking.RoleAdmin, nil, nil)

	if status := e.wrongPasswords("203.0.113.7", 30); status != http.StatusUnprocessableEntity {
		t.Fatalf("30th wrong password: %d, want 422", status)
	}
	if status := e.wrongPasswords("203.0.113.7", 1); status != http.StatusTooManyRequests {
		t.Errorf("31st wrong password from the same client: %d, want 429", status)
	}
	// Through a second trusted proxy, the same client is still the same client.
	if status := e.wrongPasswords("203.0.113.7, 10.1.2.3", 1); status != http.StatusTooManyRequests {
		t.Errorf("the same client through two proxies: %d, want 429", status)
	}
	// A client cannot choose its address by sending the header itself: nginx
	// appends the real one, and that is the one counted.
	if status := e.wrongPasswords("198.51.100.1, 203.0.113.7", 1); status != http.StatusTooManyRequests {
		t.Errorf("the client naming another address before its own: %d, want 429", status)
	}
	// Everyone else behind the proxy still signs in.
	b := e.via("198.51.100.9")
	b.login("samordnare@example.se")

	for range 20 {
		e.badToken("203.0.113.8")
	}
	if status := e.badToken("203.0.113.8"); status != http.StatusTooManyRequests {
		t.Errorf("21st bad token from one client: %d, want 429", status)
	}
	if status := e.badToken("198.51.100.9"); status != http.StatusUnauthorized {
		t.Errorf("a bad token from another client: %d, want 401", status)
	}
	// The request log names the client, not the proxy.
	if !strings.Contains(logs.String(), "ip=203.0.113.7") || !strings.Contains(logs.String(), "ip=198.51.100.9") {
		t.Errorf("the log does not name the forwarded clients:\n%s", lastLines(logs.String(), 5))
	}
}

func TestForwardedForIgnoredFromOthers(t *testing.T) { // finding 12
	// No trusted proxies (the default), or a peer outside them: the header is
	// ignored and every request counts as the peer's, 127.0.0.1.
	for _, trusted := range [][]string{nil, {"10.0.0.0/8"}} {
		e, logs := proxiedEnv(t, trusted...)
		for i := range 20 {
			e.badToken("203.0.113." + itoa(int64(i)))
		}
		if status := e.badToken("198.51.100.9"); status != http.StatusTooManyRequests {
			t.Errorf("trusted %v: the 21st bad token, with another X-Forwarded-For: %d, want 429", trusted, status)
		}
		if strings.Contains(logs.String(), "ip=203.0.113.") || !strings.Contains(logs.String(), "ip=127.0.0.1") {
			t.Errorf("trusted %v: the log believed the header:\n%s", trusted, lastLines(logs.String(), 3))
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
