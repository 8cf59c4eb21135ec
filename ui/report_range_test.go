package ui_test

import (
	"net/http"
	"testing"
	"time"
)

// Issue 12, finding 11: a report over 401 days was accepted. A range covers at
// most 400 days counting both ends: from+399 days is fine, from+400 is 422, on
// every report of the API and every report page (also across a clock change,
// where 400 days are not 400×24 hours).
func TestReportRangeAtMost400Days(t *testing.T) {
	p := newWebPool(t, march)
	b := p.browser()
	b.login(p.admin)
	for _, from := range []string{"2026-03-01", "2026-06-01"} { // to in summer time, and no change between
		first, _ := time.Parse(time.DateOnly, from)
		ok, over := first.AddDate(0, 0, 399).Format(time.DateOnly), first.AddDate(0, 0, 400).Format(time.DateOnly)
		for _, path := range []string{"/api/v1/reports/utilization", "/api/v1/reports/cancellations", "/api/v1/reports/followups",
			"/api/v1/reports/billing", "/api/v1/reports/demand", "/api/v1/reports/evaluation", "/api/v1/bookings"} {
			for to, want := range map[string]int{ok: 200, over: 422} {
				if status, raw := p.do("GET", path+"?from="+from+"&to="+to, p.admin_(), nil); status != want {
					t.Errorf("%s %s..%s: %d, want %d: %s", path, from, to, status, want, raw)
				}
			}
		}
		for _, path := range []string{"/reports", "/reports/cancellations", "/reports/followups", "/reports/billing", "/reports/demand", "/reports/evaluation"} {
			for to, want := range map[string]int{ok: http.StatusOK, over: http.StatusUnprocessableEntity} {
				if status, _ := b.get(path + "?from=" + from + "&to=" + to); status != want {
					t.Errorf("page %s %s..%s: %d, want %d", path, from, to, status, want)
				}
			}
		}
	}
}
