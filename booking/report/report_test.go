package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
)

// The report pool is pooltest.ReportPool (its bookings and availability are
// described there), with these rates added:
//
// Rates: 2026-01-13..2026-03-25 0 kr (Samordningsförbundet pays); from
// 2026-03-26 350 kr; for B only, from 2026-04-01 500 kr. Billing basis:
//
//	A 23–25 Mar at 0 kr:     b1 120 min                      = 0 kr
//	A 26 Mar–5 Apr at 350:   b3 120 + b8 240 + b11 60 = 7 h  = 2450 kr
//	B 23–25 Mar at 0 kr:     b9 120 (b12 is not late)        = 0 kr
//	B 26–31 Mar at 350:      b2 90 + late b6 60 = 2.5 h      = 875 kr
//	B 1–5 Apr at 500:        late b5 60 = 1 h                = 500 kr
//	total 870 min = 14.5 h, 3825 kr
type reportPool struct {
	*pooltest.ReportPool
	r *Service
}

const reportFrom, reportTo = "2026-03-23", "2026-04-05"

func newReportPool(t *testing.T) *reportPool {
	t.Helper()
	p := &reportPool{ReportPool: pooltest.NewReportPool(t)}
	p.r = New(p.S)
	p.rate(nil, "2026-01-13", "2026-03-25", 0, "Samordningsförbundet")
	p.rate(nil, "2026-03-26", "", 350, "")
	p.rate(&p.WpB.ID, "2026-04-01", "", 500, "")
	return p
}

func (p *reportPool) rate(workplace *int64, from, to string, kr float64, funder string) {
	p.T.Helper()
	if _, err := p.r.CreateRate(p.Ctx, p.Admin, RateInput{WorkplaceID: workplace, From: &from, To: &to, HourlyRate: &kr, Funder: &funder}); err != nil {
		p.T.Fatal(err)
	}
}

func f64(v float64) *float64 { return &v }

func urow(key, label string, avail, booked int, util *float64, bookings, cancelled, late, persons, followups int) UtilizationRow {
	return UtilizationRow{Key: key, Label: label, UtilizationFigures: UtilizationFigures{AvailableMinutes: avail,
		BookedMinutes: booked, Utilization: util, Bookings: bookings, Cancelled: cancelled, LateCancelled: late,
		PersonsSupervised: persons, Followups: followups}}
}

// same fails the test unless got and want have the same JSON.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if !bytes.Equal(g, w) {
		t.Errorf("%s:\ngot  %s\nwant %s", what, g, w)
	}
}

func TestUtilizationReportHandComputed(t *testing.T) {
	p := newReportPool(t)
	id := func(sv *booking.Supervisor) string { return fmt.Sprint(sv.ID) }
	wp := func(w *booking.Workplace) string { return fmt.Sprint(w.ID) }
	total := UtilizationFigures{AvailableMinutes: 4440, BookedMinutes: 750, Utilization: f64(0.1689), Bookings: 6,
		Cancelled: 5, LateCancelled: 2, PersonsSupervised: 25, Followups: 3}
	totalNoAvail := total
	totalNoAvail.AvailableMinutes, totalNoAvail.Utilization = 4440, f64(0.1689)
	cases := map[string][]UtilizationRow{
		"supervisor": {
			urow(id(p.Amina), "Amina Yusuf", 3600, 510, f64(0.1417), 4, 3, 1, 25, 3),
			urow(id(p.Bashir), "Bashir Ali", 840, 120, f64(0.1429), 1, 2, 1, 0, 0),
			urow(id(p.Cecilia), "Cecilia Tesfaye", 0, 120, nil, 1, 0, 0, 0, 0),
		},
		"week": {
			urow("2026-W13", "vecka 13, 2026", 2700, 450, f64(0.1667), 4, 3, 0, 17, 2),
			urow("2026-W14", "vecka 14, 2026", 1740, 300, f64(0.1724), 2, 2, 2, 8, 1),
		},
		"month": {
			urow("2026-03", "mars 2026", 3300, 450, f64(0.1364), 4, 4, 1, 17, 2),
			urow("2026-04", "april 2026", 1140, 300, f64(0.2632), 2, 1, 1, 8, 1),
		},
		"workplace": {
			urow(wp(p.WpA), "Förskolan Solrosen", 0, 540, nil, 4, 2, 0, 13, 2),
			urow(wp(p.WpB), "Äldreboendet Linden", 0, 210, nil, 2, 3, 2, 12, 1),
		},
		"language": {
			urow("ar", "arabiska", 0, 510, nil, 4, 3, 1, 25, 3),
			urow("so", "somaliska", 0, 120, nil, 1, 2, 1, 0, 0),
			urow("ti", "tigrinja", 0, 120, nil, 1, 0, 0, 0, 0),
		},
		"area": {
			urow("childcare", "barnomsorg", 0, 540, nil, 4, 2, 0, 13, 2),
			urow("elderly_care", "vård och omsorg", 0, 210, nil, 2, 3, 2, 12, 1),
		},
		"purpose": {
			urow("workplace_support", "språkstöd i arbetet", 0, 300, nil, 3, 3, 1, 5, 1),
			urow("substitute_intro", "introduktion av vikarier", 0, 240, nil, 1, 0, 0, 8, 1),
			urow("parent_information", "föräldrainformation", 0, 90, nil, 1, 1, 1, 12, 1),
			urow("information_meeting", "informationsträff", 0, 120, nil, 1, 0, 0, 0, 0),
			urow("other", "annat", 0, 0, nil, 0, 1, 0, 0, 0),
		},
	}
	for by, rows := range cases {
		t.Run(by, func(t *testing.T) {
			got, err := p.r.Utilization(p.Ctx, p.Admin, reportFrom, reportTo, by)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "report", got, &Utilization{From: reportFrom, To: reportTo, By: by, Rows: rows, Total: total})
		})
	}
}

func TestUtilizationReportDefaultsAndErrors(t *testing.T) {
	p := newReportPool(t)
	got, err := p.r.Utilization(p.Ctx, p.Admin, reportFrom, reportTo, "")
	if err != nil || got.By != "supervisor" {
		t.Fatalf("default by: %v, %v", got, err)
	}
	if _, err := p.r.Utilization(p.Ctx, p.ManagerA, reportFrom, reportTo, "week"); booking.ErrorCode(err) != booking.CodeForbidden {
		t.Fatalf("manager: %v, want forbidden", err)
	}
	for _, c := range [][3]string{{reportFrom, reportTo, "colour"}, {"", reportTo, "week"}, {reportTo, reportFrom, "week"}, {"2026-01-01", "2027-03-01", "week"}} {
		if _, err := p.r.Utilization(p.Ctx, p.Admin, c[0], c[1], c[2]); booking.ErrorCode(err) != booking.CodeInvalid {
			t.Errorf("%v: %v, want invalid", c, err)
		}
	}
	// An empty range: the total has nothing available and null utilization.
	empty, err := p.r.Utilization(p.Ctx, p.Admin, "2026-04-03", "2026-04-03", "month")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "closed day", empty.Rows, []UtilizationRow{urow("2026-04", "april 2026", 0, 60, nil, 1, 0, 0, 0, 0)})
}

func TestCancellationReportHandComputed(t *testing.T) {
	p := newReportPool(t)
	got, err := p.r.Cancellations(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	crow := func(key, label, role string, n, min, late, lateMin int) CancellationRow {
		return CancellationRow{Key: key, Label: label, Role: role, CancellationFigures: CancellationFigures{n, min, late, lateMin}}
	}
	same(t, "cancellations", got, &Cancellations{From: reportFrom, To: reportTo,
		ByReason: []CancellationRow{
			crow("illness", "sjukdom", "", 2, 180, 0, 0),
			crow("workplace_closed", "verksamheten är stängd", "", 1, 60, 1, 60),
			crow("no_participants", "inga deltagare", "", 1, 60, 1, 60),
			crow("supervisor_unavailable", "handledaren kan inte", "", 0, 0, 0, 0),
			crow("other", "annat", "", 1, 60, 0, 0),
		},
		ByCanceller: []CancellationRow{
			crow(fmt.Sprint(p.Admin.ID), "Admin", booking.RoleAdmin, 2, 180, 1, 60),
			crow(fmt.Sprint(p.ManagerA.ID), "chef.a@example.se", booking.RoleManager, 1, 60, 0, 0),
			crow(fmt.Sprint(p.ManagerB.ID), "chef.b@example.se", booking.RoleManager, 2, 120, 1, 60),
		},
		Total: CancellationFigures{5, 360, 2, 120}})
}

// TestReportTableInEnglish: the table an English page shows has English
// headers, groups and words for codes; names and figures are the same as in
// the Swedish table of the CSV files.
func TestReportTableInEnglish(t *testing.T) {
	p := newReportPool(t)
	got, err := p.r.Cancellations(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	sv, en := got.Table("sv"), got.Table("en")
	same(t, "Swedish rows", [][]string{sv[0], sv[2], sv[6], sv[9]}, [][]string{
		{"Grupp", "Benämning", "Roll", "Avbokningar", "Avbokade minuter", "Sena avbokningar", "Sent avbokade minuter"},
		{"Orsak", "verksamheten är stängd", "", "1", "60", "1", "60"},
		{"Avbokad av", "Admin", "samordnare", "2", "180", "1", "60"},
		{"Totalt", "", "", "5", "360", "2", "120"}})
	same(t, "English rows", [][]string{en[0], en[2], en[6], en[9]}, [][]string{
		{"Group", "Name", "Role", "Cancellations", "Cancelled minutes", "Late cancellations", "Late cancelled minutes"},
		{"Reason", "the workplace is closed", "", "1", "60", "1", "60"},
		{"Cancelled by", "Admin", "coordinator", "2", "180", "1", "60"},
		{"Total", "", "", "5", "360", "2", "120"}})
}

// TestLateCancelThresholdIsConfigured: with a 48-hour on-site notice the
// cancellation exactly 24 hours ahead becomes late too, and with a 2-hour
// remote notice the video one 3 hours ahead no longer is.
func TestLateCancelThresholdIsConfigured(t *testing.T) {
	p := newReportPool(t)
	p.r.cfg.LateCancel, p.r.cfg.LateCancelRemote = 48*time.Hour, 2*time.Hour
	got, err := p.r.Cancellations(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "total", got.Total, CancellationFigures{Cancelled: 5, Minutes: 360, LateCancelled: 2, LateMinutes: 120})
	same(t, "illness", got.ByReason[0].CancellationFigures, CancellationFigures{Cancelled: 2, Minutes: 180, LateCancelled: 1, LateMinutes: 60})
	same(t, "no participants", got.ByReason[2].CancellationFigures, CancellationFigures{Cancelled: 1, Minutes: 60})
}

func TestFollowupReportHandComputed(t *testing.T) {
	p := newReportPool(t)
	got, err := p.r.Followups(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	fig := func(held, answered int, rate *float64, persons int, per, rating *float64) FollowupFigures {
		return FollowupFigures{Held: held, Answered: answered, ResponseRate: rate, PersonsSupervised: persons,
			PersonsPerSession: per, AverageRating: rating}
	}
	same(t, "follow-ups", got, &Followups{From: reportFrom, To: reportTo,
		Rows: []FollowupRow{
			{Key: fmt.Sprint(p.WpA.ID), Label: "Förskolan Solrosen", FollowupFigures: fig(4, 2, f64(0.5), 13, f64(6.5), f64(3.5))},
			{Key: fmt.Sprint(p.WpB.ID), Label: "Äldreboendet Linden", FollowupFigures: fig(2, 1, f64(0.5), 12, f64(12), f64(5))},
		},
		Total: fig(6, 3, f64(0.5), 25, f64(8.33), f64(4)),
		Reasons: []ReasonCount{{"workplace_support", "språkstöd i arbetet", 1}, {"substitute_intro", "introduktion av vikarier", 1},
			{"parent_information", "föräldrainformation", 1}, {"information_meeting", "informationsträff", 0}, {"other", "annat", 0}},
		// b1: substitutes, new staff; b2: parents; b8: substitutes (twice, counted once), a language barrier.
		Why: []ReasonCount{{"language_barrier", "språkförbistring i arbetet", 1}, {"new_staff", "nyanställda", 1},
			{"substitutes", "vikarier", 2}, {"parents", "kontakt med föräldrar", 1}, {"safety_routines", "säkerhetsrutiner", 0},
			{"meeting", "möte eller information", 0}, {"other", "annat", 0}},
		WouldBookAgain: YesNo{Yes: 2, No: 1},
		Comments: []FollowupComment{
			{BookingID: 1, Date: "2026-03-23", WorkplaceID: p.WpA.ID, Workplace: "Förskolan Solrosen", Purpose: "workplace_support",
				Rating: 4, PersonsSupervised: 5, WhyBooked: "Nya vikarier", Comment: "Mycket bra"},
			{BookingID: 8, Date: "2026-04-02", WorkplaceID: p.WpA.ID, Workplace: "Förskolan Solrosen", Purpose: "substitute_intro",
				Rating: 3, PersonsSupervised: 8, WhyBooked: "Introduktion av sommarvikarier", Comment: "Tolkade för Åsa och Örjan på förskolan"},
		}})
}

func TestBillingReportHandComputed(t *testing.T) {
	p := newReportPool(t)
	got, err := p.r.Billing(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	rates, err := p.r.Rates(p.Ctx, p.Admin)
	if err != nil || len(rates) != 3 {
		t.Fatalf("rates: %v %v", rates, err)
	}
	general0, general350, wpB500 := rates[0].ID, rates[1].ID, rates[2].ID
	brow := func(w *booking.Workplace, cc, from, to string, rate int64, funder string, kr float64, held, heldMin, late, lateMin int, amount float64) BillingRow {
		min := heldMin + lateMin
		return BillingRow{WorkplaceID: w.ID, Workplace: w.Name, CostCenter: cc, From: from, To: to, RateID: &rate,
			Funder: funder, HourlyRate: f64(kr), BillingFigures: BillingFigures{HeldSessions: held, HeldMinutes: heldMin,
				LateCancelled: late, LateMinutes: lateMin, BillableMinutes: min, BillableHours: float64(min) / 60, Amount: amount,
				ConfirmationRate: ratio(0, held, 4)}}
	}
	// Nothing is confirmed: every held session is billed on booked time and listed.
	var unconfirmed []int64
	for _, u := range got.Unconfirmed {
		unconfirmed = append(unconfirmed, u.BookingID)
	}
	if fmt.Sprint(unconfirmed) != "[1 9 2 3 8 10]" {
		t.Errorf("unconfirmed sessions %v, want b1 b9 b2 b3 b8 b11 by start", unconfirmed)
	}
	same(t, "billing", got, &Billing{From: reportFrom, To: reportTo, Unconfirmed: got.Unconfirmed,
		Rows: []BillingRow{
			brow(p.WpA, "1130-212", "2026-03-23", "2026-03-25", general0, "Samordningsförbundet", 0, 1, 120, 0, 0, 0),
			brow(p.WpA, "1130-212", "2026-03-26", "2026-04-05", general350, "", 350, 3, 420, 0, 0, 2450),
			brow(p.WpB, "1240-311", "2026-03-23", "2026-03-25", general0, "Samordningsförbundet", 0, 1, 120, 0, 0, 0),
			brow(p.WpB, "1240-311", "2026-03-26", "2026-03-31", general350, "", 350, 1, 90, 1, 60, 875),
			brow(p.WpB, "1240-311", "2026-04-01", "2026-04-05", wpB500, "", 500, 0, 0, 1, 60, 500),
		},
		Total: BillingFigures{HeldSessions: 6, HeldMinutes: 750, LateCancelled: 2, LateMinutes: 120,
			BillableMinutes: 870, BillableHours: 14.5, Amount: 3825, ConfirmationRate: f64(0)}})
}

// TestBillingUsesConfirmedMinutes: on the report pool (see newReportPool), the
// supervisors confirm three sessions; the billing basis follows:
//
//	b1 (A, 23 Mar, booked 09:00–11:00, 120) held 09:10–10:40  →  90 min
//	b2 (B, 26 Mar, booked 13:00–14:30,  90) no-show           →  90 min (booked)
//	b8 (A,  2 Apr, booked 08:00–12:00, 240) not held          →   0 min
//	b3, b9, b11 stay unconfirmed: booked time, and listed.
//
//	A 23–25 Mar at 0 kr:   b1 90                                   = 0 kr,    1 of 1 confirmed
//	A 26 Mar–5 Apr at 350: b3 120 + b8 0 + b11 60 = 180 min = 3 h  = 1050 kr, 1 of 3
//	B 23–25 Mar at 0 kr:   b9 120                                  = 0 kr,    0 of 1
//	B 26–31 Mar at 350:    b2 90 + late b6 60 = 150 min = 2.5 h    = 875 kr,  1 of 1
//	B 1–5 Apr at 500:      late b5 60                              = 500 kr,  no held session
//	total 480 held + 120 late = 600 min = 10 h, 2425 kr; 3 of 6 confirmed = 0.5
func TestBillingUsesConfirmedMinutes(t *testing.T) {
	p := newReportPool(t)
	sv := func(name string) *booking.User {
		for _, s := range []*booking.Supervisor{p.Amina, p.Bashir} {
			if s.Name == name {
				u, err := p.S.CreateUser(p.Ctx, booking.UserInput{Email: fmt.Sprintf("sv%d@example.se", s.ID), Name: name,
					Role: booking.RoleSupervisor, SupervisorID: &s.ID, Password: "secret-password"})
				if err != nil {
					t.Fatal(err)
				}
				return u
			}
		}
		t.Fatalf("no supervisor %s", name)
		return nil
	}
	amina := sv("Amina Yusuf")
	confirm := func(id int64, outcome, start, end string) {
		t.Helper()
		in := booking.ConfirmationInput{Outcome: outcome}
		if start != "" {
			in.ActualStart, in.ActualEnd = p.At(start), p.At(end)
		}
		if _, err := p.S.ConfirmBooking(p.Ctx, amina, id, in); err != nil {
			t.Fatalf("confirm %d: %v", id, err)
		}
	}
	confirm(1, "held", "2026-03-23 09:10", "2026-03-23 10:40")
	confirm(2, "no_show", "", "")
	confirm(8, "not_held", "", "")

	got, err := p.r.Billing(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	rates, err := p.r.Rates(p.Ctx, p.Admin)
	if err != nil || len(rates) != 3 {
		t.Fatalf("rates: %v %v", rates, err)
	}
	brow := func(w *booking.Workplace, cc, from, to string, rate int64, funder string, kr float64,
		held, heldMin, late, lateMin int, amount float64, confirmed int) BillingRow {
		min := heldMin + lateMin
		return BillingRow{WorkplaceID: w.ID, Workplace: w.Name, CostCenter: cc, From: from, To: to, RateID: &rate,
			Funder: funder, HourlyRate: f64(kr), BillingFigures: BillingFigures{HeldSessions: held, HeldMinutes: heldMin,
				LateCancelled: late, LateMinutes: lateMin, BillableMinutes: min, BillableHours: float64(min) / 60,
				Amount: amount, Confirmed: confirmed, ConfirmationRate: ratio(confirmed, held, 4)}}
	}
	unconfirmed := func(id int64, sv *booking.Supervisor, w *booking.Workplace, date, start, end string, minutes int) UnconfirmedSession {
		return UnconfirmedSession{BookingID: id, Date: date, Start: date + "T" + start, End: date + "T" + end, Minutes: minutes,
			SupervisorID: sv.ID, Supervisor: sv.Name, WorkplaceID: w.ID, Workplace: w.Name}
	}
	g0, g350, b500 := rates[0].ID, rates[1].ID, rates[2].ID
	same(t, "billing", got, &Billing{From: reportFrom, To: reportTo,
		Rows: []BillingRow{
			brow(p.WpA, "1130-212", "2026-03-23", "2026-03-25", g0, "Samordningsförbundet", 0, 1, 90, 0, 0, 0, 1),
			brow(p.WpA, "1130-212", "2026-03-26", "2026-04-05", g350, "", 350, 3, 180, 0, 0, 1050, 1),
			brow(p.WpB, "1240-311", "2026-03-23", "2026-03-25", g0, "Samordningsförbundet", 0, 1, 120, 0, 0, 0, 0),
			brow(p.WpB, "1240-311", "2026-03-26", "2026-03-31", g350, "", 350, 1, 90, 1, 60, 875, 1),
			brow(p.WpB, "1240-311", "2026-04-01", "2026-04-05", b500, "", 500, 0, 0, 1, 60, 500, 0),
		},
		Total: BillingFigures{HeldSessions: 6, HeldMinutes: 480, LateCancelled: 2, LateMinutes: 120,
			BillableMinutes: 600, BillableHours: 10, Amount: 2425, Confirmed: 3, ConfirmationRate: f64(0.5)},
		Unconfirmed: []UnconfirmedSession{
			unconfirmed(9, p.Cecilia, p.WpB, "2026-03-24", "08:00:00+01:00", "10:00:00+01:00", 120),
			// 01:30 CET to 04:30 CEST across the spring-forward hour: two real hours.
			unconfirmed(3, p.Bashir, p.WpA, "2026-03-29", "01:30:00+01:00", "04:30:00+02:00", 120),
			unconfirmed(10, p.Amina, p.WpA, "2026-04-03", "10:00:00+02:00", "11:00:00+02:00", 60),
		}})

	// Correcting a confirmation changes the bill: b1 held longer than booked.
	confirm(1, "held", "2026-03-23 08:45", "2026-03-23 11:15")
	got, err = p.r.Billing(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.Rows[0]; r.HeldMinutes != 150 || r.Confirmed != 1 || got.Total.BillableMinutes != 660 {
		t.Errorf("after correcting b1 to 150 minutes: row %+v, total %+v", r.BillingFigures, got.Total)
	}
}

func TestRates(t *testing.T) {
	f := pooltest.New(t, pooltest.Local(t, "2026-03-01 12:00"))
	rs := New(f.S)
	kr := func(v float64) *float64 { return &v }
	str := func(v string) *string { return &v }
	r, err := rs.CreateRate(f.Ctx, f.Admin, RateInput{From: str("2026-01-13"), To: str("2026-06-12"), HourlyRate: kr(0), Funder: str("Samordningsförbundet")})
	if err != nil {
		t.Fatal(err)
	}
	// Overlapping the same scope is refused; a workplace's own rate may overlap the pool's.
	if _, err := rs.CreateRate(f.Ctx, f.Admin, RateInput{From: str("2026-06-12"), HourlyRate: kr(350)}); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Fatalf("overlap: %v", err)
	}
	if _, err := rs.CreateRate(f.Ctx, f.Admin, RateInput{From: str("2026-06-13"), HourlyRate: kr(350.5)}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.CreateRate(f.Ctx, f.Admin, RateInput{WorkplaceID: &f.WpA.ID, From: str("2026-02-01"), HourlyRate: kr(100)}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []RateInput{{From: str("2027-01-01"), HourlyRate: kr(-1)}, {From: str("1 jan"), HourlyRate: kr(1)},
		{From: str("2027-02-01"), To: str("2027-01-01"), HourlyRate: kr(1)}, {HourlyRate: kr(1)},
		{WorkplaceID: new(int64(999)), From: str("2030-01-01"), HourlyRate: kr(1)}} {
		if _, err := rs.CreateRate(f.Ctx, f.Admin, in); booking.ErrorCode(err) != booking.CodeInvalid {
			t.Errorf("%+v: %v, want invalid", in, err)
		}
	}
	if _, err := rs.CreateRate(f.Ctx, &booking.User{Role: booking.RoleManager}, RateInput{From: str("2030-01-01"), HourlyRate: kr(1)}); booking.ErrorCode(err) != booking.CodeForbidden {
		t.Errorf("manager: %v", err)
	}
	// Ending the first period earlier is allowed; then the gap has no general rate.
	if _, err := rs.UpdateRate(f.Ctx, f.Admin, r.ID, RateInput{To: str("2026-05-31")}); err != nil {
		t.Fatal(err)
	}
	rates, err := rs.Rates(f.Ctx, f.Admin)
	if err != nil || len(rates) != 3 || rates[1].HourlyRateOre != 35050 || *rates[0].ValidTo != "2026-05-31" {
		t.Fatalf("rates: %+v %v", rates, err)
	}
	if got := rateOn(rates, "2026-06-05", f.WpB.ID); got != nil {
		t.Errorf("gap: %+v", got)
	}
	if got := rateOn(rates, "2026-06-05", f.WpA.ID); got == nil || got.HourlyRateOre != 10000 {
		t.Errorf("workplace's own rate: %+v", got)
	}
	if err := rs.DeleteRate(f.Ctx, f.Admin, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := rs.DeleteRate(f.Ctx, f.Admin, r.ID); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Fatalf("delete twice: %v", err)
	}
}

// TestReportCSV reads the CSV as a spreadsheet would: UTF-8 after a byte-order
// mark, semicolon-separated, Swedish headers and letters, decimal commas; and
// checks every cell against the JSON form of the same report.
func TestReportCSV(t *testing.T) {
	p := newReportPool(t)
	raw, err := p.r.UtilizationCSV(p.Ctx, p.Admin, reportFrom, reportTo, "workplace")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no byte-order mark: % x", raw[:8])
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Verksamhets-id", "Verksamhet", "Tillgängliga minuter", "Bokade minuter", "Beläggningsgrad", "Bokningar",
			"Avbokningar", "Sena avbokningar", "Handledda personer", "Uppföljningar"},
		{fmt.Sprint(p.WpA.ID), "Förskolan Solrosen", "0", "540", "", "4", "2", "0", "13", "2"},
		{fmt.Sprint(p.WpB.ID), "Äldreboendet Linden", "0", "210", "", "2", "3", "2", "12", "1"},
		{"Totalt", "", "4440", "750", "0,1689", "6", "5", "2", "25", "3"},
	}
	same(t, "csv", records, want)
	if !strings.Contains(string(raw), "\r\n") {
		t.Error("want CRLF line ends")
	}
	var buf bytes.Buffer
	bill, err := p.r.Billing(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&buf, bill); err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{"Kostnadsställe", "Timpris (kr)", ";350,00;", ";2,5;", ";875,00;0;0 %\r\n", ";500,00;0;\r\n", "Samordningsförbundet", "Totalt;;2026-03-23;2026-04-05;;;6;750;2;120;870;14,5;3825,00;0;0 %\r\n"} {
		if !strings.Contains(buf.String(), cell) {
			t.Errorf("billing csv lacks %q:\n%s", cell, buf.String())
		}
	}
}

// TestLateCancelSubsecond: cancellations stored with the clock's nanoseconds are
// judged to the millisecond: 1 ms inside the notice is late, 1 ms outside is not.
func TestLateCancelSubsecond(t *testing.T) {
	f := pooltest.New(t, pooltest.Local(t, "2026-03-01 12:00"))
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	for i, offset := range []time.Duration{time.Millisecond + 500, -time.Millisecond - 500} {
		start := fmt.Sprintf("2026-03-1%d 09:00", i+1)
		b, err := f.Book(sv, f.WpA, start, fmt.Sprintf("2026-03-1%d 10:00", i+1))
		if err != nil {
			t.Fatal(err)
		}
		at := pooltest.Local(t, start).Add(-24*time.Hour + offset)
		f.S.Now = func() time.Time { return at }
		if _, err := f.S.CancelBooking(f.Ctx, f.Admin, b.ID, "illness", ""); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := New(f.S).Cancellations(f.Ctx, f.Admin, "2026-03-01", "2026-03-31")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "total", rep.Total, CancellationFigures{Cancelled: 2, Minutes: 120, LateCancelled: 1, LateMinutes: 60})
}

// TestEvaluationOfReportPool: the evaluation's figures by hand (see the
// report pool), its utilization the same as the utilization report's by
// month, and its table in words and percentages.
func TestEvaluationOfReportPool(t *testing.T) {
	p := newReportPool(t)
	ev, err := p.r.Evaluation(p.Ctx, p.Admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Bookings != 6 || ev.Cancelled != 5 || ev.WorkplacesBooked != 2 || ev.Workplaces != 2 || ev.PersonsSupervised != 25 {
		t.Errorf("summary: %+v", ev)
	}
	same(t, "follow-ups", ev.Followups, FollowupFigures{Held: 6, Answered: 3, ResponseRate: f64(0.5), PersonsSupervised: 25,
		PersonsPerSession: f64(8.33), AverageRating: f64(4)})
	same(t, "would book again", ev.WouldBookAgain, YesNo{Yes: 2, No: 1})
	same(t, "by purpose", ev.ByPurpose, []ReasonCount{{"workplace_support", "språkstöd i arbetet", 3}, {"substitute_intro", "introduktion av vikarier", 1},
		{"parent_information", "föräldrainformation", 1}, {"information_meeting", "informationsträff", 1}, {"other", "annat", 0}})
	same(t, "by area", ev.ByArea, []ReasonCount{{"childcare", "barnomsorg", 4}, {"elderly_care", "vård och omsorg", 2}, {"kitchen", "kostenheten", 0}, {"other", "annat", 0}})
	var cancelled []int
	for _, r := range ev.CancelledByReason {
		cancelled = append(cancelled, r.Cancelled)
	}
	same(t, "cancelled by reason", cancelled, []int{2, 1, 1, 0, 1})
	util, err := p.r.Utilization(p.Ctx, p.Admin, reportFrom, reportTo, "month")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "utilization", ev.Utilization, util.Rows)
	same(t, "utilization total", ev.UtilizationTotal, util.Total)
	if len(ev.Quotes) != 2 || len(ev.UnmetByLanguage) != 3 || ev.UnmetByLanguage[0].Unmet() != 0 {
		t.Errorf("quotes %d, unmet %+v", len(ev.Quotes), ev.UnmetByLanguage)
	}
	var lines []string
	for _, row := range ev.Table("sv") {
		lines = append(lines, strings.Join(row, ";"))
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{"Sammanfattning;Svarsfrekvens;50 %", "Sammanfattning;Skulle boka igen;67 %",
		"Sammanfattning;Verksamheter som bokade;2 / 2", "Varför de bokade;vikarier;2", "Avbokningar per orsak;sjukdom;2",
		"Beläggning per månad;mars 2026;", "Citat;Förskolan Solrosen, 2026-03-23, språkstöd i arbetet;Nya vikarier – Mycket bra"} {
		if !strings.Contains(all, want) {
			t.Errorf("table lacks %q:\n%s", want, all)
		}
	}
	if _, err := p.r.Evaluation(p.Ctx, p.ManagerA, reportFrom, reportTo); err == nil {
		t.Error("a manager reads the evaluation")
	}
}
