package ui_test

import (
	"bytes"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// /metrics is Prometheus text that Prometheus's own parser reads: requests by
// route and status, latencies, bookings created, and the pool's counts from the
// database. Only a coordinator's token may read it.
func TestMetrics(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, _ := e.pool(1)
	mgr := e.user("chef@example.se", "manager", []int64{wpA}, nil)
	e.must(201, "POST", "/api/v1/bookings", mgr, bookingBody(sups[0], wpA, "2026-03-30T09:00:00+02:00", "2026-03-30T11:00:00+02:00"), nil)
	e.must(409, "POST", "/api/v1/bookings", mgr, bookingBody(sups[0], wpA, "2026-03-30T10:00:00+02:00", "2026-03-30T11:00:00+02:00"), nil)
	if status, _ := e.do("GET", "/metrics", "", nil); status != 401 {
		t.Fatalf("without a token: %d, want 401", status)
	}
	if status, _ := e.do("GET", "/metrics", mgr, nil); status != 403 {
		t.Fatalf("manager: %d, want 403", status)
	}
	status, raw := e.do("GET", "/metrics", e.admin, nil)
	if status != 200 {
		t.Fatalf("admin: %d: %s", status, raw)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not Prometheus text: %v\n%s", err, raw)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f, ok := families[name]
		if !ok {
			t.Fatalf("no %s in:\n%s", name, raw)
		}
	next:
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("no %s%v in:\n%s", name, labels, raw)
		return 0
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"sprakpool_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/bookings", "status": "201"}, 1},
		{"sprakpool_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/bookings", "status": "409"}, 1},
		{"sprakpool_http_requests_total", map[string]string{"method": "GET", "route": "/metrics", "status": "403"}, 1},
		{"sprakpool_http_request_duration_seconds", map[string]string{"method": "POST", "route": "/api/v1/bookings"}, 2},
		{"sprakpool_bookings_created_total", nil, 1},
		{"sprakpool_bookings", map[string]string{"status": "confirmed"}, 1},
		{"sprakpool_bookings", map[string]string{"status": "cancelled"}, 0},
		{"sprakpool_database_up", nil, 1},
	}
	for _, c := range checks {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if _, ok := families["sprakpool_outbox_messages"]; !ok {
		t.Errorf("no outbox backlog in:\n%s", raw)
	}
}
