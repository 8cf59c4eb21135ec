package web

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// evaluationPage is the evaluation a project's final report needs, with its
// charts (each with its table) and the workplaces' own words.
type evaluationPage struct {
	Form   *form
	Ev     *report.Evaluation
	Charts []chart
	CSV    string
}

// evaluationKind is the report with a page of its own at /reports/evaluation.
const evaluationKind = "evaluation"

// evaluationPageHandler shows the evaluation for the chosen dates (this
// year so far by default).
func (s *Server) evaluationPageHandler(c echo.Context) error {
	l := s.lang(c)
	now := s.svc.Now().In(s.loc)
	f := newForm()
	f.Values["from"] = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, s.loc).Format(time.DateOnly)
	f.Values["to"] = now.Format(time.DateOnly)
	for _, n := range []string{"from", "to"} {
		if v := c.QueryParam(n); v != "" {
			f.Values[n] = v
		}
	}
	p := &evaluationPage{Form: f}
	title := l.T("reports.evaluation")
	ev, err := s.reports.Evaluation(c.Request().Context(), httpx.Actor(c), f.V("from"), f.V("to"))
	if failFrom(f, l, err, nil) {
		return s.render(c, http.StatusUnprocessableEntity, "evaluation", title, p)
	}
	if err != nil {
		return err
	}
	p.Ev, p.Charts = ev, evaluationCharts(l, ev)
	p.CSV = "/api/v1/reports/evaluation?" + url.Values{"from": {f.V("from")}, "to": {f.V("to")}, "format": {"csv"}}.Encode()
	return s.render(c, http.StatusOK, "evaluation", title, p)
}

// countChart draws counts of codes of a vocabulary, named in l's language.
func countChart(l Lang, title, keyHead, voc string, rows []report.ReasonCount) chart {
	labels := make([]string, len(rows))
	values := make([]float64, len(rows))
	for i, r := range rows {
		labels[i], values[i] = vocab.Capitalize(vocab.Label(voc, r.Key, l.Code)), float64(r.Count)
	}
	return barChart(title, keyHead, labels, []chartSeries{{Name: l.T("chart.count"), Values: values}}, count, true)
}

// utilizationChart draws utilization by month (or whatever rows it is given).
func utilizationChart(l Lang, rows []report.UtilizationRow) chart {
	labels := make([]string, len(rows))
	values := make([]float64, len(rows))
	for i, r := range rows {
		labels[i] = r.Label
		if m, err := time.Parse("2006-01", r.Key); err == nil {
			labels[i] = fmt.Sprintf("%s %d", vocab.MonthName(m.Month(), l.Code), m.Year())
		}
		if r.Utilization != nil {
			values[i] = *r.Utilization
		}
	}
	return barChart(l.T("chart.utilization"), l.T("reports.by.month"), labels,
		[]chartSeries{{Name: l.T("reports.utilization"), Values: values}}, percent, true)
}

// demandChart sets what was booked against what the pool could not give, by language.
func demandChart(l Lang, rows []report.DemandRow) chart {
	var labels []string
	var booked, unmet []float64
	for _, r := range rows {
		name := r.Label
		if lang, ok := vocab.LanguageByCode(r.Key); ok && l.Code == "en" {
			name = lang.NameEN
		}
		labels = append(labels, vocab.Capitalize(name))
		booked = append(booked, float64(r.Booked))
		unmet = append(unmet, float64(r.Unmet()))
	}
	return barChart(l.T("chart.demand"), l.T("reports.by.language"), labels,
		[]chartSeries{{Name: l.T("chart.booked"), Values: booked}, {Name: l.T("chart.unmet"), Values: unmet}}, count, true)
}

// cancellationChart counts cancellations by reason.
func cancellationChart(l Lang, rows []report.CancellationRow) chart {
	counts := make([]report.ReasonCount, len(rows))
	for i, r := range rows {
		counts[i] = report.ReasonCount{Key: r.Key, Count: r.Cancelled}
	}
	return countChart(l, l.T("chart.cancellations"), l.T("chart.reason"), vocab.VocabReason, counts)
}

func evaluationCharts(l Lang, ev *report.Evaluation) []chart {
	demand := ev.UnmetByLanguage
	if len(demand) > 12 {
		demand = demand[:12] // the languages lacked most; the CSV has them all
	}
	return []chart{
		utilizationChart(l, ev.Utilization),
		countChart(l, l.T("chart.purpose"), l.T("reports.by.purpose"), vocab.VocabPurpose, ev.ByPurpose),
		countChart(l, l.T("chart.area"), l.T("reports.by.area"), vocab.VocabArea, ev.ByArea),
		countChart(l, l.T("chart.why"), l.T("chart.reason"), vocab.VocabWhy, ev.Why),
		demandChart(l, demand),
		cancellationChart(l, ev.CancelledByReason),
	}
}

// dashboardCharts are the coordinator's overview in pictures, over the half
// year up to this month (first is its first day): utilization by month, and
// demand against bookings by language (left out while there is none).
func (s *Server) dashboardCharts(c echo.Context, first time.Time) ([]chart, error) {
	ctx, u, l := c.Request().Context(), httpx.Actor(c), s.lang(c)
	last := first.AddDate(0, 1, -1).Format(time.DateOnly)
	util, err := s.reports.Utilization(ctx, u, first.AddDate(0, -5, 0).Format(time.DateOnly), last, "month")
	if err != nil {
		return nil, err
	}
	demand, err := s.reports.Demand(ctx, u, first.AddDate(0, -5, 0).Format(time.DateOnly), last, "language")
	if err != nil {
		return nil, err
	}
	out := []chart{utilizationChart(l, util.Rows)}
	if len(demand.Rows) > 0 {
		out = append(out, demandChart(l, demand.Rows))
	}
	return out, nil
}
