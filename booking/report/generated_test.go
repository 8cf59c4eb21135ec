package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/booking/internal/generated"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
	"github.com/sprakpool/sprakpool/booking/report"
)

// TestReportsOfGeneratedPool: the report of a month of a generated pool (the
// small pool of booking's TestGenerateSmall) against the same figures computed
// the slow way, booking by booking.
func TestReportsOfGeneratedPool(t *testing.T) {
	now := pooltest.Local(t, "2026-07-01 12:00")
	s := pooltest.NewService(t, now)
	ctx, rs := context.Background(), report.New(s)
	spec := demo.GenerateSpec{Supervisors: 6, Workplaces: 4, Bookings: 1500, Years: 1, Seed: 7, First: "2026-01-05"}
	if err := demo.Generate(ctx, s, spec); err != nil {
		t.Fatal(err)
	}
	admin := &booking.User{Role: booking.RoleAdmin}
	all, err := s.ListBookings(ctx, admin, booking.BookingFilter{From: "2026-01-01", To: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	// The report of March against the same figures summed booking by booking.
	from, to := "2026-03-01", "2026-03-31"
	start, end, _ := s.ParseRange(from, to)
	var want report.UtilizationFigures
	var bill report.BillingFigures
	for _, b := range all {
		if b.Start.Before(start) || !b.Start.Before(end) {
			continue
		}
		minutes := int(b.End.Sub(b.Start) / time.Minute)
		switch {
		case b.Status == booking.StatusConfirmed:
			want.Bookings++
			want.BookedMinutes += minutes
			if b.Held(now) {
				bill.HeldMinutes += minutes
			}
		case s.IsLateCancel(&b, *b.CancelledAt):
			want.Cancelled++
			want.LateCancelled++
			bill.LateMinutes += minutes
		default:
			want.Cancelled++
		}
		if b.Followup != nil {
			want.Followups++
			want.PersonsSupervised += b.Followup.PersonsSupervised
		}
	}
	if want.Bookings == 0 || want.LateCancelled == 0 || want.Followups == 0 {
		t.Fatalf("the generated month is too thin to test: %+v", want)
	}
	for _, by := range report.UtilizationKeys {
		rep, err := rs.Utilization(ctx, admin, from, to, by)
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Total
		got.AvailableMinutes, got.Utilization = 0, nil
		sameFigures(t, by+" total", got, want)
		var sum report.UtilizationFigures
		for _, row := range rep.Rows {
			sum.AvailableMinutes += row.AvailableMinutes
			sum.BookedMinutes += row.BookedMinutes
			sum.Bookings += row.Bookings
			sum.Cancelled += row.Cancelled
		}
		if sum.BookedMinutes != want.BookedMinutes || sum.Bookings != want.Bookings || sum.Cancelled != want.Cancelled {
			t.Errorf("%s: rows sum to %+v, total %+v", by, sum, want)
		}
		if (by == "supervisor" || by == "week" || by == "month") && sum.AvailableMinutes != rep.Total.AvailableMinutes {
			t.Errorf("%s: rows' available minutes %d, total %d", by, sum.AvailableMinutes, rep.Total.AvailableMinutes)
		}
	}
	b, err := rs.Billing(ctx, admin, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if b.Total.HeldMinutes != bill.HeldMinutes || b.Total.LateMinutes != bill.LateMinutes {
		t.Errorf("billing %+v, want held %d late %d", b.Total, bill.HeldMinutes, bill.LateMinutes)
	}
}

// BenchmarkReportMonth1M runs each report for one month (March 2024, with its
// DST change) over a generated pool of 1,000 supervisors, 300 workplaces and
// 1,000,000 bookings in five years. Acceptance: under one second per report.
func BenchmarkReportMonth1M(b *testing.B) {
	now := pooltest.Local(b, "2027-01-03 12:00")
	s := generated.Pool(b, generated.Million, now)
	ctx, admin, rs := context.Background(), &booking.User{Role: booking.RoleAdmin}, report.New(s)
	from, to := "2024-03-01", "2024-03-31"
	for _, by := range []string{"supervisor", "week", "workplace", "language"} {
		b.Run("utilization/"+by, func(b *testing.B) {
			for b.Loop() {
				rep, err := rs.Utilization(ctx, admin, from, to, by)
				if err != nil || rep.Total.Bookings == 0 {
					b.Fatal(rep, err)
				}
			}
		})
	}
	b.Run("cancellations", func(b *testing.B) {
		for b.Loop() {
			if _, err := rs.Cancellations(ctx, admin, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("followups", func(b *testing.B) {
		for b.Loop() {
			if _, err := rs.Followups(ctx, admin, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("billing", func(b *testing.B) {
		for b.Loop() {
			if _, err := rs.Billing(ctx, admin, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("utilization-year/month", func(b *testing.B) {
		for b.Loop() {
			if _, err := rs.Utilization(ctx, admin, "2024-01-01", "2024-12-31", "month"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// sameFigures fails the test unless got and want have the same JSON.
func sameFigures(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if !bytes.Equal(g, w) {
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

// BenchmarkEvaluationYear1M is the evaluation of a whole year (2024) over the
// million-booking pool. Acceptance: under one second.
func BenchmarkEvaluationYear1M(b *testing.B) {
	now := pooltest.Local(b, "2027-01-03 12:00")
	s := generated.Pool(b, generated.Million, now)
	ctx, admin, rs := context.Background(), &booking.User{Role: booking.RoleAdmin}, report.New(s)
	for b.Loop() {
		ev, err := rs.Evaluation(ctx, admin, "2024-01-01", "2024-12-31")
		if err != nil || ev.Bookings == 0 || ev.Why[0].Count == 0 {
			b.Fatal(ev, err)
		}
	}
}
