package ui

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
)

// reportPage is the utilization report as a table, with the CSV of the API.
type reportPage struct {
	Form   *form
	Report *booking.Utilization
	Keys   []string
	CSV    string
}

// reportsPage shows the utilization report for the chosen dates (this month by default).
func (s *Server) reportsPage(c echo.Context) error {
	l := s.lang(c)
	now := s.svc.Now().In(s.loc)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc)
	f := newForm()
	f.Values["from"], f.Values["to"], f.Values["by"] = first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly), "supervisor"
	for _, n := range []string{"from", "to", "by"} {
		if v := c.QueryParam(n); v != "" {
			f.Values[n] = v
		}
	}
	p := &reportPage{Form: f, Keys: booking.UtilizationKeys}
	rep, err := s.svc.UtilizationReport(c.Request().Context(), actor(c), f.V("from"), f.V("to"), f.V("by"))
	if failFrom(f, l, err, nil) {
		return s.render(c, http.StatusUnprocessableEntity, "reports", l.T("reports.title"), p)
	}
	if err != nil {
		return err
	}
	p.Report = rep
	p.CSV = "/api/v1/reports/utilization?" + url.Values{"from": {f.V("from")}, "to": {f.V("to")}, "by": {f.V("by")}, "format": {"csv"}}.Encode()
	return s.render(c, http.StatusOK, "reports", l.T("reports.title"), p)
}
