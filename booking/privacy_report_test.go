package booking_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/report"
)

// The statistics survive the erasure: every utilization report, by every key,
// has the same figures per row and in total; only X's label changes. So do the
// cancellation and follow-up counts.
func TestEraseSupervisorKeepsStatistics(t *testing.T) {
	s, admin, x, from, to := booking.ErasablePrivacyPool(t)
	ctx, rs := context.Background(), report.New(s)
	reports := func() map[string]*report.Utilization {
		out := map[string]*report.Utilization{}
		for _, by := range report.UtilizationKeys {
			rep, err := rs.Utilization(ctx, admin, from, to, by)
			if err != nil {
				t.Fatal(err)
			}
			out[by] = rep
		}
		return out
	}
	cancellations := func() string {
		rep, err := rs.Cancellations(ctx, admin, from, to)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(rep)
		return strings.ReplaceAll(string(raw), "Amina Yusuf", booking.ErasedSupervisorName(x.ID))
	}
	before, cancelledBefore := reports(), cancellations()
	if tot := before["supervisor"].Total; tot.Bookings != 3 || tot.Cancelled != 3 || tot.PersonsSupervised != 12 || tot.AvailableMinutes == 0 {
		t.Fatalf("the pool's figures are not what the test built: %+v", tot)
	}
	if _, err := s.EraseSupervisor(ctx, admin, x.ID); err != nil {
		t.Fatal(err)
	}
	after := reports()
	xKey := fmt.Sprint(x.ID)
	for _, by := range report.UtilizationKeys {
		b, a := before[by], after[by]
		if !reflect.DeepEqual(b.Total, a.Total) {
			t.Errorf("by %s: total %+v before, %+v after", by, b.Total, a.Total)
		}
		rows := func(u *report.Utilization) map[string]report.UtilizationFigures {
			m := map[string]report.UtilizationFigures{}
			for _, r := range u.Rows {
				m[r.Key] = r.UtilizationFigures
			}
			return m
		}
		if !reflect.DeepEqual(rows(b), rows(a)) {
			t.Errorf("by %s: rows %+v before, %+v after", by, b.Rows, a.Rows)
		}
		for _, r := range a.Rows {
			if by == "supervisor" && r.Key == xKey && r.Label != booking.ErasedSupervisorName(x.ID) {
				t.Errorf("X's row is labelled %q", r.Label)
			}
		}
	}
	if got := cancellations(); got != cancelledBefore {
		t.Errorf("cancellation report changed:\n%s\n%s", cancelledBefore, got)
	}
}
