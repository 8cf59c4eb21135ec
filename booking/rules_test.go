package booking

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests in this file drive the real service on a real SQLite file through
// tables of steps (bkStep) run in order against one pool (bkScenario), so that a
// row can speak of supervisors, users, absences and earlier bookings by name.

// bkScenario is a fixture whose people, places and bookings have names.
type bkScenario struct {
	*fixture
	svs      map[string]*Supervisor
	users    map[string]*User
	wps      map[string]*Workplace
	bookings map[string]*Booking
	absences map[string]*Absence
}

func newBkScenario(t testing.TB, now time.Time) *bkScenario {
	t.Helper()
	return bkScenarioOf(newFixture(t, now))
}

func bkScenarioOf(f *fixture) *bkScenario {
	return &bkScenario{fixture: f, svs: map[string]*Supervisor{}, users: map[string]*User{"admin": f.admin},
		wps: map[string]*Workplace{"A": f.wpA, "B": f.wpB}, bookings: map[string]*Booking{}, absences: map[string]*Absence{}}
}

// bkStep is one row: a booking to create (or one to cancel) and what must happen.
type bkStep struct {
	name       string
	key        string // remember the created booking under this name
	by         string // the actor, a key of users; "" is the admin
	sv         string // the supervisor's key; "" lets the pool pick
	wp         string // the workplace's key; "" is A
	lang, area string
	mode, url  string
	start, end string // Stockholm wall time "2006-01-02 15:04", or RFC 3339 as sent
	override   []string
	overriding bool   // Overriding without a list (a list sets it anyway)
	cancel     string // instead of booking: cancel this booking
	want       []string
	code       Code     // a non-conflict error code wanted
	fields     []string // with CodeInvalid: the fields named in Details
	check      func(t *testing.T, b *Booking)
}

func (sc *bkScenario) run(t *testing.T, steps []bkStep) {
	t.Helper()
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			t.Helper()
			sc.do(t, st)
		})
	}
}

func (sc *bkScenario) do(t *testing.T, st bkStep) *Booking {
	t.Helper()
	actor := sc.user(t, st.by)
	if st.cancel != "" {
		b, err := sc.s.CancelBooking(sc.ctx, actor, sc.booking(t, st.cancel).ID, "illness", "")
		sc.expect(t, st, b, err)
		return b
	}
	b, err := sc.s.CreateBooking(sc.ctx, actor, sc.input(t, st))
	sc.expect(t, st, b, err)
	return b
}

func (sc *bkScenario) input(t testing.TB, st bkStep) BookingInput {
	t.Helper()
	in := BookingInput{WorkplaceID: sc.workplaceOf(t, st.wp).ID, Language: st.lang, Area: st.area, Mode: st.mode,
		Purpose: "workplace_support", Start: sc.when(t, st.start), End: sc.when(t, st.end),
		Override: st.override, Overriding: st.overriding || st.override != nil}
	if st.url != "" {
		u := st.url
		in.MeetingURL = &u
	}
	if st.sv != "" {
		sv := sc.sv(t, st.sv)
		in.SupervisorID = &sv.ID
		if in.Language == "" {
			in.Language = sv.Languages[0]
		}
	}
	if in.Language == "" {
		in.Language = "ar"
	}
	return in
}

// expect checks the outcome of a step: success, a conflict naming exactly the
// rules in want (rendered by render), or an error of code.
func (sc *bkScenario) expect(t *testing.T, st bkStep, b *Booking, err error) {
	t.Helper()
	switch {
	case st.code != "":
		if ErrorCode(err) != st.code {
			t.Fatalf("want %s, got %v%s", st.code, err, sc.describe(b, err))
		}
		if st.fields != nil {
			if got := bkFields(err); !bkSameSet(got, st.fields) {
				t.Fatalf("want invalid fields %q, got %q (%v)", st.fields, got, err)
			}
		}
		return
	case st.want != nil:
		vs, ok := bkViolations(err)
		if !ok {
			t.Fatalf("want conflict %q, got %v%s", st.want, err, sc.describe(b, err))
		}
		got := make([]string, len(vs))
		for i, v := range vs {
			got[i] = sc.render(v)
		}
		if !slices.Equal(got, st.want) {
			t.Fatalf("want conflict\n\t%q\ngot\n\t%q", st.want, got)
		}
		return
	}
	if err != nil {
		t.Fatalf("want success, got %v%s", err, sc.describe(b, err))
	}
	if st.key != "" && b != nil {
		sc.bookings[st.key] = b
	}
	if st.check != nil {
		st.check(t, b)
	}
}

// render writes a violation the way tables name it: the rule, then each field
// that is set, bookings and absences by their names, times as local HH:MM. The
// start and end of a booking the caller may not see are left out, as the
// contract says nothing of them.
func (sc *bkScenario) render(v Violation) string {
	var w strings.Builder
	w.WriteString(v.Rule)
	if v.BookingID != 0 {
		fmt.Fprintf(&w, " booking=%s", sc.bookingName(v.BookingID))
	} else if v.Rule == RuleOverlap || v.Rule == RuleTravelBuffer {
		w.WriteString(" booking=hidden")
	}
	if v.BookingID != 0 || v.Rule != RuleOverlap {
		if v.Start != nil || v.End != nil {
			fmt.Fprintf(&w, " at=%s-%s", sc.clock(v.Start), sc.clock(v.End))
		}
	}
	if v.AbsenceID != 0 {
		fmt.Fprintf(&w, " absence=%s", sc.absenceName(v.AbsenceID))
	}
	if v.Date != "" {
		fmt.Fprintf(&w, " date=%s", v.Date)
	}
	if v.Minutes != 0 {
		fmt.Fprintf(&w, " minutes=%d", v.Minutes)
	}
	return w.String()
}

func (sc *bkScenario) clock(t *time.Time) string {
	if t == nil {
		return "nil"
	}
	return t.In(sc.s.cfg.Location).Format("15:04")
}

func (sc *bkScenario) describe(b *Booking, err error) string {
	var e *Error
	switch {
	case b != nil:
		return fmt.Sprintf(" (booking %d %s..%s)", b.ID, b.Start, b.End)
	case errors.As(err, &e) && e.Code == CodeConflict:
		vs, _ := e.Details.([]Violation)
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = sc.render(v)
		}
		return fmt.Sprintf(" %q", out)
	case errors.As(err, &e):
		return fmt.Sprintf(" %+v", e.Details)
	}
	return ""
}

func (sc *bkScenario) bookingName(id int64) string {
	for k, b := range sc.bookings {
		if b.ID == id {
			return k
		}
	}
	return fmt.Sprintf("#%d", id)
}

func (sc *bkScenario) absenceName(id int64) string {
	for k, a := range sc.absences {
		if a.ID == id {
			return k
		}
	}
	return fmt.Sprintf("#%d", id)
}

// when turns a Stockholm wall time into RFC 3339; anything with a T is sent as is.
func (sc *bkScenario) when(t testing.TB, v string) string {
	t.Helper()
	if v == "" || strings.Contains(v, "T") {
		return v
	}
	return sc.local(t, v).Format(time.RFC3339)
}

func (sc *bkScenario) local(t testing.TB, v string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", v, sc.s.cfg.Location)
	if err != nil {
		t.Fatalf("bad test time %q: %v", v, err)
	}
	return tm
}

func (sc *bkScenario) user(t testing.TB, key string) *User {
	t.Helper()
	if key == "" {
		return sc.admin
	}
	u, ok := sc.users[key]
	if !ok {
		t.Fatalf("no user %q in the scenario", key)
	}
	return u
}

func (sc *bkScenario) sv(t testing.TB, key string) *Supervisor {
	t.Helper()
	sv, ok := sc.svs[key]
	if !ok {
		t.Fatalf("no supervisor %q in the scenario", key)
	}
	return sv
}

func (sc *bkScenario) workplaceOf(t testing.TB, key string) *Workplace {
	t.Helper()
	if key == "" {
		key = "A"
	}
	w, ok := sc.wps[key]
	if !ok {
		t.Fatalf("no workplace %q in the scenario", key)
	}
	return w
}

func (sc *bkScenario) booking(t testing.TB, key string) *Booking {
	t.Helper()
	b, ok := sc.bookings[key]
	if !ok {
		t.Fatalf("no booking %q in the scenario (did its step fail?)", key)
	}
	return b
}

// addSupervisor adds a supervisor of every area (windows: Monday to Friday 08–16 when none).
func (sc *bkScenario) addSupervisor(key string, langs []string, ws ...Window) *Supervisor {
	sc.t.Helper()
	sv := sc.supervisor(key, langs, ws...)
	sc.svs[key] = sv
	return sv
}

// addSupervisorIn adds a supervisor who covers only the given areas.
func (sc *bkScenario) addSupervisorIn(key string, langs, areas []string, ws ...Window) *Supervisor {
	sc.t.Helper()
	sv := sc.supervisor(key, langs, ws...)
	sv, err := sc.s.UpdateSupervisor(sc.ctx, sc.admin, sv.ID, SupervisorInput{Areas: &areas})
	if err != nil {
		sc.t.Fatal(err)
	}
	sc.svs[key] = sv
	return sv
}

func (sc *bkScenario) addManager(key string, wps ...string) *User {
	sc.t.Helper()
	ids := make([]int64, len(wps))
	for i, k := range wps {
		ids[i] = sc.workplaceOf(sc.t, k).ID
	}
	u := sc.manager(key+"@example.se", ids...)
	sc.users[key] = u
	return u
}

func (sc *bkScenario) addAbsence(key, sv, start, end string) *Absence {
	sc.t.Helper()
	a, err := sc.s.CreateAbsence(sc.ctx, sc.admin, sc.sv(sc.t, sv).ID,
		AbsenceInput{Start: sc.when(sc.t, start), End: sc.when(sc.t, end), Reason: "sjuk"})
	if err != nil {
		sc.t.Fatal(err)
	}
	sc.absences[key] = a
	return a
}

// book creates a booking that must succeed, during setup.
func (sc *bkScenario) book(key string, st bkStep) *Booking {
	sc.t.Helper()
	b, err := sc.s.CreateBooking(sc.ctx, sc.user(sc.t, st.by), sc.input(sc.t, st))
	if err != nil {
		sc.t.Fatalf("setup booking %s: %v%s", key, err, sc.describe(b, err))
	}
	sc.bookings[key] = b
	return b
}

// bkWindow is a weekly window from "HH:MM" to "HH:MM" ("24:00" is midnight).
func bkWindow(weekday int, from, to string) Window {
	return Window{Weekday: weekday, Start: bkMinutes(from), End: bkMinutes(to)}
}

// bkWeekdays is the same window Monday to Friday.
func bkWeekdays(from, to string) []Window {
	var out []Window
	for wd := 1; wd <= 5; wd++ {
		out = append(out, bkWindow(wd, from, to))
	}
	return out
}

func bkMinutes(hhmm string) int {
	var h, m int
	if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil {
		panic(fmt.Sprintf("bad test time %q", hhmm))
	}
	return h*60 + m
}

// bkViolations returns the violations of a conflict error, and whether it is one.
func bkViolations(err error) ([]Violation, bool) {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeConflict {
		return nil, false
	}
	vs, _ := e.Details.([]Violation)
	return vs, true
}

// bkFields returns the fields an invalid error names, in order.
func bkFields(err error) []string {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	fes, _ := e.Details.([]FieldError)
	out := []string{}
	for _, fe := range fes {
		out = append(out, fe.Field)
	}
	return out
}

func bkSameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// bkAt checks the stored instants of a booking.
func bkAt(start, end string) func(t *testing.T, b *Booking) {
	return func(t *testing.T, b *Booking) {
		t.Helper()
		ws, _ := time.Parse(time.RFC3339, start)
		we, _ := time.Parse(time.RFC3339, end)
		if !b.Start.Equal(ws) || !b.End.Equal(we) {
			t.Fatalf("stored %s..%s, want %s..%s", b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339), start, end)
		}
	}
}

// bkLasts checks the real elapsed length of a booking.
func bkLasts(d time.Duration) func(t *testing.T, b *Booking) {
	return func(t *testing.T, b *Booking) {
		t.Helper()
		if got := b.End.Sub(b.Start); got != d {
			t.Fatalf("lasts %v, want %v", got, d)
		}
	}
}

var bkNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Rule overlap: touching ends are fine, one minute of overlap is not, and the
// details name the colliding booking with its times. Never overridable.
func TestRuleOverlap(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar", "so"})
	sc.addSupervisor("hodan", []string{"so"})
	sc.addManager("mgrA", "A")
	all := slices.Clone(OverridableRules)
	sc.run(t, []bkStep{
		{name: "first", key: "b1", sv: "amina", start: "2026-03-30 10:00", end: "2026-03-30 11:00", check: func(t *testing.T, b *Booking) {
			if b.ID == 0 || b.UID == "" || b.Area != "childcare" || b.Mode != "on_site" || b.Status != StatusConfirmed || b.Sequence != 0 {
				t.Fatalf("bad booking %+v", b)
			}
		}},
		{name: "touching after", key: "b2", sv: "amina", start: "2026-03-30 11:00", end: "2026-03-30 12:00"},
		{name: "touching before", key: "b0", sv: "amina", start: "2026-03-30 09:00", end: "2026-03-30 10:00"},
		{name: "one minute into the end", sv: "amina", start: "2026-03-30 11:59", end: "2026-03-30 12:30",
			want: []string{"overlap booking=b2 at=11:00-12:00"}},
		{name: "one minute into the start", sv: "amina", start: "2026-03-30 08:30", end: "2026-03-30 09:01",
			want: []string{"overlap booking=b0 at=09:00-10:00"}},
		{name: "inside", sv: "amina", start: "2026-03-30 10:15", end: "2026-03-30 10:45",
			want: []string{"overlap booking=b1 at=10:00-11:00"}},
		{name: "the same slot", sv: "amina", start: "2026-03-30 10:00", end: "2026-03-30 11:00",
			want: []string{"overlap booking=b1 at=10:00-11:00"}},
		{name: "spanning two", sv: "amina", start: "2026-03-30 10:30", end: "2026-03-30 11:30",
			want: []string{"overlap booking=b1 at=10:00-11:00", "overlap booking=b2 at=11:00-12:00"}},
		{name: "around all three", sv: "amina", start: "2026-03-30 08:00", end: "2026-03-30 13:00",
			want: []string{"overlap booking=b0 at=09:00-10:00", "overlap booking=b1 at=10:00-11:00", "overlap booking=b2 at=11:00-12:00"}},
		{name: "by phone still overlaps", sv: "amina", mode: "phone", start: "2026-03-30 10:30", end: "2026-03-30 10:45",
			want: []string{"overlap booking=b1 at=10:00-11:00"}},
		{name: "in another language still overlaps", sv: "amina", lang: "so", start: "2026-03-30 10:30", end: "2026-03-30 10:45",
			want: []string{"overlap booking=b1 at=10:00-11:00"}},
		{name: "by a manager of the workplace", by: "mgrA", sv: "amina", start: "2026-03-30 11:30", end: "2026-03-30 12:30",
			want: []string{"overlap booking=b2 at=11:00-12:00"}},
		{name: "override of every overridable rule does not pass it", sv: "amina", override: all,
			start: "2026-03-30 10:00", end: "2026-03-30 11:00", want: []string{"overlap booking=b1 at=10:00-11:00"}},
		{name: "another supervisor the same slot", sv: "hodan", start: "2026-03-30 10:00", end: "2026-03-30 11:00"},
		{name: "touching at the end of the day", sv: "amina", start: "2026-03-30 12:00", end: "2026-03-30 13:00"},
		{name: "the same time another day", sv: "amina", start: "2026-03-31 10:00", end: "2026-03-31 11:00"},
	})
}

// Rule outside_availability, in local wall time on both sides of both DST changes.
func TestRuleAvailabilityAcrossDST(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("weekday", []string{"ar"})
	sc.addSupervisor("sunday", []string{"ar"}, bkWindow(7, "08:00", "16:00"))
	sc.addSupervisor("split", []string{"ar"}, bkWindow(1, "08:00", "12:00"), bkWindow(1, "13:00", "16:00"))
	sc.addSupervisor("evening", []string{"ar"}, bkWindow(1, "20:00", "24:00"))
	sc.run(t, []bkStep{
		// Monday after the spring change (CEST, +02:00).
		{name: "spring Monday one minute early", sv: "weekday", start: "2026-03-30 07:59", end: "2026-03-30 09:00",
			want: []string{"outside_availability"}},
		{name: "spring Monday one minute late", sv: "weekday", start: "2026-03-30 15:00", end: "2026-03-30 16:01",
			want: []string{"outside_availability"}},
		{name: "spring Monday the whole window", sv: "weekday", start: "2026-03-30 08:00", end: "2026-03-30 16:00",
			check: bkAt("2026-03-30T06:00:00Z", "2026-03-30T14:00:00Z")},
		{name: "Friday before the spring change", sv: "weekday", start: "2026-03-27 08:00", end: "2026-03-27 16:00",
			check: bkAt("2026-03-27T07:00:00Z", "2026-03-27T15:00:00Z")},
		// Monday after the autumn change (CET, +01:00).
		{name: "autumn Monday one minute early", sv: "weekday", start: "2026-10-26 07:59", end: "2026-10-26 09:00",
			want: []string{"outside_availability"}},
		{name: "autumn Monday one minute late", sv: "weekday", start: "2026-10-26 15:00", end: "2026-10-26 16:01",
			want: []string{"outside_availability"}},
		{name: "autumn Monday the whole window", sv: "weekday", start: "2026-10-26 08:00", end: "2026-10-26 16:00",
			check: bkAt("2026-10-26T07:00:00Z", "2026-10-26T15:00:00Z")},
		{name: "Friday before the autumn change", sv: "weekday", start: "2026-10-23 08:00", end: "2026-10-23 16:00",
			check: bkAt("2026-10-23T06:00:00Z", "2026-10-23T14:00:00Z")},
		// Any offset is accepted and converted.
		{name: "UTC one minute early", sv: "weekday", start: "2026-03-31T05:59:00Z", end: "2026-03-31T07:00:00Z",
			want: []string{"outside_availability"}},
		{name: "UTC at the window's start", sv: "weekday", start: "2026-03-31T06:00:00Z", end: "2026-03-31T07:00:00Z",
			check: bkAt("2026-03-31T06:00:00Z", "2026-03-31T07:00:00Z")},
		{name: "odd offsets", sv: "weekday", start: "2026-03-31T16:00:00+09:00", end: "2026-03-31T03:00:00-05:00",
			check: bkAt("2026-03-31T07:00:00Z", "2026-03-31T08:00:00Z")},
		{name: "Saturday has no window", sv: "weekday", start: "2026-04-04 10:00", end: "2026-04-04 11:00",
			want: []string{"outside_availability"}},
		// The DST days themselves are Sundays.
		{name: "spring DST day one minute early", sv: "sunday", start: "2026-03-29 07:59", end: "2026-03-29 08:30",
			want: []string{"outside_availability"}},
		{name: "spring DST day one minute late", sv: "sunday", start: "2026-03-29 15:30", end: "2026-03-29 16:01",
			want: []string{"outside_availability"}},
		{name: "spring DST day the whole window", sv: "sunday", start: "2026-03-29 08:00", end: "2026-03-29 16:00",
			check: bkAt("2026-03-29T06:00:00Z", "2026-03-29T14:00:00Z")},
		{name: "autumn DST day one minute early", sv: "sunday", start: "2026-10-25 07:59", end: "2026-10-25 08:30",
			want: []string{"outside_availability"}},
		{name: "autumn DST day the whole window", sv: "sunday", start: "2026-10-25 08:00", end: "2026-10-25 16:00",
			check: bkAt("2026-10-25T07:00:00Z", "2026-10-25T15:00:00Z")},
		{name: "weekday supervisor on a Sunday", sv: "weekday", start: "2026-10-25 09:00", end: "2026-10-25 10:00",
			want: []string{"outside_availability"}},
		// The booking lies inside one window.
		{name: "across the gap between two windows", sv: "split", start: "2026-03-30 11:00", end: "2026-03-30 14:00",
			want: []string{"outside_availability"}},
		{name: "in the gap", sv: "split", start: "2026-03-30 12:00", end: "2026-03-30 13:00",
			want: []string{"outside_availability"}},
		{name: "end of the first window", sv: "split", start: "2026-03-30 11:00", end: "2026-03-30 12:00"},
		{name: "the second window", sv: "split", start: "2026-03-30 13:00", end: "2026-03-30 16:00"},
		// A window to midnight.
		{name: "ending at midnight", sv: "evening", start: "2026-03-30 23:00", end: "2026-03-31 00:00",
			check: bkAt("2026-03-30T21:00:00Z", "2026-03-30T22:00:00Z")},
		{name: "past midnight is invalid", sv: "evening", start: "2026-03-30 23:30", end: "2026-03-31 00:30",
			code: CodeInvalid, fields: []string{"end"}},
	})
}

// Rule closed_day: reported alone, with the date; an admin may override it,
// and the other rules still hold then.
func TestRuleClosedDay(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"})
	sc.addSupervisor("hodan", []string{"ar"})
	sc.addManager("mgrA", "A")
	sc.addAbsence("sick", "hodan", "2026-06-19 00:00", "2026-06-20 00:00")
	cd := []string{RuleClosedDay}
	sc.run(t, []bkStep{
		{name: "Easter Monday", sv: "amina", start: "2026-04-06 08:00", end: "2026-04-06 09:00",
			want: []string{"closed_day date=2026-04-06"}},
		{name: "Easter Monday also outside availability", sv: "amina", start: "2026-04-06 07:00", end: "2026-04-06 09:00",
			want: []string{"closed_day date=2026-04-06"}},
		{name: "Easter Monday by a manager", by: "mgrA", sv: "amina", start: "2026-04-06 10:00", end: "2026-04-06 11:00",
			want: []string{"closed_day date=2026-04-06"}},
		{name: "Easter Monday picking a supervisor", start: "2026-04-06 10:00", end: "2026-04-06 11:00",
			want: []string{"no_free_supervisor"}},
		{name: "Good Friday", sv: "amina", start: "2026-04-03 10:00", end: "2026-04-03 11:00",
			want: []string{"closed_day date=2026-04-03"}},
		{name: "Midsummer Eve", sv: "amina", start: "2026-06-19 09:00", end: "2026-06-19 10:00",
			want: []string{"closed_day date=2026-06-19"}},
		{name: "Midsummer Eve also outside availability", sv: "amina", start: "2026-06-19 15:00", end: "2026-06-19 17:00",
			want: []string{"closed_day date=2026-06-19"}},
		{name: "Midsummer Eve also absent", sv: "hodan", start: "2026-06-19 09:00", end: "2026-06-19 10:00",
			want: []string{"closed_day date=2026-06-19"}},
		{name: "override Easter Monday", key: "easter", sv: "amina", override: cd, start: "2026-04-06 08:00", end: "2026-04-06 09:00",
			check: bkAt("2026-04-06T06:00:00Z", "2026-04-06T07:00:00Z")},
		{name: "override Midsummer Eve", sv: "amina", override: cd, start: "2026-06-19 09:00", end: "2026-06-19 10:00"},
		{name: "on the overridden day, still closed_day only", sv: "amina", start: "2026-04-06 08:30", end: "2026-04-06 09:30",
			want: []string{"closed_day date=2026-04-06"}},
		{name: "override, but overlapping", sv: "amina", override: cd, start: "2026-04-06 08:30", end: "2026-04-06 09:30",
			want: []string{"overlap booking=easter at=08:00-09:00"}},
		{name: "override, but outside availability", sv: "amina", override: cd, start: "2026-04-06 07:00", end: "2026-04-06 08:00",
			want: []string{"outside_availability"}},
		{name: "override, but absent", sv: "hodan", override: cd, start: "2026-06-19 11:00", end: "2026-06-19 12:00",
			want: []string{"absence absence=sick"}},
		{name: "the day after Easter Monday", sv: "amina", start: "2026-04-07 08:00", end: "2026-04-07 09:00"},
		{name: "the day before Midsummer Eve", sv: "amina", start: "2026-06-18 08:00", end: "2026-06-18 09:00"},
	})
}

// Rule absence: the end of an absence is not included.
func TestRuleAbsence(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"})
	sc.addSupervisor("hodan", []string{"ar"})
	sc.addAbsence("dentist", "amina", "2026-03-30 10:00", "2026-03-30 12:00")
	sc.addAbsence("early", "amina", "2026-03-31 09:00", "2026-03-31 10:00")
	sc.addAbsence("late", "amina", "2026-03-31 11:00", "2026-03-31 12:00")
	sc.addAbsence("course", "amina", "2026-04-13 00:00", "2026-04-15 00:00")
	sc.run(t, []bkStep{
		{name: "one minute into the end", sv: "amina", start: "2026-03-30 11:59", end: "2026-03-30 12:30",
			want: []string{"absence absence=dentist"}},
		{name: "one minute into the start", sv: "amina", start: "2026-03-30 09:30", end: "2026-03-30 10:01",
			want: []string{"absence absence=dentist"}},
		{name: "inside", sv: "amina", start: "2026-03-30 10:30", end: "2026-03-30 11:00",
			want: []string{"absence absence=dentist"}},
		{name: "around", sv: "amina", start: "2026-03-30 09:00", end: "2026-03-30 13:00",
			want: []string{"absence absence=dentist"}},
		{name: "touching the end", sv: "amina", start: "2026-03-30 12:00", end: "2026-03-30 13:00"},
		{name: "touching the start", sv: "amina", start: "2026-03-30 08:00", end: "2026-03-30 10:00"},
		{name: "two absences", sv: "amina", start: "2026-03-31 09:30", end: "2026-03-31 11:30",
			want: []string{"absence absence=early", "absence absence=late"}},
		{name: "between two absences", sv: "amina", start: "2026-03-31 10:00", end: "2026-03-31 11:00"},
		{name: "a day inside a longer absence", sv: "amina", start: "2026-04-14 09:00", end: "2026-04-14 10:00",
			want: []string{"absence absence=course"}},
		{name: "the day the longer absence ends", sv: "amina", start: "2026-04-15 08:00", end: "2026-04-15 09:00"},
		{name: "another supervisor's absence does not matter", sv: "hodan", start: "2026-03-30 10:00", end: "2026-03-30 12:00"},
	})
}

// Rule travel_buffer: between on-site bookings at different workplaces on one
// day, at least the buffer (15m by default); exactly the buffer is fine.
func TestRuleTravelBuffer(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"}, bkWeekdays("07:00", "17:00")...)
	const meet = "https://meet.example.se/abc"
	sc.run(t, []bkStep{
		{name: "on site at A", key: "a1", sv: "amina", start: "2026-03-30 08:00", end: "2026-03-30 10:00"},
		{name: "at B one minute short of the buffer", sv: "amina", wp: "B", start: "2026-03-30 10:14", end: "2026-03-30 11:00",
			want: []string{"travel_buffer booking=a1"}},
		{name: "at B right after", sv: "amina", wp: "B", start: "2026-03-30 10:00", end: "2026-03-30 11:00",
			want: []string{"travel_buffer booking=a1"}},
		{name: "at B exactly the buffer after", key: "b1", sv: "amina", wp: "B", start: "2026-03-30 10:15", end: "2026-03-30 11:00"},
		{name: "at B again with no gap", key: "b2", sv: "amina", wp: "B", start: "2026-03-30 11:00", end: "2026-03-30 11:30"},
		{name: "back at A with no gap", sv: "amina", start: "2026-03-30 11:30", end: "2026-03-30 12:00",
			want: []string{"travel_buffer booking=b2"}},
		{name: "back at A one minute short", sv: "amina", start: "2026-03-30 11:44", end: "2026-03-30 12:00",
			want: []string{"travel_buffer booking=b2"}},
		{name: "back at A exactly the buffer after", sv: "amina", start: "2026-03-30 11:45", end: "2026-03-30 12:00"},
		// The buffer also holds before a later booking.
		{name: "at A later in the day", key: "a2", sv: "amina", start: "2026-03-31 10:00", end: "2026-03-31 11:00"},
		{name: "at B one minute short before it", sv: "amina", wp: "B", start: "2026-03-31 09:00", end: "2026-03-31 09:46",
			want: []string{"travel_buffer booking=a2"}},
		{name: "at B exactly the buffer before it", sv: "amina", wp: "B", start: "2026-03-31 09:00", end: "2026-03-31 09:45"},
		{name: "at B right after it", sv: "amina", wp: "B", start: "2026-03-31 11:00", end: "2026-03-31 11:30",
			want: []string{"travel_buffer booking=a2"}},
		// Phone and video need no travel.
		{name: "on site at A", key: "a3", sv: "amina", start: "2026-04-01 08:00", end: "2026-04-01 10:00"},
		{name: "phone for B right after", sv: "amina", wp: "B", mode: "phone", start: "2026-04-01 10:00", end: "2026-04-01 10:30"},
		{name: "video for B right after", sv: "amina", wp: "B", mode: "video", url: meet, start: "2026-04-01 10:30", end: "2026-04-01 11:00",
			check: func(t *testing.T, b *Booking) {
				if b.Mode != "video" || b.MeetingURL == nil || *b.MeetingURL != meet {
					t.Fatalf("bad video booking %+v", b)
				}
			}},
		{name: "on site at A right after the video", sv: "amina", start: "2026-04-01 11:00", end: "2026-04-01 11:30"},
		{name: "phone for B", key: "p1", sv: "amina", wp: "B", mode: "phone", start: "2026-04-02 08:00", end: "2026-04-02 09:00"},
		{name: "on site at A right after the phone call", sv: "amina", start: "2026-04-02 09:00", end: "2026-04-02 10:00"},
		// Video needs an https meeting URL.
		{name: "video without a meeting URL", sv: "amina", mode: "video", start: "2026-04-02 12:00", end: "2026-04-02 13:00",
			code: CodeInvalid, fields: []string{"meeting_url"}},
		{name: "video with an http meeting URL", sv: "amina", mode: "video", url: "http://meet.example.se/abc",
			start: "2026-04-02 12:00", end: "2026-04-02 13:00", code: CodeInvalid, fields: []string{"meeting_url"}},
		{name: "video with an https URL without host", sv: "amina", mode: "video", url: "https:///abc",
			start: "2026-04-02 12:00", end: "2026-04-02 13:00", code: CodeInvalid, fields: []string{"meeting_url"}},
		{name: "phone with a meeting URL", sv: "amina", mode: "phone", url: meet,
			start: "2026-04-02 12:00", end: "2026-04-02 13:00", code: CodeInvalid, fields: []string{"meeting_url"}},
		// Another day needs no buffer.
		{name: "on site at B the next day", sv: "amina", wp: "B", start: "2026-04-07 07:00", end: "2026-04-07 08:00"},
	})
}

// Rule daily_limit: exactly the limit (8h) is fine; minutes is the day's total
// with the new booking, in real elapsed minutes on DST days.
func TestRuleDailyLimit(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("long", []string{"ar"}, bkWeekdays("08:00", "17:00")...)
	sc.addSupervisor("night", []string{"ar"}, bkWindow(7, "00:00", "24:00"))
	sc.addSupervisor("night2", []string{"ar"}, bkWindow(7, "00:00", "24:00"))
	dl := []string{RuleDailyLimit}
	sc.run(t, []bkStep{
		{name: "morning", sv: "long", start: "2026-03-30 08:00", end: "2026-03-30 12:00"},
		{name: "afternoon makes exactly 8h", sv: "long", start: "2026-03-30 12:00", end: "2026-03-30 16:00"},
		{name: "one minute more", sv: "long", start: "2026-03-30 16:00", end: "2026-03-30 16:01",
			want: []string{"daily_limit minutes=481"}},
		{name: "morning again", sv: "long", start: "2026-03-31 08:00", end: "2026-03-31 12:00"},
		{name: "afternoon one minute too long", sv: "long", start: "2026-03-31 12:00", end: "2026-03-31 16:01",
			want: []string{"daily_limit minutes=481"}},
		{name: "afternoon exactly", sv: "long", start: "2026-03-31 12:00", end: "2026-03-31 16:00"},
		{name: "one booking of 8h01", sv: "long", start: "2026-04-01 08:00", end: "2026-04-01 16:01",
			want: []string{"daily_limit minutes=481"}},
		{name: "one booking of 8h", key: "full", sv: "long", start: "2026-04-01 08:00", end: "2026-04-01 16:00"},
		{name: "cancel it", cancel: "full"},
		{name: "a cancelled booking does not count", sv: "long", start: "2026-04-01 09:00", end: "2026-04-01 17:00"},
		{name: "but the new one does", sv: "long", start: "2026-04-01 08:00", end: "2026-04-01 08:30",
			want: []string{"daily_limit minutes=510"}},
		// The spring DST day has 23 hours: 00:00 to 09:00 local is 8h elapsed.
		{name: "spring DST day 00-09 is 8h", sv: "night", start: "2026-03-29 00:00", end: "2026-03-29 09:00",
			check: bkLasts(8 * time.Hour)},
		{name: "spring DST day one minute more", sv: "night", start: "2026-03-29 09:00", end: "2026-03-29 09:01",
			want: []string{"daily_limit minutes=481"}},
		// The autumn DST day has 25 hours: 00:00 to 08:00 local is 9h elapsed.
		{name: "autumn DST day 00-08 is 9h", sv: "night", start: "2026-10-25 00:00", end: "2026-10-25 08:00",
			want: []string{"daily_limit minutes=540"}},
		{name: "autumn DST day 00-07 is 8h", sv: "night", start: "2026-10-25 00:00", end: "2026-10-25 07:00",
			check: bkLasts(8 * time.Hour)},
		{name: "autumn DST day one minute more", sv: "night", start: "2026-10-25 07:00", end: "2026-10-25 07:01",
			want: []string{"daily_limit minutes=481"}},
		{name: "the whole spring DST day with override", sv: "night2", override: dl, start: "2026-03-29 00:00", end: "2026-03-30 00:00",
			check: bkLasts(23 * time.Hour)},
		// The whole autumn DST day, 00:00 to 24:00 local, starts and ends on the
		// same local day, as a booking must; it lasts 25 hours.
		{name: "the whole autumn DST day with override", sv: "night2", override: dl, start: "2026-10-25 00:00", end: "2026-10-26 00:00",
			check: bkLasts(25 * time.Hour)},
	})
}

// A booking that breaks several rules hears of all of them in one conflict.
func TestRuleAllAtOnce(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"})
	sc.addManager("mgrB", "B")
	sc.addAbsence("dentist", "amina", "2026-03-30 15:00", "2026-03-30 15:30")
	sc.book("b1", bkStep{sv: "amina", start: "2026-03-30 08:00", end: "2026-03-30 11:00"})
	sc.book("b2", bkStep{sv: "amina", start: "2026-03-30 11:20", end: "2026-03-30 13:00"})
	sc.book("b3", bkStep{sv: "amina", override: []string{RuleOutsideAvailability}, start: "2026-03-30 16:40", end: "2026-03-30 17:00"})
	all := []string{"overlap booking=b2 at=11:20-13:00", "outside_availability", "absence absence=dentist",
		"travel_buffer booking=b3", "daily_limit minutes=540"}
	sc.run(t, []bkStep{
		{name: "every rule but closed_day", sv: "amina", wp: "B", start: "2026-03-30 12:30", end: "2026-03-30 16:30", want: all},
		{name: "by a manager of B, who sees no booking of A", by: "mgrB", sv: "amina", wp: "B",
			start: "2026-03-30 12:30", end: "2026-03-30 16:30", want: []string{"overlap booking=hidden", "outside_availability",
				"absence absence=dentist", "travel_buffer booking=hidden", "daily_limit minutes=540"}},
		{name: "override of the rest leaves overlap", sv: "amina", wp: "B", override: slices.Clone(OverridableRules),
			start: "2026-03-30 12:30", end: "2026-03-30 16:30", want: []string{"overlap booking=b2 at=11:20-13:00"}},
		{name: "override of some leaves the others", sv: "amina", wp: "B", override: []string{RuleAbsence, RuleDailyLimit},
			start: "2026-03-30 12:30", end: "2026-03-30 16:30", want: []string{"overlap booking=b2 at=11:20-13:00",
				"outside_availability", "travel_buffer booking=b3"}},
	})
}

// An admin may override each overridable rule; overlap never; a manager may not
// override at all, not even with an empty list.
func TestRuleOverride(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"})
	sc.addManager("mgrA", "A")
	sc.addAbsence("dentist", "amina", "2026-03-31 10:00", "2026-03-31 11:00")
	sc.run(t, []bkStep{
		{name: "outside availability", sv: "amina", start: "2026-04-04 10:00", end: "2026-04-04 11:00",
			want: []string{"outside_availability"}},
		{name: "outside availability overridden", sv: "amina", override: []string{RuleOutsideAvailability},
			start: "2026-04-04 10:00", end: "2026-04-04 11:00"},
		{name: "absence", sv: "amina", start: "2026-03-31 10:00", end: "2026-03-31 11:00",
			want: []string{"absence absence=dentist"}},
		{name: "absence overridden", sv: "amina", override: []string{RuleAbsence}, start: "2026-03-31 10:00", end: "2026-03-31 11:00"},
		{name: "closed day overridden", sv: "amina", override: []string{RuleClosedDay}, start: "2026-04-06 09:00", end: "2026-04-06 10:00"},
		{name: "at A", key: "a", sv: "amina", start: "2026-04-01 08:00", end: "2026-04-01 09:00"},
		{name: "travel buffer", sv: "amina", wp: "B", start: "2026-04-01 09:00", end: "2026-04-01 10:00",
			want: []string{"travel_buffer booking=a"}},
		{name: "travel buffer overridden", sv: "amina", wp: "B", override: []string{RuleTravelBuffer}, start: "2026-04-01 09:00", end: "2026-04-01 10:00"},
		{name: "a full day", sv: "amina", start: "2026-04-02 08:00", end: "2026-04-02 16:00"},
		{name: "daily limit", sv: "amina", start: "2026-04-02 16:00", end: "2026-04-02 17:00",
			want: []string{"outside_availability", "daily_limit minutes=540"}},
		{name: "daily limit overridden alone", sv: "amina", override: []string{RuleDailyLimit}, start: "2026-04-02 16:00", end: "2026-04-02 17:00",
			want: []string{"outside_availability"}},
		{name: "daily limit and availability overridden", sv: "amina", override: []string{RuleDailyLimit, RuleOutsideAvailability},
			start: "2026-04-02 16:00", end: "2026-04-02 17:00"},
		{name: "an empty override list by an admin", sv: "amina", overriding: true, start: "2026-04-07 08:00", end: "2026-04-07 09:00"},
		{name: "overlap in the override", sv: "amina", override: []string{RuleOverlap}, start: "2026-04-08 08:00", end: "2026-04-08 09:00",
			code: CodeInvalid, fields: []string{"override"}},
		{name: "an unknown rule in the override", sv: "amina", override: []string{"bogus"}, start: "2026-04-08 08:00", end: "2026-04-08 09:00",
			code: CodeInvalid, fields: []string{"override"}},
		{name: "a manager with an empty override", by: "mgrA", sv: "amina", overriding: true,
			start: "2026-04-08 08:00", end: "2026-04-08 09:00", code: CodeForbidden},
		{name: "a manager with an override", by: "mgrA", sv: "amina", override: []string{RuleClosedDay},
			start: "2026-04-06 11:00", end: "2026-04-06 12:00", code: CodeForbidden},
		{name: "a manager without override", by: "mgrA", sv: "amina", start: "2026-04-08 08:00", end: "2026-04-08 09:00"},
	})
}
