package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The coordinator keeps a supervisor's availability and absences on that
// supervisor's pages: what they save is what the API then shows, the forms post
// back to the same supervisor, and the supervisor's own pages show the change.
func TestCoordinatorEditsSupervisorAvailabilityAndAbsences(t *testing.T) {
	p := newWebPool(t, march)
	x := p.sups[0]
	base := fmt.Sprintf("/supervisors/%d", x)
	b := p.browser()
	b.login(p.admin)

	status, body := b.get(base)
	if status != 200 || !strings.Contains(body, `href="`+base+`/availability"`) || !strings.Contains(body, `href="`+base+`/absences"`) {
		t.Fatalf("the supervisor page lacks the links: %d", status)
	}

	status, body = b.get(base + "/availability")
	if status != 200 || !strings.Contains(body, `action="`+base+`/availability"`) || !strings.Contains(body, "Handledare 01") {
		t.Fatalf("availability page: %d", status)
	}
	form := url.Values{"d2_0_start": {"08:30"}, "d2_0_end": {"12:00"}, "d4_0_start": {"13:00"}, "d4_0_end": {"16:15"}}
	status, _, resp := b.post(base+"/availability", form)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != base+"/availability?done=1" {
		t.Fatalf("save availability: %d %s", status, resp.Header.Get("Location"))
	}
	var windows []struct {
		Weekday    int
		Start, End string
	}
	p.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d/availability", x), p.admin_(), nil, &windows)
	got := fmt.Sprint(windows)
	if got != "[{2 08:30 12:00} {4 13:00 16:15}]" {
		t.Errorf("availability after the coordinator saved: %s", got)
	}
	// A reversed window is an error on its field, and nothing is saved.
	b.get(base + "/availability")
	status, body, _ = b.post(base+"/availability", url.Values{"d1_0_start": {"12:00"}, "d1_0_end": {"09:00"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `action="`+base+`/availability"`) {
		t.Errorf("reversed window: %d", status)
	}
	p.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d/availability", x), p.admin_(), nil, &windows)
	if fmt.Sprint(windows) != got {
		t.Errorf("a refused form changed the availability: %v", windows)
	}

	b.get(base + "/absences")
	status, _, resp = b.post(base+"/absences", url.Values{"start_date": {"2026-03-10"}, "end_date": {"2026-03-11"}, "reason": {"Kurs i Umeå"}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != base+"/absences?done=added" {
		t.Fatalf("add absence: %d %s", status, resp.Header.Get("Location"))
	}
	// Every save says it was saved (issue 16).
	if _, body := b.get(resp.Header.Get("Location")); !strings.Contains(body, "Frånvaron är sparad.") {
		t.Error("no notice that the absence was saved")
	}
	var absences []struct {
		ID     int64
		Reason string
	}
	p.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d/absences?from=2026-03-01&to=2026-03-31", x), p.admin_(), nil, &absences)
	if len(absences) != 1 || absences[0].Reason != "Kurs i Umeå" {
		t.Fatalf("absences after the coordinator added one: %+v", absences)
	}
	status, body = b.get(base + "/absences")
	del := fmt.Sprintf(`action="%s/absences/%d/delete"`, base, absences[0].ID)
	if status != 200 || !strings.Contains(body, "Kurs i Umeå") || !strings.Contains(body, del) {
		t.Fatalf("absences page: %d", status)
	}

	// The supervisor sees the coordinator's changes on their own pages.
	s := p.browser()
	s.login(p.supUser)
	if _, body := s.get("/absences"); !strings.Contains(body, "Kurs i Umeå") || !strings.Contains(body, `action="/absences"`) {
		t.Error("the supervisor's own absences page lacks the coordinator's absence")
	}
	if _, body := s.get("/availability"); !strings.Contains(body, `value="08:30"`) {
		t.Error("the supervisor's own availability page lacks the coordinator's window")
	}

	status, _, resp = b.post(fmt.Sprintf("%s/absences/%d/delete", base, absences[0].ID), url.Values{})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != base+"/absences?done=deleted" {
		t.Fatalf("delete absence: %d", status)
	}
	if _, body := b.get(resp.Header.Get("Location")); !strings.Contains(body, "Frånvaron är borttagen.") {
		t.Error("no notice that the absence was removed")
	}
	p.must(200, "GET", fmt.Sprintf("/api/v1/supervisors/%d/absences?from=2026-03-01&to=2026-03-31", x), p.admin_(), nil, &absences)
	if len(absences) != 0 {
		t.Errorf("absences after the coordinator deleted it: %+v", absences)
	}

	// An unknown supervisor is 404, not someone else's page.
	if status, _ := b.get("/supervisors/999999/availability"); status != http.StatusNotFound {
		t.Errorf("unknown supervisor's availability: %d", status)
	}
}
