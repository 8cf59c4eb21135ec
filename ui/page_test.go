package ui_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/ui"
)

// browser is an HTTP client with a cookie jar that reads the CSRF token from
// the last page it loaded, the way a browser's forms carry it.
type browser struct {
	t      testing.TB
	base   string
	client *http.Client
	csrf   string
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: e.t, base: e.srv.URL, client: c}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// get loads a page and remembers its CSRF token.
func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.client.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindStringSubmatch(string(raw)); m != nil {
		b.csrf = m[1]
	}
	return resp.StatusCode, string(raw)
}

// post sends a form with the page's CSRF token (unless the form has its own _csrf).
func (b *browser) post(path string, form url.Values) (int, string, *http.Response) {
	b.t.Helper()
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf)
	}
	resp, err := b.client.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindStringSubmatch(string(raw)); m != nil {
		b.csrf = m[1]
	}
	return resp.StatusCode, string(raw), resp
}

// login signs in through the form, requires the redirect to the start page,
// and loads a page to hold the session's CSRF token.
func (b *browser) login(email string) {
	b.t.Helper()
	b.get("/")
	status, body, _ := b.post("/login", url.Values{"email": {email}, "password": {"secret-password"}})
	if status != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d: %s", email, status, body)
	}
	// The forms' token is bound to the new session: read it from a page.
	b.get("/account")
}

// webPool is a pool for page tests: two workplaces, two supervisors, a manager of
// each workplace and a supervisor user.
type webPool struct {
	*env
	sups           []int64
	wpA, wpB       int64
	mgrA, mgrB     string // e-mails
	supUser, admin string
}

func newWebPool(t testing.TB, now time.Time) *webPool {
	e := newEnv(t, now)
	sups, wpA, wpB := e.pool(2)
	p := &webPool{env: e, sups: sups, wpA: wpA, wpB: wpB, mgrA: "chef.a@example.se", mgrB: "chef.b@example.se",
		supUser: "handledare@example.se", admin: "admin@example.se"}
	e.user(p.mgrA, booking.RoleManager, []int64{wpA}, nil)
	e.user(p.mgrB, booking.RoleManager, []int64{wpB}, nil)
	e.user(p.supUser, booking.RoleSupervisor, nil, &sups[0])
	return p
}

// book creates a confirmed booking through the service.
func (p *webPool) book(sup, wp int64, start, end string) int64 {
	p.t.Helper()
	var b idJSON
	p.must(201, "POST", "/api/v1/bookings", p.admin_(), bookingBody(sup, wp, p.at(start), p.at(end)), &b)
	return b.ID
}

func (p *webPool) admin_() string { return p.env.admin }

// hasFieldError reports whether the page shows msg as the error of the field,
// tied to its input with aria-describedby.
func hasFieldError(body, field, msg string) bool {
	return strings.Contains(body, `id="err-`+field+`">`+msg) && strings.Contains(body, `aria-describedby="err-`+field)
}

// newServer starts a server on a fresh database, prepared by setup.
func newServer(t *testing.T, baseURL string, now time.Time, setup func(*booking.Service) error) (*httptest.Server, *booking.Service) {
	ctx := context.Background()
	svc, err := booking.Open(ctx, filepath.Join(t.TempDir(), "s.db"), booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return now }
	if err := setup(svc); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(ui.New(svc, ui.Config{BaseURL: baseURL, Logger: log}))
	t.Cleanup(func() { srv.Close(); svc.Close() })
	return srv, svc
}

func newSecureServer(t *testing.T) *httptest.Server {
	srv, _ := newServer(t, "https://sprakpool.example.se", time.Now(), func(svc *booking.Service) error {
		_, err := svc.CreateUser(context.Background(), booking.UserInput{Email: "a@example.se", Name: "A", Role: booking.RoleAdmin, Password: "secret-password"})
		return err
	})
	return srv
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// upload posts a multipart form with one file, as a browser's file input does.
func (b *browser) upload(path, field, name, content string) (int, string) {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", b.csrf)
	fw, err := w.CreateFormFile(field, name)
	if err != nil {
		b.t.Fatal(err)
	}
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	resp, err := b.client.Post(b.base+path, w.FormDataContentType(), &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}
