package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
)

// evaluationPool: two held sessions at Solrosen and one at Linden in
// February 2026, followed up over the API and through the page.
type evaluationPool struct {
	*webPool
	held []int64
}

func newEvaluationPool(t *testing.T) *evaluationPool {
	p := &evaluationPool{webPool: newWebPool(t, march)}
	setClock(p.env, "2026-02-01 08:00")
	p.held = []int64{
		p.book(p.sups[0], p.wpA, "2026-02-02 09:00", "2026-02-02 10:00"),
		p.book(p.sups[1], p.wpA, "2026-02-03 09:00", "2026-02-03 10:00"),
		p.book(p.sups[0], p.wpB, "2026-02-04 09:00", "2026-02-04 10:00"),
	}
	setClock(p.env, "2026-03-01 12:00")
	return p
}

// TestFollowupReasonsOverTheAPI: reasons and would-book-again are stored and
// shown with the booking, counted by the follow-ups report, and an unknown
// reason is 422 at the field reasons.
func TestFollowupReasonsOverTheAPI(t *testing.T) {
	p := newEvaluationPool(t)
	path := func(id int64) string { return fmt.Sprintf("/api/v1/bookings/%d/followup", id) }
	status, raw := p.do("POST", path(p.held[0]), p.admin_(), map[string]any{"persons_supervised": 4, "rating": 5,
		"reasons": []string{"substitutes", "telepathy"}, "would_book_again": true})
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), `"field":"reasons"`) {
		t.Fatalf("unknown reason: %d %s", status, raw)
	}
	var got struct {
		Followup struct {
			Reasons        []string `json:"reasons"`
			WouldBookAgain *bool    `json:"would_book_again"`
		} `json:"followup"`
	}
	p.must(200, "POST", path(p.held[0]), p.admin_(), map[string]any{"persons_supervised": 4, "rating": 5,
		"reasons": []string{"substitutes", "language_barrier"}, "would_book_again": true, "comment": "Bra för Åsa"}, &got)
	if !slices.Equal(got.Followup.Reasons, []string{"language_barrier", "substitutes"}) || got.Followup.WouldBookAgain == nil || !*got.Followup.WouldBookAgain {
		t.Fatalf("stored follow-up: %+v", got.Followup)
	}
	p.must(200, "POST", path(p.held[1]), p.admin_(), map[string]any{"persons_supervised": 2, "rating": 3,
		"reasons": []string{"substitutes"}, "would_book_again": false}, nil)
	var rep struct {
		Why []struct {
			Key   string `json:"key"`
			Label string `json:"label"`
			Count int    `json:"count"`
		} `json:"why"`
		WouldBookAgain struct{ Yes, No int } `json:"would_book_again"`
	}
	p.must(200, "GET", "/api/v1/reports/followups?from=2026-02-01&to=2026-02-28", p.admin_(), nil, &rep)
	counts := map[string]int{}
	for _, w := range rep.Why {
		counts[w.Key] = w.Count
	}
	if len(rep.Why) != len(booking.FollowupReasons) || counts["substitutes"] != 2 || counts["language_barrier"] != 1 || counts["parents"] != 0 {
		t.Errorf("why: %+v", rep.Why)
	}
	if rep.WouldBookAgain.Yes != 1 || rep.WouldBookAgain.No != 1 {
		t.Errorf("would book again: %+v", rep.WouldBookAgain)
	}
	// Reading the booking back keeps them.
	var bk struct {
		Followup struct {
			Reasons []string `json:"reasons"`
		} `json:"followup"`
	}
	p.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", p.held[1]), p.admin_(), nil, &bk)
	if !slices.Equal(bk.Followup.Reasons, []string{"substitutes"}) {
		t.Errorf("read back: %+v", bk.Followup)
	}
}

// TestEvaluationPages: the follow-up form takes reasons as checkboxes; the
// follow-ups page shows the counts, the response rate as a percentage and the
// comments with workplace, date and purpose; the evaluation (API, CSV and page)
// and the demand report (API, CSV and page) show names, not codes.
func TestEvaluationPages(t *testing.T) {
	p := newEvaluationPool(t)
	b := p.browser()
	b.login(p.admin)
	if _, body := b.get(fmt.Sprintf("/bookings/%d", p.held[0])); !strings.Contains(body, `type="checkbox" name="reasons" value="parents"`) ||
		!strings.Contains(body, "Kontakt med föräldrar") || !strings.Contains(body, "Skulle ni boka igen?") {
		t.Fatal("the follow-up form lacks the reasons or would-book-again")
	}
	form := url.Values{"persons_supervised": {"6"}, "rating": {"4"}, "reasons": {"parents", "meeting"}, "would_book_again": {"true"},
		"comment": {"Föräldramötet gick bra"}}
	if status, _, _ := b.post(fmt.Sprintf("/bookings/%d/followup", p.held[0]), form); status != http.StatusSeeOther {
		t.Fatalf("follow-up form: %d", status)
	}
	bk, err := p.svc.Booking(context.Background(), &booking.User{Role: booking.RoleAdmin}, p.held[0])
	if err != nil || bk.Followup == nil || !slices.Equal(bk.Followup.Reasons, []string{"parents", "meeting"}) || bk.Followup.WouldBookAgain == nil || !*bk.Followup.WouldBookAgain {
		t.Fatalf("the form's follow-up: %+v %v", bk.Followup, err)
	}
	form.Set("reasons", "telepathy")
	if status, body, _ := b.post(fmt.Sprintf("/bookings/%d/followup", p.held[1]), form); status != http.StatusUnprocessableEntity ||
		!hasFieldError(body, "reasons", "Välj bland orsakerna i listan.") {
		t.Fatalf("an unknown reason in the form: %d", status)
	}

	_, body := b.get("/reports/followups?from=2026-02-01&to=2026-02-28")
	for _, want := range []string{"Svarsfrekvens: 33 %.", "Skulle boka igen: 1 ja, 0 nej.", "Föräldramötet gick bra",
		"Förskolan", "mån 2 februari 2026", "Språkstöd i arbetet", "Kontakt med föräldrar", `<figure class="chart">`, `<img src="data:image/svg&#43;xml;base64,`} {
		if !strings.Contains(body, want) {
			t.Errorf("follow-ups page lacks %q", want)
		}
	}
	if strings.Contains(body, "0,3333") {
		t.Error("the follow-ups page shows a raw share")
	}

	var ev map[string]any
	p.must(200, "GET", "/api/v1/reports/evaluation?from=2026-02-01&to=2026-02-28", p.admin_(), nil, &ev)
	if ev["bookings"] != 3.0 || ev["workplaces_booked"] != 2.0 || ev["persons_supervised"] != 6.0 {
		t.Errorf("evaluation JSON: %v", ev)
	}
	resp, raw := p.get("/api/v1/reports/evaluation?from=2026-02-01&to=2026-02-28&format=csv", p.admin_(), "")
	csv := string(raw)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "utvardering_2026-02-01_2026-02-28.csv") ||
		!strings.Contains(csv, "Sammanfattning;Svarsfrekvens;33 %") || !strings.Contains(csv, "Varför de bokade;kontakt med föräldrar;1") ||
		strings.Contains(csv, "parents") {
		t.Errorf("evaluation CSV %d:\n%s", resp.StatusCode, csv)
	}
	for _, lang := range []struct{ path, want string }{
		{"/reports/evaluation?from=2026-02-01&to=2026-02-28", "Beläggning per månad"},
		{"/reports/demand?from=2026-02-01&to=2026-02-28&by=language", "Efterfrågan mot bokningar per språk"},
	} {
		status, body := b.get(lang.path)
		if status != 200 || !strings.Contains(body, lang.want) || !strings.Contains(body, `<img src="data:image/svg&#43;xml;base64,`) {
			t.Errorf("%s: %d, no chart %q", lang.path, status, lang.want)
		}
	}
	// The reports page writes hours as decimal hours, not 2:00.
	if _, body := b.get("/reports?from=2026-02-01&to=2026-02-28&by=supervisor"); strings.Contains(body, ":00</td>") ||
		!strings.Contains(body, `<td>2</td>`) || !strings.Contains(body, "<td>3</td>") {
		t.Error("the reports page does not write hours the Swedish way")
	}
	var demand map[string]json.RawMessage
	p.must(200, "GET", "/api/v1/reports/demand?from=2026-02-01&to=2026-02-28&by=area", p.admin_(), nil, &demand)
	if !strings.Contains(string(demand["total"]), `"booked":3`) || !strings.Contains(string(demand["rows"]), `"label":"barnomsorg"`) {
		t.Errorf("demand JSON: %s %s", demand["total"], demand["rows"])
	}
	if status, _ := p.do("GET", "/api/v1/reports/demand?from=2026-02-01&to=2026-02-28", p.user("chef.c@example.se", booking.RoleManager, []int64{p.wpA}, nil), nil); status != 403 {
		t.Errorf("a manager reads the demand report: %d", status)
	}
}
