package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/request"
)

// demandFixture: Amina speaks Arabic (weekdays 08–18), Bashir Somali; A is
// childcare, B elderly care. Range 22 March – 4 April 2027; summer time
// starts on Sunday 28 March. What happens, clock by clock:
//
//	22 Mar 00:30  r3 so A made (UTC: 21 March, still counts on the 22nd)
//	22 Mar 10:07  r1 ar A, r2 ar B, r4 ar A (window ends 27 Mar 12:00) made
//	22 Mar 13:07  r1 filled: Amina 24 Mar 09–10 (3 h to fill)
//	23 Mar 10:07  r2 filled: Amina 25 Mar 09–10 (24 h); r3 declined;
//	              u1 ar A 24 Mar 09:00 without supervisor: no one free;
//	              Amina booked A 30 Mar 09–10 and B 1 Apr 09–10 (cancelled);
//	              u2 wo B 31 Mar and u3 wo B 5 Apr: nobody speaks Wolof
//	29 Mar 00:30  r5 so B made, then withdrawn
//	5 Apr 00:30   r6 ar A made (UTC: 4 April, counts on the 5th: outside)
//	5 Apr 01:00   the clock; r4 has expired without the expiry job
//
// By language: ar booked 3 (24, 25, 30 Mar), requested 3 (filled 2, expired 1),
// unmet 1, median (3+24)/2 = 13,5 h; so requested 2 (declined 1, withdrawn 1);
// wo unmet 1. By workplace: A booked 2, requested 3 (filled, declined,
// expired), unmet 1, median 3; B booked 1, requested 2 (filled, withdrawn),
// unmet 1, median 24. By month: March has it all, April nothing.
type demandFixture struct {
	*pooltest.Fixture
	rs *report.Service
}

func newDemandFixture(t *testing.T) *demandFixture {
	t.Helper()
	f := pooltest.New(t, pooltest.Local(t, "2027-03-22 00:30"))
	p := &demandFixture{Fixture: f, rs: report.New(f.S)}
	var weekdays []booking.Window
	for wd := 1; wd <= 5; wd++ {
		weekdays = append(weekdays, booking.Window{Weekday: wd, Start: 8 * 60, End: 18 * 60})
	}
	amina := f.Supervisor("Amina", []string{"ar"}, weekdays...)
	f.Supervisor("Bashir", []string{"so"}, weekdays...)
	rq := request.New(f.S)
	clock := func(local string) {
		now := pooltest.Local(t, local)
		f.S.Now = func() time.Time { return now }
	}
	ask := func(wp *booking.Workplace, lang, earliest, latest string) *request.Request {
		t.Helper()
		r, err := rq.Create(f.Ctx, f.Admin, request.Input{WorkplaceID: wp.ID, Language: lang, Purpose: "workplace_support",
			DurationMinutes: 60, Earliest: f.At(earliest), Latest: f.At(latest)})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	fill := func(r *request.Request, start, end string) {
		t.Helper()
		if _, err := rq.Fill(f.Ctx, f.Admin, r.ID, request.FillInput{SupervisorID: amina.ID, Start: f.At(start), End: f.At(end)}); err != nil {
			t.Fatal(err)
		}
	}
	unmet := func(wp *booking.Workplace, lang, start, end string) {
		t.Helper()
		_, err := f.S.CreateBooking(f.Ctx, f.Admin, booking.BookingInput{WorkplaceID: wp.ID, Language: lang,
			Purpose: "workplace_support", Start: f.At(start), End: f.At(end)})
		var be *booking.Error
		if !errors.As(err, &be) || be.Code != booking.CodeConflict {
			t.Fatalf("want no free supervisor, got %v", err)
		}
	}
	r3 := ask(f.WpA, "so", "2027-03-23 08:00", "2027-03-26 18:00")
	clock("2027-03-22 10:07")
	r1 := ask(f.WpA, "ar", "2027-03-24 08:00", "2027-03-26 18:00")
	r2 := ask(f.WpB, "ar", "2027-03-24 08:00", "2027-03-26 18:00")
	ask(f.WpA, "ar", "2027-03-25 08:00", "2027-03-27 12:00")
	clock("2027-03-22 13:07")
	fill(r1, "2027-03-24 09:00", "2027-03-24 10:00")
	clock("2027-03-23 10:07")
	fill(r2, "2027-03-25 09:00", "2027-03-25 10:00")
	if _, err := rq.Decline(f.Ctx, f.Admin, r3.ID, "Ingen ledig"); err != nil {
		t.Fatal(err)
	}
	unmet(f.WpA, "ar", "2027-03-24 09:00", "2027-03-24 09:30")
	if _, err := f.Book(amina, f.WpA, "2027-03-30 09:00", "2027-03-30 10:00"); err != nil {
		t.Fatal(err)
	}
	b, err := f.Book(amina, f.WpB, "2027-04-01 09:00", "2027-04-01 10:00")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.CancelBooking(f.Ctx, f.Admin, b.ID, "illness", "Sjuk"); err != nil {
		t.Fatal(err)
	}
	unmet(f.WpB, "wo", "2027-03-31 10:00", "2027-03-31 11:00")
	unmet(f.WpB, "wo", "2027-04-05 10:00", "2027-04-05 11:00")
	clock("2027-03-29 00:30")
	r5 := ask(f.WpB, "so", "2027-03-30 08:00", "2027-04-02 18:00")
	if _, err := rq.Withdraw(f.Ctx, f.Admin, r5.ID); err != nil {
		t.Fatal(err)
	}
	clock("2027-04-05 00:30")
	ask(f.WpA, "ar", "2027-04-06 08:00", "2027-04-09 18:00")
	clock("2027-04-05 01:00")
	return p
}

func num(v float64) *float64 { return &v }

func demandRow(key, label string, booked, requested, filled, declined, withdrawn, expired, open, unmet int, median *float64) report.DemandRow {
	return report.DemandRow{Key: key, Label: label, DemandFigures: report.DemandFigures{Booked: booked, Requested: requested,
		Filled: filled, Declined: declined, Withdrawn: withdrawn, Expired: expired, Open: open, UnmetAttempts: unmet,
		MedianHoursToFill: median}}
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if !bytes.Equal(g, w) {
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

// TestDemandReportHandComputed checks every figure of the demand report, by
// each key, against the hand computation above (on PostgreSQL too, with
// SPRAKPOOL_TEST_POSTGRES).
func TestDemandReportHandComputed(t *testing.T) {
	p := newDemandFixture(t)
	a, b := p.WpA.ID, p.WpB.ID
	total := demandRow("", "", 3, 5, 2, 1, 1, 1, 0, 2, num(13.5)).DemandFigures
	cases := map[string][]report.DemandRow{
		"language": {
			demandRow("ar", "arabiska", 3, 3, 2, 0, 0, 1, 0, 1, num(13.5)),
			demandRow("so", "somaliska", 0, 2, 0, 1, 1, 0, 0, 0, nil),
			demandRow("wo", "wolof", 0, 0, 0, 0, 0, 0, 0, 1, nil),
		},
		"workplace": {
			demandRow(itoa64(a), "Förskolan Solrosen", 2, 3, 1, 1, 0, 1, 0, 1, num(3)),
			demandRow(itoa64(b), "Äldreboendet Linden", 1, 2, 1, 0, 1, 0, 0, 1, num(24)),
		},
		"area": {
			demandRow("childcare", "barnomsorg", 2, 3, 1, 1, 0, 1, 0, 1, num(3)),
			demandRow("elderly_care", "vård och omsorg", 1, 2, 1, 0, 1, 0, 0, 1, num(24)),
		},
		"month": {
			demandRow("2027-03", "mars 2027", 3, 5, 2, 1, 1, 1, 0, 2, num(13.5)),
			demandRow("2027-04", "april 2027", 0, 0, 0, 0, 0, 0, 0, 0, nil),
		},
	}
	for by, rows := range cases {
		rep, err := p.rs.Demand(p.Ctx, p.Admin, "2027-03-22", "2027-04-04", by)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, by, rep, &report.Demand{From: "2027-03-22", To: "2027-04-04", By: by, Rows: rows, Total: total})
	}
	// The CSV: names and Swedish decimals, no codes.
	rep, _ := p.rs.Report(p.Ctx, p.Admin, "demand", "2027-03-22", "2027-04-04", "")
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, rep); err != nil {
		t.Fatal(err)
	}
	csv := buf.String()
	for _, want := range []string{"Språk;Bokade pass;", "Arabiska;3;3;2;0;0;1;0;1;13,5\r\n", "Totalt;3;5;2;1;1;1;0;2;13,5\r\n"} {
		if !strings.Contains(csv, want) {
			t.Errorf("CSV lacks %q:\n%s", want, csv)
		}
	}
	if strings.Contains(csv, ";ar;") || strings.Contains(csv, "\nar;") {
		t.Errorf("CSV shows a language code:\n%s", csv)
	}
	if _, err := p.rs.Demand(p.Ctx, p.Admin, "2027-03-22", "2027-04-04", "supervisor"); !isCode(err, booking.CodeInvalid) {
		t.Errorf("by=supervisor: %v", err)
	}
	if _, err := p.rs.Demand(p.Ctx, &booking.User{Role: booking.RoleManager}, "2027-03-22", "2027-04-04", ""); !isCode(err, booking.CodeForbidden) {
		t.Errorf("a manager: %v", err)
	}
}

func isCode(err error, code booking.Code) bool {
	var be *booking.Error
	return errors.As(err, &be) && be.Code == code
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
