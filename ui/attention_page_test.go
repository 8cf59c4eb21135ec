package ui_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// confirmKey is the value of the confirm step's hidden field on a page.
func confirmKey(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="confirm" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page has no confirm step")
	}
	return html.UnescapeString(m[1])
}

// attentionCount is how many bookings the API says need attention in December.
func (p *webPool) attentionCount() int {
	p.t.Helper()
	var list []idJSON
	p.must(200, "GET", "/api/v1/bookings?from=2026-12-01&to=2026-12-31&attention=true", p.admin_(), nil, &list)
	return len(list)
}

// Issue 16, warn before: the absence form, the .ics import, an availability
// change and deactivating a supervisor each list the bookings they would
// leave and save nothing until confirmed; a form changed after the warning
// is checked again. Act after: the dashboard's "Behöver åtgärd" lists them,
// the booking page names the free supervisors and gives it to one.
func TestWarnBeforeActAfterPages(t *testing.T) {
	p := newWebPool(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	x := p.sups[0]
	base := fmt.Sprintf("/supervisors/%d", x)
	wed := p.book(x, p.wpA, "2026-12-09 09:00", "2026-12-09 10:00")
	thu := p.book(x, p.wpA, "2026-12-10 09:00", "2026-12-10 10:00")
	b := p.browser()
	b.login(p.admin)

	// The absence form: a confirm step naming the booking, nothing saved.
	b.get(base + "/absences")
	form := url.Values{"start_date": {"2026-12-09"}, "end_date": {"2026-12-09"}, "reason": {"sjuk"}}
	status, body, _ := b.post(base+"/absences", form)
	if status != 200 || !strings.Contains(body, `id="impact"`) || !strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, wed)) ||
		strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, thu)) || !strings.Contains(body, "Spara ändå") {
		t.Fatalf("absence over a booking: %d, want the confirm step naming booking %d only", status, wed)
	}
	if n := p.attentionCount(); n != 0 {
		t.Fatalf("the warning saved the absence: %d bookings need attention", n)
	}
	// Changed after the warning (now two days): asked again, for both.
	key := confirmKey(t, body)
	form.Set("end_date", "2026-12-10")
	form.Set("confirm", key)
	status, body, _ = b.post(base+"/absences", form)
	if status != 200 || !strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, thu)) {
		t.Fatalf("a changed absence was saved on the old confirmation: %d", status)
	}
	form.Set("confirm", confirmKey(t, body))
	if status, _, resp := b.post(base+"/absences", form); status != http.StatusSeeOther || resp.Header.Get("Location") != base+"/absences?done=added" {
		t.Fatalf("confirmed absence: %d", status)
	}
	if n := p.attentionCount(); n != 2 {
		t.Fatalf("after the confirmed absence %d bookings need attention, want 2", n)
	}

	// Availability: emptying Friday, which has a booking, asks first.
	fri := p.book(x, p.wpB, "2026-12-11 13:00", "2026-12-11 14:00")
	b.get(base + "/availability")
	week := url.Values{}
	for wd := 1; wd <= 4; wd++ {
		week.Set(fmt.Sprintf("d%d_0_start", wd), "08:00")
		week.Set(fmt.Sprintf("d%d_0_end", wd), "16:00")
	}
	status, body, _ = b.post(base+"/availability", week)
	if status != 200 || !strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, fri)) || !strings.Contains(body, `value="08:00"`) {
		t.Fatalf("emptying a booked Friday: %d, want the confirm step naming booking %d", status, fri)
	}
	week.Set("confirm", confirmKey(t, body))
	if status, _, _ := b.post(base+"/availability", week); status != http.StatusSeeOther {
		t.Fatalf("confirmed availability: %d", status)
	}
	if n := p.attentionCount(); n != 3 {
		t.Fatalf("after emptying Friday %d bookings need attention, want 3", n)
	}

	// The .ics import over a booking asks too, and the confirmation saves the same file.
	mon := p.book(x, p.wpA, "2026-12-14 09:00", "2026-12-14 10:00")
	b.get(base + "/absences")
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:ledig-14@example\r\nDTSTAMP:20261201T090000Z\r\n" +
		"DTSTART;VALUE=DATE:20261214\r\nDTEND;VALUE=DATE:20261215\r\nSUMMARY:Ledig\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	status, body = b.upload(base+"/absences/import", "ics", "ledig.ics", ics)
	if status != 200 || !strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, mon)) || !strings.Contains(body, `name="ics_text"`) {
		t.Fatalf("import over a booking: %d, want the confirm step naming booking %d", status, mon)
	}
	if n := p.attentionCount(); n != 3 {
		t.Fatalf("the import's warning saved it: %d need attention", n)
	}
	status, _, resp := b.post(base+"/absences/import", url.Values{"confirm": {confirmKey(t, body)}, "ics_text": {ics}})
	if status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "imported=1") {
		t.Fatalf("confirmed import: %d %s", status, resp.Header.Get("Location"))
	}

	// Deactivating the other supervisor, who has a booking, asks first.
	y := p.sups[1]
	other := p.book(y, p.wpB, "2026-12-15 09:00", "2026-12-15 10:00")
	b.get(fmt.Sprintf("/supervisors/%d", y))
	sv := url.Values{"name": {"Handledare 02"}, "languages": {"ar", "so"}, "areas": {"childcare", "elderly_care"}}
	status, body, _ = b.post(fmt.Sprintf("/supervisors/%d", y), sv)
	if status != 200 || !strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, other)) {
		t.Fatalf("deactivating a booked supervisor: %d, want the confirm step naming booking %d", status, other)
	}
	if n := p.attentionCount(); n != 4 {
		t.Fatalf("the warning deactivated the supervisor: %d need attention", n)
	}

	// Act after: the dashboard lists the four, the booking page offers the
	// other supervisor for Wednesday, and one button gives it to them.
	status, body = b.get("/")
	if status != 200 || !strings.Contains(body, "Behöver åtgärd (4)") {
		t.Fatalf("dashboard: %d, want Behöver åtgärd (4)", status)
	}
	for _, id := range []int64{wed, thu, fri, mon} {
		if !strings.Contains(body, fmt.Sprintf(`href="/bookings/%d"`, id)) {
			t.Errorf("the dashboard does not link booking %d", id)
		}
	}
	status, body = b.get(fmt.Sprintf("/bookings/%d", wed))
	give := fmt.Sprintf(`name="supervisor_id" value="%d"`, y)
	if status != 200 || !strings.Contains(body, "Handledaren är frånvarande den tiden.") || !strings.Contains(body, give) ||
		!strings.Contains(body, "Ge till Handledare 02") {
		t.Fatalf("booking page: %d, want the absence and a button for supervisor %d", status, y)
	}
	status, _, resp = b.post(fmt.Sprintf("/bookings/%d/reassign", wed), url.Values{"supervisor_id": {fmt.Sprint(y)}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/bookings/%d?done=reassigned", wed) {
		t.Fatalf("reassign: %d %s", status, resp.Header.Get("Location"))
	}
	var got struct {
		SupervisorID int64 `json:"supervisor_id"`
	}
	p.must(200, "GET", fmt.Sprintf("/api/v1/bookings/%d", wed), p.admin_(), nil, &got)
	if got.SupervisorID != y || p.attentionCount() != 3 {
		t.Errorf("after reassigning: supervisor %d, %d need attention", got.SupervisorID, p.attentionCount())
	}
	// The timeline, the supervisor's own week and the manager's booking page
	// show a booking that needs attention as such.
	if _, body := b.get("/timeline?date=2026-12-10"); !strings.Contains(body, "badge attention") {
		t.Error("the timeline shows a booking needing attention as plain booked")
	}
	m := p.browser()
	m.login(p.mgrA)
	if _, body := m.get(fmt.Sprintf("/bookings/%d", thu)); !strings.Contains(body, "Samordnaren har fått besked") ||
		strings.Contains(body, "/reassign") || !strings.Contains(body, "badge attention") {
		t.Error("the manager's booking page does not say the booking needs attention, or offers to reassign it")
	}
	s := p.browser()
	s.login(p.supUser)
	if _, body := s.get("/week?date=2026-12-10"); !strings.Contains(body, "badge attention") {
		t.Error("the supervisor's week shows a booking needing attention as plain booked")
	}
}
