package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
)

// The free times and requests of issue 14, over HTTP (march is Sunday 1 March 2026).

var slotHref = regexp.MustCompile(`<a class="slot" href="(/book\?[^"]+)">`)

// formValues reads the named inputs of the form that posts to action.
func formValues(t *testing.T, body, action string) url.Values {
	t.Helper()
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form posting to %s", action)
	}
	f := body[i:]
	f = f[:strings.Index(f, "</form>")]
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(f, -1) {
		vals.Set(m[1], htmlUnescape(m[2]))
	}
	return vals
}

func TestFreeTimesBookInTwoTaps(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	if status, body := b.get("/"); status != 200 || !strings.Contains(body, `href="/book/times"`) {
		t.Fatalf("the start page does not lead to the free times: %d", status)
	}
	if status, body := b.get("/book/times"); status != 200 || !strings.Contains(body, `id="times-form"`) || strings.Contains(body, `class="slot"`) {
		t.Fatalf("the free times without a language: %d", status)
	}
	status, body := b.get("/book/times?language=ar&purpose=parent_information&mode=on_site&duration=60")
	if status != 200 {
		t.Fatalf("free times: %d", status)
	}
	for _, want := range []string{"Vecka 10", "Vecka 11", "mån 2 mars", "lör 14 mars", "Lediga tider: arabiska, 1 timme"} {
		if !strings.Contains(body, want) {
			t.Errorf("the grid does not show %q", want)
		}
	}
	if strings.Contains(body, "15 mars") {
		t.Error("the grid shows more than two weeks")
	}
	links := slotHref.FindAllStringSubmatch(body, -1)
	// Ten weekdays, 08:00–15:00 on the half hour: 15 starts a day.
	if len(links) != 150 {
		t.Fatalf("%d free times, want 150", len(links))
	}
	first := htmlUnescape(links[0][1])
	if !strings.Contains(first, "date=2026-03-02") || !strings.Contains(first, "start=08%3A00") || !strings.Contains(first, "end=09%3A00") {
		t.Fatalf("the first time links to %s", first)
	}
	// Tap 1: the time opens the confirm screen, the pool picking.
	status, body = b.get(first)
	if status != 200 || !strings.Contains(body, "Steg 2 av 2") || !strings.Contains(body, "Vem som helst") {
		t.Fatalf("the confirm screen: %d", status)
	}
	// Tap 2: confirm.
	form := formValues(t, body, "/book")
	form.Set("supervisor_id", "any")
	status, _, resp := b.post("/book", form)
	if status != http.StatusSeeOther || !bookingLocation.MatchString(resp.Header.Get("Location")) {
		t.Fatalf("confirm: %d %s", status, resp.Header.Get("Location"))
	}
	list, err := p.svc.ListBookings(context.Background(), &booking.User{Role: booking.RoleAdmin}, booking.BookingFilter{From: "2026-03-02", To: "2026-03-02"})
	if err != nil || len(list) != 1 || list[0].Purpose != "parent_information" || list[0].WorkplaceID != p.wpA {
		t.Fatalf("the booking: %+v %v", list, err)
	}
	// Next two weeks, and the way back.
	status, body = b.get("/book/times?language=ar&duration=90&from=2026-03-15")
	if status != 200 || !strings.Contains(body, "Vecka 12") || !strings.Contains(body, "← Två veckor bakåt") {
		t.Fatalf("the next two weeks: %d", status)
	}
}

func TestFreeTimesErrorsAtTheirFields(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	status, body := b.get("/book/times?language=&duration=60")
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "language", "Välj ett språk.") {
		t.Fatalf("no language: %d", status)
	}
	status, body = b.get("/book/times?language=ar&duration=50")
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "duration", "Välj en längd från 15 minuter till 10 timmar") {
		t.Fatalf("a length not in quarter hours: %d", status)
	}
}

// A language nobody speaks: the page says so, offers no times and a request
// the manager sends; the coordinator declines it with a reason the manager sees.
func TestNoFreeTimeSaysWhyAndTakesARequest(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	status, body := b.get("/book/times?language=wo&duration=60")
	if status != 200 || !strings.Contains(body, "Ingen i poolen talar det språket") || strings.Contains(body, `class="slot"`) {
		t.Fatalf("Wolof: %d, no plain reason", status)
	}
	// No other weeks would help: no "two weeks", no paging, the request still offered.
	if strings.Contains(body, "två veckor") || strings.Contains(body, "Andra veckor") || !strings.Contains(body, "Ingen tid kan passa just nu") ||
		!strings.Contains(body, "kanske kan någon ny rekryteras") {
		t.Errorf("Wolof: the page speaks of other weeks or does not offer the request plainly")
	}
	form := formValues(t, body, "/requests")
	if form.Get("language") != "" || form.Get("earliest_date") != "2026-03-01" || form.Get("latest_date") != "2026-03-14" {
		t.Fatalf("the request form is not prefilled: %v", form)
	}
	// The selects are not read from the page: choose as the manager would.
	form.Set("language", "wo")
	form.Set("duration", "60")
	form.Set("purpose", "parent_information")
	form.Set("mode", "on_site")
	form.Set("notes", "Föräldramöte")
	status, _, resp := b.post("/requests", form)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/requests?done=sent" {
		t.Fatalf("send: %d %s", status, resp.Header.Get("Location"))
	}
	status, body = b.get("/requests?done=sent")
	if status != 200 || !strings.Contains(body, "Förfrågan är skickad") || !strings.Contains(body, "wolof") || !strings.Contains(body, "Öppen") {
		t.Fatalf("my requests: %d\n%s", status, body)
	}
	id := regexp.MustCompile(`action="/requests/(\d+)/withdraw"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatal("no withdraw button")
	}

	admin := p.browser()
	admin.login(p.admin)
	status, body = admin.get("/requests/queue")
	if status != 200 || !strings.Contains(body, "Ingen som talar språket är ledig inom perioden") {
		t.Fatalf("queue: %d", status)
	}
	status, body, _ = admin.post("/requests/"+id[1]+"/decline", url.Values{"reason": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-reason-`+id[1]+`">Skriv varför förfrågan avböjs`) {
		t.Fatalf("decline without a reason: %d", status)
	}
	status, _, _ = admin.post("/requests/"+id[1]+"/decline", url.Values{"reason": {"Ingen i poolen talar wolof."}})
	if status != http.StatusSeeOther {
		t.Fatalf("decline: %d", status)
	}
	_, body = b.get("/requests")
	if !strings.Contains(body, "Avböjd") || !strings.Contains(body, "Ingen i poolen talar wolof.") || strings.Contains(body, "/withdraw") {
		t.Fatal("the manager does not see the decline and its reason")
	}
}

// The coordinator fills a request from the queue in one click; the manager
// sees the booking.
func TestQueueFillsARequestInOneClick(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	b.get("/requests/new")
	form := url.Values{"workplace_id": {itoa(p.wpA)}, "language": {"ar"}, "duration": {"60"}, "purpose": {"other"}, "mode": {"on_site"},
		"earliest_date": {"2026-03-03"}, "earliest_time": {"10:00"}, "latest_date": {"2026-03-03"}, "latest_time": {"12:00"}}
	if status, _, _ := b.post("/requests", form); status != http.StatusSeeOther {
		t.Fatalf("send: %d", status)
	}
	admin := p.browser()
	admin.login(p.admin)
	status, body := admin.get("/requests/queue")
	if status != 200 || !strings.Contains(body, "Boka Handledare 01, tis 3 mars 2026, 10:00–11:00") {
		t.Fatalf("queue: %d, no candidate", status)
	}
	id := regexp.MustCompile(`action="/requests/(\d+)/fill"`).FindStringSubmatch(body)
	status, _, resp := admin.post("/requests/"+id[1]+"/fill", formValues(t, body, "/requests/"+id[1]+"/fill"))
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/requests/queue?done=filled" {
		t.Fatalf("fill: %d", status)
	}
	if _, body = admin.get("/requests/queue?done=filled"); !strings.Contains(body, "Inga öppna förfrågningar.") {
		t.Fatal("the filled request is still in the queue")
	}
	_, body = b.get("/requests")
	m := regexp.MustCompile(`href="/bookings/(\d+)">Visa bokningen`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "Bokad") {
		t.Fatal("the manager does not see the booking")
	}
	if status, body = b.get("/bookings/" + m[1]); status != 200 || !strings.Contains(body, "tis 3 mars 2026, 10:00–11:00") {
		t.Fatalf("the booking page: %d", status)
	}
	// Filling it again is refused with the queue as it is now.
	if status, _, _ = admin.post("/requests/"+id[1]+"/fill", url.Values{"supervisor_id": {itoa(p.sups[1])},
		"start": {p.at("2026-03-03 10:00")}, "end": {p.at("2026-03-03 11:00")}}); status != http.StatusConflict {
		t.Fatalf("second fill: %d", status)
	}
}

func TestRequestFormErrorsAndWithdraw(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	b.get("/requests/new")
	form := url.Values{"workplace_id": {itoa(p.wpA)}, "language": {"ar"}, "duration": {"60"}, "purpose": {"other"}, "mode": {"on_site"},
		"earliest_date": {"2026-02-01"}, "earliest_time": {"10:00"}, "latest_date": {"2026-02-02"}, "latest_time": {"12:00"}}
	status, body, _ := b.post("/requests", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="rerr-latest_date">Den senaste tiden har redan passerat`) ||
		!strings.Contains(body, `href="#r-latest_date"`) {
		t.Fatalf("a window in the past: %d", status)
	}
	form.Set("latest_date", "2026-03-10")
	form.Set("earliest_time", "9")
	if status, body, _ = b.post("/requests", form); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="rerr-earliest_time">Skriv en tid`) {
		t.Fatalf("a bad time: %d", status)
	}
	form.Set("earliest_time", "10:00")
	if status, _, _ = b.post("/requests", form); status != http.StatusSeeOther {
		t.Fatalf("send: %d", status)
	}
	_, body = b.get("/requests")
	id := regexp.MustCompile(`action="/requests/(\d+)/withdraw"`).FindStringSubmatch(body)
	other := p.browser()
	other.login(p.mgrB)
	if status, _, _ := other.post("/requests/"+id[1]+"/withdraw", url.Values{}); status != http.StatusNotFound {
		t.Fatalf("another workplace's manager withdraws: %d", status)
	}
	if status, _, _ := b.post("/requests/"+id[1]+"/withdraw", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", status)
	}
	if _, body = b.get("/requests?done=withdrawn"); !strings.Contains(body, "Förfrågan är återkallad.") || !strings.Contains(body, "Återkallad") {
		t.Fatal("the withdrawn request is not shown so")
	}
}
