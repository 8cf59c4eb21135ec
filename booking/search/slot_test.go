package search_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
	"github.com/sprakpool/sprakpool/booking/search"
)

// slotPool is a hand-built pool for the free-time search, the clock on Monday
// 22 March 2027 at 10:07: långfredagen is that Friday (26 March), påskdagen the
// Sunday the clocks go forward (28 March).
type slotPool struct {
	*pooltest.Fixture
	amina, bilal, sara *booking.Supervisor // ar, ar (mornings), so
	tigist             *booking.Supervisor // ti, elderly care only
	manager            *booking.User
	search             *search.Service
}

func weekdays(start, end int) []booking.Window {
	var ws []booking.Window
	for wd := 1; wd <= 5; wd++ {
		ws = append(ws, booking.Window{Weekday: wd, Start: start, End: end})
	}
	return ws
}

func newSlotPool(t *testing.T) *slotPool {
	t.Helper()
	f := pooltest.New(t, mustLocal(t, "2027-03-22 10:07"))
	p := &slotPool{Fixture: f, search: search.New(f.S)}
	p.amina = f.Supervisor("Amina", []string{"ar"}, weekdays(8*60, 18*60)...)
	p.bilal = f.Supervisor("Bilal", []string{"ar"}, weekdays(8*60, 12*60)...)
	p.sara = f.Supervisor("Sara", []string{"so"})
	name, langs, areas := "Tigist", []string{"ti"}, []string{"elderly_care"}
	sv, err := f.S.CreateSupervisor(f.Ctx, f.Admin, booking.SupervisorInput{Name: &name, Languages: &langs, Areas: &areas})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.S.SetAvailability(f.Ctx, f.Admin, sv.ID, weekdays(8*60, 16*60)); err != nil {
		t.Fatal(err)
	}
	p.tigist = sv
	p.manager = f.Manager("chef@example.se", f.WpA.ID)
	return p
}

func (p *slotPool) book(sv *booking.Supervisor, w *booking.Workplace, start, end string) {
	p.T.Helper()
	if _, err := p.Book(sv, w, start, end); err != nil {
		p.T.Fatalf("book %s %s–%s: %v", sv.Name, start, end, err)
	}
}

// slotsByTime shows slots as "2006-01-02 15:04 -0700" → supervisor ids, in the
// pool's zone (the offset tells the two 02:30 of the autumn night apart).
func slotsByTime(t *testing.T, slots []search.Slot, loc *time.Location) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	for i, s := range slots {
		if i > 0 && !slots[i-1].Start.Before(s.Start) {
			t.Fatalf("slots out of order at %v", s.Start)
		}
		if len(s.SupervisorIDs) == 0 {
			t.Fatalf("slot %v without supervisors", s.Start)
		}
		out[s.Start.In(loc).Format("2006-01-02 15:04 -0700")] = s.SupervisorIDs
	}
	return out
}

func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var e *booking.Error
	if !errors.As(err, &e) || e.Code != booking.CodeInvalid {
		t.Fatalf("want invalid, got %v", err)
	}
	fe := e.Details.([]booking.FieldError)
	return fe[0].Field
}

func TestSlots(t *testing.T) {
	t.Parallel()
	p := newSlotPool(t)
	loc := p.S.Config().Location
	// Tuesday: Amina at Linden 09:00–10:00 (60 minutes that week).
	p.book(p.amina, p.WpB, "2027-03-23 09:00", "2027-03-23 10:00")
	// Wednesday: Bilal away all day.
	if _, err := p.S.CreateAbsence(p.Ctx, p.Admin, p.bilal.ID, booking.AbsenceInput{
		Start: p.At("2027-03-24 00:00"), End: p.At("2027-03-25 00:00"), Reason: "kurs"}); err != nil {
		t.Fatal(err)
	}
	// Thursday: Amina booked 08:00–12:00 and 13:00–16:00, seven hours.
	p.book(p.amina, p.WpA, "2027-03-25 08:00", "2027-03-25 12:00")
	p.book(p.amina, p.WpA, "2027-03-25 13:00", "2027-03-25 16:00")

	find := func(q search.SlotQuery) map[string][]int64 {
		t.Helper()
		if q.Language == "" {
			q.Language = "ar"
		}
		slots, err := p.search.Slots(p.Ctx, p.manager, q)
		if err != nil {
			t.Fatal(err)
		}
		return slotsByTime(t, slots, loc)
	}
	a, b := p.amina.ID, p.bilal.ID
	at := func(local string) string { return local + " +0100" }
	week := find(search.SlotQuery{From: "2027-03-22", To: "2027-03-28", DurationMinutes: 60})
	for _, c := range []struct {
		at   string
		want []int64
	}{
		{"2027-03-22 10:00", nil},           // passed (the clock says 10:07)
		{"2027-03-22 10:15", []int64{b, a}}, // Bilal first: fewer booked minutes that week
		{"2027-03-22 10:20", nil},           // never off the quarter hours
		{"2027-03-22 11:00", []int64{b, a}}, // Bilal's last hour
		{"2027-03-22 11:15", []int64{a}},
		{"2027-03-22 17:00", []int64{a}}, // Amina's last hour
		{"2027-03-22 17:15", nil},        // would end after her window
		{"2027-03-23 08:00", []int64{b, a}},
		{"2027-03-23 08:15", []int64{b}}, // Amina is booked 09:00–10:00
		{"2027-03-23 09:45", []int64{b}},
		{"2027-03-23 10:00", []int64{b, a}}, // touching ends are fine
		{"2027-03-23 11:15", []int64{a}},
		{"2027-03-24 10:00", []int64{a}}, // Bilal away
		{"2027-03-25 08:00", []int64{b}}, // Amina booked
		{"2027-03-25 11:00", []int64{b}},
		{"2027-03-25 11:15", nil},
		{"2027-03-25 12:00", []int64{a}}, // 7 h + 1 h: exactly the daily limit
		{"2027-03-25 12:15", nil},        // overlaps 13:00
		{"2027-03-25 15:45", nil},
		{"2027-03-25 16:00", []int64{a}},
		{"2027-03-25 17:00", []int64{a}},
		{"2027-03-26 10:00", nil}, // långfredagen
		{"2027-03-27 10:00", nil}, // Saturday
		{"2027-03-28 10:00", nil}, // påskdagen
	} {
		if got := week[at(c.at)]; !slices.Equal(got, c.want) {
			t.Errorf("%s: supervisors %v, want %v", c.at, got, c.want)
		}
	}
	// Monday 10:15–17:00 (28 starts), Tuesday and Wednesday 08:00–17:00 (37
	// each), Thursday 08:00–11:00, 12:00 and 16:00–17:00 (19).
	if len(week) != 121 {
		t.Errorf("%d slots in the week, want 121", len(week))
	}
	// But 90 minutes after her 7 hours is over the daily limit.
	if got := find(search.SlotQuery{From: "2027-03-25", To: "2027-03-25", DurationMinutes: 90})[at("2027-03-25 16:00")]; got != nil {
		t.Errorf("90 minutes after 7 hours: %v, want nobody (daily limit)", got)
	}

	// The travel buffer counts only with a workplace and on site: Amina was at
	// Linden (B) until 10:00 on Tuesday.
	for _, c := range []struct {
		name string
		q    search.SlotQuery
		want []int64
	}{
		{"no workplace", search.SlotQuery{}, []int64{b, a}},
		{"other workplace, on site", search.SlotQuery{WorkplaceID: &p.WpA.ID}, []int64{b}},
		{"other workplace, phone", search.SlotQuery{WorkplaceID: &p.WpA.ID, Mode: "phone"}, []int64{b, a}},
		{"same workplace", search.SlotQuery{WorkplaceID: &p.WpB.ID}, []int64{b, a}},
	} {
		q := c.q
		q.From, q.To, q.DurationMinutes = "2027-03-23", "2027-03-23", 60
		got := find(q)
		if !slices.Equal(got[at("2027-03-23 10:00")], c.want) {
			t.Errorf("%s: 10:00 %v, want %v", c.name, got[at("2027-03-23 10:00")], c.want)
		}
		wantBefore := []int64{b, a}
		if len(c.want) == 1 {
			wantBefore = []int64{b}
		}
		if !slices.Equal(got[at("2027-03-23 08:00")], wantBefore) {
			t.Errorf("%s: 08:00 %v, want %v", c.name, got[at("2027-03-23 08:00")], wantBefore)
		}
	}

	// A named supervisor, and the area: from the workplace's kind by default.
	if got := find(search.SlotQuery{From: "2027-03-23", To: "2027-03-23", DurationMinutes: 60, SupervisorID: &p.amina.ID}); !slices.Equal(got[at("2027-03-23 10:00")], []int64{a}) || got[at("2027-03-23 08:15")] != nil {
		t.Errorf("Amina alone: %v", got)
	}
	if got := find(search.SlotQuery{Language: "ti", From: "2027-03-23", To: "2027-03-23", DurationMinutes: 60, WorkplaceID: &p.WpA.ID}); len(got) != 0 {
		t.Errorf("Tigist at a preschool: %v, want nothing (she works in elderly care)", got)
	}
	if got := find(search.SlotQuery{Language: "ti", From: "2027-03-23", To: "2027-03-23", DurationMinutes: 60, WorkplaceID: &p.WpB.ID}); len(got) != 29 {
		t.Errorf("Tigist at a care home: %d slots, want 29 (08:00 to 15:00)", len(got))
	}
	// Every slot the pool shows can be booked without naming a supervisor.
	slots, err := p.search.Slots(p.Ctx, p.manager, search.SlotQuery{Language: "ar", From: "2027-03-23", To: "2027-03-23", DurationMinutes: 45, WorkplaceID: &p.WpA.ID})
	if err != nil || len(slots) == 0 {
		t.Fatalf("%d slots, %v", len(slots), err)
	}
	sl := slots[len(slots)/2]
	bk, err := p.S.CreateBooking(p.Ctx, p.manager, booking.BookingInput{WorkplaceID: p.WpA.ID, Language: "ar",
		Purpose: "workplace_support", Start: sl.Start.Format(time.RFC3339), End: sl.End.Format(time.RFC3339)})
	if err != nil || bk.SupervisorID != sl.SupervisorIDs[0] {
		t.Fatalf("booking the slot %v %v: %+v, %v", sl.Start, sl.SupervisorIDs, bk, err)
	}
}

// The days the clocks change: every quarter hour of the local day, 23 or 25
// hours long, and the repeated hour twice.
func TestSlotsOnClockChanges(t *testing.T) {
	t.Parallel()
	allWeek := func() []booking.Window {
		var ws []booking.Window
		for wd := 1; wd <= 7; wd++ {
			ws = append(ws, booking.Window{Weekday: wd, Start: 0, End: 1440})
		}
		return ws
	}
	t.Run("autumn 2027", func(t *testing.T) {
		f := pooltest.New(t, mustLocal(t, "2027-10-29 12:00"))
		f.Supervisor("Amina", []string{"ar"}, allWeek()...)
		slots, err := search.New(f.S).Slots(f.Ctx, f.Admin, search.SlotQuery{Language: "ar", From: "2027-10-31", To: "2027-10-31", DurationMinutes: 60})
		if err != nil {
			t.Fatal(err)
		}
		// 25 hours: 100 quarter hours, of which the last three would end after midnight.
		if len(slots) != 97 {
			t.Fatalf("%d slots, want 97", len(slots))
		}
		got := slotsByTime(t, slots, f.S.Config().Location)
		for _, k := range []string{"2027-10-31 02:30 +0200", "2027-10-31 02:30 +0100", "2027-10-31 00:00 +0200", "2027-10-31 23:00 +0100"} {
			if got[k] == nil {
				t.Errorf("no slot at %s", k)
			}
		}
		if last := slots[len(slots)-1]; !last.End.Equal(mustLocal(t, "2027-11-01 00:00")) {
			t.Errorf("last slot ends %v, want midnight", last.End)
		}
	})
	t.Run("spring 2026", func(t *testing.T) {
		f := pooltest.New(t, mustLocal(t, "2026-03-27 12:00"))
		f.Supervisor("Amina", []string{"ar"}, allWeek()...)
		slots, err := search.New(f.S).Slots(f.Ctx, f.Admin, search.SlotQuery{Language: "ar", From: "2026-03-29", To: "2026-03-29", DurationMinutes: 60})
		if err != nil {
			t.Fatal(err)
		}
		if len(slots) != 89 { // 23 hours: 92 quarter hours less three
			t.Fatalf("%d slots, want 89", len(slots))
		}
		got := slotsByTime(t, slots, f.S.Config().Location)
		if got["2026-03-29 01:45 +0100"] == nil || got["2026-03-29 03:00 +0200"] == nil {
			t.Errorf("missing the hours around the gap: %v", got)
		}
		for k := range got {
			if strings.Contains(k, " 02:") {
				t.Errorf("a slot in the hour that does not exist: %s", k)
			}
		}
	})
	t.Run("spring 2027 is påskdagen", func(t *testing.T) {
		f := pooltest.New(t, mustLocal(t, "2027-03-22 12:00"))
		f.Supervisor("Amina", []string{"ar"}, allWeek()...)
		q := search.SlotQuery{Language: "ar", From: "2027-03-28", To: "2027-03-28", DurationMinutes: 60}
		slots, err := search.New(f.S).Slots(f.Ctx, f.Admin, q)
		if err != nil || len(slots) != 0 {
			t.Fatalf("%d slots on påskdagen, %v", len(slots), err)
		}
		why, err := search.New(f.S).NoSlotReason(f.Ctx, f.Admin, q)
		if err != nil {
			t.Fatal(err)
		}
		if why.Reason != search.NoSlotClosedDay || len(why.ClosedDays) != 1 || why.ClosedDays[0].Date != "2027-03-28" {
			t.Errorf("reason %+v, want closed_day 2027-03-28", why)
		}
		// Annandag påsk is closed too: the next free times start on Tuesday, one a day.
		if len(why.Next) != search.MaxNextSlots {
			t.Fatalf("next %d, want %d", len(why.Next), search.MaxNextSlots)
		}
		for i, n := range why.Next {
			want := mustLocal(t, "2027-03-30 00:00").AddDate(0, 0, i)
			if !n.Start.Equal(want) {
				t.Errorf("next %d at %v, want %v", i, n.Start, want)
			}
		}
	})
}

func TestSlotsBadInput(t *testing.T) {
	t.Parallel()
	p := newSlotPool(t)
	unknown := int64(9999)
	ok := search.SlotQuery{Language: "ar", From: "2027-03-22", To: "2027-03-28", DurationMinutes: 60}
	for _, c := range []struct {
		name  string
		edit  func(q *search.SlotQuery)
		field string
	}{
		{"unknown language", func(q *search.SlotQuery) { q.Language = "xx" }, "language"},
		{"no language", func(q *search.SlotQuery) { q.Language = "" }, "language"},
		{"no from", func(q *search.SlotQuery) { q.From = "" }, "from"},
		{"bad from", func(q *search.SlotQuery) { q.From = "22/3/2027" }, "from"},
		{"no to", func(q *search.SlotQuery) { q.To = "" }, "to"},
		{"to before from", func(q *search.SlotQuery) { q.To = "2027-03-21" }, "to"},
		{"32 days", func(q *search.SlotQuery) { q.From, q.To = "2027-03-01", "2027-04-01" }, "to"},
		{"no duration", func(q *search.SlotQuery) { q.DurationMinutes = 0 }, "duration"},
		{"duration not a multiple of 15", func(q *search.SlotQuery) { q.DurationMinutes = 50 }, "duration"},
		{"duration too short", func(q *search.SlotQuery) { q.DurationMinutes = 10 }, "duration"},
		{"duration too long", func(q *search.SlotQuery) { q.DurationMinutes = 615 }, "duration"},
		{"negative duration", func(q *search.SlotQuery) { q.DurationMinutes = -15 }, "duration"},
		{"bad area", func(q *search.SlotQuery) { q.Area = "school" }, "area"},
		{"bad mode", func(q *search.SlotQuery) { q.Mode = "letter" }, "mode"},
		{"unknown workplace", func(q *search.SlotQuery) { q.WorkplaceID = &unknown }, "workplace_id"},
		{"unknown supervisor", func(q *search.SlotQuery) { q.SupervisorID = &unknown }, "supervisor_id"},
		{"supervisor without the language", func(q *search.SlotQuery) { q.SupervisorID = &p.sara.ID }, "supervisor_id"},
		{"supervisor without the area", func(q *search.SlotQuery) { q.Language, q.Area, q.SupervisorID = "ti", "kitchen", &p.tigist.ID }, "supervisor_id"},
	} {
		q := ok
		c.edit(&q)
		_, err := p.search.Slots(p.Ctx, p.manager, q)
		if got := fieldOf(t, err); got != c.field {
			t.Errorf("%s: field %q, want %q (%v)", c.name, got, c.field, err)
		}
		if _, err := p.search.NoSlotReason(p.Ctx, p.manager, q); booking.ErrorCode(err) != booking.CodeInvalid {
			t.Errorf("%s: NoSlotReason %v, want invalid", c.name, err)
		}
	}
	// 31 days, both ends included, and the longest session are fine.
	for _, q := range []search.SlotQuery{
		{Language: "ar", From: "2027-03-01", To: "2027-03-31", DurationMinutes: 60},
		{Language: "ar", From: "2027-03-22", To: "2027-03-22", DurationMinutes: 600},
		{Language: "ar", From: "2027-03-22", To: "2027-03-22", DurationMinutes: 15},
	} {
		if _, err := p.search.Slots(p.Ctx, p.manager, q); err != nil {
			t.Errorf("%+v: %v", q, err)
		}
	}
	// The role is checked before the query.
	svUser, err := p.S.CreateUser(p.Ctx, booking.UserInput{Email: "amina@example.se", Name: "Amina", Role: booking.RoleSupervisor,
		SupervisorID: &p.amina.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []*booking.User{svUser, nil} {
		if _, err := p.search.Slots(p.Ctx, who, search.SlotQuery{Language: "xx"}); booking.ErrorCode(err) != booking.CodeForbidden {
			t.Errorf("%v: %v, want forbidden", who, err)
		}
		if _, err := p.search.NoSlotReason(p.Ctx, who, ok); booking.ErrorCode(err) != booking.CodeForbidden {
			t.Errorf("%v: NoSlotReason %v, want forbidden", who, err)
		}
	}
}

func TestNoSlotReason(t *testing.T) {
	t.Parallel()
	p := newSlotPool(t)
	// Mona speaks Persian and works on Mondays only.
	mona := p.Supervisor("Mona", []string{"fa"}, booking.Window{Weekday: 1, Start: 8 * 60, End: 12 * 60})
	// Bilal is booked all his Tuesday morning; Amina is away that day.
	p.book(p.bilal, p.WpA, "2027-03-23 08:00", "2027-03-23 12:00")
	if _, err := p.S.CreateAbsence(p.Ctx, p.Admin, p.amina.ID, booking.AbsenceInput{
		Start: p.At("2027-03-23 00:00"), End: p.At("2027-03-24 00:00"), Reason: "sjuk"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		q        search.SlotQuery
		reason   string
		nextFrom string // the first of the next free times, local
	}{
		{"nobody speaks Wolof", search.SlotQuery{Language: "wo", From: "2027-03-23", To: "2027-03-23"}, search.NoSlotNoSupervisor, ""},
		{"no Tigrinya in kitchens", search.SlotQuery{Language: "ti", Area: "kitchen", From: "2027-03-23", To: "2027-03-23"}, search.NoSlotNoSupervisorInArea, ""},
		{"everyone busy", search.SlotQuery{Language: "ar", From: "2027-03-23", To: "2027-03-23"}, search.NoSlotBusy, "2027-03-24 08:00"},
		{"last weekend", search.SlotQuery{Language: "ar", From: "2027-03-20", To: "2027-03-21"}, search.NoSlotPast, "2027-03-22 10:15"},
		{"the next weekend", search.SlotQuery{Language: "ar", From: "2027-04-03", To: "2027-04-04"}, search.NoSlotWeekend, "2027-04-05 08:00"},
		{"Easter", search.SlotQuery{Language: "ar", From: "2027-03-26", To: "2027-03-29"}, search.NoSlotClosedDay, "2027-03-30 08:00"},
		{"a closed day", search.SlotQuery{Language: "ar", From: "2027-03-26", To: "2027-03-26"}, search.NoSlotClosedDay, "2027-03-30 08:00"},
		{"past", search.SlotQuery{Language: "ar", From: "2027-03-01", To: "2027-03-05"}, search.NoSlotPast, "2027-03-22 10:15"},
		{"ten hours", search.SlotQuery{Language: "ar", From: "2027-03-22", To: "2027-03-22", DurationMinutes: 600}, search.NoSlotTooLong, ""},
		{"longer than Mona's mornings", search.SlotQuery{Language: "fa", From: "2027-03-29", To: "2027-03-29", DurationMinutes: 300}, search.NoSlotTooLong, ""},
		{"longer than the daily limit", search.SlotQuery{Language: "ar", From: "2027-03-23", To: "2027-03-23", DurationMinutes: 540}, search.NoSlotTooLong, ""},
		{"Mona works Mondays", search.SlotQuery{Language: "fa", From: "2027-03-23", To: "2027-03-25"}, search.NoSlotNoAvailability, "2027-04-05 08:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			if q.DurationMinutes == 0 {
				q.DurationMinutes = 60
			}
			slots, err := p.search.Slots(p.Ctx, p.manager, q)
			if err != nil || len(slots) != 0 {
				t.Fatalf("%d slots, %v", len(slots), err)
			}
			why, err := p.search.NoSlotReason(p.Ctx, p.manager, q)
			if err != nil {
				t.Fatal(err)
			}
			if why.Reason != c.reason {
				t.Errorf("reason %q, want %q", why.Reason, c.reason)
			}
			if c.nextFrom == "" {
				if len(why.Next) != 0 {
					t.Errorf("next %v, want none", why.Next)
				}
				return
			}
			if len(why.Next) == 0 || !why.Next[0].Start.Equal(mustLocal(t, c.nextFrom)) {
				t.Fatalf("next %v, want from %s", why.Next, c.nextFrom)
			}
			base := mustLocal(t, q.To+" 00:00").AddDate(0, 0, 1)
			if today := mustLocal(t, "2027-03-22 00:00"); base.Before(today) {
				base = today
			}
			for i, n := range why.Next {
				day := n.Start.In(p.S.Config().Location).Format(time.DateOnly)
				if i > 0 && day == why.Next[i-1].Start.In(p.S.Config().Location).Format(time.DateOnly) {
					t.Errorf("two next times on %s", day)
				}
				if n.Start.Before(base) || !n.Start.Before(base.AddDate(0, 0, search.NextSlotDays)) {
					t.Errorf("next time %v outside the 60 days from %v", n.Start, base)
				}
			}
			if len(why.Next) > search.MaxNextSlots {
				t.Errorf("%d next times", len(why.Next))
			}
		})
	}
	// A search with free times has no reason.
	why, err := p.search.NoSlotReason(p.Ctx, p.manager, search.SlotQuery{Language: "fa", From: "2027-04-05", To: "2027-04-05", DurationMinutes: 60})
	if err != nil || why.Reason != "" {
		t.Errorf("Mona on Monday: %+v, %v", why, err)
	}
	if mona.ID == 0 {
		t.Fatal("no Mona")
	}
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
