package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// metrics are this instance's Prometheus figures: requests and their latencies
// by route, and bookings created, counted in the process; the pool's bookings,
// outbox backlog and job runs, read from the database at each scrape (the same
// on every instance). Each Server has its own registry: no global state.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	created  prometheus.Counter
	handler  http.Handler
}

func newMetrics(box *outbox.Service) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sprakpool_http_requests_total",
		Help: "HTTP requests answered, by method, route and status."}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sprakpool_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route.",
		Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5}}, []string{"method", "route"})
	m.created = prometheus.NewCounter(prometheus.CounterOpts{Name: "sprakpool_bookings_created_total",
		Help: "Bookings created through this instance (API and web form)."})
	m.reg.MustRegister(m.requests, m.latency, m.created, statsCollector{box},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// observe is the middleware that counts every request by its route pattern
// (never the raw path: tokens in feed URLs stay out of the figures).
func (m *metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route, method, status := c.Path(), c.Request().Method, c.Response().Status
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
		if method == http.MethodPost && ((route == "/api/v1/bookings" && status == http.StatusCreated) ||
			(route == "/book" && status == http.StatusSeeOther && strings.Contains(c.Response().Header().Get("Location"), "done=booked"))) {
			m.created.Inc()
		}
		return nil
	}
}

// serveMetrics answers /metrics in Prometheus's text format.
func (s *server) serveMetrics(c echo.Context) error {
	s.metrics.handler.ServeHTTP(c.Response(), c.Request())
	return nil
}

var (
	bookingsDesc = prometheus.NewDesc("sprakpool_bookings", "Bookings in the pool, by status.", []string{"status"}, nil)
	outboxDesc   = prometheus.NewDesc("sprakpool_outbox_messages", "Mail in the outbox, by status (pending and sending are the backlog).", []string{"status"}, nil)
	jobRunsDesc  = prometheus.NewDesc("sprakpool_job_runs", "Periods a scheduled job has run for in the cluster, by job.", []string{"job"}, nil)
	upDesc       = prometheus.NewDesc("sprakpool_database_up", "1 when the database answered the scrape's queries.", nil, nil)
)

// statsCollector reads the pool's counts at scrape time.
type statsCollector struct{ box *outbox.Service }

func (statsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- bookingsDesc
	ch <- outboxDesc
	ch <- jobRunsDesc
	ch <- upDesc
}

func (sc statsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := sc.box.Stats(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	for _, status := range []string{booking.StatusConfirmed, booking.StatusCancelled} {
		ch <- prometheus.MustNewConstMetric(bookingsDesc, prometheus.GaugeValue, float64(st.Bookings[status]), status)
	}
	for _, status := range []string{"pending", "sending", "sent", "failed", "skipped"} {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(st.Outbox[status]), status)
	}
	for job, n := range st.JobRuns {
		ch <- prometheus.MustNewConstMetric(jobRunsDesc, prometheus.CounterValue, float64(n), job)
	}
}
