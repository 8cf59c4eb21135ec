package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// section returns the part of a page from the element with that id to the next h2.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[4:], "<h2"); j >= 0 {
		return rest[:j+4]
	}
	return rest
}

// TestConfirmSessionPages: the supervisor confirms a held session from their
// week in one tap (booked times), or on the confirmation page with other
// times; others cannot; the coordinator's overview lists what is unconfirmed.
func TestConfirmSessionPages(t *testing.T) {
	p := newWebPool(t, march)
	other := "annan@example.se"
	p.user(other, "supervisor", nil, &p.sups[1])
	id := p.book(p.sups[0], p.wpA, "2026-03-02 09:00", "2026-03-02 11:00")
	second := p.book(p.sups[0], p.wpA, "2026-03-02 13:00", "2026-03-02 14:00")
	confirmURL := "/bookings/" + itoa(id) + "/confirm"
	sup := p.browser()
	sup.login(p.supUser)

	// Before the end: the page says so, and confirming is 422.
	p.svc.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) }
	if status, body := sup.get(confirmURL); status != 200 || !strings.Contains(body, "Passet kan bekräftas när det är slut.") || strings.Contains(body, "Genomförd som bokat") {
		t.Fatalf("confirmation page before the end: %d", status)
	}
	if status, body, _ := sup.post("/bookings/"+itoa(id)+"/confirmation", url.Values{"outcome": {"held"}, "back": {"week"}}); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `<div class="summary" role="alert"><ul><li>Passet kan bekräftas när det är slut.</li>`) {
		t.Fatalf("confirm before the end: %d, want 422 with the reason at the field", status)
	}

	p.svc.Now = func() time.Time { return time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC) }
	// Another supervisor, a manager: 404, 403.
	o := p.browser()
	o.login(other)
	if status, _ := o.get(confirmURL); status != http.StatusNotFound {
		t.Errorf("another supervisor opens the confirmation page: %d, want 404", status)
	}
	if status, _, _ := o.post("/bookings/"+itoa(id)+"/confirmation", url.Values{"outcome": {"held"}, "back": {"week"}}); status != http.StatusNotFound {
		t.Errorf("another supervisor confirms: %d, want 404", status)
	}
	m := p.browser()
	m.login(p.mgrA)
	if status, _ := m.get(confirmURL); status != http.StatusForbidden {
		t.Errorf("a manager opens the confirmation page: %d, want 403", status)
	}

	// The coordinator sees both sessions unconfirmed.
	a := p.browser()
	a.login(p.admin)
	_, dash := a.get("/")
	if list := section(dash, "unconfirmed"); !strings.Contains(list, `href="/bookings/`+itoa(id)+`"`) || !strings.Contains(list, `href="/bookings/`+itoa(second)+`"`) {
		t.Fatalf("the overview does not list the unconfirmed sessions: %s", list)
	}

	// The week offers the one-tap button; without a CSRF token it is refused.
	status, week := sup.get("/week?date=2026-03-02")
	if status != 200 || strings.Count(week, "Genomförd som bokat") != 2 || !strings.Contains(week, `action="/bookings/`+itoa(id)+`/confirmation"`) {
		t.Fatalf("week: %d, no one-tap buttons", status)
	}
	if status, _, _ := sup.post("/bookings/"+itoa(id)+"/confirmation", url.Values{"outcome": {"held"}, "back": {"week"}, "_csrf": {"wrong"}}); status != http.StatusForbidden {
		t.Fatalf("confirm without a valid CSRF token: %d, want 403", status)
	}
	status, _, resp := sup.post("/bookings/"+itoa(id)+"/confirmation", url.Values{"outcome": {"held"}, "back": {"week"}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/week?date=2026-03-02&done=confirmed" {
		t.Fatalf("one tap: %d %q", status, resp.Header.Get("Location"))
	}
	_, week = sup.get("/week?date=2026-03-02&done=confirmed")
	if !strings.Contains(week, "Tack! Passet är bekräftat.") || strings.Count(week, "Genomförd som bokat") != 1 || !strings.Contains(week, "Passet hölls") {
		t.Fatal("the week does not show the confirmed session")
	}
	var got struct {
		Confirmation *struct {
			Outcome     string `json:"outcome"`
			ActualStart string `json:"actual_start"`
			ActualEnd   string `json:"actual_end"`
		} `json:"confirmation"`
	}
	p.must(200, "GET", "/api/v1/bookings/"+itoa(id), p.admin_(), nil, &got)
	if c := got.Confirmation; c == nil || c.Outcome != "held" || c.ActualStart != "2026-03-02T09:00:00+01:00" || c.ActualEnd != "2026-03-02T11:00:00+01:00" {
		t.Fatalf("one tap recorded %+v, want held at the booked times", got.Confirmation)
	}
	_, dash = a.get("/")
	if list := section(dash, "unconfirmed"); strings.Contains(list, `href="/bookings/`+itoa(id)+`"`) || !strings.Contains(list, `href="/bookings/`+itoa(second)+`"`) {
		t.Fatal("the overview still lists the confirmed session, or lost the other")
	}
	if _, page := a.get("/bookings/" + itoa(id)); !strings.Contains(page, "Passet hölls, 09:00–11:00") {
		t.Error("the coordinator's booking page does not show the outcome")
	}

	// Other times on the confirmation page: bad input is 422 at the field, kept as typed.
	second2 := "/bookings/" + itoa(second) + "/confirmation"
	sup.get("/bookings/" + itoa(second) + "/confirm")
	status, body, _ := sup.post(second2, url.Values{"outcome": {"held"}, "actual_start": {"13:15"}, "actual_end": {"12:00"}, "back": {"confirm"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "actual_end", "Sluttiden måste vara efter starttiden.") || !strings.Contains(body, `value="13:15"`) {
		t.Fatalf("end before start: %d", status)
	}
	status, body, _ = sup.post(second2, url.Values{"outcome": {"held"}, "actual_start": {"kvart över"}, "actual_end": {"14:00"}, "back": {"confirm"}})
	if status != http.StatusUnprocessableEntity || !hasFieldError(body, "actual_start", "Skriv en tid, till exempel 09:00.") {
		t.Fatalf("a start that is no time: %d", status)
	}
	status, _, resp = sup.post(second2, url.Values{"outcome": {"held"}, "actual_start": {"13:15"}, "actual_end": {"13:50"}, "note": {"Började sent"}, "back": {"confirm"}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/bookings/"+itoa(second)+"/confirm?done=confirmed" {
		t.Fatalf("other times: %d %q", status, resp.Header.Get("Location"))
	}
	if _, body = sup.get("/bookings/" + itoa(second) + "/confirm?done=confirmed"); !strings.Contains(body, "Passet hölls, 13:15–13:50 – Började sent") {
		t.Fatal("the confirmation page does not show the confirmed times")
	}
	_, dash = a.get("/")
	if list := section(dash, "unconfirmed"); strings.Contains(list, "/bookings/") {
		t.Fatal("the overview still lists confirmed sessions")
	}
}

// TestLateCancelWarning: the cancel form warns that the cancellation will be
// charged exactly when it is late: on site from the 24 hours before the start,
// by phone from the 4 hours before (the defaults), each on both sides.
func TestLateCancelWarning(t *testing.T) {
	p := newWebPool(t, march)
	onSite := p.book(p.sups[0], p.wpA, "2026-03-04 09:00", "2026-03-04 10:00")
	body := bookingBody(p.sups[1], p.wpA, p.at("2026-03-04 13:00"), p.at("2026-03-04 14:00"))
	body["mode"] = "phone"
	var phone idJSON
	p.must(201, "POST", "/api/v1/bookings", p.admin_(), body, &phone)
	m := p.browser()
	m.login(p.mgrA)
	const sv = "Avbokningen sker mindre än %s före starten och debiteras verksamheten."
	for _, c := range []struct {
		id     int64
		start  time.Time
		notice time.Duration
		text   string
	}{
		{onSite, time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC), 24 * time.Hour, "24 timmar"},
		{phone.ID, time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC), 4 * time.Hour, "4 timmar"},
	} {
		warning := strings.Replace(sv, "%s", c.text, 1)
		for _, at := range []struct {
			before time.Duration
			late   bool
		}{{c.notice, false}, {c.notice - time.Minute, true}, {c.notice + time.Minute, false}, {time.Hour, true}} {
			now := c.start.Add(-at.before)
			p.svc.Now = func() time.Time { return now }
			status, page := m.get("/bookings/" + itoa(c.id))
			if status != 200 || !strings.Contains(page, `action="/bookings/`+itoa(c.id)+`/cancel"`) {
				t.Fatalf("booking %d at %s: %d, no cancel form", c.id, now, status)
			}
			if got := strings.Contains(page, warning); got != at.late {
				t.Errorf("booking %d, %s before the start: warning shown %v, want %v", c.id, at.before, got, at.late)
			}
		}
	}
}

// TestVideoLinkMessage: a video booking with a non-https link is 422 with a
// Swedish message next to the field, keeping what was typed.
func TestVideoLinkMessage(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	b.get("/book")
	for _, c := range []struct{ link, msg string }{
		{"http://meet.example.se/abc", "Skriv en länk som börjar med https://"},
		{"", "Ett videomöte behöver en länk."},
	} {
		form := bookValues(p.wpA, "09:00", "11:00")
		form.Set("mode", "video")
		form.Set("meeting_url", c.link)
		form.Set("supervisor_id", "any")
		status, body, _ := b.post("/book", form)
		if status != http.StatusUnprocessableEntity || !hasFieldError(body, "meeting_url", c.msg) || !strings.Contains(body, `value="`+c.link+`"`) {
			t.Errorf("video link %q: %d, no %q at the field", c.link, status, c.msg)
		}
	}
}

// TestManagerFeedOnHomePage: a manager sees their workplace's calendar address
// with how to subscribe, and renews it; the old address stops working, and
// another workplace's manager cannot renew it.
func TestManagerFeedOnHomePage(t *testing.T) {
	p := newWebPool(t, march)
	m := p.browser()
	m.login(p.mgrA)
	feed := regexp.MustCompile(`/ical/workplaces/[^"<]+\.ics`)
	_, home := m.get("/")
	old := feed.FindString(home)
	if old == "" || !strings.Contains(home, "Prenumerera från webben") || !strings.Contains(home, "Lägg till prenumererad kalender") || !strings.Contains(home, "Från webbadress") {
		t.Fatal("the manager's start page has no feed address with subscribe instructions")
	}
	if len(feed.FindAllString(home, -1)) != 1 {
		t.Fatal("the manager sees more than their one workplace's feed")
	}
	if status, _ := m.get(old); status != 200 {
		t.Fatalf("feed: %d", status)
	}
	o := p.browser()
	o.login(p.mgrB)
	o.get("/")
	if status, _, _ := o.post("/workplaces/"+itoa(p.wpA)+"/feed/renew", url.Values{}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("another workplace's manager renews the feed: %d", status)
	}
	m.get("/")
	status, _, resp := m.post("/workplaces/"+itoa(p.wpA)+"/feed/renew", url.Values{})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/?done=feed#feed-"+itoa(p.wpA) {
		t.Fatalf("renew: %d %q", status, resp.Header.Get("Location"))
	}
	_, home = m.get("/?done=feed")
	if renewed := feed.FindString(home); renewed == "" || renewed == old || !strings.Contains(home, "Du har fått en ny adress.") {
		t.Fatal("the start page does not show the new address")
	}
	if status, _ := m.get(old); status != http.StatusNotFound {
		t.Errorf("the old feed address answers %d, want 404", status)
	}
}

// TestTableReportPages: the cancellation, follow-up and billing reports are
// pages with a table and a working CSV link, linked from the reports page;
// bad dates are 422 at the field; only coordinators reach them.
func TestTableReportPages(t *testing.T) {
	p := newWebPool(t, march)
	id := p.book(p.sups[0], p.wpA, "2026-03-02 09:00", "2026-03-02 11:00")
	p.must(200, "POST", "/api/v1/bookings/"+itoa(id)+"/cancel", p.admin_(), map[string]any{"reason_code": "illness", "reason": "Sjuk"}, nil)
	a := p.browser()
	a.login(p.admin)
	_, reports := a.get("/reports")
	for kind, want := range map[string]string{"cancellations": "Sena avbokningar", "followups": "Svarsfrekvens", "billing": "Debiterbara minuter"} {
		if !strings.Contains(reports, `href="/reports/`+kind+`"`) {
			t.Errorf("the reports page does not link %s", kind)
		}
		status, body := a.get("/reports/" + kind + "?from=2026-03-01&to=2026-03-31")
		if status != 200 || !strings.Contains(body, `<th scope="col">`+want+`</th>`) || !strings.Contains(body, "<tfoot>") {
			t.Fatalf("%s: %d, no table with %q", kind, status, want)
		}
		csvURL := "/api/v1/reports/" + kind + "?format=csv&from=2026-03-01&to=2026-03-31"
		if !strings.Contains(body, `href="`+strings.ReplaceAll(csvURL, "&", "&amp;")+`"`) {
			t.Fatalf("%s: no CSV link %s", kind, csvURL)
		}
		resp, err := a.client.Get(a.base + csvURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s CSV: %d %s", kind, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		status, body = a.get("/reports/" + kind + "?from=2026-03-31&to=2026-03-01")
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-to"`) {
			t.Fatalf("%s with to before from: %d", kind, status)
		}
	}
	_, body := a.get("/reports/cancellations?from=2026-03-01&to=2026-03-31")
	if !strings.Contains(body, "sjukdom") {
		t.Error("the cancellation report does not show the reason")
	}
	s := p.browser()
	s.login(p.supUser)
	if status, _ := s.get("/reports/billing"); status != http.StatusForbidden {
		t.Errorf("a supervisor opens the billing report: %d, want 403", status)
	}
	if status, _ := a.get("/reports/nothing"); status != http.StatusNotFound {
		t.Errorf("an unknown report: %d, want 404", status)
	}
}

// TestWherePerMode: pages say where a session is: the workplace's address on
// site, "Telefon" by phone, the meeting link for video; in English too.
func TestWherePerMode(t *testing.T) {
	p := newWebPool(t, march)
	ids := map[string]int64{}
	for i, mode := range []string{"on_site", "phone", "video"} {
		start := fmt.Sprintf("2026-03-0%d 09:00", i+2)
		body := bookingBody(p.sups[0], p.wpA, p.at(start), p.at(strings.Replace(start, "09:00", "10:00", 1)))
		body["mode"] = mode
		if mode == "video" {
			body["meeting_url"] = "https://meet.example.se/abc"
		}
		var b idJSON
		p.must(201, "POST", "/api/v1/bookings", p.admin_(), body, &b)
		ids[mode] = b.ID
	}
	m := p.browser()
	m.login(p.mgrA)
	where := func(body string) string {
		i := strings.Index(body, "<dt>Plats</dt><dd>")
		if i < 0 {
			i = strings.Index(body, "<dt>Where</dt><dd>")
		}
		if i < 0 {
			return ""
		}
		rest := body[i:]
		return rest[strings.Index(rest, "<dd>")+4 : strings.Index(rest, "</dd>")]
	}
	for mode, want := range map[string]string{"on_site": "Solrosvägen 1", "phone": "Telefon", "video": `<a href="https://meet.example.se/abc">https://meet.example.se/abc</a>`} {
		if _, body := m.get("/bookings/" + itoa(ids[mode])); where(body) != want {
			t.Errorf("%s booking page says where %q, want %q", mode, where(body), want)
		}
	}
	s := p.browser()
	s.login(p.supUser)
	_, week := s.get("/week?date=2026-03-02")
	for _, want := range []string{"Förskolan Solrosen, Solrosvägen 1", "Telefon", "https://meet.example.se/abc"} {
		if !strings.Contains(week, want) {
			t.Errorf("the week does not say %q", want)
		}
	}
	u, err := p.svc.UserByEmail(context.Background(), p.mgrA)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.SetLocale(context.Background(), u, "en"); err != nil {
		t.Fatal(err)
	}
	if _, body := m.get("/bookings/" + itoa(ids["phone"])); where(body) != "Phone" {
		t.Errorf("English phone booking says where %q", where(body))
	}
	// The late-cancellation warning in English (the on-site booking starts in under 24 hours).
	p.svc.Now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	if _, body := m.get("/bookings/" + itoa(ids["on_site"])); !strings.Contains(body, "The cancellation comes less than 24 hours before the start and will be charged to the workplace.") {
		t.Error("no English late-cancellation warning")
	}
}
