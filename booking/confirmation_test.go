package booking

import (
	"fmt"
	"slices"
	"testing"
)

// TestBillingUsesConfirmedMinutes: on the report pool (see report_test.go), the
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
	sv := func(name string) *User {
		for _, s := range []*Supervisor{p.amina, p.bashir} {
			if s.Name == name {
				u, err := p.s.CreateUser(p.ctx, UserInput{Email: fmt.Sprintf("sv%d@example.se", s.ID), Name: name,
					Role: RoleSupervisor, SupervisorID: &s.ID, Password: "secret-password"})
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
		in := ConfirmationInput{Outcome: outcome}
		if start != "" {
			in.ActualStart, in.ActualEnd = p.at(start), p.at(end)
		}
		if _, err := p.s.ConfirmBooking(p.ctx, amina, id, in); err != nil {
			t.Fatalf("confirm %d: %v", id, err)
		}
	}
	confirm(1, "held", "2026-03-23 09:10", "2026-03-23 10:40")
	confirm(2, "no_show", "", "")
	confirm(8, "not_held", "", "")

	got, err := p.s.BillingReport(p.ctx, p.admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	rates, err := p.s.ListRates(p.ctx, p.admin)
	if err != nil || len(rates) != 3 {
		t.Fatalf("rates: %v %v", rates, err)
	}
	brow := func(w *Workplace, cc, from, to string, rate int64, funder string, kr float64,
		held, heldMin, late, lateMin int, amount float64, confirmed int) BillingRow {
		min := heldMin + lateMin
		return BillingRow{WorkplaceID: w.ID, Workplace: w.Name, CostCenter: cc, From: from, To: to, RateID: &rate,
			Funder: funder, HourlyRate: f64(kr), BillingFigures: BillingFigures{HeldSessions: held, HeldMinutes: heldMin,
				LateCancelled: late, LateMinutes: lateMin, BillableMinutes: min, BillableHours: float64(min) / 60,
				Amount: amount, Confirmed: confirmed, ConfirmationRate: ratio(confirmed, held, 4)}}
	}
	unconfirmed := func(id int64, sv *Supervisor, w *Workplace, date, start, end string, minutes int) UnconfirmedSession {
		return UnconfirmedSession{BookingID: id, Date: date, Start: date + "T" + start, End: date + "T" + end, Minutes: minutes,
			SupervisorID: sv.ID, Supervisor: sv.Name, WorkplaceID: w.ID, Workplace: w.Name}
	}
	g0, g350, b500 := rates[0].ID, rates[1].ID, rates[2].ID
	same(t, "billing", got, &Billing{From: reportFrom, To: reportTo,
		Rows: []BillingRow{
			brow(p.wpA, "1130-212", "2026-03-23", "2026-03-25", g0, "Samordningsförbundet", 0, 1, 90, 0, 0, 0, 1),
			brow(p.wpA, "1130-212", "2026-03-26", "2026-04-05", g350, "", 350, 3, 180, 0, 0, 1050, 1),
			brow(p.wpB, "1240-311", "2026-03-23", "2026-03-25", g0, "Samordningsförbundet", 0, 1, 120, 0, 0, 0, 0),
			brow(p.wpB, "1240-311", "2026-03-26", "2026-03-31", g350, "", 350, 1, 90, 1, 60, 875, 1),
			brow(p.wpB, "1240-311", "2026-04-01", "2026-04-05", b500, "", 500, 0, 0, 1, 60, 500, 0),
		},
		Total: BillingFigures{HeldSessions: 6, HeldMinutes: 480, LateCancelled: 2, LateMinutes: 120,
			BillableMinutes: 600, BillableHours: 10, Amount: 2425, Confirmed: 3, ConfirmationRate: f64(0.5)},
		Unconfirmed: []UnconfirmedSession{
			unconfirmed(9, p.cecilia, p.wpB, "2026-03-24", "08:00:00+01:00", "10:00:00+01:00", 120),
			// 01:30 CET to 04:30 CEST across the spring-forward hour: two real hours.
			unconfirmed(3, p.bashir, p.wpA, "2026-03-29", "01:30:00+01:00", "04:30:00+02:00", 120),
			unconfirmed(10, p.amina, p.wpA, "2026-04-03", "10:00:00+02:00", "11:00:00+02:00", 60),
		}})

	// Correcting a confirmation changes the bill: b1 held longer than booked.
	confirm(1, "held", "2026-03-23 08:45", "2026-03-23 11:15")
	got, err = p.s.BillingReport(p.ctx, p.admin, reportFrom, reportTo)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.Rows[0]; r.HeldMinutes != 150 || r.Confirmed != 1 || got.Total.BillableMinutes != 660 {
		t.Errorf("after correcting b1 to 150 minutes: row %+v, total %+v", r.BillingFigures, got.Total)
	}
}

// TestListUnconfirmed: ?unconfirmed=true lists the held sessions the actor may
// see that have no confirmation: not future ones, not cancelled ones, not
// confirmed ones, whatever the outcome.
func TestListUnconfirmed(t *testing.T) {
	p := newReportPool(t)
	ids := func(u *User) []int64 {
		t.Helper()
		list, err := p.s.ListBookings(p.ctx, u, BookingFilter{From: "2026-03-01", To: "2026-04-30", Unconfirmed: true})
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, b := range list {
			out = append(out, b.ID)
		}
		return out
	}
	// The clock is 15 April 12:00: the booking of 7 April (13) is held, so is
	// 20 March (12); b12 (11) was cancelled.
	if got, want := ids(p.admin), []int64{12, 1, 9, 2, 3, 8, 10, 13}; !slices.Equal(got, want) {
		t.Fatalf("admin: %v, want %v", got, want)
	}
	if got, want := ids(p.managerB), []int64{9, 2}; !slices.Equal(got, want) {
		t.Fatalf("manager B: %v, want %v", got, want)
	}
	for _, c := range []struct {
		id      int64
		outcome string
	}{{1, "held"}, {2, "no_show"}, {8, "not_held"}} {
		if _, err := p.s.ConfirmBooking(p.ctx, p.admin, c.id, ConfirmationInput{Outcome: c.outcome}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := ids(p.admin), []int64{12, 9, 3, 10, 13}; !slices.Equal(got, want) {
		t.Fatalf("admin after confirming 1, 2 and 8: %v, want %v", got, want)
	}
	// Before the 7 April booking has ended it is not held yet.
	p.setClock("2026-04-07 09:30")
	if got, want := ids(p.admin), []int64{12, 9, 3, 10}; !slices.Equal(got, want) {
		t.Fatalf("admin on 7 April 09:30: %v, want %v", got, want)
	}
}
