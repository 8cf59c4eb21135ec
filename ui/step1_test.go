package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Errors where they happen (issue 14): everything the first screen of the
// booking can know is checked when it is sent (GET /book?step=choose), before
// any supervisor is listed; each error sits at its field and names it in the
// summary, in Swedish and in English, and none is a generic one.
func TestBookStep1ChecksEverythingItCan(t *testing.T) {
	t.Parallel()
	p := newWebPool(t, march) // Sunday 1 March 2026, 13:00 in Stockholm
	b := p.browser()
	b.login(p.mgrA)
	long := strings.Repeat("x", 4001)
	cases := []struct {
		name, field, sv string
		set             map[string]string
	}{
		{"past date", "date", "Datumet har redan passerat. Välj ett datum från i dag och framåt.", map[string]string{"date": "2026-02-27"}},
		{"earlier today", "start", "Starttiden har redan passerat i dag.", map[string]string{"date": "2026-03-01", "start": "09:00", "end": "10:00"}},
		{"video without link", "meeting_url", "Ett videomöte behöver en länk.", map[string]string{"mode": "video"}},
		{"link on site", "meeting_url", "Bara videomöten har en möteslänk.", map[string]string{"meeting_url": "https://meet.example.se/x"}},
		{"notes too long", "notes", "Texten är för lång. Korta den.", map[string]string{"notes": long}},
		{"participants", "participants_expected", "Skriv ett heltal mellan 0 och 10 000.", map[string]string{"participants_expected": "-3"}},
		{"end before start", "end", "Sluttiden måste vara efter starttiden.", map[string]string{"start": "11:00", "end": "10:00"}},
		{"longer than a day", "end", "Passet är längre än handledarna arbetar en dag.", map[string]string{"start": "07:00", "end": "17:00"}},
		{"closed day", "date", "Datumet är annandag påsk, då poolen har stängt. Välj ett annat datum.", map[string]string{"date": "2026-04-06"}},
		{"weekend", "date", "Datumet är en lördag eller söndag, då ingen i poolen arbetar. Välj en vardag.", map[string]string{"date": "2026-03-07"}},
		{"nobody speaks it", "language", "Ingen i poolen talar språket just nu", map[string]string{"language": "wo"}},
	}
	labels := map[string]string{"date": "datum", "start": "från", "meeting_url": "länk till videomötet", "notes": "övrigt",
		"participants_expected": "antal deltagare", "end": "till", "language": "språk"}
	for _, c := range cases {
		q := bookValues(p.wpA, "09:00", "11:00")
		q.Set("step", "choose")
		for k, v := range c.set {
			q.Set(k, v)
		}
		status, body := b.get("/book?" + q.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="book-form"`) {
			t.Errorf("%s: status %d, want 422 on the first screen", c.name, status)
			continue
		}
		if !hasFieldError(body, c.field, c.sv) {
			t.Errorf("%s: no error %q at %s", c.name, c.sv, c.field)
		}
		if strings.Contains(body, "Handledare 01") || strings.Contains(body, `name="supervisor_id"`) {
			t.Errorf("%s: supervisors listed despite the error", c.name)
		}
		if !strings.Contains(body, `<a href="#f-`+c.field+`">`) || !summaryNames(body, c.field, labels[c.field]) {
			i := strings.Index(body, `class="summary"`)
			t.Errorf("%s: the summary does not name %q: %.600s", c.name, labels[c.field], body[max(i, 0):])
		}
		if strings.Contains(body, "Kontrollera värdet") || strings.Contains(body, "Fyll i det här fältet") {
			t.Errorf("%s: a generic message", c.name)
		}
	}
	// Where no time can fit, the ways on are there: every free time, a request.
	q := bookValues(p.wpA, "09:00", "11:00")
	q.Set("step", "choose")
	q.Set("language", "wo")
	_, body := b.get("/book?" + q.Encode())
	if !strings.Contains(body, `href="/requests/new?`) || !strings.Contains(body, "Skicka en förfrågan") {
		t.Error("nobody speaks Wolof, and no request is offered")
	}
	// An empty form names each field, in English too.
	b.get("/account")
	if st, _, _ := b.post("/account/locale", url.Values{"locale": {"en"}}); st != http.StatusSeeOther {
		t.Fatalf("choosing English: %d", st)
	}
	_, body = b.get("/book?" + url.Values{"step": {"choose"}, "workplace_id": {itoa(p.wpA)}, "date": {"2026-03-02"}, "start": {"09:00"},
		"end": {"10:00"}, "mode": {"video"}}.Encode())
	if !strings.Contains(body, "Choose a language.") || !strings.Contains(body, "A video session needs a meeting link.") {
		i := strings.Index(body, `class="summary"`)
		t.Errorf("the English first screen lacks its errors: %.800s", body[max(i, 0):])
	}
	if strings.Contains(body, "Check this value") || strings.Contains(body, "Fill in this field") {
		t.Error("a generic English message")
	}
}

// summaryNames reports whether the error summary's line for the field names its label.
func summaryNames(body, field, label string) bool {
	i := strings.Index(body, `<a href="#f-`+field+`">`)
	if i < 0 {
		return false
	}
	line, _, _ := strings.Cut(body[i:], "</a>")
	return strings.Contains(strings.ToLower(line), label)
}

// The confirm screen (step 2) sums up what is booked, the date the way every
// page writes it; with nobody free it offers the next free times, every free
// time and a request, and no confirm button that could only fail.
func TestBookStep2SummaryAndNoneFree(t *testing.T) {
	t.Parallel()
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.mgrA)
	q := bookValues(p.wpA, "09:00", "11:00")
	q.Set("step", "choose")
	status, body := b.get("/book?" + q.Encode())
	if status != 200 {
		t.Fatalf("step 2: %d", status)
	}
	for _, want := range []string{"mån 2 mars 2026, 09:00–11:00", "<dd>Förskolan Solrosen, Solrosvägen 1</dd>", "<dd>På plats</dd>", "<dd>12</dd>", "Föräldrainformation"} {
		if !strings.Contains(body, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	if strings.Contains(body, "2026-03-02 09:00") {
		t.Error("the summary shows the date as 2026-03-02")
	}
	// Both supervisors busy that morning: none free, the next free times instead.
	p.book(p.sups[0], p.wpA, "2026-03-02 08:00", "2026-03-02 12:00")
	p.book(p.sups[1], p.wpA, "2026-03-02 08:00", "2026-03-02 12:00")
	status, body = b.get("/book?" + q.Encode())
	if status != 200 || !strings.Contains(body, "Ingen handledare som talar språket är ledig just då") {
		t.Fatalf("none free: %d", status)
	}
	if strings.Contains(body, "Bekräfta bokningen") || strings.Contains(body, `action="/book"`) && strings.Contains(body, `method="post" action="/book"`) {
		t.Error("a confirm button that can only fail")
	}
	if !strings.Contains(body, `id="next-times"`) || !strings.Contains(body, "mån 2 mars 2026, 12:") {
		i := strings.Index(body, "<h2>Steg 2")
		t.Errorf("no next free time offered: %s", body[max(i, 0):])
	}
	if !strings.Contains(body, `href="/book/times?`) || !strings.Contains(body, `href="/requests/new?`) {
		t.Error("no link to every free time or to a request")
	}
}
