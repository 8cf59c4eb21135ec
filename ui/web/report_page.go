package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// reportPage is the utilization report as a table, with the CSV of the API,
// and links to the pages of the other reports (Tables).
type reportPage struct {
	Form *form
	// Charts: utilization by month over the chosen dates.
	Charts []chart
	Report *report.Utilization
	Keys   []string
	Tables []string
	CSV    string
}

// utilizationKind is the report with the page of its own, /reports, where its
// keys are chosen; every other report is a table at /reports/NAME.
const utilizationKind = "utilization"

// tableReports are the names of the reports shown as tables.
func tableReports() []string {
	var out []string
	for _, name := range report.Names() {
		if name != utilizationKind && name != evaluationKind {
			out = append(out, name)
		}
	}
	return out
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
	p := &reportPage{Form: f, Keys: report.UtilizationKeys, Tables: tableReports()}
	rep, err := s.reports.Utilization(c.Request().Context(), httpx.Actor(c), f.V("from"), f.V("to"), f.V("by"))
	if failFrom(f, l, err, nil) {
		return s.render(c, http.StatusUnprocessableEntity, "reports", l.T("reports.title"), p)
	}
	if err != nil {
		return err
	}
	p.Report = rep
	byMonth := rep
	if f.V("by") != "month" {
		if byMonth, err = s.reports.Utilization(c.Request().Context(), httpx.Actor(c), f.V("from"), f.V("to"), "month"); err != nil {
			return err
		}
	}
	p.Charts = []chart{utilizationChart(l, byMonth.Rows)}
	p.CSV = "/api/v1/reports/utilization?" + url.Values{"from": {f.V("from")}, "to": {f.V("to")}, "by": {f.V("by")}, "format": {"csv"}}.Encode()
	return s.render(c, http.StatusOK, "reports", l.T("reports.title"), p)
}

// tablePage is a report as a table: the header, the rows and the total row,
// the same cells as its CSV file.
type tablePage struct {
	Kind string
	Form *form
	// Keys are what the report can be broken down by (the demand report's).
	Keys []string
	// Followups is the follow-up report, whose page also shows why the
	// workplaces booked and what they wrote.
	Followups *report.Followups
	Charts    []chart
	Head      []string
	Rows      [][]string
	Total     []string
	CSV       string
	Empty     bool
}

// tableReportPage shows the cancellation, follow-up or billing report for the
// chosen dates (this month by default), with a link to its CSV file.
func (s *Server) tableReportPage(c echo.Context) error {
	kind := c.Param("kind")
	k, ok := report.Find(kind)
	if !ok || kind == utilizationKind || kind == evaluationKind {
		return httpx.NotFound()
	}
	l := s.lang(c)
	now := s.svc.Now().In(s.loc)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.loc)
	f := newForm()
	f.Values["from"], f.Values["to"] = first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)
	if len(k.Keys) > 0 {
		f.Values["by"] = k.Keys[0]
	}
	for _, n := range []string{"from", "to", "by"} {
		if v := c.QueryParam(n); v != "" {
			f.Values[n] = v
		}
	}
	p := &tablePage{Kind: kind, Form: f, Keys: k.Keys}
	title := l.T("reports." + kind)
	rep, err := s.reports.Report(c.Request().Context(), httpx.Actor(c), kind, f.V("from"), f.V("to"), f.V("by"))
	if failFrom(f, l, err, nil) {
		return s.render(c, http.StatusUnprocessableEntity, "report_table", title, p)
	}
	if err != nil {
		return err
	}
	t := rep.Table(l.Code)
	for i, row := range t {
		switch {
		case i == 0:
			p.Head = row
		case i == len(t)-1:
			p.Total = row
		default:
			p.Rows = append(p.Rows, row)
		}
	}
	pickColumns(p, pageColumns[kind])
	q := url.Values{"from": {f.V("from")}, "to": {f.V("to")}, "format": {"csv"}}
	if len(k.Keys) > 0 {
		q.Set("by", f.V("by"))
	}
	p.CSV = "/api/v1/reports/" + kind + "?" + q.Encode()
	switch rep := rep.(type) {
	case *report.Followups:
		p.Followups = rep
		p.Charts = []chart{countChart(l, l.T("chart.why"), l.T("chart.reason"), vocab.VocabWhy, rep.Why)}
	case *report.Demand:
		if rep.By == "language" {
			p.Charts = []chart{demandChart(l, rep.Rows)}
		}
	}
	return s.render(c, http.StatusOK, "report_table", title, p)
}

// pageColumns are, per report, the columns of its table (report.Table) that
// its page shows, in order, when not all: the billing page leaves out the id
// and the dates (the form above names them) and shows the amount right after
// the workplace, so that it is on screen at 1280 px while the rest scrolls in
// its box. The CSV keeps every column.
var pageColumns = map[string][]int{"billing": {0, 12, 1, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14}}

func pickColumns(p *tablePage, cols []int) {
	if cols == nil || len(p.Head) <= cols[len(cols)-1] {
		return
	}
	pick := func(row []string) []string {
		if row == nil {
			return nil
		}
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = row[c]
		}
		return out
	}
	total := p.Total
	p.Head, p.Total = pick(p.Head), pick(p.Total)
	if total != nil {
		p.Total[0] = total[0] // "Totalt" names the row whatever column comes first
	}
	for i := range p.Rows {
		p.Rows[i] = pick(p.Rows[i])
	}
}
