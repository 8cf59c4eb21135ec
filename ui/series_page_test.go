package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var seriesLocation = regexp.MustCompile(`^/series/(\d+)\?done=booked$`)

// seriesValues is the booking form with its Upprepa part: Thursdays 10:00–11:00
// from 22 April 2027.
func seriesValues(wp int64, count string) url.Values {
	return url.Values{"workplace_id": {itoa(wp)}, "language": {"ar"}, "date": {"2027-04-22"}, "start": {"10:00"}, "end": {"11:00"},
		"purpose": {"workplace_support"}, "mode": {"on_site"}, "repeat_every": {"1"}, "repeat_count": {count}}
}

// The preview shows a named supervisor's collisions with the rule and the
// others free for the whole series; "Boka de lediga" books the free ones;
// the series page cancels the rest from a date, with a reason.
func TestSeriesPages(t *testing.T) {
	p := newWebPool(t, time.Date(2027, 4, 1, 8, 0, 0, 0, time.UTC))
	p.book(p.sups[0], p.wpA, "2027-04-29 10:30", "2027-04-29 11:30")
	b := p.browser()
	b.login(p.mgrA)
	q := seriesValues(p.wpA, "5")
	q.Set("supervisor_id", itoa(p.sups[0]))
	status, body := b.get("/book/series?" + q.Encode())
	if status != 200 || !strings.Contains(body, "3 lediga, 1 hoppas över, 1 krockar") || !strings.Contains(body, "Handledaren är redan bokad") ||
		!strings.Contains(body, "Boka alla med Handledare 02") || !strings.Contains(body, "Boka de lediga (3)") ||
		!strings.Contains(body, `<a href="/book?date=2027-04-22&amp;end=11%3A00&amp;language=ar`) {
		t.Fatalf("preview with a collision: %d\n%s", status, body)
	}
	q.Set("skip_conflicts", "true")
	status, _, resp := b.post("/book/series", q)
	m := seriesLocation.FindStringSubmatch(resp.Header.Get("Location"))
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("book the free ones: %d, Location %q", status, resp.Header.Get("Location"))
	}
	status, body = b.get(m[0])
	if status != 200 || strings.Count(body, `href="/bookings/`) != 3 || !strings.Contains(body, "Hoppas över: Handledaren är redan bokad") {
		t.Fatalf("series page: %d\n%s", status, body)
	}
	// Each occurrence's booking page leads back to the series.
	first := regexp.MustCompile(`href="/bookings/(\d+)"`).FindStringSubmatch(body)
	if _, page := b.get("/bookings/" + first[1]); !strings.Contains(page, `<a href="/series/`+m[1]+`">Ingår i en serie`) {
		t.Errorf("booking %s does not link its series", first[1])
	}
	// A bad repeat rule is the form's error, in Swedish.
	if status, body := b.get("/book/series?" + seriesValues(p.wpA, "60").Encode()); status != 422 || !strings.Contains(body, "Ange 2 till 52 gånger.") {
		t.Errorf("60 times: %d", status)
	}
	// Cancel from 13 May: a reason is required, then the later occurrences are cancelled.
	cancel := url.Values{"from": {"2027-05-13"}, "reason_code": {"other"}, "reason": {""}}
	if status, _, _ := b.post("/series/"+m[1]+"/cancel", cancel); status != 422 {
		t.Errorf("no reason: %d", status)
	}
	cancel.Set("reason", "Personalen är klar med introduktionen")
	status, _, resp = b.post("/series/"+m[1]+"/cancel", cancel)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/series/"+m[1]+"?done=cancelled" {
		t.Fatalf("cancel from a date: %d %q", status, resp.Header.Get("Location"))
	}
	_, body = b.get("/series/" + m[1] + "?done=cancelled")
	if strings.Count(body, `class="badge cancel">Avbokad`) != 2 || !strings.Contains(body, "Tillfällena är avbokade.") {
		t.Errorf("after cancel:\n%s", body)
	}
	// Another workplace's manager sees nothing of it.
	other := p.browser()
	other.login(p.mgrB)
	if status, _ := other.get("/series/" + m[1]); status != 404 {
		t.Errorf("another workplace's manager: %d", status)
	}
}
