package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The manager's bookings (issue 14): upcoming, history and cancelled apart;
// filters by dates, language and status and a text search; only the
// manager's own workplaces.
func TestMyBookingsListsFiltersAndSearches(t *testing.T) {
	t.Parallel()
	p := newWebPool(t, march) // Sunday 1 March 2026
	held := p.book(p.sups[0], p.wpA, "2026-02-16 09:00", "2026-02-16 10:00")
	coming := p.book(p.sups[0], p.wpA, "2026-03-10 09:00", "2026-03-10 10:00")
	somali := p.book(p.sups[1], p.wpA, "2026-03-11 09:00", "2026-03-11 10:00")
	p.must(200, "PATCH", "/api/v1/bookings/"+itoa(somali), p.admin_(), map[string]any{"language": "so", "notes": "Utvecklingssamtal med föräldrar"}, nil)
	cancelled := p.book(p.sups[1], p.wpA, "2026-03-12 09:00", "2026-03-12 10:00")
	p.must(200, "POST", "/api/v1/bookings/"+itoa(cancelled)+"/cancel", p.admin_(), map[string]any{"reason_code": "illness", "reason": "Sjuk"}, nil)
	other := p.book(p.sups[1], p.wpB, "2026-03-10 13:00", "2026-03-10 14:00")
	b := p.browser()
	b.login(p.mgrA)
	status, body := b.get("/my-bookings")
	if status != 200 {
		t.Fatalf("my bookings: %d", status)
	}
	section := func(body, id string) string {
		i := strings.Index(body, `<h2 id="`+id+`">`)
		if i < 0 {
			return ""
		}
		rest := body[i+1:]
		if j := strings.Index(rest, "<h2"); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	has := func(s string, id int64) bool { return strings.Contains(s, `href="/bookings/`+itoa(id)+`"`) }
	up, hist, canc := section(body, "upcoming"), section(body, "history"), section(body, "cancelled")
	if !has(up, coming) || !has(up, somali) || has(up, cancelled) || has(up, held) {
		t.Errorf("upcoming: %s", up)
	}
	if !has(hist, held) || has(hist, coming) {
		t.Errorf("history: %s", hist)
	}
	if !has(canc, cancelled) || has(up, cancelled) {
		t.Errorf("cancelled apart: %s", canc)
	}
	if strings.Contains(body, `href="/bookings/`+itoa(other)+`"`) {
		t.Error("another workplace's booking is listed")
	}
	if !strings.Contains(up, `href="/bookings/`+itoa(coming)+`/move"`) || strings.Contains(hist, "/move") || strings.Contains(canc, "/move") {
		t.Error("Flytta only on upcoming bookings")
	}
	for _, c := range []struct {
		q       url.Values
		in, out []int64
	}{
		{url.Values{"language": {"so"}}, []int64{somali}, []int64{coming, held, cancelled}},
		{url.Values{"status": {"cancelled"}}, []int64{cancelled}, []int64{coming, held, somali}},
		{url.Values{"status": {"held"}}, []int64{held}, []int64{coming, cancelled}},
		{url.Values{"q": {"föräldrar"}}, []int64{somali}, []int64{coming, held}},
		{url.Values{"q": {"SOMALISKA"}}, []int64{somali}, []int64{coming}},
		{url.Values{"from": {"2026-03-11"}, "to": {"2026-03-31"}}, []int64{somali, cancelled}, []int64{coming, held}},
	} {
		_, body := b.get("/my-bookings?" + c.q.Encode())
		for _, id := range c.in {
			if !has(body, id) {
				t.Errorf("%v: booking %d missing", c.q, id)
			}
		}
		for _, id := range c.out {
			if has(body, id) {
				t.Errorf("%v: booking %d shown", c.q, id)
			}
		}
	}
	if st, body := b.get("/my-bookings?from=2026-03-31&to=2026-03-01"); st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-`) {
		t.Errorf("a range backwards: %d", st)
	}
	// Boka igen: the same language, supervisor and time a week later, on the confirm screen.
	again := regexp.MustCompile(`href="(/book\?[^"]+)"[^>]*>Boka igen`).FindAllStringSubmatch(up, -1)
	if len(again) == 0 {
		t.Fatal("no Boka igen")
	}
	u := strings.ReplaceAll(again[0][1], "&amp;", "&")
	q, _ := url.ParseQuery(strings.TrimPrefix(u, "/book?"))
	if q.Get("date") != "2026-03-17" || q.Get("start") != "09:00" || q.Get("end") != "10:00" || q.Get("supervisor_id") != itoa(p.sups[0]) || q.Get("language") != "ar" {
		t.Errorf("Boka igen goes to %s", u)
	}
	status, body = b.get(u)
	if status != 200 || !strings.Contains(body, "tis 17 mars 2026, 09:00–10:00") || !strings.Contains(body, `value="`+itoa(p.sups[0])+`" checked`) {
		t.Errorf("Boka igen's confirm screen: %d, not the week after with the supervisor chosen", status)
	}
}

// Flytta: a new time with the same supervisor, rules checked, until the
// late-cancel limit; after it the page says whom to call.
func TestMoveBookingUntilTheLateLimit(t *testing.T) {
	t.Parallel()
	p := newWebPool(t, march) // Sunday 1 March 2026, 13:00
	id := p.book(p.sups[0], p.wpA, "2026-03-10 09:00", "2026-03-10 10:00")
	busy := p.book(p.sups[0], p.wpA, "2026-03-11 09:00", "2026-03-11 11:00")
	soon := p.book(p.sups[1], p.wpA, "2026-03-02 09:00", "2026-03-02 10:00") // 20 hours ahead: late
	b := p.browser()
	b.login(p.mgrA)
	if st, body := b.get("/bookings/" + itoa(id) + "/move"); st != 200 || !strings.Contains(body, `value="2026-03-10"`) {
		t.Fatalf("move page: %d", st)
	}
	// Onto the supervisor's other booking: the collision is explained, nothing moves.
	st, body, _ := b.post("/bookings/"+itoa(id)+"/move", url.Values{"date": {"2026-03-11"}, "start": {"10:00"}, "end": {"11:00"}})
	if st != http.StatusConflict || !strings.Contains(body, "Den nya tiden går inte") || !strings.Contains(body, `href="/book/times?`) {
		t.Errorf("move onto a booking: %d", st)
	}
	// A closed day is said at the date.
	st, body, _ = b.post("/bookings/"+itoa(id)+"/move", url.Values{"date": {"2026-04-06"}, "start": {"09:00"}, "end": {"10:00"}})
	if st != http.StatusUnprocessableEntity || !hasFieldError(body, "date", "Datumet är annandag påsk") {
		t.Errorf("move to a closed day: %d", st)
	}
	st, _, resp := b.post("/bookings/"+itoa(id)+"/move", url.Values{"date": {"2026-03-12"}, "start": {"13:00"}, "end": {"14:00"}})
	if st != http.StatusSeeOther || resp.Header.Get("Location") != "/bookings/"+itoa(id)+"?done=moved" {
		t.Fatalf("move: %d %s", st, resp.Header.Get("Location"))
	}
	if _, body := b.get("/bookings/" + itoa(id) + "?done=moved"); !strings.Contains(body, "Bokningen är flyttad") || !strings.Contains(body, "tors 12 mars 2026, 13:00–14:00") {
		i := strings.Index(body, "<h1")
		t.Errorf("the booking page does not show the new time: %.400s", body[max(i, 0):])
	}
	_ = busy
	// Within 24 hours of the start: no form, whom to call instead.
	st, body = b.get("/bookings/" + itoa(soon) + "/move")
	if st != 200 || strings.Contains(body, `action="/bookings/`+itoa(soon)+`/move"`) || !strings.Contains(body, "Ring handledaren Handledare 02") {
		t.Errorf("late move page: %d", st)
	}
	if st, _, _ := b.post("/bookings/"+itoa(soon)+"/move", url.Values{"date": {"2026-03-03"}, "start": {"09:00"}, "end": {"10:00"}}); st != http.StatusConflict {
		t.Errorf("late move posted: %d, want 409", st)
	}
	// Another workplace's booking cannot be moved by this manager.
	other := p.book(p.sups[1], p.wpB, "2026-03-10 13:00", "2026-03-10 14:00")
	if st, _ := b.get("/bookings/" + itoa(other) + "/move"); st != http.StatusNotFound && st != http.StatusForbidden {
		t.Errorf("another workplace's booking: %d", st)
	}
}
