package ui_test

import (
	"io"
	"regexp"
	"strings"
	"testing"
)

// Issue 12, finding 11: pages shown to a signed-in user lacked
// Cache-Control: no-store, so the back button or a shared computer's cache
// could show them (names, phone numbers, bookings) after logout.
func TestSignedInAnswersNotStored(t *testing.T) {
	p := newWebPool(t, march)
	id := p.book(p.sups[0], p.wpA, "2026-03-03 09:00", "2026-03-03 10:00")
	get := func(b *browser, path string) (status int, cacheControl []string, body string) {
		t.Helper()
		resp, err := b.client.Get(b.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var cc []string
		for _, v := range resp.Header.Values("Cache-Control") {
			for _, d := range strings.Split(v, ",") {
				cc = append(cc, strings.TrimSpace(d))
			}
		}
		return resp.StatusCode, cc, string(raw)
	}
	pages := map[string][]string{
		p.admin:   {"/", "/account", "/timeline", "/reports", "/users", "/supervisors", "/bookings/" + itoa(id), "/api/v1/me", "/no/such/page"},
		p.mgrA:    {"/", "/account", "/book", "/bookings/" + itoa(id), "/api/v1/bookings?from=2026-03-01&to=2026-03-31"},
		p.supUser: {"/", "/week", "/availability", "/absences", "/bookings/" + itoa(id) + "/confirm"},
	}
	asset := regexp.MustCompile(`/static/[a-z]+\.[0-9a-f]{12}\.css`)
	assets := 0
	for email, paths := range pages {
		b := p.browser()
		b.login(email)
		for _, path := range paths {
			status, cc, body := get(b, path)
			if !slicesContains(cc, "no-store") {
				t.Errorf("%s, GET %s: %d with Cache-Control %q, want no-store", email, path, status, cc)
			}
			if m := asset.FindString(body); m != "" {
				// Content-hashed files stay cacheable, also for a signed-in user.
				assets++
				if _, cc, _ := get(b, m); !slicesContains(cc, "immutable") || slicesContains(cc, "no-store") {
					t.Errorf("%s, GET %s: Cache-Control %q, want it cacheable", email, m, cc)
				}
			}
		}
	}
	if assets == 0 {
		t.Error("no content-hashed asset found in the pages")
	}
}

func slicesContains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
