package ui_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// Issue 12, finding 6: next=/<tab>/evil.example was followed after login, and
// browsers read it as //evil.example. Only a path on this site is followed:
// one leading "/", no "/" or "\" right after it, no control characters or
// spaces anywhere; anything else goes to "/".
func TestLoginNextStaysOnSite(t *testing.T) {
	p := newWebPool(t, march)
	bad := []string{"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example",
		"/\\/evil.example", "https://evil.example/", "evil.example", "/ /evil.example", "/bookings /1", "/\x00/evil.example",
		"/\x7f/evil.example", "/\u0085/evil.example", "/\u00a0/evil.example", "/\u2028/evil.example", "/\xff/evil.example", ""}
	good := []string{"/", "/bookings/12", "/book?language=ar&from=2026-03-02", "/reports/billing?from=2026-03-01&to=2026-03-31#x", "/a/b\\c"}
	for _, next := range append(bad, good...) {
		want := "/"
		if !contains(bad, next) {
			want = next
		}
		b := p.browser()
		// A planted link (GET /?next=…) only ever fills the form with a safe path.
		_, body := b.get("/?next=" + url.QueryEscape(next))
		if m := nextInput.FindStringSubmatch(body); m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("GET /?next=%q: the form carries %q, want %q", next, m, want)
		}
		status, _, resp := b.post("/login", url.Values{"email": {p.mgrA}, "password": {"secret-password"}, "next": {next}})
		if status != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("login with next=%q: %d to %q, want 303 to %q", next, status, resp.Header.Get("Location"), want)
		}
	}
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

var nextInput = regexp.MustCompile(`name="next" value="([^"]*)"`)
