package ui_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Issue 12, finding 1: a made-up cookie and header pair passed the CSRF check,
// skipped the form limit, and a 40 MiB upload was parsed on scs's copy of the
// request, its temporary file left in the temp dir.

func madeUpToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// postWith sends a form with the given cookie value, header and _csrf field.
func postWith(t *testing.T, client *http.Client, target, cookie, header, field string) int {
	t.Helper()
	form := url.Values{"email": {"admin@example.se"}, "password": {"secret-password"}}
	if field != "" {
		form.Set("_csrf", field)
	}
	req, _ := http.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "sprakpool_csrf", Value: cookie})
	}
	if header != "" {
		req.Header.Set("X-CSRF-Token", header)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestCSRFPairNotIssuedIsRefused(t *testing.T) { // finding 1
	p := newWebPool(t, march)
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	made := madeUpToken()
	for _, path := range []string{"/login", "/forgot"} {
		if status := postWith(t, plain, p.srv.URL+path, made, made, ""); status != http.StatusForbidden {
			t.Errorf("%s with a made-up cookie and X-CSRF-Token: %d, want 403", path, status)
		}
		if status := postWith(t, plain, p.srv.URL+path, made, "", made); status != http.StatusForbidden {
			t.Errorf("%s with a made-up cookie and _csrf field: %d, want 403", path, status)
		}
	}
	// The cookie the server issued is not itself the token either.
	b := p.browser()
	b.get("/")
	issued := ""
	u, _ := url.Parse(p.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "sprakpool_csrf" {
			issued = c.Value
		}
	}
	if issued == "" || issued == b.csrf {
		t.Fatalf("the form's token %q is the cookie's value %q", b.csrf, issued)
	}
	if status, _, _ := b.post("/login", url.Values{"email": {p.mgrA}, "password": {"secret-password"}, "_csrf": {issued}}); status != http.StatusForbidden {
		t.Errorf("login with the cookie's value as token: %d, want 403", status)
	}

	// Signed in, the token is the session's: another session's token, or the
	// token from before signing in, is refused.
	a, other := p.browser(), p.browser()
	a.get("/")
	before := a.csrf
	a.login(p.mgrA)
	other.login(p.mgrB)
	if a.csrf == before || a.csrf == other.csrf {
		t.Fatal("the token did not change with the session")
	}
	for name, token := range map[string]string{"another session's": other.csrf, "the visitor's": before} {
		if status, _, _ := a.post("/account/locale", url.Values{"locale": {"en"}, "_csrf": {token}}); status != http.StatusForbidden {
			t.Errorf("form with %s token: %d, want 403", name, status)
		}
		req, _ := http.NewRequest("POST", p.srv.URL+"/api/v1/workplaces/1/feed-token", nil)
		req.Header.Set("X-CSRF-Token", token)
		resp, err := a.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("API with the session and %s token: %d, want 403", name, resp.StatusCode)
		}
	}
	if status, _, _ := a.post("/account/locale", url.Values{"locale": {"en"}}); status != http.StatusSeeOther {
		t.Errorf("form with its own session's token: %d, want 303", status)
	}
}

// rawPost sends a request over its own connection, the body written by a
// goroutine that counts what it got out before the server closed the
// connection on it; it returns the status and how much of the body was sent.
// chunked sends the body with Transfer-Encoding: chunked, else with its length.
func rawPost(t *testing.T, addr, path string, header http.Header, body []byte, chunked bool) (int, int64) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // a bound, not a speed claim
	var head bytes.Buffer
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\n", path, addr)
	if chunked {
		head.WriteString("Transfer-Encoding: chunked\r\n")
	} else {
		fmt.Fprintf(&head, "Content-Length: %d\r\n", len(body))
	}
	_ = header.Write(&head)
	head.WriteString("\r\n")
	if _, err := conn.Write(head.Bytes()); err != nil {
		t.Fatal(err)
	}
	sent := make(chan int64, 1)
	go func() {
		var n int64
		defer func() { sent <- n }()
		const piece = 64 << 10
		for off := 0; off < len(body); off += piece {
			part := body[off:min(off+piece, len(body))]
			out := part
			if chunked {
				out = append(fmt.Appendf(nil, "%x\r\n", len(part)), append(part, "\r\n"...)...)
			}
			if _, err := conn.Write(out); err != nil {
				return
			}
			n += int64(len(part))
		}
		if chunked {
			_, _ = conn.Write([]byte("0\r\n\r\n"))
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// Wait for the writer: it stops when the server closes the connection, or
	// when it has sent everything (which is what must not happen).
	return resp.StatusCode, <-sent
}

// bigUpload is a multipart form with the made-up CSRF pair's field and one
// file of size bytes.
func bigUpload(t *testing.T, token string, size int) (body []byte, contentType string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", token)
	_ = w.WriteField("email", "admin@example.se")
	fw, err := w.CreateFormFile("ics", "40MiB.bin")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(bytes.Repeat([]byte("A"), size))
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func multipartFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "multipart-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLargeBodiesRefusedUnread(t *testing.T) { // finding 1
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir, where multipart spills files, honours it
	e := newEnv(t, march)
	addr := e.srv.Listener.Addr().String()
	made := madeUpToken()
	const size = 40 << 20
	body, ctype := bigUpload(t, made, size)

	forged := http.Header{"Content-Type": {ctype}, "Cookie": {"sprakpool_csrf=" + made}, "X-Csrf-Token": {made}}
	api := http.Header{"Content-Type": {ctype}, "Authorization": {"Bearer " + e.admin}}
	for _, tc := range []struct {
		path   string
		header http.Header
	}{
		{"/login", forged},
		{"/forgot", forged},
		{"/api/v1/supervisors/1/absences/import", api},
	} {
		for _, chunked := range []bool{false, true} {
			status, sent := rawPost(t, addr, tc.path, tc.header, body, chunked)
			t.Logf("POST %s (chunked %v): %d after %.1f of 40 MiB sent", tc.path, chunked, status, float64(sent)/(1<<20))
			if status != http.StatusRequestEntityTooLarge && status != http.StatusForbidden {
				t.Errorf("POST %s (chunked %v): %d, want 413 or 403", tc.path, chunked, status)
			}
			if sent >= size {
				t.Errorf("POST %s (chunked %v): the server read all 40 MiB", tc.path, chunked)
			}
			if files := multipartFiles(t, tmp); len(files) > 0 {
				t.Fatalf("POST %s (chunked %v) left %v behind", tc.path, chunked, files)
			}
		}
	}
}

func TestBodyLimitsPerKind(t *testing.T) { // finding 1
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	p := newWebPool(t, march)
	b := p.browser()
	b.get("/")

	// Forms: 2 MiB, however sent. Just under it the form is read (the login
	// answers), just over it the answer is 413.
	form := func(pad int) url.Values {
		return url.Values{"email": {p.mgrA}, "password": {"wrong-password"}, "_csrf": {b.csrf}, "pad": {strings.Repeat("x", pad)}}
	}
	if status, _, _ := b.post("/login", form(2<<20-200)); status != http.StatusUnprocessableEntity {
		t.Errorf("login form just under 2 MiB: %d, want 422 (wrong password)", status)
	}
	if status, _, _ := b.post("/login", form(2<<20)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("login form over 2 MiB: %d, want 413", status)
	}
	// A file part just under 2 MiB stays in memory: nothing on disk.
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", b.csrf)
	fw, _ := w.CreateFormFile("ics", "big.ics")
	_, _ = fw.Write(bytes.Repeat([]byte("B"), 2<<20-1024))
	_ = w.Close()
	resp, err := b.client.Post(p.srv.URL+"/forgot", w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity { // no e-mail given
		t.Errorf("multipart /forgot just under 2 MiB: %d, want 422", resp.StatusCode)
	}
	if files := multipartFiles(t, tmp); len(files) > 0 {
		t.Errorf("a form under the limit left %v behind", files)
	}

	// JSON: 1 MiB, also chunked (the length unknown to the server).
	big := `{"name":"` + strings.Repeat("x", 3<<20) + `"}`
	for _, chunked := range []bool{false, true} {
		var r io.Reader = strings.NewReader(big)
		if chunked {
			r = io.MultiReader(r) // hides the length: sent chunked
		}
		req, _ := http.NewRequest("POST", p.srv.URL+"/api/v1/workplaces", r)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+p.admin_())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || decodeErr(t, raw).Error.Code != "too_large" {
			t.Errorf("3 MiB of JSON (chunked %v): %d %s, want 413 too_large", chunked, resp.StatusCode, raw)
		}
	}
	if files, _ := os.ReadDir(tmp); len(files) > 0 {
		t.Errorf("temp dir not empty: %v", files)
	}
}
