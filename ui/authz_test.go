package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/migrations/testdb"
	"github.com/sprakpool/sprakpool/ui"
	"github.com/sprakpool/sprakpool/ui/web"
)

// The authorization matrix (issue 8): every route of the server × every role,
// each cell with the status the contract gives. The table must name exactly
// the routes echo has: a new route without a row fails the test, and so does a
// row whose route is gone. Unsafe requests carry valid bodies on objects made
// for the cell, so a 2xx means "allowed" and a 403/404 means "refused", never
// "the body was wrong".

// The columns. For the API, /metrics, /healthz and /static a role is a Bearer
// token; for the web pages it is a signed-in browser (session cookie and CSRF
// token). For the calendar feeds the token in the path is the only
// credential, so there the columns are the feed tokens each role holds (see
// feedColumns).
const (
	anon = iota
	mgrA
	mgrB
	supX
	supY
	coord
	deact
	revoked
	nRoles
)

var roleColumns = [nRoles]string{"anonymous", "manager of A", "manager of B", "supervisor X", "supervisor Y",
	"coordinator", "deactivated user", "revoked token"}

var feedColumns = [nRoles]string{"made-up token", "A's feed token", "B's feed token", "X's feed token", "Y's feed token",
	"the pool's feed token", "the token before renewal", "an API token"}

// Kinds of route: how a cell's credential travels.
const (
	kindAPI     = iota // Authorization: Bearer
	kindPage           // the browser's session cookie, and the CSRF token on forms
	kindFeed           // the token in the path
	kindSession        // an API route reached with the browser's session cookie and the X-CSRF-Token header
)

// who is one column's credential.
type who struct {
	email  string
	token  string   // API token ("" for none)
	web    *browser // signed-in browser (or a visitor's)
	bearer bool     // the browser also sends the API token (the revoked column on pages)
}

// upload is a multipart form with one file, as the absence import page takes.
type upload struct{ field, name, content string }

// req is what one cell sends.
type req struct {
	path  string
	body  any    // API: JSON value or raw string; pages: url.Values or upload
	ctype string // Content-Type of a raw API body
	as    *who   // another credential for this cell (a fresh user, when the request changes its own credentials)
}

type row struct {
	method, route string // as e.Routes() lists them
	kind          int
	want          [nRoles]int
	send          string       // the method sent, when the route's is not one (echo's not-found routes)
	private       bool         // 2xx bodies must show A/X's booking only to those who may see it, and never B/Y's to A/X
	wantSession   *[nRoles]int // the statuses over the session cookie, where they differ from want
	prep          func(f *authz, r int) req
}

// authz is the fixture: two workplaces A and B, two supervisors X and Y, a
// user per column, and objects of A and X for the cells to aim at.
type authz struct {
	*env
	t          *testing.T
	e          *echo.Echo
	X, Y       int64
	A, B       int64
	who        [nRoles]*who
	xa, yb     int64  // confirmed bookings of X at A and of Y at B, tomorrow
	xaUID      string // and their UIDs, to look for in lists and feeds
	ybUID      string
	heldXA     int64 // a held booking of X at A
	rate       int64
	oldFeed    map[string]string // feed kind → a token that was renewed away
	apiToken   string            // the coordinator's valid API token
	nextSlot   time.Time
	nextSeries atomic.Int64
	pastSlot   time.Time
	nextUser   atomic.Int64
	srcAddr    atomic.Uint32
	staticPath string
	op         *signingOP     // the municipality's OpenID Provider (oidc_test.go)
	rateYear   int            // the last year a rate was made for
	secrets    map[int]string // column → the feed token only that column may see (nil: to be read again)
}

var authzNow = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) // a Wednesday

func TestAuthorizationMatrix(t *testing.T) {
	f := newAuthz(t)
	rows := authzRows()

	// The table and echo's routes must name the same routes.
	have := map[string]bool{}
	for _, r := range f.e.Routes() {
		have[r.Method+" "+r.Path] = true
	}
	inTable := map[string]bool{}
	for _, rw := range rows {
		if !slices.ContainsFunc(rw.want[:], func(s int) bool { return s < 400 }) && !strings.HasPrefix(rw.route, "/api/v1/*") && rw.route != "/api/v1" {
			t.Errorf("row %s %s lets no one in: it would not show that its body is valid", rw.method, rw.route)
		}
		k := rw.method + " " + rw.route
		if inTable[k] {
			t.Errorf("two rows for %s", k)
		}
		inTable[k] = true
		if !have[k] {
			t.Errorf("row %s: no such route any more; remove the row", k)
		}
	}
	var missing []string
	for k := range have {
		if !inTable[k] {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	for _, k := range missing {
		t.Errorf("route %s has no row in the authorization matrix: add one with the expected status for every role", k)
	}

	// The contract lets a browser's session use the API too: the second pass
	// sends every API row again with the session cookie instead of the token.
	cells, sessionCells, failed := 0, 0, 0
	passes := slices.Clone(rows)
	for _, rw := range rows {
		if rw.kind == kindAPI && strings.HasPrefix(rw.route, "/api/") {
			rw.kind = kindSession
			if rw.wantSession != nil {
				rw.want = *rw.wantSession
			}
			passes = append(passes, rw)
		}
	}
	for _, rw := range passes {
		if !have[rw.method+" "+rw.route] {
			continue
		}
		cols := roleColumns
		if rw.kind == kindFeed {
			cols = feedColumns
		}
		for r := range nRoles {
			if rw.kind == kindSession {
				sessionCells++
			} else {
				cells++
			}
			q := rw.prep(f, r)
			method := rw.method
			if rw.send != "" {
				method = rw.send
			}
			status, body := f.send(rw.kind, method, r, q)
			if status != rw.want[r] {
				failed++
				via := ""
				if rw.kind == kindSession {
					via = " (session)"
				}
				t.Errorf("%s %s as %s%s: status %d, want %d: %s", method, q.path, cols[r], via, status, rw.want[r], gist(body))
				continue
			}
			if rw.private && status < 300 && method != "HEAD" {
				f.checkPrivate(rw, r, q, body)
			}
			if status < 300 {
				f.checkSecrets(rw, r, method, q, body)
			}
			if strings.Contains(rw.route, "feed") {
				f.secrets = nil // a feed may have been renewed
			}
		}
	}
	kinds := map[string]int{}
	for _, rw := range rows {
		switch {
		case strings.HasPrefix(rw.route, "/api/v1/*") || rw.route == "/api/v1":
			kinds["unknown API paths"]++
		case rw.kind == kindFeed:
			kinds["feeds"]++
		case rw.kind == kindPage:
			kinds["pages"]++
		case strings.HasPrefix(rw.route, "/api/"):
			kinds["API"]++
		default:
			kinds["other"]++
		}
	}
	t.Logf("authorization matrix: %d routes (%d API, %d pages, %d feeds, %d other, %d unknown API paths) × %d roles = %d cells, "+
		"and the %d API routes again with the session cookie: %d cells; %d wrong",
		len(rows), kinds["API"], kinds["pages"], kinds["feeds"], kinds["other"], kinds["unknown API paths"], nRoles, cells,
		sessionCells/nRoles, sessionCells, failed)
}

func newAuthz(t *testing.T) *authz {
	ctx := context.Background()
	cfg := booking.DefaultConfig()
	svc, err := booking.Open(ctx, testdb.DSN(t, "authz.db"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return authzNow }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	op := newSigningOP(t)
	e := ui.New(svc, ui.Config{BaseURL: "http://sprakpool.test", Logger: log,
		OIDC: web.OIDC{Issuer: op.issuer, ClientID: oidcClientID, ClientSecret: oidcClientSecret}})
	srv := httptest.NewServer(e)
	t.Cleanup(func() { srv.Close(); svc.Close() })
	f := &authz{env: &env{t: t, srv: srv, svc: svc, loc: cfg.Location}, t: t, e: e,
		oldFeed: map[string]string{}, op: op}
	f.admin = f.user("admin@example.se", booking.RoleAdmin, nil, nil)
	f.apiToken = f.admin
	// Tomorrow, Thursday 5 March, is the first free slot (so this week's pages
	// show the first bookings); past slots count back from Tuesday 3 March.
	f.nextSlot = time.Date(2026, 3, 5, 8, 0, 0, 0, f.loc)
	f.pastSlot = time.Date(2026, 3, 3, 15, 0, 0, 0, f.loc)

	sups, A, B := f.pool(2)
	f.X, f.Y, f.A, f.B = sups[0], sups[1], A, B
	f.who[anon] = &who{web: f.visitor()}
	f.who[mgrA] = f.newWho("chef.a", booking.RoleManager, []int64{A}, nil)
	f.who[mgrB] = f.newWho("chef.b", booking.RoleManager, []int64{B}, nil)
	f.who[supX] = f.newWho("handledare.x", booking.RoleSupervisor, nil, &f.X)
	f.who[supY] = f.newWho("handledare.y", booking.RoleSupervisor, nil, &f.Y)
	f.who[coord] = &who{email: "admin@example.se", token: f.admin, web: f.signedIn("admin@example.se")}
	// A coordinator would be let in everywhere: only the deactivation or the
	// revocation can be what refuses these two.
	f.who[deact] = f.deactivated(booking.RoleAdmin, nil, nil)
	f.who[revoked] = f.revokedToken(booking.RoleAdmin, nil, nil)

	f.xa, f.xaUID = f.book(f.X, f.A, f.slot())
	f.yb, f.ybUID = f.book(f.Y, f.B, f.slot())
	f.heldXA, _ = f.book(f.X, f.A, f.past())
	var rate idJSON
	f.must(201, "POST", "/api/v1/rates", f.admin, rateBody(f.A), &rate)
	f.rate = rate.ID

	// A token of each feed kind that has been renewed away.
	f.oldFeed["supervisors"] = f.feedToken("supervisors", f.X)
	f.must(200, "POST", fmt.Sprintf("/api/v1/supervisors/%d/feed-token", f.X), f.admin, nil, nil)
	f.oldFeed["workplaces"] = f.feedToken("workplaces", f.A)
	f.must(200, "POST", fmt.Sprintf("/api/v1/workplaces/%d/feed-token", f.A), f.admin, nil, nil)
	f.oldFeed["pool"] = f.feedToken("pool", 0)
	f.must(200, "POST", "/api/v1/pool/feed-token", f.admin, nil, nil)

	_, home := f.who[anon].web.get("/")
	m := regexp.MustCompile(`/static/app\.[0-9a-f]+\.css`).FindString(home)
	if m == "" {
		t.Fatal("the login page links no hashed stylesheet")
	}
	f.staticPath = m
	return f
}

// client is an HTTP client that connects from a new loopback address each
// time: the server limits bad tokens per address (the 21st is 429, tested in
// error_test.go), and the matrix sends a few hundred on purpose.
func (f *authz) client(jar http.CookieJar) *http.Client {
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		n := f.srcAddr.Add(1)
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 2, byte(n>>8), byte(n))}}
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// visitor is a browser that has loaded the login page: it holds a CSRF token,
// so its forms are refused for want of a session, not of the token.
func (f *authz) visitor() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		f.t.Fatal(err)
	}
	b := &browser{t: f.t, base: f.srv.URL, client: f.client(jar)}
	if status, _ := b.get("/"); status != 200 {
		f.t.Fatalf("GET /: %d", status)
	}
	return b
}

func (f *authz) signedIn(email string) *browser {
	b := f.visitor()
	b.login(email)
	return b
}

// newWho makes a user with an API token and a signed-in browser.
func (f *authz) newWho(name, role string, wps []int64, sup *int64) *who {
	email := fmt.Sprintf("%s.%d@example.se", name, f.nextUser.Add(1))
	token := f.user(email, role, wps, sup)
	return &who{email: email, token: token, web: f.signedIn(email)}
}

// deactivated is a user whose token and session were made before a
// coordinator deactivated them.
func (f *authz) deactivated(role string, wps []int64, sup *int64) *who {
	w := f.newWho("avslutad", role, wps, sup)
	u, err := f.svc.UserByEmail(context.Background(), w.email)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.svc.DeactivateUser(context.Background(), &booking.User{ID: -1, Role: booking.RoleAdmin}, u.ID); err != nil {
		f.t.Fatal(err)
	}
	return w
}

// revokedToken is an active user's API token that was revoked through the
// API; on pages it is sent by a browser without a session.
func (f *authz) revokedToken(role string, wps []int64, sup *int64) *who {
	email := fmt.Sprintf("aterkallad.%d@example.se", f.nextUser.Add(1))
	token := f.user(email, role, wps, sup)
	f.must(204, "DELETE", "/api/v1/auth/token", token, nil, nil)
	f.must(401, "GET", "/api/v1/me", token, nil, nil)
	return &who{email: email, token: token, web: f.visitor(), bearer: true}
}

// fresh is a new credential of the column's kind, for requests that change or
// end their own credential (sign out, new password, revoke the token).
func (f *authz) fresh(r int) *who {
	switch r {
	case anon:
		return &who{web: f.visitor()}
	case mgrA:
		return f.newWho("chef.a", booking.RoleManager, []int64{f.A}, nil)
	case mgrB:
		return f.newWho("chef.b", booking.RoleManager, []int64{f.B}, nil)
	case supX:
		return f.newWho("handledare.x", booking.RoleSupervisor, nil, &f.X)
	case supY:
		return f.newWho("handledare.y", booking.RoleSupervisor, nil, &f.Y)
	case coord:
		return f.newWho("samordnare", booking.RoleAdmin, nil, nil)
	case deact:
		return f.deactivated(booking.RoleAdmin, nil, nil)
	}
	return f.revokedToken(booking.RoleAdmin, nil, nil)
}

// oidcCallback starts the municipality's login in a fresh browser of column r
// and returns the callback the provider sends it to, vouching for its user's
// e-mail (a visitor's is no account's).
func (f *authz) oidcCallback(r int) req {
	w := f.fresh(r)
	email := w.email
	if email == "" {
		email = "ingen@example.se"
	}
	f.op.set(func(c map[string]any) bool { c["email"] = email; return false }, false)
	resp, err := w.web.client.Get(f.srv.URL + "/auth/oidc/login")
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = w.web.client.Get(resp.Header.Get("Location"))
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	callback, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || callback.Path != "/auth/oidc/callback" {
		f.t.Fatalf("the provider sent the browser to %q: %v", resp.Header.Get("Location"), err)
	}
	return req{path: callback.RequestURI(), as: w}
}

// slot is the next free weekday hour in the future, inside X's and Y's
// availability (08–16) and off closed days, so managers may book and move it.
func (f *authz) slot() time.Time {
	for {
		s := f.nextSlot
		f.nextSlot = s.Add(time.Hour)
		if f.nextSlot.Hour() >= 16 {
			d := s.AddDate(0, 0, 1)
			f.nextSlot = time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, f.loc)
		}
		if _, closed := vocab.ClosedDayOn(s); s.Weekday() != time.Saturday && s.Weekday() != time.Sunday && !closed {
			return s
		}
	}
}

// past is the next free weekday hour before now, for held and ended bookings.
func (f *authz) past() time.Time {
	for {
		s := f.pastSlot
		f.pastSlot = s.Add(-time.Hour)
		if f.pastSlot.Hour() < 8 {
			d := s.AddDate(0, 0, -1)
			f.pastSlot = time.Date(d.Year(), d.Month(), d.Day(), 15, 0, 0, 0, f.loc)
		}
		if _, closed := vocab.ClosedDayOn(s); s.Weekday() != time.Saturday && s.Weekday() != time.Sunday && !closed {
			return s
		}
	}
}

// book makes a one-hour booking as the coordinator and returns its id and UID.
func (f *authz) book(sup, wp int64, start time.Time) (int64, string) {
	f.t.Helper()
	var b struct {
		ID  int64  `json:"id"`
		UID string `json:"uid"`
	}
	f.must(201, "POST", "/api/v1/bookings", f.admin, bookingBody(sup, wp, start.Format(time.RFC3339),
		start.Add(time.Hour).Format(time.RFC3339)), &b)
	return b.ID, b.UID
}

// request is an open request of A, made by the coordinator, whose window is
// the next free hour, and that hour's start.
func (f *authz) request() (int64, time.Time) {
	f.t.Helper()
	s := f.slot()
	var r idJSON
	f.must(201, "POST", "/api/v1/requests", f.admin, requestBody(f.A, s.Format(time.RFC3339), s.Add(time.Hour).Format(time.RFC3339)), &r)
	return r.ID, s
}

func (f *authz) absence() int64 {
	var a idJSON
	f.must(201, "POST", fmt.Sprintf("/api/v1/supervisors/%d/absences", f.X), f.admin, absenceBody(), &a)
	return a.ID
}

// throwaway is an inactive supervisor with no bookings: one whose personal
// data may be erased.
func (f *authz) throwaway() int64 {
	var sv idJSON
	f.must(201, "POST", "/api/v1/supervisors", f.admin, map[string]any{"name": "Tillfällig handledare",
		"languages": []string{"ar"}, "areas": []string{"childcare"}, "active": false}, &sv)
	return sv.ID
}

// account is a throwaway user, for cells that deactivate or set a password.
func (f *authz) account() (int64, string) {
	email := fmt.Sprintf("konto.%d@example.se", f.nextUser.Add(1))
	u, err := f.svc.CreateUser(context.Background(), booking.UserInput{Email: email, Name: "Konto", Role: booking.RoleManager,
		WorkplaceIDs: []int64{f.A}, Password: "secret-password"})
	if err != nil {
		f.t.Fatal(err)
	}
	return u.ID, email
}

// apiTokenID makes a new API token for the user and returns its id.
func (f *authz) apiTokenID(email string) int64 {
	ctx := context.Background()
	if _, err := account.New(f.svc).CreateToken(ctx, email); err != nil {
		f.t.Fatal(err)
	}
	u, err := f.svc.UserByEmail(ctx, email)
	if err != nil {
		f.t.Fatal(err)
	}
	tokens, err := account.New(f.svc).APITokens(ctx, u)
	if err != nil || len(tokens) == 0 {
		f.t.Fatalf("tokens of %s: %v %v", email, tokens, err)
	}
	return tokens[0].ID
}

func (f *authz) resetLink() string {
	_, email := f.account()
	_, link, err := account.New(f.svc).RequestPasswordReset(context.Background(), email)
	if err != nil {
		f.t.Fatal(err)
	}
	return link
}

func (f *authz) inviteLink() string {
	email := fmt.Sprintf("inbjuden.%d@example.se", f.nextUser.Add(1))
	_, link, err := account.New(f.svc).InviteUser(context.Background(), &booking.User{ID: -1, Role: booking.RoleAdmin},
		booking.UserInput{Email: email, Name: "Inbjuden", Role: booking.RoleManager, WorkplaceIDs: []int64{f.A}})
	if err != nil {
		f.t.Fatal(err)
	}
	return link
}

// feedToken is the current token of a feed (id is ignored for the pool).
func (f *authz) feedToken(kind string, id int64) string {
	f.t.Helper()
	var v struct {
		FeedURL     string `json:"feed_url"`
		PoolFeedURL string `json:"pool_feed_url"`
	}
	if kind == "pool" {
		f.must(200, "GET", "/api/v1/me", f.admin, nil, &v)
		v.FeedURL = v.PoolFeedURL
	} else {
		f.must(200, "GET", fmt.Sprintf("/api/v1/%s/%d", kind, id), f.admin, nil, &v)
	}
	m := regexp.MustCompile(`/ical/` + kind + `/([A-Za-z0-9_-]+)\.ics$`).FindStringSubmatch(v.FeedURL)
	if m == nil {
		f.t.Fatalf("feed URL %q", v.FeedURL)
	}
	return m[1]
}

// feedPath is the feed of the given kind as the column's credential opens it.
func (f *authz) feedPath(kind string, r int) string {
	var token string
	switch r {
	case anon:
		token = strings.Repeat("Ab1_", 10) + "xyz" // the shape of a token, but no one's
	case mgrA:
		token = f.feedToken("workplaces", f.A)
	case mgrB:
		token = f.feedToken("workplaces", f.B)
	case supX:
		token = f.feedToken("supervisors", f.X)
	case supY:
		token = f.feedToken("supervisors", f.Y)
	case coord:
		token = f.feedToken("pool", 0)
	case deact:
		token = f.oldFeed[kind]
	case revoked:
		token = f.apiToken
	}
	return "/ical/" + kind + "/" + token + ".ics"
}

// send makes one cell's request and returns the status and the body.
func (f *authz) send(kind int, method string, r int, q req) (int, string) {
	f.t.Helper()
	w := f.who[r]
	if q.as != nil {
		w = q.as
	}
	var body io.Reader
	ctype := q.ctype
	switch b := q.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case url.Values:
		if _, ok := b["_csrf"]; !ok && w.web != nil {
			b.Set("_csrf", csrfOf(w.web))
		}
		body, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case upload:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("_csrf", csrfOf(w.web))
		fw, err := mw.CreateFormFile(b.field, b.name)
		if err != nil {
			f.t.Fatal(err)
		}
		_, _ = fw.Write([]byte(b.content))
		_ = mw.Close()
		body, ctype = &buf, mw.FormDataContentType()
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		body, ctype = bytes.NewReader(raw), "application/json"
	}
	if body != nil && ctype == "" {
		ctype = "application/json"
	}
	hreq, err := http.NewRequest(method, f.srv.URL+q.path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if ctype != "" {
		hreq.Header.Set("Content-Type", ctype)
	}
	client := f.client(nil)
	switch kind {
	case kindAPI:
		if w.token != "" {
			hreq.Header.Set("Authorization", "Bearer "+w.token)
		}
	case kindPage:
		client = w.web.client
		if w.bearer {
			hreq.Header.Set("Authorization", "Bearer "+w.token)
		}
	case kindSession:
		client = w.web.client
		hreq.Header.Set("X-CSRF-Token", csrfOf(w.web))
	}
	resp, err := client.Do(hreq)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}

// csrfOf is the browser's CSRF token, as its forms repeat it (from the last
// page it loaded: the token is bound to the session, not the cookie's value).
func csrfOf(b *browser) string { return b.csrf }

// checkSecrets: a feed token appears only in answers to those who may see
// its feed_url (the coordinator sees every one).
func (f *authz) checkSecrets(rw row, r int, method string, q req, body string) {
	f.t.Helper()
	if f.secrets == nil {
		f.secrets = map[int]string{mgrA: f.feedToken("workplaces", f.A), mgrB: f.feedToken("workplaces", f.B),
			supX: f.feedToken("supervisors", f.X), supY: f.feedToken("supervisors", f.Y), coord: f.feedToken("pool", 0)}
	}
	if r == coord {
		return
	}
	for owner, token := range f.secrets {
		if owner != r && strings.Contains(body, token) && !(rw.kind == kindFeed && strings.Contains(q.path, token)) {
			f.t.Errorf("%s %s as %s: the answer holds the feed token of %s", method, q.path, roleColumns[r], roleColumns[owner])
		}
	}
}

// checkPrivate: B's manager and Y never see A/X's booking, A's manager and X
// never see B/Y's, and those who may see A/X's booking do.
func (f *authz) checkPrivate(rw row, r int, q req, body string) {
	f.t.Helper()
	has := func(id int64, uid string) bool {
		return strings.Contains(body, uid) || strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, id))
	}
	switch r {
	case mgrB, supY:
		if has(f.xa, f.xaUID) {
			f.t.Errorf("%s %s as %s: the answer shows A's booking of X", rw.method, q.path, roleColumns[r])
		}
		if !has(f.yb, f.ybUID) {
			f.t.Errorf("%s %s as %s: the answer lacks its own booking (the check would prove nothing)", rw.method, q.path, roleColumns[r])
		}
	case mgrA, supX:
		if has(f.yb, f.ybUID) {
			f.t.Errorf("%s %s as %s: the answer shows B's booking of Y", rw.method, q.path, roleColumns[r])
		}
		if !has(f.xa, f.xaUID) {
			f.t.Errorf("%s %s as %s: the answer lacks its own booking (the check would prove nothing)", rw.method, q.path, roleColumns[r])
		}
	}
}

func rateBody(wp int64) map[string]any {
	return map[string]any{"workplace_id": wp, "from": "2026-01-01", "to": "2026-12-31", "hourly_rate": 450.0, "funder": "Kommunen", "note": "taxa"}
}

// rateIn is a rate for a year of its own, so rates never overlap.
func (f *authz) rateIn(wp int64) map[string]any {
	f.rateYear++
	y := 2030 + f.rateYear
	return map[string]any{"workplace_id": wp, "from": fmt.Sprintf("%d-01-01", y), "to": fmt.Sprintf("%d-12-31", y), "hourly_rate": 400.0}
}

func absenceBody() map[string]any {
	return map[string]any{"start": "2027-01-11T08:00:00+01:00", "end": "2027-01-11T12:00:00+01:00", "reason": "kurs"}
}

const authzICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:authz@example.se\r\nDTSTAMP:20260301T120000Z\r\n" +
	"DTSTART:20270118T080000Z\r\nDTEND:20270118T090000Z\r\nSUMMARY:Tandläkare\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// Expected statuses, in column order: anonymous, manager A, manager B,
// supervisor X, supervisor Y, coordinator, deactivated, revoked.
var (
	anyUser   = [nRoles]int{401, 200, 200, 200, 200, 200, 401, 401}
	adminOnly = [nRoles]int{401, 403, 403, 403, 403, 200, 401, 401}
	public    = [nRoles]int{200, 200, 200, 200, 200, 200, 200, 200}
	// A public form: the deactivated column's token died with its session.
	publicForm = [nRoles]int{200, 200, 200, 200, 200, 200, 403, 200}
	// Pages: a visitor's GET goes to the login form, a visitor's form is 401.
	pageAnyGET    = [nRoles]int{303, 200, 200, 200, 200, 200, 303, 303}
	pageCoordGET  = [nRoles]int{303, 403, 403, 403, 403, 200, 303, 303}
	pageCoordPOST = [nRoles]int{401, 403, 403, 403, 403, 303, 401, 401}
	pageSupGET    = [nRoles]int{303, 403, 403, 200, 200, 403, 303, 303}
	pageSupPOST   = [nRoles]int{401, 403, 403, 303, 303, 403, 401, 401}
	pageBookGET   = [nRoles]int{303, 200, 200, 403, 403, 200, 303, 303}
)

func with(w [nRoles]int, r, status int) [nRoles]int { w[r] = status; return w }

func fixed(path string) func(*authz, int) req {
	return func(*authz, int) req { return req{path: path} }
}

func authzRows() []row {
	p := fmt.Sprintf
	api := func(method, route string, want [nRoles]int, prep func(f *authz, r int) req) row {
		return row{method: method, route: route, kind: kindAPI, want: want, prep: prep}
	}
	page := func(method, route string, want [nRoles]int, prep func(f *authz, r int) req) row {
		return row{method: method, route: route, kind: kindPage, want: want, prep: prep}
	}
	feed := func(method, kind string, want [nRoles]int) row {
		return row{method: method, route: "/ical/" + kind + "/:file", kind: kindFeed, want: want, private: kind != "pool",
			prep: func(f *authz, r int) req { return req{path: f.feedPath(kind, r)} }}
	}
	// The role is checked first, so the coordinator-only writes see valid bodies.
	supervisorBody := map[string]any{"name": "Ny handledare", "languages": []string{"ar"}, "areas": []string{"childcare"}}
	week := []map[string]any{}
	for wd := 1; wd <= 5; wd++ {
		week = append(week, map[string]any{"weekday": wd, "start": "08:00", "end": "16:00"})
	}
	weekForm := func() url.Values {
		v := url.Values{}
		for d := 1; d <= 5; d++ {
			v.Set(p("d%d_0_start", d), "08:00")
			v.Set(p("d%d_0_end", d), "16:00")
		}
		return v
	}
	notFoundAPI := with(anyUser, 0, 401)
	for r := mgrA; r <= coord; r++ {
		notFoundAPI[r] = 404
	}
	rows := []row{
		// Outside the API: health, figures, assets.
		api("GET", "/healthz", public, fixed("/healthz")),
		api("GET", "/metrics", adminOnly, fixed("/metrics")),
		api("GET", "/static/*", public, func(f *authz, _ int) req { return req{path: f.staticPath} }),

		// Calendar feeds: the token is the credential; a renewed, made-up or
		// API token is 404, and each feed shows only its own bookings.
		feed("GET", "supervisors", [nRoles]int{404, 404, 404, 200, 200, 404, 404, 404}),
		feed("HEAD", "supervisors", [nRoles]int{404, 404, 404, 200, 200, 404, 404, 404}),
		feed("GET", "workplaces", [nRoles]int{404, 200, 200, 404, 404, 404, 404, 404}),
		feed("HEAD", "workplaces", [nRoles]int{404, 200, 200, 404, 404, 404, 404, 404}),
		feed("GET", "pool", [nRoles]int{404, 404, 404, 404, 404, 200, 404, 404}),
		feed("HEAD", "pool", [nRoles]int{404, 404, 404, 404, 404, 200, 404, 404}),

		// Signing in and out, and the links mailed for passwords. A link is its
		// own credential: it works whoever follows it.
		{method: "GET", route: "/", kind: kindPage, want: public, private: true, prep: fixed("/")},
		{method: "POST", route: "/login", kind: kindPage, want: [nRoles]int{422, 303, 303, 303, 303, 303, 422, 303},
			prep: func(f *authz, r int) req {
				w := &who{web: f.visitor()}
				email := f.who[r].email
				if r == anon {
					email = "ingen@example.se"
				}
				return req{path: "/login", body: url.Values{"email": {email}, "password": {"secret-password"}}, as: w}
			}},
		// The deactivated column still holds the form token of its ended session:
		// the token is bound to that session, so every form it sends is refused
		// until it loads a page again (issue 12, finding 1).
		{method: "POST", route: "/logout", kind: kindPage, want: [nRoles]int{303, 303, 303, 303, 303, 303, 403, 303},
			prep: func(f *authz, r int) req { return req{path: "/logout", body: url.Values{}, as: f.fresh(r)} }},
		// The municipality's login: anyone may start it; its callback signs in
		// (a fresh browser of) each column's user whose e-mail the provider
		// vouches for, and no one without an active account.
		{method: "GET", route: "/auth/oidc/login", kind: kindPage, want: [nRoles]int{303, 303, 303, 303, 303, 303, 303, 303},
			prep: func(f *authz, r int) req { return req{path: "/auth/oidc/login", as: f.fresh(r)} }},
		{method: "GET", route: "/auth/oidc/callback", kind: kindPage, want: [nRoles]int{403, 303, 303, 303, 303, 303, 403, 303},
			prep: func(f *authz, r int) req { return f.oidcCallback(r) }},
		page("GET", "/forgot", public, fixed("/forgot")),
		// What a Swedish public service must show, to anyone (issue 16).
		page("GET", "/accessibility", public, fixed("/accessibility")),
		page("GET", "/personal-data", public, fixed("/personal-data")),
		// The same answer whether or not the address has an account.
		page("POST", "/forgot", publicForm, func(f *authz, r int) req {
			return req{path: "/forgot", body: url.Values{"email": {"admin@example.se"}}}
		}),
		page("GET", "/reset/:token", public, func(f *authz, r int) req {
			return req{path: linkPath(f.resetLink())}
		}),
		{method: "POST", route: "/reset/:token", kind: kindPage, want: [nRoles]int{303, 303, 303, 303, 303, 303, 403, 303},
			prep: func(f *authz, r int) req {
				return req{path: linkPath(f.resetLink()), body: url.Values{"password": {"ett-nytt-losen"}, "password_again": {"ett-nytt-losen"}}, as: f.fresh(r)}
			}},
		page("GET", "/invite/:token", public, func(f *authz, r int) req {
			return req{path: linkPath(f.inviteLink())}
		}),
		{method: "POST", route: "/invite/:token", kind: kindPage, want: [nRoles]int{303, 303, 303, 303, 303, 303, 403, 303},
			prep: func(f *authz, r int) req {
				return req{path: linkPath(f.inviteLink()), body: url.Values{"password": {"ett-nytt-losen"}, "password_again": {"ett-nytt-losen"}}, as: f.fresh(r)}
			}},

		// Every signed-in user's own account.
		page("GET", "/account", pageAnyGET, fixed("/account")),
		{method: "POST", route: "/account/password", kind: kindPage, want: [nRoles]int{401, 303, 303, 303, 303, 303, 401, 401},
			prep: func(f *authz, r int) req {
				return req{path: "/account/password", body: url.Values{"current_password": {"secret-password"},
					"password": {"new-secret-pw"}, "password_again": {"new-secret-pw"}}, as: f.fresh(r)}
			}},
		page("POST", "/account/locale", [nRoles]int{401, 303, 303, 303, 303, 303, 401, 401}, func(f *authz, r int) req {
			return req{path: "/account/locale", body: url.Values{"locale": {"sv"}}}
		}),
		page("POST", "/account/sms", [nRoles]int{401, 303, 303, 303, 303, 303, 401, 401}, func(f *authz, r int) req {
			return req{path: "/account/sms", body: url.Values{"phone": {"070-123 45 67"}, "sms_reminders": {"true"}}}
		}),
		// Each user ends their own API token (finding 5 of issue 12); the
		// visitor, the deactivated and the revoked column aim at the coordinator's.
		page("POST", "/account/tokens/:id/end", [nRoles]int{401, 303, 303, 303, 303, 303, 401, 401}, func(f *authz, r int) req {
			email := f.who[r].email
			if r == anon || r == deact || r == revoked {
				email = "admin@example.se"
			}
			return req{path: p("/account/tokens/%d/end", f.apiTokenID(email)), body: url.Values{}}
		}),

		// Booking pages: coordinators and managers, for A's workplace.
		page("GET", "/book", pageBookGET, fixed("/book")),
		page("GET", "/book/free", pageBookGET, func(f *authz, r int) req {
			return req{path: "/book/free?" + bookForm(f, f.slot()).Encode()}
		}),
		page("POST", "/book", [nRoles]int{401, 303, 403, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			return req{path: "/book", body: bookForm(f, f.slot())}
		}),
		// Series (issue 15): booked like bookings, for A's workplace; seen like its bookings.
		page("GET", "/book/series", [nRoles]int{303, 200, 403, 403, 403, 200, 303, 303}, func(f *authz, r int) req {
			return req{path: "/book/series?" + seriesForm(f, f.seriesSlot()).Encode()}
		}),
		page("POST", "/book/series", [nRoles]int{401, 303, 403, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			return req{path: "/book/series", body: seriesForm(f, f.seriesSlot())}
		}),
		{method: "GET", route: "/series/:id", kind: kindPage, want: [nRoles]int{303, 200, 404, 200, 404, 200, 303, 303},
			prep: func(f *authz, r int) req { return req{path: p("/series/%d", f.series())} }},
		page("POST", "/series/:id/cancel", [nRoles]int{401, 303, 404, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/series/%d/cancel", f.series()), body: url.Values{"from": {"2026-01-01"}, "reason_code": {"illness"}, "reason": {"sjuk"}}}
		}),
		// Free times and requests (issue 14): managers of A's workplace and
		// coordinators; the queue, fill and decline are the coordinators'.
		page("GET", "/book/times", pageBookGET, fixed("/book/times")),
		page("GET", "/requests", pageBookGET, fixed("/requests")),
		page("GET", "/requests/new", pageBookGET, fixed("/requests/new")),
		page("POST", "/requests", [nRoles]int{401, 303, 403, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			return req{path: "/requests", body: requestForm(f, f.slot())}
		}),
		page("POST", "/requests/:id/withdraw", [nRoles]int{401, 303, 404, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/requests/%d/withdraw", f.openRequest(f.slot())), body: url.Values{}}
		}),
		page("GET", "/requests/queue", pageCoordGET, fixed("/requests/queue")),
		page("POST", "/requests/:id/fill", pageCoordPOST, func(f *authz, r int) req {
			s := f.slot()
			return req{path: p("/requests/%d/fill", f.openRequest(s)), body: url.Values{"supervisor_id": {itoa(f.X)},
				"start": {s.Format(time.RFC3339)}, "end": {s.Add(time.Hour).Format(time.RFC3339)}}}
		}),
		page("POST", "/requests/:id/decline", pageCoordPOST, func(f *authz, r int) req {
			return req{path: p("/requests/%d/decline", f.openRequest(f.slot())), body: url.Values{"reason": {"Ingen ledig"}}}
		}),
		{method: "GET", route: "/bookings/:id", kind: kindPage, want: [nRoles]int{303, 200, 404, 200, 404, 200, 303, 303},
			prep: func(f *authz, r int) req { return req{path: p("/bookings/%d", f.xa)} }},
		page("POST", "/bookings/:id/cancel", [nRoles]int{401, 303, 404, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			id, _ := f.book(f.X, f.A, f.slot())
			return req{path: p("/bookings/%d/cancel", id), body: url.Values{"reason_code": {"illness"}, "reason": {"sjuk"}}}
		}),
		page("POST", "/bookings/:id/reassign", pageCoordPOST, func(f *authz, r int) req {
			id, _ := f.book(f.X, f.A, f.slot())
			return req{path: p("/bookings/%d/reassign", id), body: url.Values{"supervisor_id": {fmt.Sprint(f.Y)}}}
		}),
		// The manager's bookings and Flytta (issue 14): managers of the booking's workplace and coordinators.
		page("GET", "/my-bookings", pageBookGET, fixed("/my-bookings")),
		page("GET", "/bookings/:id/move", [nRoles]int{303, 200, 404, 403, 403, 200, 303, 303}, func(f *authz, r int) req {
			return req{path: p("/bookings/%d/move", f.xa)}
		}),
		page("POST", "/bookings/:id/move", [nRoles]int{401, 303, 404, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			s := f.slot()
			id, _ := f.book(f.X, f.A, s)
			return req{path: p("/bookings/%d/move", id), body: url.Values{"date": {s.Format(time.DateOnly)},
				"start": {s.Format("15:04")}, "end": {s.Add(time.Hour).Format("15:04")}}}
		}),
		page("POST", "/bookings/:id/followup", [nRoles]int{401, 303, 404, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			id, _ := f.book(f.X, f.A, f.past())
			return req{path: p("/bookings/%d/followup", id), body: url.Values{"persons_supervised": {"4"}, "rating": {"5"}, "why_booked": {"vikarier"}}}
		}),
		page("GET", "/bookings/:id/confirm", [nRoles]int{303, 403, 403, 200, 404, 200, 303, 303}, func(f *authz, r int) req {
			return req{path: p("/bookings/%d/confirm", f.heldXA)}
		}),
		page("POST", "/bookings/:id/confirmation", [nRoles]int{401, 403, 403, 303, 404, 303, 401, 401}, func(f *authz, r int) req {
			id, _ := f.book(f.X, f.A, f.past())
			return req{path: p("/bookings/%d/confirmation", id), body: url.Values{"outcome": {"held"}}}
		}),
		// Every user may see that workplace A exists, so B's manager is refused (403), as in the API.
		page("POST", "/workplaces/:id/feed/renew", [nRoles]int{401, 303, 403, 403, 403, 303, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/workplaces/%d/feed/renew", f.A), body: url.Values{}}
		}),

		// The supervisor's own pages.
		{method: "GET", route: "/week", kind: kindPage, want: pageSupGET, private: true, prep: fixed("/week")},
		{method: "GET", route: "/week/print", kind: kindPage, want: pageSupGET, private: true, prep: fixed("/week/print")},
		page("POST", "/feed/renew", pageSupPOST, func(f *authz, r int) req { return req{path: "/feed/renew", body: url.Values{}} }),
		page("GET", "/availability", pageSupGET, fixed("/availability")),
		page("POST", "/availability", pageSupPOST, func(f *authz, r int) req { return req{path: "/availability", body: weekForm()} }),
		page("GET", "/absences", pageSupGET, fixed("/absences")),
		page("POST", "/absences", pageSupPOST, func(f *authz, r int) req {
			return req{path: "/absences", body: url.Values{"start_date": {"2027-02-01"}, "end_date": {"2027-02-02"}, "reason": {"kurs"}}}
		}),
		// X's absence: Y's form names it, but may not remove it.
		page("POST", "/absences/:aid/delete", [nRoles]int{401, 403, 403, 303, 404, 403, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/absences/%d/delete", f.absence()), body: url.Values{}}
		}),
		page("POST", "/absences/import", pageSupPOST, func(f *authz, r int) req {
			return req{path: "/absences/import", body: upload{"ics", "kalender.ics", authzICS}}
		}),

		// The coordinator's pages.
		page("GET", "/timeline", pageCoordGET, fixed("/timeline")),
		page("GET", "/reports", pageCoordGET, fixed("/reports")),
		page("GET", "/reports/:kind", pageCoordGET, fixed("/reports/cancellations")),
		page("GET", "/reports/evaluation", pageCoordGET, fixed("/reports/evaluation?from=2026-03-01&to=2026-03-31")),
		page("GET", "/supervisors", pageCoordGET, fixed("/supervisors")),
		page("GET", "/supervisors/new", pageCoordGET, fixed("/supervisors/new")),
		page("POST", "/supervisors/new", pageCoordPOST, func(f *authz, r int) req {
			return req{path: "/supervisors/new", body: url.Values{"name": {"Ny handledare"}, "languages": {"ar"}, "areas": {"childcare"}, "active": {"true"}}}
		}),
		page("GET", "/supervisors/:id", pageCoordGET, func(f *authz, r int) req { return req{path: p("/supervisors/%d", f.X)} }),
		page("POST", "/supervisors/:id", pageCoordPOST, func(f *authz, r int) req {
			return req{path: p("/supervisors/%d", f.X), body: url.Values{"name": {"Handledare 01"}, "languages": {"ar", "so"},
				"areas": booking.Areas, "active": {"true"}}}
		}),
		page("GET", "/supervisors/:id/availability", pageCoordGET, func(f *authz, r int) req { return req{path: p("/supervisors/%d/availability", f.X)} }),
		page("POST", "/supervisors/:id/availability", pageCoordPOST, func(f *authz, r int) req {
			return req{path: p("/supervisors/%d/availability", f.X), body: weekForm()}
		}),
		page("GET", "/supervisors/:id/absences", pageCoordGET, func(f *authz, r int) req { return req{path: p("/supervisors/%d/absences", f.X)} }),
		page("POST", "/supervisors/:id/absences", pageCoordPOST, func(f *authz, r int) req {
			return req{path: p("/supervisors/%d/absences", f.X), body: url.Values{"start_date": {"2027-02-01"}, "end_date": {"2027-02-02"}, "reason": {"kurs"}}}
		}),
		page("POST", "/supervisors/:id/absences/:aid/delete", pageCoordPOST, func(f *authz, r int) req {
			return req{path: p("/supervisors/%d/absences/%d/delete", f.X, f.absence()), body: url.Values{}}
		}),
		page("POST", "/supervisors/:id/absences/import", pageCoordPOST, func(f *authz, r int) req {
			return req{path: p("/supervisors/%d/absences/import", f.X), body: upload{"ics", "kalender.ics", authzICS}}
		}),
		page("GET", "/supervisors/:id/export", [nRoles]int{303, 403, 403, 200, 403, 200, 303, 303}, func(f *authz, r int) req { return req{path: p("/supervisors/%d/export", f.X)} }),
		page("POST", "/supervisors/:id/erase", pageCoordPOST, func(f *authz, r int) req {
			return req{path: p("/supervisors/%d/erase", f.throwaway()), body: url.Values{"confirm": {"yes"}}}
		}),
		page("GET", "/workplaces", pageCoordGET, fixed("/workplaces")),
		page("GET", "/workplaces/new", pageCoordGET, fixed("/workplaces/new")),
		page("POST", "/workplaces/new", pageCoordPOST, func(f *authz, r int) req {
			return req{path: "/workplaces/new", body: url.Values{"name": {"Ny verksamhet"}, "kind": {"kitchen"}, "address": {"Köksvägen 1"}, "active": {"true"}}}
		}),
		page("GET", "/workplaces/:id", pageCoordGET, func(f *authz, r int) req { return req{path: p("/workplaces/%d", f.A)} }),
		page("POST", "/workplaces/:id", pageCoordPOST, func(f *authz, r int) req {
			return req{path: p("/workplaces/%d", f.A), body: url.Values{"name": {"Förskolan Solrosen"}, "kind": {"childcare"},
				"address": {"Solrosvägen 1"}, "active": {"true"}}}
		}),
		page("GET", "/users", pageCoordGET, fixed("/users")),
		page("POST", "/users", pageCoordPOST, func(f *authz, r int) req {
			return req{path: "/users", body: url.Values{"email": {p("ny.%d@example.se", f.nextUser.Add(1))}, "name": {"Ny Chef"},
				"role": {"manager"}, "workplace_id": {itoa(f.A)}}}
		}),
		page("POST", "/users/:id/deactivate", pageCoordPOST, func(f *authz, r int) req {
			id, _ := f.account()
			return req{path: p("/users/%d/deactivate", id), body: url.Values{}}
		}),

		// The JSON API.
		api("POST", "/api/v1/auth/token", [nRoles]int{401, 201, 201, 201, 201, 201, 401, 201}, func(f *authz, r int) req {
			email := f.who[r].email
			if r == anon {
				email = "ingen@example.se"
			}
			return req{path: "/api/v1/auth/token", body: map[string]string{"email": email, "password": "secret-password"}}
		}),
		// A session has no token to revoke (422); signing out ends it.
		{method: "DELETE", route: "/api/v1/auth/token", kind: kindAPI, want: [nRoles]int{401, 204, 204, 204, 204, 204, 401, 401},
			wantSession: &[nRoles]int{401, 422, 422, 422, 422, 422, 401, 401},
			prep:        func(f *authz, r int) req { return req{path: "/api/v1/auth/token", as: f.fresh(r)} }},
		api("GET", "/api/v1/me", anyUser, fixed("/api/v1/me")),
		api("PATCH", "/api/v1/me", anyUser, func(f *authz, r int) req {
			return req{path: "/api/v1/me", body: map[string]any{"phone": "070-123 45 67", "sms_reminders": true}}
		}),
		api("GET", "/api/v1/languages", anyUser, fixed("/api/v1/languages")),

		api("GET", "/api/v1/supervisors", anyUser, fixed("/api/v1/supervisors")),
		api("POST", "/api/v1/supervisors", with(adminOnly, coord, 201), func(f *authz, r int) req {
			return req{path: "/api/v1/supervisors", body: supervisorBody}
		}),
		api("GET", "/api/v1/supervisors/:id", anyUser, func(f *authz, r int) req { return req{path: p("/api/v1/supervisors/%d", f.X)} }),
		api("PATCH", "/api/v1/supervisors/:id", adminOnly, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d", f.X), body: map[string]any{"phone": "070-123 45 67"}}
		}),
		api("POST", "/api/v1/supervisors/:id/feed-token", [nRoles]int{401, 403, 403, 200, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/feed-token", f.X)}
		}),
		api("GET", "/api/v1/supervisors/:id/availability", [nRoles]int{401, 403, 403, 200, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/availability", f.X)}
		}),
		api("PUT", "/api/v1/supervisors/:id/availability", [nRoles]int{401, 403, 403, 200, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/availability", f.X), body: week}
		}),
		api("GET", "/api/v1/supervisors/:id/absences", [nRoles]int{401, 403, 403, 200, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/absences?from=2027-01-01&to=2027-12-31", f.X)}
		}),
		api("POST", "/api/v1/supervisors/:id/absences", [nRoles]int{401, 403, 403, 201, 403, 201, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/absences", f.X), body: absenceBody()}
		}),
		api("DELETE", "/api/v1/supervisors/:id/absences/:aid", [nRoles]int{401, 403, 403, 204, 403, 204, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/absences/%d", f.X, f.absence())}
		}),
		api("POST", "/api/v1/supervisors/:id/absences/import", [nRoles]int{401, 403, 403, 200, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/absences/import", f.X), body: authzICS, ctype: "text/calendar"}
		}),
		api("GET", "/api/v1/supervisors/:id/export", [nRoles]int{401, 403, 403, 200, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/export", f.X)}
		}),
		api("POST", "/api/v1/supervisors/:id/erase", adminOnly, func(f *authz, r int) req {
			return req{path: p("/api/v1/supervisors/%d/erase", f.throwaway())}
		}),

		// Users over the API (issue 12): coordinators only, refused before the body is read.
		api("GET", "/api/v1/users", adminOnly, fixed("/api/v1/users")),
		api("POST", "/api/v1/users", with(adminOnly, coord, 201), func(f *authz, r int) req {
			return req{path: "/api/v1/users", body: map[string]any{"email": p("ny.api.%d@example.se", f.nextUser.Add(1)),
				"name": "Ny Chef", "role": "manager", "workplace_ids": []int64{f.A}}}
		}),
		api("PATCH", "/api/v1/users/:id", adminOnly, func(f *authz, r int) req {
			id, _ := f.account()
			return req{path: p("/api/v1/users/%d", id), body: map[string]any{"name": "Nytt Namn"}}
		}),

		api("GET", "/api/v1/workplaces", anyUser, fixed("/api/v1/workplaces")),
		api("POST", "/api/v1/workplaces", with(adminOnly, coord, 201), func(f *authz, r int) req {
			return req{path: "/api/v1/workplaces", body: map[string]any{"name": "Ny verksamhet", "kind": "kitchen"}}
		}),
		api("GET", "/api/v1/workplaces/:id", anyUser, func(f *authz, r int) req { return req{path: p("/api/v1/workplaces/%d", f.A)} }),
		api("PATCH", "/api/v1/workplaces/:id", adminOnly, func(f *authz, r int) req {
			return req{path: p("/api/v1/workplaces/%d", f.A), body: map[string]any{"cost_center": "4711"}}
		}),
		api("POST", "/api/v1/workplaces/:id/feed-token", [nRoles]int{401, 200, 403, 403, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/workplaces/%d/feed-token", f.A)}
		}),
		api("POST", "/api/v1/pool/feed-token", adminOnly, fixed("/api/v1/pool/feed-token")),

		api("GET", "/api/v1/availability", [nRoles]int{401, 200, 200, 403, 403, 200, 401, 401}, func(f *authz, r int) req {
			s := f.slot()
			return req{path: "/api/v1/availability?" + url.Values{"language": {"ar"}, "start": {s.Format(time.RFC3339)},
				"end": {s.Add(time.Hour).Format(time.RFC3339)}, "workplace_id": {itoa(f.A)}}.Encode()}
		}),
		{method: "GET", route: "/api/v1/bookings", kind: kindAPI, want: anyUser, private: true,
			prep: fixed("/api/v1/bookings?from=2026-03-01&to=2026-06-30")},
		api("POST", "/api/v1/bookings", [nRoles]int{401, 201, 403, 403, 403, 201, 401, 401}, func(f *authz, r int) req {
			s := f.slot()
			return req{path: "/api/v1/bookings", body: bookingBody(f.X, f.A, s.Format(time.RFC3339), s.Add(time.Hour).Format(time.RFC3339))}
		}),
		api("GET", "/api/v1/bookings/:id", [nRoles]int{401, 200, 404, 200, 404, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/bookings/%d", f.xa)}
		}),
		// The contract's "as above": a supervisor may edit their own booking (not hand it to someone else).
		api("PATCH", "/api/v1/bookings/:id", [nRoles]int{401, 200, 404, 200, 404, 200, 401, 401}, func(f *authz, r int) req {
			id, _ := f.book(f.X, f.A, f.slot())
			return req{path: p("/api/v1/bookings/%d", id), body: map[string]any{"notes": "ingång B"}}
		}),
		api("POST", "/api/v1/bookings/:id/cancel", [nRoles]int{401, 200, 404, 403, 403, 200, 401, 401}, func(f *authz, r int) req {
			id, _ := f.book(f.X, f.A, f.slot())
			return req{path: p("/api/v1/bookings/%d/cancel", id), body: map[string]any{"reason_code": "illness", "reason": "sjuk"}}
		}),
		api("POST", "/api/v1/series", [nRoles]int{401, 201, 403, 403, 403, 201, 401, 401}, func(f *authz, r int) req {
			return req{path: "/api/v1/series", body: seriesBody(f, f.seriesSlot())}
		}),
		api("GET", "/api/v1/series/:id", [nRoles]int{401, 200, 404, 200, 404, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/series/%d", f.series())}
		}),
		api("POST", "/api/v1/series/:id/cancel", [nRoles]int{401, 200, 404, 403, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/series/%d/cancel", f.series()), body: map[string]any{"reason_code": "illness", "reason": "sjuk", "from": "2026-01-01"}}
		}),
		api("POST", "/api/v1/bookings/:id/followup", [nRoles]int{401, 200, 404, 403, 403, 200, 401, 401}, func(f *authz, r int) req {
			id, _ := f.book(f.X, f.A, f.past())
			return req{path: p("/api/v1/bookings/%d/followup", id), body: map[string]any{"persons_supervised": 4, "rating": 5,
				"comment": "bra", "why_booked": "vikarier"}}
		}),
		api("POST", "/api/v1/bookings/:id/confirmation", [nRoles]int{401, 403, 403, 200, 404, 200, 401, 401}, func(f *authz, r int) req {
			id, _ := f.book(f.X, f.A, f.past())
			return req{path: p("/api/v1/bookings/%d/confirmation", id), body: map[string]any{"outcome": "held"}}
		}),
		api("GET", "/api/v1/bookings/:id/events", [nRoles]int{401, 200, 404, 200, 404, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: p("/api/v1/bookings/%d/events", f.xa)}
		}),

		api("GET", "/api/v1/slots", [nRoles]int{401, 200, 200, 403, 403, 200, 401, 401}, func(f *authz, r int) req {
			return req{path: "/api/v1/slots?" + url.Values{"language": {"ar"}, "from": {"2026-03-05"}, "to": {"2026-03-06"},
				"duration": {"60"}, "workplace_id": {itoa(f.A)}}.Encode()}
		}),
		api("POST", "/api/v1/requests", [nRoles]int{401, 201, 403, 403, 403, 201, 401, 401}, func(f *authz, r int) req {
			s := f.slot()
			return req{path: "/api/v1/requests", body: requestBody(f.A, s.Format(time.RFC3339), s.Add(time.Hour).Format(time.RFC3339))}
		}),
		api("GET", "/api/v1/requests", [nRoles]int{401, 200, 200, 403, 403, 200, 401, 401}, fixed("/api/v1/requests")),
		api("GET", "/api/v1/requests/:id", [nRoles]int{401, 200, 404, 403, 403, 200, 401, 401}, func(f *authz, r int) req {
			id, _ := f.request()
			return req{path: p("/api/v1/requests/%d", id)}
		}),
		api("POST", "/api/v1/requests/:id/fill", with(adminOnly, coord, 201), func(f *authz, r int) req {
			id, s := f.request()
			return req{path: p("/api/v1/requests/%d/fill", id), body: map[string]any{"supervisor_id": f.X,
				"start": s.Format(time.RFC3339), "end": s.Add(time.Hour).Format(time.RFC3339)}}
		}),
		api("POST", "/api/v1/requests/:id/decline", adminOnly, func(f *authz, r int) req {
			id, _ := f.request()
			return req{path: p("/api/v1/requests/%d/decline", id), body: map[string]any{"reason": "ingen ledig"}}
		}),
		api("POST", "/api/v1/requests/:id/withdraw", [nRoles]int{401, 200, 404, 403, 403, 200, 401, 401}, func(f *authz, r int) req {
			id, _ := f.request()
			return req{path: p("/api/v1/requests/%d/withdraw", id)}
		}),

		api("GET", "/api/v1/reports/utilization", adminOnly, fixed("/api/v1/reports/utilization?from=2026-03-01&to=2026-03-31&by=supervisor")),
		api("GET", "/api/v1/reports/cancellations", adminOnly, fixed("/api/v1/reports/cancellations?from=2026-03-01&to=2026-03-31")),
		api("GET", "/api/v1/reports/followups", adminOnly, fixed("/api/v1/reports/followups?from=2026-03-01&to=2026-03-31")),
		api("GET", "/api/v1/reports/billing", adminOnly, fixed("/api/v1/reports/billing?from=2026-03-01&to=2026-03-31")),
		api("GET", "/api/v1/reports/demand", adminOnly, fixed("/api/v1/reports/demand?from=2026-03-01&to=2026-03-31&by=month")),
		api("GET", "/api/v1/reports/evaluation", adminOnly, fixed("/api/v1/reports/evaluation?from=2026-03-01&to=2026-03-31")),
		api("GET", "/api/v1/audit", adminOnly, fixed("/api/v1/audit")),
		api("GET", "/api/v1/rates", adminOnly, fixed("/api/v1/rates")),
		api("POST", "/api/v1/rates", with(adminOnly, coord, 201), func(f *authz, r int) req {
			return req{path: "/api/v1/rates", body: f.rateIn(f.B)}
		}),
		api("PATCH", "/api/v1/rates/:id", adminOnly, func(f *authz, r int) req {
			return req{path: p("/api/v1/rates/%d", f.rate), body: map[string]any{"note": "ny taxa"}}
		}),
		api("DELETE", "/api/v1/rates/:id", with(adminOnly, coord, 204), func(f *authz, r int) req {
			var rate idJSON
			f.must(201, "POST", "/api/v1/rates", f.admin, f.rateIn(f.A), &rate)
			return req{path: p("/api/v1/rates/%d", rate.ID)}
		}),
	}
	// Unknown API paths: credentials first, then the API's 404, for every method.
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PROPFIND", "REPORT"} {
		rows = append(rows, api(m, "/api/v1/*", notFoundAPI, fixed("/api/v1/no/such/thing")))
	}
	rows = append(rows,
		row{method: "echo_route_not_found", route: "/api/v1", send: "GET", kind: kindAPI, want: notFoundAPI, prep: fixed("/api/v1")},
		row{method: "echo_route_not_found", route: "/api/v1/*", send: "LOCK", kind: kindAPI, want: notFoundAPI, prep: fixed("/api/v1/no/such/thing")},
	)
	return rows
}

// bookForm is the booking form for X at A in the given hour.
// seriesSlot is the first start of a two-week series of X at A: an hour of
// a weekday in an even week from September 2026 on, so the series' second
// week is never another cell's first and no two cells collide.
func (f *authz) seriesSlot() time.Time {
	for {
		k := int(f.nextSeries.Add(1) - 1)
		d := time.Date(2026, 9, 7+14*(k/40)+(k%40)/8, 8+k%8, 0, 0, 0, f.loc)
		if _, closed := vocab.ClosedDayOn(d); !closed {
			return d
		}
	}
}

// seriesBody is a weekly series of two hours of X at A from s.
func seriesBody(f *authz, s time.Time) map[string]any {
	b := bookingBody(f.X, f.A, s.Format(time.RFC3339), s.Add(time.Hour).Format(time.RFC3339))
	b["repeat"] = map[string]any{"every_weeks": 1, "count": 2}
	return b
}

// seriesForm is the booking form with its Upprepa part for the same series.
func seriesForm(f *authz, s time.Time) url.Values {
	v := bookForm(f, s)
	v.Set("repeat_every", "1")
	v.Set("repeat_count", "2")
	v.Set("skip_conflicts", "false")
	return v
}

// series makes a series of X at A as the coordinator and returns its id.
func (f *authz) series() int64 {
	f.t.Helper()
	var sr idJSON
	f.must(201, "POST", "/api/v1/series", f.admin, seriesBody(f, f.seriesSlot()), &sr)
	return sr.ID
}

func bookForm(f *authz, s time.Time) url.Values {
	s = s.In(f.loc)
	return url.Values{"workplace_id": {itoa(f.A)}, "supervisor_id": {itoa(f.X)}, "language": {"ar"},
		"date": {s.Format(time.DateOnly)}, "start": {s.Format("15:04")}, "end": {s.Add(time.Hour).Format("15:04")},
		"purpose": {"workplace_support"}, "participants_expected": {"3"}, "mode": {"on_site"}}
}

// linkPath is the path of a mailed link.
func linkPath(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	return u.Path
}

var htmlTitle = regexp.MustCompile(`<title>([^<]*)</title>`)

// gist is a short reminder of an answer: a page's title, or the start of the body.
func gist(body string) string {
	if m := htmlTitle.FindStringSubmatch(body); m != nil {
		return "page " + m[1]
	}
	if len(body) > 200 {
		return body[:200]
	}
	return body
}

// TestRevokeTokenOverHTTP: DELETE /api/v1/auth/token ends only the token it
// was sent with; the user's other tokens and the user stay; a browser session
// has no token to revoke.
func TestRevokeTokenOverHTTP(t *testing.T) {
	e := newEnv(t, authzNow)
	first := e.user("chef@example.se", booking.RoleAdmin, nil, nil)
	second, err := account.New(e.svc).CreateToken(context.Background(), "chef@example.se")
	if err != nil {
		t.Fatal(err)
	}
	e.must(204, "DELETE", "/api/v1/auth/token", first, nil, nil)
	e.must(401, "GET", "/api/v1/me", first, nil, nil)
	e.must(401, "DELETE", "/api/v1/auth/token", first, nil, nil)
	e.must(200, "GET", "/api/v1/me", second, nil, nil)
	// Signed in with a session, the CSRF header sent: still no token to revoke.
	b := e.browser()
	b.login("chef@example.se")
	hreq, _ := http.NewRequest("DELETE", e.srv.URL+"/api/v1/auth/token", nil)
	hreq.Header.Set("X-CSRF-Token", csrfOf(b))
	resp, err := b.client.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("DELETE with a session: %d, want 422", resp.StatusCode)
	}
	e.must(200, "GET", "/api/v1/me", second, nil, nil)
	if n, err := account.New(e.svc).RevokeTokens(context.Background(), "chef@example.se"); err != nil || n != 1 {
		t.Errorf("RevokeTokens: %d, %v; want the one token left", n, err)
	}
	e.must(401, "GET", "/api/v1/me", second, nil, nil)
}

// TestNoCrossTenantDetails: what the matrix's statuses cannot show. A filter
// naming another's workplace or supervisor lists nothing; a collision with
// another workplace's booking does not name it; no one moves a booking into
// a calendar that is not theirs.
func TestNoCrossTenantDetails(t *testing.T) {
	f := newAuthz(t)
	type listed []struct {
		ID int64 `json:"id"`
	}
	for _, c := range []struct {
		r     int
		query string
	}{
		{mgrB, fmt.Sprintf("workplace_id=%d", f.A)},
		{mgrB, fmt.Sprintf("supervisor_id=%d", f.X)},
		{supY, fmt.Sprintf("supervisor_id=%d", f.X)},
		{supY, fmt.Sprintf("workplace_id=%d", f.A)},
	} {
		var got listed
		f.must(200, "GET", "/api/v1/bookings?from=2026-03-01&to=2026-06-30&"+c.query, f.who[c.r].token, nil, &got)
		if len(got) != 0 {
			t.Errorf("%s lists %s: %v, want nothing", roleColumns[c.r], c.query, got)
		}
	}
	// B's manager books X over A's booking: 409, the overlap without A's booking's id.
	var xa struct{ Start, End string }
	f.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", f.xa), f.admin, nil, &xa)
	status, raw := f.do("POST", "/api/v1/bookings", f.who[mgrB].token, bookingBody(f.X, f.B, xa.Start, xa.End))
	if status != http.StatusConflict || !strings.Contains(string(raw), `"rule":"overlap"`) {
		t.Fatalf("B's manager over A's booking: %d %s", status, raw)
	}
	if strings.Contains(string(raw), fmt.Sprintf(`"booking_id":%d`, f.xa)) {
		t.Errorf("the collision names A's booking to B's manager: %s", raw)
	}
	// A's manager gets the same collision with the id (the rule is real, not blanket).
	status, raw = f.do("POST", "/api/v1/bookings", f.who[mgrA].token, bookingBody(f.X, f.A, xa.Start, xa.End))
	if status != http.StatusConflict || !strings.Contains(string(raw), fmt.Sprintf(`"booking_id":%d`, f.xa)) {
		t.Errorf("A's manager over A's booking: %d %s, want the booking's id", status, raw)
	}
	// A's manager may not move A's booking to B.
	if status, raw := f.do("PATCH", fmt.Sprintf("/api/v1/bookings/%d", f.xa), f.who[mgrA].token, map[string]any{"workplace_id": f.B}); status != http.StatusForbidden {
		t.Errorf("A's manager moves a booking to B: %d %s", status, raw)
	}
	// X may edit their own booking, but not hand it to Y, nor put it in B's calendar.
	for _, patch := range []map[string]any{{"supervisor_id": f.Y}, {"workplace_id": f.B}} {
		if status, raw := f.do("PATCH", fmt.Sprintf("/api/v1/bookings/%d", f.xa), f.who[supX].token, patch); status != http.StatusForbidden {
			t.Errorf("X patches A's booking with %v: %d %s, want 403", patch, status, raw)
		}
	}
	var after struct {
		SupervisorID int64 `json:"supervisor_id"`
		WorkplaceID  int64 `json:"workplace_id"`
	}
	f.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", f.xa), f.admin, nil, &after)
	if after.SupervisorID != f.X || after.WorkplaceID != f.A {
		t.Errorf("A's booking of X is now %+v", after)
	}
}
