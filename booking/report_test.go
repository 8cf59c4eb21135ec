package booking

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The report fixture: a pool whose every figure is computed by hand below.
//
// Range 2026-03-23 (Monday, ISO week 13) to 2026-04-05 (Sunday, week 14). DST
// starts on Sunday 29 March at 02:00 (the clock jumps to 03:00). Closed days in
// the range: långfredagen 3 April and påskdagen 5 April.
//
// Availability (active supervisors only):
//
//	Amina (ar): Mon–Fri 08:00–16:00, 480 a day.
//	  W13: 23,24,25,26,27 = 2400, minus absences on the 25th 12:00–16:00 and
//	  14:00–18:00 (together 12:00–18:00, 240 inside the window) = 2160.
//	  W14: 30,31,1,2 (3 is closed) = 1920, minus the whole 31st (480) = 1440.
//	  Total 3600; March 2640, April 960.
//	Bashir (so): Mon and Wed 09:00–12:00 (180), Sun 01:00–05:00.
//	  W13: 23 180, 25 180, Sun 29 01:00 CET–05:00 CEST = 3 real hours 180 = 540.
//	  W14: 30 180 minus absence 10:00–11:00 = 120, 1 April 180, 5 April closed = 300.
//	  Total 840; March 660, April 180.
//	Cecilia (ti): inactive at report time: 0.
//	Total 4440; W13 2700, W14 1740; March 3300, April 1140.
//
// Bookings (A = Förskolan Solrosen, childcare; B = Äldreboendet Linden, elderly care):
//
//	b1  Amina   A  Mon 23 09:00–11:00 120 workplace_support   held, follow-up 5 persons, rating 4, texts
//	b2  Amina   B  Thu 26 13:00–14:30  90 parent_information  held, follow-up 12 persons, rating 5, no texts
//	b3  Bashir  A  Sun 29 01:30–04:30 120 (DST: 3 wall hours, 2 real) information_meeting, phone, held
//	b4  Amina   A  Tue 24 10:00–12:00 120 workplace_support   cancelled 20 Mar by admin (illness): early
//	b5  Amina   B  Wed  1 08:00–09:00  60 workplace_support   cancelled 31 Mar 20:00 by manager B (workplace_closed): late (12 h)
//	b6  Bashir  B  Mon 30 09:00–10:00  60 parent_information  video, cancelled 06:00 by admin (no_participants): late (3 h < 4 h)
//	b7  Bashir  A  Wed 25 09:00–10:00  60 other               video, cancelled 04:00 by manager A (other): early (5 h)
//	b8  Amina   A  Thu  2 08:00–12:00 240 substitute_intro    held, follow-up 8 persons, rating 3, texts with å ä ö
//	b9  Cecilia B  Tue 24 08:00–10:00 120 workplace_support   held; Cecilia is deactivated afterwards
//	b11 Amina   A  Fri  3 10:00–11:00  60 workplace_support   on a closed day (override), held
//	b12 Amina   B  Thu 26 08:00–09:00  60 workplace_support   cancelled exactly 24 h before by manager B (illness): not late
//	plus bookings on 20 March and 7 April, outside the range.
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
	*fixture
	amina, bashir, cecilia *Supervisor
	managerA, managerB     *User
}

const reportFrom, reportTo = "2026-03-23", "2026-04-05"

func newReportPool(t *testing.T) *reportPool {
	t.Helper()
	f := newFixture(t, mustLocal(t, "2026-03-01 12:00"))
	p := &reportPool{fixture: f}
	ctx, admin := f.ctx, f.admin
	for _, w := range []struct {
		wp *Workplace
		cc string
	}{{f.wpA, "1130-212"}, {f.wpB, "1240-311"}} {
		cc := w.cc
		if _, err := f.s.UpdateWorkplace(ctx, admin, w.wp.ID, WorkplaceInput{CostCenter: &cc}); err != nil {
			t.Fatal(err)
		}
	}
	weekdays := func(start, end int, days ...int) []Window {
		var ws []Window
		for _, d := range days {
			ws = append(ws, Window{Weekday: d, Start: start, End: end})
		}
		return ws
	}
	p.amina = f.supervisor("Amina Yusuf", []string{"ar"}, weekdays(8*60, 16*60, 1, 2, 3, 4, 5)...)
	p.bashir = f.supervisor("Bashir Ali", []string{"so"}, append(weekdays(9*60, 12*60, 1, 3), Window{Weekday: 7, Start: 60, End: 300})...)
	p.cecilia = f.supervisor("Cecilia Tesfaye", []string{"ti"})
	p.managerA = f.manager("chef.a@example.se", f.wpA.ID)
	p.managerB = f.manager("chef.b@example.se", f.wpB.ID)

	p.absence(p.amina, "2026-03-25 12:00", "2026-03-25 16:00")
	p.absence(p.amina, "2026-03-25 14:00", "2026-03-25 18:00")
	p.absence(p.amina, "2026-03-31 00:00", "2026-04-01 00:00")
	p.absence(p.bashir, "2026-03-30 10:00", "2026-03-30 11:00")

	b1 := p.book(p.amina, f.wpA, "workplace_support", "on_site", "2026-03-23 09:00", "2026-03-23 11:00")
	b2 := p.book(p.amina, f.wpB, "parent_information", "on_site", "2026-03-26 13:00", "2026-03-26 14:30")
	p.book(p.bashir, f.wpA, "information_meeting", "phone", "2026-03-29 01:30", "2026-03-29 04:30")
	b4 := p.book(p.amina, f.wpA, "workplace_support", "on_site", "2026-03-24 10:00", "2026-03-24 12:00")
	b5 := p.book(p.amina, f.wpB, "workplace_support", "on_site", "2026-04-01 08:00", "2026-04-01 09:00")
	b6 := p.book(p.bashir, f.wpB, "parent_information", "video", "2026-03-30 09:00", "2026-03-30 10:00")
	b7 := p.book(p.bashir, f.wpA, "other", "video", "2026-03-25 09:00", "2026-03-25 10:00")
	b8 := p.book(p.amina, f.wpA, "substitute_intro", "on_site", "2026-04-02 08:00", "2026-04-02 12:00")
	p.book(p.cecilia, f.wpB, "workplace_support", "on_site", "2026-03-24 08:00", "2026-03-24 10:00")
	p.book(p.amina, f.wpA, "workplace_support", "on_site", "2026-04-03 10:00", "2026-04-03 11:00", RuleClosedDay)
	b12 := p.book(p.amina, f.wpB, "workplace_support", "on_site", "2026-03-26 08:00", "2026-03-26 09:00")
	p.book(p.amina, f.wpA, "workplace_support", "on_site", "2026-03-20 09:00", "2026-03-20 10:00")
	p.book(p.amina, f.wpA, "workplace_support", "on_site", "2026-04-07 09:00", "2026-04-07 10:00")

	p.cancel(b4, admin, "illness", "2026-03-20 10:00")
	p.cancel(b7, p.managerA, "other", "2026-03-25 04:00")
	p.cancel(b12, p.managerB, "illness", "2026-03-25 08:00")
	p.cancel(b6, admin, "no_participants", "2026-03-30 06:00")
	p.cancel(b5, p.managerB, "workplace_closed", "2026-03-31 20:00")

	p.setClock("2026-04-15 12:00")
	p.followup(b1, FollowupInput{PersonsSupervised: 5, Rating: 4, WhyBooked: "Nya vikarier", Comment: "Mycket bra"})
	p.followup(b2, FollowupInput{PersonsSupervised: 12, Rating: 5})
	p.followup(b8, FollowupInput{PersonsSupervised: 8, Rating: 3, WhyBooked: "Introduktion av sommarvikarier",
		Comment: "Tolkade för Åsa och Örjan på förskolan"})
	inactive := false
	if _, err := f.s.UpdateSupervisor(ctx, admin, p.cecilia.ID, SupervisorInput{Active: &inactive}); err != nil {
		t.Fatal(err)
	}

	p.rate(nil, "2026-01-13", "2026-03-25", 0, "Samordningsförbundet")
	p.rate(nil, "2026-03-26", "", 350, "")
	p.rate(&f.wpB.ID, "2026-04-01", "", 500, "")
	return p
}

func mustLocal(t testing.TB, local string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (p *reportPool) setClock(local string) {
	now := mustLocal(p.t, local)
	p.s.Now = func() time.Time { return now }
}

func (p *reportPool) absence(sv *Supervisor, start, end string) {
	p.t.Helper()
	if _, err := p.s.CreateAbsence(p.ctx, p.admin, sv.ID, AbsenceInput{Start: p.at(start), End: p.at(end)}); err != nil {
		p.t.Fatal(err)
	}
}

func (p *reportPool) book(sv *Supervisor, w *Workplace, purpose, mode, start, end string, override ...string) *Booking {
	p.t.Helper()
	in := BookingInput{SupervisorID: &sv.ID, WorkplaceID: w.ID, Language: sv.Languages[0], Purpose: purpose,
		Mode: mode, Start: p.at(start), End: p.at(end), Override: override, Overriding: len(override) > 0}
	if mode == "video" {
		url := "https://meet.example.se/sprakpool"
		in.MeetingURL = &url
	}
	b, err := p.s.CreateBooking(p.ctx, p.admin, in)
	if err != nil {
		p.t.Fatalf("book %s %s: %v", sv.Name, start, err)
	}
	return b
}

func (p *reportPool) cancel(b *Booking, by *User, code, at string) {
	p.t.Helper()
	p.setClock(at)
	if _, err := p.s.CancelBooking(p.ctx, by, b.ID, code, "skäl"); err != nil {
		p.t.Fatal(err)
	}
}

func (p *reportPool) followup(b *Booking, in FollowupInput) {
	p.t.Helper()
	if _, err := p.s.RecordFollowup(p.ctx, p.admin, b.ID, in); err != nil {
		p.t.Fatal(err)
	}
}

func (p *reportPool) rate(workplace *int64, from, to string, kr float64, funder string) {
	p.t.Helper()
	if _, err := p.s.CreateRate(p.ctx, p.admin, RateInput{WorkplaceID: workplace, From: &from, To: &to, HourlyRate: &kr, Funder: &funder}); err != nil {
		p.t.Fatal(err)
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
	id := func(sv *Supervisor) string { return fmt.Sprint(sv.ID) }
	wp := func(w *Workplace) string { return fmt.Sprint(w.ID) }
	total := UtilizationFigures{AvailableMinutes: 4440, BookedMinutes: 750, Utilization: f64(0.1689), Bookings: 6,
		Cancelled: 5, LateCancelled: 2, PersonsSupervised: 25, Followups: 3}
	totalNoAvail := total
	totalNoAvail.AvailableMinutes, totalNoAvail.Utilization = 4440, f64(0.1689)
	cases := map[string][]UtilizationRow{
		"supervisor": {
			urow(id(p.amina), "Amina Yusuf", 3600, 510, f64(0.1417), 4, 3, 1, 25, 3),
			urow(id(p.bashir), "Bashir Ali", 840, 120, f64(0.1429), 1, 2, 1, 0, 0),
			urow(id(p.cecilia), "Cecilia Tesfaye", 0, 120, nil, 1, 0, 0, 0, 0),
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
			urow(wp(p.wpA), "Förskolan Solrosen", 0, 540, nil, 4, 2, 0, 13, 2),
			urow(wp(p.wpB), "Äldreboendet Linden", 0, 210, nil, 2, 3, 2, 12, 1),
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
			got, err := p.s.UtilizationReport(p.ctx, p.admin, reportFrom, reportTo, by)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "report", got, &Utilization{From: reportFrom, To: reportTo, By: by, Rows: rows, Total: total})
		})
	}
}

func TestUtilizationReportDefaultsAndErrors(t *testing.T) {
	p := newReportPool(t)
	got, err := p.s.UtilizationReport(p.ctx, p.admin, reportFrom, reportTo, "")
	if err != nil || got.By != "supervisor" {
		t.Fatalf("default by: %v, %v", got, err)
	}
	if _, err := p.s.UtilizationReport(p.ctx, p.managerA, reportFrom, reportTo, "week"); ErrorCode(err) != CodeForbidden {
		t.Fatalf("manager: %v, want forbidden", err)
	}
	for _, c := range [][3]string{{reportFrom, reportTo, "colour"}, {"", reportTo, "week"}, {reportTo, reportFrom, "week"}, {"2026-01-01", "2027-03-01", "week"}} {
		if _, err := p.s.UtilizationReport(p.ctx, p.admin, c[0], c[1], c[2]); ErrorCode(err) != CodeInvalid {
			t.Errorf("%v: %v, want invalid", c, err)
		}
	}
	// An empty range: the total has nothing available and null utilization.
	empty, err := p.s.UtilizationReport(p.ctx, p.admin, "2026-04-03", "2026-04-03", "month")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "closed day", empty.Rows, []UtilizationRow{urow("2026-04", "april 2026", 0, 60, nil, 1, 0, 0, 0, 0)})
}

func TestCancellationReportHandComputed(t *testing.T) {
	p := newReportPool(t)
	got, err := p.s.CancellationReport(p.ctx, p.admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	crow := func(key, label, role string, n, min, late, lateMin int) CancellationRow {
		return CancellationRow{Key: key, Label: label, Role: role, CancellationFigures: CancellationFigures{n, min, late, lateMin}}
	}
	same(t, "cancellations", got, &Cancellations{From: reportFrom, To: reportTo,
		ByReason: []CancellationRow{
			crow("illness", "sjukdom", "", 2, 180, 0, 0),
			crow("workplace_closed", "verksamheten stängd", "", 1, 60, 1, 60),
			crow("no_participants", "inga deltagare", "", 1, 60, 1, 60),
			crow("supervisor_unavailable", "handledaren kunde inte", "", 0, 0, 0, 0),
			crow("other", "annat", "", 1, 60, 0, 0),
		},
		ByCanceller: []CancellationRow{
			crow(fmt.Sprint(p.admin.ID), "Admin", RoleAdmin, 2, 180, 1, 60),
			crow(fmt.Sprint(p.managerA.ID), "chef.a@example.se", RoleManager, 1, 60, 0, 0),
			crow(fmt.Sprint(p.managerB.ID), "chef.b@example.se", RoleManager, 2, 120, 1, 60),
		},
		Total: CancellationFigures{5, 360, 2, 120}})
}

// TestLateCancelThresholdIsConfigured: with a 48-hour on-site notice the
// cancellation exactly 24 hours ahead becomes late too, and with a 2-hour
// remote notice the video one 3 hours ahead no longer is.
func TestLateCancelThresholdIsConfigured(t *testing.T) {
	p := newReportPool(t)
	p.s.cfg.LateCancel, p.s.cfg.LateCancelRemote = 48*time.Hour, 2*time.Hour
	got, err := p.s.CancellationReport(p.ctx, p.admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "total", got.Total, CancellationFigures{Cancelled: 5, Minutes: 360, LateCancelled: 2, LateMinutes: 120})
	same(t, "illness", got.ByReason[0].CancellationFigures, CancellationFigures{Cancelled: 2, Minutes: 180, LateCancelled: 1, LateMinutes: 60})
	same(t, "no participants", got.ByReason[2].CancellationFigures, CancellationFigures{Cancelled: 1, Minutes: 60})
}

func TestFollowupReportHandComputed(t *testing.T) {
	p := newReportPool(t)
	got, err := p.s.FollowupReport(p.ctx, p.admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	fig := func(held, answered int, rate *float64, persons int, per, rating *float64) FollowupFigures {
		return FollowupFigures{Held: held, Answered: answered, ResponseRate: rate, PersonsSupervised: persons,
			PersonsPerSession: per, AverageRating: rating}
	}
	same(t, "follow-ups", got, &Followups{From: reportFrom, To: reportTo,
		Rows: []FollowupRow{
			{Key: fmt.Sprint(p.wpA.ID), Label: "Förskolan Solrosen", FollowupFigures: fig(4, 2, f64(0.5), 13, f64(6.5), f64(3.5))},
			{Key: fmt.Sprint(p.wpB.ID), Label: "Äldreboendet Linden", FollowupFigures: fig(2, 1, f64(0.5), 12, f64(12), f64(5))},
		},
		Total: fig(6, 3, f64(0.5), 25, f64(8.33), f64(4)),
		Reasons: []ReasonCount{{"workplace_support", "språkstöd i arbetet", 1}, {"substitute_intro", "introduktion av vikarier", 1},
			{"parent_information", "föräldrainformation", 1}, {"information_meeting", "informationsträff", 0}, {"other", "annat", 0}},
		Comments: []FollowupComment{
			{BookingID: 1, Date: "2026-03-23", WorkplaceID: p.wpA.ID, Workplace: "Förskolan Solrosen", Purpose: "workplace_support",
				Rating: 4, PersonsSupervised: 5, WhyBooked: "Nya vikarier", Comment: "Mycket bra"},
			{BookingID: 8, Date: "2026-04-02", WorkplaceID: p.wpA.ID, Workplace: "Förskolan Solrosen", Purpose: "substitute_intro",
				Rating: 3, PersonsSupervised: 8, WhyBooked: "Introduktion av sommarvikarier", Comment: "Tolkade för Åsa och Örjan på förskolan"},
		}})
}

func TestBillingReportHandComputed(t *testing.T) {
	p := newReportPool(t)
	got, err := p.s.BillingReport(p.ctx, p.admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	rates, err := p.s.ListRates(p.ctx, p.admin)
	if err != nil || len(rates) != 3 {
		t.Fatalf("rates: %v %v", rates, err)
	}
	general0, general350, wpB500 := rates[0].ID, rates[1].ID, rates[2].ID
	brow := func(w *Workplace, cc, from, to string, rate int64, funder string, kr float64, held, heldMin, late, lateMin int, amount float64) BillingRow {
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
			brow(p.wpA, "1130-212", "2026-03-23", "2026-03-25", general0, "Samordningsförbundet", 0, 1, 120, 0, 0, 0),
			brow(p.wpA, "1130-212", "2026-03-26", "2026-04-05", general350, "", 350, 3, 420, 0, 0, 2450),
			brow(p.wpB, "1240-311", "2026-03-23", "2026-03-25", general0, "Samordningsförbundet", 0, 1, 120, 0, 0, 0),
			brow(p.wpB, "1240-311", "2026-03-26", "2026-03-31", general350, "", 350, 1, 90, 1, 60, 875),
			brow(p.wpB, "1240-311", "2026-04-01", "2026-04-05", wpB500, "", 500, 0, 0, 1, 60, 500),
		},
		Total: BillingFigures{HeldSessions: 6, HeldMinutes: 750, LateCancelled: 2, LateMinutes: 120,
			BillableMinutes: 870, BillableHours: 14.5, Amount: 3825, ConfirmationRate: f64(0)}})
}

func TestRates(t *testing.T) {
	f := newFixture(t, mustLocal(t, "2026-03-01 12:00"))
	kr := func(v float64) *float64 { return &v }
	str := func(v string) *string { return &v }
	r, err := f.s.CreateRate(f.ctx, f.admin, RateInput{From: str("2026-01-13"), To: str("2026-06-12"), HourlyRate: kr(0), Funder: str("Samordningsförbundet")})
	if err != nil {
		t.Fatal(err)
	}
	// Overlapping the same scope is refused; a workplace's own rate may overlap the pool's.
	if _, err := f.s.CreateRate(f.ctx, f.admin, RateInput{From: str("2026-06-12"), HourlyRate: kr(350)}); ErrorCode(err) != CodeInvalid {
		t.Fatalf("overlap: %v", err)
	}
	if _, err := f.s.CreateRate(f.ctx, f.admin, RateInput{From: str("2026-06-13"), HourlyRate: kr(350.5)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CreateRate(f.ctx, f.admin, RateInput{WorkplaceID: &f.wpA.ID, From: str("2026-02-01"), HourlyRate: kr(100)}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []RateInput{{From: str("2027-01-01"), HourlyRate: kr(-1)}, {From: str("1 jan"), HourlyRate: kr(1)},
		{From: str("2027-02-01"), To: str("2027-01-01"), HourlyRate: kr(1)}, {HourlyRate: kr(1)},
		{WorkplaceID: new(int64(999)), From: str("2030-01-01"), HourlyRate: kr(1)}} {
		if _, err := f.s.CreateRate(f.ctx, f.admin, in); ErrorCode(err) != CodeInvalid {
			t.Errorf("%+v: %v, want invalid", in, err)
		}
	}
	if _, err := f.s.CreateRate(f.ctx, &User{Role: RoleManager}, RateInput{From: str("2030-01-01"), HourlyRate: kr(1)}); ErrorCode(err) != CodeForbidden {
		t.Errorf("manager: %v", err)
	}
	// Ending the first period earlier is allowed; then the gap has no general rate.
	if _, err := f.s.UpdateRate(f.ctx, f.admin, r.ID, RateInput{To: str("2026-05-31")}); err != nil {
		t.Fatal(err)
	}
	rates, err := f.s.ListRates(f.ctx, f.admin)
	if err != nil || len(rates) != 3 || rates[1].HourlyRateOre != 35050 || *rates[0].ValidTo != "2026-05-31" {
		t.Fatalf("rates: %+v %v", rates, err)
	}
	if got := rateOn(rates, "2026-06-05", f.wpB.ID); got != nil {
		t.Errorf("gap: %+v", got)
	}
	if got := rateOn(rates, "2026-06-05", f.wpA.ID); got == nil || got.HourlyRateOre != 10000 {
		t.Errorf("workplace's own rate: %+v", got)
	}
	if err := f.s.DeleteRate(f.ctx, f.admin, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteRate(f.ctx, f.admin, r.ID); ErrorCode(err) != CodeNotFound {
		t.Fatalf("delete twice: %v", err)
	}
}

// TestReportCSV reads the CSV as a spreadsheet would: UTF-8 after a byte-order
// mark, semicolon-separated, Swedish headers and letters, decimal commas; and
// checks every cell against the JSON form of the same report.
func TestReportCSV(t *testing.T) {
	p := newReportPool(t)
	raw, err := p.s.UtilizationCSV(p.ctx, p.admin, reportFrom, reportTo, "workplace")
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
		{fmt.Sprint(p.wpA.ID), "Förskolan Solrosen", "0", "540", "", "4", "2", "0", "13", "2"},
		{fmt.Sprint(p.wpB.ID), "Äldreboendet Linden", "0", "210", "", "2", "3", "2", "12", "1"},
		{"Totalt", "", "4440", "750", "0,1689", "6", "5", "2", "25", "3"},
	}
	same(t, "csv", records, want)
	if !strings.Contains(string(raw), "\r\n") {
		t.Error("want CRLF line ends")
	}
	var buf bytes.Buffer
	bill, err := p.s.BillingReport(p.ctx, p.admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&buf, bill); err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{"Kostnadsställe", "Timpris (kr)", ";350,00;", ";2,5;", ";875,00;0;0\r\n", ";500,00;0;\r\n", "Samordningsförbundet", "Totalt;;;2026-03-23;2026-04-05;;;6;750;2;120;870;14,5;3825,00;0;0\r\n"} {
		if !strings.Contains(buf.String(), cell) {
			t.Errorf("billing csv lacks %q:\n%s", cell, buf.String())
		}
	}
}

// TestLateCancelSubsecond: cancellations stored with the clock's nanoseconds are
// judged to the millisecond: 1 ms inside the notice is late, 1 ms outside is not.
func TestLateCancelSubsecond(t *testing.T) {
	f := newFixture(t, mustLocal(t, "2026-03-01 12:00"))
	sv := f.supervisor("Amina Yusuf", []string{"ar"})
	for i, offset := range []time.Duration{time.Millisecond + 500, -time.Millisecond - 500} {
		start := fmt.Sprintf("2026-03-1%d 09:00", i+1)
		b, err := f.book(sv, f.wpA, start, fmt.Sprintf("2026-03-1%d 10:00", i+1))
		if err != nil {
			t.Fatal(err)
		}
		at := mustLocal(t, start).Add(-24*time.Hour + offset)
		f.s.Now = func() time.Time { return at }
		if _, err := f.s.CancelBooking(f.ctx, f.admin, b.ID, "illness", ""); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := f.s.CancellationReport(f.ctx, f.admin, "2026-03-01", "2026-03-31")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "total", rep.Total, CancellationFigures{Cancelled: 2, Minutes: 120, LateCancelled: 1, LateMinutes: 60})
}
