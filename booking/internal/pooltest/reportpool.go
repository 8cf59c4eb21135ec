package pooltest

import (
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
)

// ReportPool is the pool whose every report figure booking/report's tests
// work out by hand; booking's own tests use it too.
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
//	b1  Amina   A  Mon 23 09:00–11:00 120 workplace_support   held, follow-up 5 persons, rating 4, texts (reasons: substitutes, new staff; would book again)
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
// The clock is left at 15 April 12:00. The pool has no rates: those are
// booking/report's, which its tests add.
type ReportPool struct {
	*Fixture
	Amina, Bashir, Cecilia *booking.Supervisor
	ManagerA, ManagerB     *booking.User
}

// NewReportPool builds the report pool on a fresh database.
func NewReportPool(t *testing.T) *ReportPool {
	t.Helper()
	f := New(t, Local(t, "2026-03-01 12:00"))
	p := &ReportPool{Fixture: f}
	ctx, admin := f.Ctx, f.Admin
	for _, w := range []struct {
		wp *booking.Workplace
		cc string
	}{{f.WpA, "1130-212"}, {f.WpB, "1240-311"}} {
		cc := w.cc
		if _, err := f.S.UpdateWorkplace(ctx, admin, w.wp.ID, booking.WorkplaceInput{CostCenter: &cc}); err != nil {
			t.Fatal(err)
		}
	}
	weekdays := func(start, end int, days ...int) []booking.Window {
		var ws []booking.Window
		for _, d := range days {
			ws = append(ws, booking.Window{Weekday: d, Start: start, End: end})
		}
		return ws
	}
	p.Amina = f.Supervisor("Amina Yusuf", []string{"ar"}, weekdays(8*60, 16*60, 1, 2, 3, 4, 5)...)
	p.Bashir = f.Supervisor("Bashir Ali", []string{"so"}, append(weekdays(9*60, 12*60, 1, 3), booking.Window{Weekday: 7, Start: 60, End: 300})...)
	p.Cecilia = f.Supervisor("Cecilia Tesfaye", []string{"ti"})
	p.ManagerA = f.Manager("chef.a@example.se", f.WpA.ID)
	p.ManagerB = f.Manager("chef.b@example.se", f.WpB.ID)

	p.absence(p.Amina, "2026-03-25 12:00", "2026-03-25 16:00")
	p.absence(p.Amina, "2026-03-25 14:00", "2026-03-25 18:00")
	p.absence(p.Amina, "2026-03-31 00:00", "2026-04-01 00:00")
	p.absence(p.Bashir, "2026-03-30 10:00", "2026-03-30 11:00")

	b1 := p.book(p.Amina, f.WpA, "workplace_support", "on_site", "2026-03-23 09:00", "2026-03-23 11:00")
	b2 := p.book(p.Amina, f.WpB, "parent_information", "on_site", "2026-03-26 13:00", "2026-03-26 14:30")
	p.book(p.Bashir, f.WpA, "information_meeting", "phone", "2026-03-29 01:30", "2026-03-29 04:30")
	b4 := p.book(p.Amina, f.WpA, "workplace_support", "on_site", "2026-03-24 10:00", "2026-03-24 12:00")
	b5 := p.book(p.Amina, f.WpB, "workplace_support", "on_site", "2026-04-01 08:00", "2026-04-01 09:00")
	b6 := p.book(p.Bashir, f.WpB, "parent_information", "video", "2026-03-30 09:00", "2026-03-30 10:00")
	b7 := p.book(p.Bashir, f.WpA, "other", "video", "2026-03-25 09:00", "2026-03-25 10:00")
	b8 := p.book(p.Amina, f.WpA, "substitute_intro", "on_site", "2026-04-02 08:00", "2026-04-02 12:00")
	p.book(p.Cecilia, f.WpB, "workplace_support", "on_site", "2026-03-24 08:00", "2026-03-24 10:00")
	p.book(p.Amina, f.WpA, "workplace_support", "on_site", "2026-04-03 10:00", "2026-04-03 11:00", booking.RuleClosedDay)
	b12 := p.book(p.Amina, f.WpB, "workplace_support", "on_site", "2026-03-26 08:00", "2026-03-26 09:00")
	p.book(p.Amina, f.WpA, "workplace_support", "on_site", "2026-03-20 09:00", "2026-03-20 10:00")
	p.book(p.Amina, f.WpA, "workplace_support", "on_site", "2026-04-07 09:00", "2026-04-07 10:00")

	p.cancel(b4, admin, "illness", "2026-03-20 10:00")
	p.cancel(b7, p.ManagerA, "other", "2026-03-25 04:00")
	p.cancel(b12, p.ManagerB, "illness", "2026-03-25 08:00")
	p.cancel(b6, admin, "no_participants", "2026-03-30 06:00")
	p.cancel(b5, p.ManagerB, "workplace_closed", "2026-03-31 20:00")

	p.SetClock("2026-04-15 12:00")
	yes, no := true, false
	p.followup(b1, booking.FollowupInput{PersonsSupervised: 5, Rating: 4, WhyBooked: "Nya vikarier", Comment: "Mycket bra",
		Reasons: []string{"substitutes", "new_staff"}, WouldBookAgain: &yes})
	p.followup(b2, booking.FollowupInput{PersonsSupervised: 12, Rating: 5, Reasons: []string{"parents"}, WouldBookAgain: &yes})
	p.followup(b8, booking.FollowupInput{PersonsSupervised: 8, Rating: 3, WhyBooked: "Introduktion av sommarvikarier",
		Comment: "Tolkade för Åsa och Örjan på förskolan", Reasons: []string{"substitutes", "language_barrier", "substitutes"},
		WouldBookAgain: &no})
	inactive := false
	if _, err := f.S.UpdateSupervisor(ctx, admin, p.Cecilia.ID, booking.SupervisorInput{Active: &inactive}); err != nil {
		t.Fatal(err)
	}
	return p
}

// Local turns a Stockholm wall time "2006-01-02 15:04" into its instant.
func Local(t testing.TB, local string) time.Time {
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

// SetClock sets the service's clock to a Stockholm wall time.
func (p *ReportPool) SetClock(local string) {
	now := Local(p.T, local)
	p.S.Now = func() time.Time { return now }
}

func (p *ReportPool) absence(sv *booking.Supervisor, start, end string) {
	p.T.Helper()
	if _, err := p.S.CreateAbsence(p.Ctx, p.Admin, sv.ID, booking.AbsenceInput{Start: p.At(start), End: p.At(end)}); err != nil {
		p.T.Fatal(err)
	}
}

func (p *ReportPool) book(sv *booking.Supervisor, w *booking.Workplace, purpose, mode, start, end string, override ...string) *booking.Booking {
	p.T.Helper()
	in := booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: w.ID, Language: sv.Languages[0], Purpose: purpose,
		Mode: mode, Start: p.At(start), End: p.At(end), Override: override, Overriding: len(override) > 0}
	if mode == "video" {
		url := "https://meet.example.se/sprakpool"
		in.MeetingURL = &url
	}
	b, err := p.S.CreateBooking(p.Ctx, p.Admin, in)
	if err != nil {
		p.T.Fatalf("book %s %s: %v", sv.Name, start, err)
	}
	return b
}

func (p *ReportPool) cancel(b *booking.Booking, by *booking.User, code, at string) {
	p.T.Helper()
	p.SetClock(at)
	if _, err := p.S.CancelBooking(p.Ctx, by, b.ID, code, "skäl"); err != nil {
		p.T.Fatal(err)
	}
}

func (p *ReportPool) followup(b *booking.Booking, in booking.FollowupInput) {
	p.T.Helper()
	if _, err := p.S.RecordFollowup(p.Ctx, p.Admin, b.ID, in); err != nil {
		p.T.Fatal(err)
	}
}
