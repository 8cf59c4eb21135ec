package booking

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/sprakpool/sprakpool/booking/vocab"

	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// Cancel, then book the same slot again: the cancelled booking stays, with its
// reason, and the event log tells who did what.
func TestCancelAndRebook(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sv := sc.addSupervisor("amina", []string{"ar"})
	mgrA := sc.addManager("mgrA", "A")
	mgrB := sc.addManager("mgrB", "B")
	svUser, err := sc.s.CreateUser(sc.ctx, UserInput{Email: "amina@example.se", Name: "Amina", Role: RoleSupervisor,
		SupervisorID: &sv.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	slot := bkStep{by: "mgrA", sv: "amina", start: "2026-03-30 10:00", end: "2026-03-30 11:00"}
	b1 := sc.book("b1", slot)
	if b1.CreatedBy == nil || *b1.CreatedBy != mgrA.ID || b1.Sequence != 0 {
		t.Fatalf("created booking %+v", b1)
	}

	for _, c := range []struct {
		name         string
		actor        *User
		code, reason string
		want         Code
		fields       []string
	}{
		{"by a manager of another workplace", mgrB, "illness", "", CodeNotFound, nil},
		{"by the supervisor", svUser, "illness", "", CodeForbidden, nil},
		{"unknown reason code", mgrA, "bored", "", CodeInvalid, []string{"reason_code"}},
		{"reason other without words", mgrA, "other", " ", CodeInvalid, []string{"reason"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := sc.s.CancelBooking(sc.ctx, c.actor, b1.ID, c.code, c.reason)
			if ErrorCode(err) != c.want {
				t.Fatalf("want %s, got %v", c.want, err)
			}
			if c.fields != nil && !bkSameSet(bkFields(err), c.fields) {
				t.Fatalf("want fields %q, got %q", c.fields, bkFields(err))
			}
		})
	}

	cancelled, err := sc.s.CancelBooking(sc.ctx, sc.admin, b1.ID, "illness", "Handledaren är sjuk")
	if err != nil {
		t.Fatal(err)
	}
	checkCancelled := func(t *testing.T, b *Booking) {
		t.Helper()
		if b.Status != StatusCancelled || b.Sequence != 1 || b.UID != b1.UID ||
			b.CancelReasonCode == nil || *b.CancelReasonCode != "illness" ||
			b.CancelReason == nil || *b.CancelReason != "Handledaren är sjuk" ||
			b.CancelledAt == nil || !b.CancelledAt.Equal(bkNow) || b.CancelledBy == nil || *b.CancelledBy != sc.admin.ID ||
			!b.Start.Equal(b1.Start) || !b.End.Equal(b1.End) {
			t.Fatalf("cancelled booking %+v", b)
		}
	}
	checkCancelled(t, cancelled)

	_, err = sc.s.CancelBooking(sc.ctx, sc.admin, b1.ID, "illness", "")
	if ErrorCode(err) != CodeInvalid || !bkSameSet(bkFields(err), []string{"status"}) {
		t.Fatalf("cancelling again: want invalid status, got %v", err)
	}

	// A session that is over is not cancelled (its outcome is recorded instead).
	over := sc.book("over", bkStep{sv: "amina", start: "2026-02-27 10:00", end: "2026-02-27 11:00"})
	if _, err := sc.s.CancelBooking(sc.ctx, sc.admin, over.ID, "illness", ""); ErrorCode(err) != CodeInvalid {
		t.Errorf("cancelling a session that is over: want invalid, got %v", err)
	}

	b2 := sc.book("b2", slot)
	if b2.ID == b1.ID || b2.UID == b1.UID || b2.Status != StatusConfirmed {
		t.Fatalf("rebooked %+v", b2)
	}

	stored, err := sc.s.Booking(sc.ctx, mgrA, b1.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkCancelled(t, stored)

	type ev struct {
		kind  string
		seq   int
		actor int64
	}
	events := func(id int64) []ev {
		t.Helper()
		list, err := sc.s.Events(sc.ctx, sc.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		out := []ev{}
		for _, e := range list {
			var a int64
			if e.ActorID != nil {
				a = *e.ActorID
			}
			out = append(out, ev{e.Kind, e.Sequence, a})
			if e.BookingID != id || !e.At.Equal(bkNow) || !json.Valid([]byte(e.Data)) {
				t.Errorf("event %+v", e)
			}
		}
		return out
	}
	if got, want := events(b1.ID), []ev{{EventCreated, 0, mgrA.ID}, {EventCancelled, 1, sc.admin.ID}}; !slices.Equal(got, want) {
		t.Errorf("events of the cancelled booking: got %+v, want %+v", got, want)
	}
	if got, want := events(b2.ID), []ev{{EventCreated, 0, mgrA.ID}}; !slices.Equal(got, want) {
		t.Errorf("events of the new booking: got %+v, want %+v", got, want)
	}
	list, _ := sc.s.Events(sc.ctx, sc.admin, b1.ID)
	var data map[string]any
	if err := json.Unmarshal([]byte(list[1].Data), &data); err != nil || data["reason_code"] != "illness" || data["late"] != false {
		t.Errorf("cancel event data %s", list[1].Data)
	}
	if _, err := sc.s.Events(sc.ctx, mgrB, b1.ID); ErrorCode(err) != CodeNotFound {
		t.Errorf("events for a manager of another workplace: %v", err)
	}

	day := BookingFilter{From: "2026-03-30", To: "2026-03-30"}
	for _, c := range []struct {
		status string
		want   []int64
	}{{"", []int64{b1.ID, b2.ID}}, {StatusConfirmed, []int64{b2.ID}}, {StatusCancelled, []int64{b1.ID}}} {
		f := day
		f.Status = c.status
		got, err := sc.s.ListBookings(sc.ctx, mgrA, f)
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{}
		for _, b := range got {
			ids = append(ids, b.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("list status=%q: got %v, want %v", c.status, ids, c.want)
		}
	}

	if _, err := sc.s.UpdateBooking(sc.ctx, sc.admin, b1.ID, BookingPatch{Notes: ptr("x")}); ErrorCode(err) != CodeInvalid {
		t.Errorf("changing a cancelled booking: want invalid, got %v", err)
	}

	// A cancellation closer to the start than the notice is late: 24h on site, 4h remote.
	late := sc.book("late", bkStep{sv: "amina", start: "2026-03-02 10:00", end: "2026-03-02 11:00"})
	remote := sc.book("remote", bkStep{sv: "amina", mode: "phone", start: "2026-03-02 11:00", end: "2026-03-02 12:00"})
	for _, c := range []struct {
		b    *Booking
		late bool
	}{{late, true}, {remote, false}} {
		if _, err := sc.s.CancelBooking(sc.ctx, sc.admin, c.b.ID, "no_participants", ""); err != nil {
			t.Fatal(err)
		}
		list, _ := sc.s.Events(sc.ctx, sc.admin, c.b.ID)
		var data map[string]any
		if err := json.Unmarshal([]byte(list[len(list)-1].Data), &data); err != nil || data["late"] != c.late {
			t.Errorf("booking %s: cancel event %s, want late=%v", c.b.Mode, list[len(list)-1].Data, c.late)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// Auto-assignment: the pool picks, among those who speak the language, cover the
// area and are free under every rule, the one with the fewest booked minutes in
// that ISO week (ties: lowest id).
func TestAutoAssign(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addManager("mgrA", "A")
	retired := sc.addSupervisor("retired", []string{"ar"}) // lowest id, no load, but inactive
	if _, err := sc.s.UpdateSupervisor(sc.ctx, sc.admin, retired.ID, SupervisorInput{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	sc.addSupervisor("s1", []string{"ar"})
	sc.addSupervisor("s2", []string{"ar", "so"})
	sc.addSupervisor("s3", []string{"ar"})
	sc.addSupervisor("somali", []string{"so"}) // lacks the language
	sc.addSupervisorIn("kitchen", []string{"ar"}, []string{"kitchen"})
	sc.addSupervisor("weekend", []string{"ar"}, bkWindow(6, "08:00", "16:00"))
	// Loads in the ISO week of Wednesday 2026-04-01 (Monday 03-30 to Sunday 04-05):
	// s1 120, s2 60, s3 60. What lies outside it, or is cancelled, does not count.
	sc.book("s1load", bkStep{sv: "s1", start: "2026-03-30 08:00", end: "2026-03-30 10:00"})
	sc.book("s2load", bkStep{sv: "s2", start: "2026-03-30 08:00", end: "2026-03-30 09:00"})
	sc.book("s3load", bkStep{sv: "s3", start: "2026-03-31 08:00", end: "2026-03-31 09:00"})
	sc.book("s2before", bkStep{sv: "s2", start: "2026-03-27 08:00", end: "2026-03-27 12:00"})
	sc.book("s2after", bkStep{sv: "s2", start: "2026-04-07 08:00", end: "2026-04-07 12:00"})
	s3gone := sc.book("s3gone", bkStep{sv: "s3", start: "2026-03-31 10:00", end: "2026-03-31 14:00"})
	if _, err := sc.s.CancelBooking(sc.ctx, sc.admin, s3gone.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}

	// The availability search agrees with the pick, and gives the week's load.
	free, err := sc.s.FreeSupervisors(sc.ctx, sc.users["mgrA"], FreeQuery{Language: "ar", Area: "childcare",
		Start: sc.when(t, "2026-04-01 10:00"), End: sc.when(t, "2026-04-01 11:00")})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, f := range free {
		got = append(got, fmt.Sprintf("%s:%d", f.Supervisor.Name, f.WeekMinutes))
	}
	if want := []string{"s2:60", "s3:60", "s1:120"}; !slices.Equal(got, want) {
		t.Errorf("free supervisors: got %q, want %q", got, want)
	}

	picked := func(key string) func(t *testing.T, b *Booking) {
		return func(t *testing.T, b *Booking) {
			t.Helper()
			if want := sc.svs[key].ID; b.SupervisorID != want {
				t.Fatalf("picked supervisor %d (%s), want %s (%d)", b.SupervisorID, sc.nameOf(b.SupervisorID), key, want)
			}
		}
	}
	wed := func(st bkStep) bkStep {
		st.start, st.end = "2026-04-01 10:00", "2026-04-01 11:00"
		return st
	}
	sc.run(t, []bkStep{
		wed(bkStep{name: "tie at 60 goes to the lowest id", lang: "ar", check: picked("s2")}),
		wed(bkStep{name: "then the other one at 60", by: "mgrA", lang: "ar", check: picked("s3")}),
		wed(bkStep{name: "then the one at 120", lang: "ar", check: picked("s1")}),
		wed(bkStep{name: "none left who speaks it and covers the area", lang: "ar", want: []string{"no_free_supervisor"}}),
		wed(bkStep{name: "the kitchen supervisor for the kitchen", lang: "ar", area: "kitchen", check: picked("kitchen")}),
		wed(bkStep{name: "the Somali speaker for Somali", lang: "so", check: picked("somali")}),
		{name: "on Good Friday no one is free", lang: "ar", start: "2026-04-03 10:00", end: "2026-04-03 11:00",
			want: []string{"no_free_supervisor"}},
		{name: "on a Saturday the weekend supervisor", lang: "ar", start: "2026-04-04 10:00", end: "2026-04-04 11:00",
			check: picked("weekend")},
		{name: "the week's load counts the new booking", lang: "ar", start: "2026-04-02 08:00", end: "2026-04-02 09:00",
			check: picked("s2")}, // now s1 180, s2 120, s3 120
	})
}

func (sc *bkScenario) nameOf(svID int64) string {
	for k, sv := range sc.svs {
		if sv.ID == svID {
			return k
		}
	}
	return "?"
}

// Alternatives: first other supervisors free at the same time who speak the
// language, then the same supervisor's nearest free slots of the same length
// within 14 days; at most five, none in the past.
func TestAlternatives(t *testing.T) {
	t.Parallel()
	type alt struct {
		sv         string
		start, end string
	}
	altsOf := func(t *testing.T, sc *bkScenario, err error) []alt {
		t.Helper()
		if _, ok := bkViolations(err); !ok {
			t.Fatalf("want a conflict, got %v", err)
		}
		var out []alt
		for _, a := range err.(*Error).Alternatives {
			out = append(out, alt{sc.nameOf(a.SupervisorID),
				a.Start.In(sc.s.cfg.Location).Format("2006-01-02 15:04"), a.End.In(sc.s.cfg.Location).Format("15:04")})
		}
		return out
	}

	t.Run("others first, then nearest slots, none in the past", func(t *testing.T) {
		t.Parallel()
		now := time.Date(2026, 3, 30, 7, 30, 0, 0, time.UTC) // Monday 09:30 in Stockholm
		sc := newBkScenario(t, now)
		sc.addSupervisor("a", []string{"ar"})
		sc.addSupervisor("b", []string{"ar"})
		sc.addSupervisor("c", []string{"ar"})
		sc.addSupervisor("somali", []string{"so"})
		sc.addSupervisor("busy", []string{"ar"})
		sc.addSupervisorIn("kitchen", []string{"ar"}, []string{"kitchen"})
		sc.book("taken", bkStep{sv: "a", start: "2026-03-30 10:00", end: "2026-03-30 11:00"})
		sc.book("busy", bkStep{sv: "busy", start: "2026-03-30 09:45", end: "2026-03-30 10:15"})
		sc.book("bload", bkStep{sv: "b", start: "2026-03-31 08:00", end: "2026-03-31 09:00"})
		_, err := sc.s.CreateBooking(sc.ctx, sc.admin, sc.input(t, bkStep{sv: "a", start: "2026-03-30 10:00", end: "2026-03-30 11:00"}))
		got := altsOf(t, sc, err)
		if len(got) != 5 {
			t.Fatalf("want 5 alternatives, got %+v", got)
		}
		others := []string{got[0].sv, got[1].sv}
		if !bkSameSet(others, []string{"b", "c"}) || got[0].start != "2026-03-30 10:00" || got[1].start != "2026-03-30 10:00" ||
			got[0].end != "11:00" || got[1].end != "11:00" {
			t.Errorf("first two alternatives: want b and c at 10:00-11:00, got %+v", got[:2])
		}
		// 09:00-10:00 would be as near as 11:00-12:00, but it has begun.
		want := []alt{{"a", "2026-03-30 11:00", "12:00"}, {"a", "2026-03-30 11:15", "12:15"}, {"a", "2026-03-30 11:30", "12:30"}}
		if !slices.Equal(got[2:], want) {
			t.Errorf("same supervisor's slots: got %+v, want %+v", got[2:], want)
		}
	})

	t.Run("within 14 days, not on closed days, not in the past", func(t *testing.T) {
		t.Parallel()
		now := time.Date(2026, 3, 25, 11, 0, 0, 0, time.UTC)
		sc := newBkScenario(t, now)
		sc.addSupervisor("monday", []string{"ti"}, bkWindow(1, "08:00", "09:00"))
		sc.book("taken", bkStep{sv: "monday", start: "2026-03-30 08:00", end: "2026-03-30 09:00"})
		_, err := sc.s.CreateBooking(sc.ctx, sc.admin, sc.input(t, bkStep{sv: "monday", start: "2026-03-30 08:00", end: "2026-03-30 09:00"}))
		// Mondays 03-16 and 03-23 are past, 04-06 is Easter Monday, 04-13 is the
		// 14th day, 04-20 too far.
		if got, want := altsOf(t, sc, err), []alt{{"monday", "2026-04-13 08:00", "09:00"}}; !slices.Equal(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})

	t.Run("at most five, all others", func(t *testing.T) {
		t.Parallel()
		sc := newBkScenario(t, bkNow)
		for i := range 7 {
			sc.addSupervisor(fmt.Sprintf("s%d", i), []string{"uk"})
		}
		sc.book("taken", bkStep{sv: "s0", start: "2026-03-30 10:00", end: "2026-03-30 11:00"})
		_, err := sc.s.CreateBooking(sc.ctx, sc.admin, sc.input(t, bkStep{sv: "s0", start: "2026-03-30 10:30", end: "2026-03-30 11:30"}))
		got := altsOf(t, sc, err)
		want := []alt{{"s1", "2026-03-30 10:30", "11:30"}, {"s2", "2026-03-30 10:30", "11:30"}, {"s3", "2026-03-30 10:30", "11:30"},
			{"s4", "2026-03-30 10:30", "11:30"}, {"s5", "2026-03-30 10:30", "11:30"}}
		if !slices.Equal(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}

// Managers see and book only their own workplaces' bookings.
func TestManagerVisibility(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC) // Monday 09:00 in Stockholm
	sc := newBkScenario(t, now)
	sv := sc.addSupervisor("amina", []string{"ar"})
	other := sc.addSupervisor("hodan", []string{"ar"})
	mgrA := sc.addManager("mgrA", "A")
	mgrB := sc.addManager("mgrB", "B")
	svUser, err := sc.s.CreateUser(sc.ctx, UserInput{Email: "amina@example.se", Name: "Amina", Role: RoleSupervisor,
		SupervisorID: &sv.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	otherUser, err := sc.s.CreateUser(sc.ctx, UserInput{Email: "hodan@example.se", Name: "Hodan", Role: RoleSupervisor,
		SupervisorID: &other.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	sc.users["amina"] = svUser
	bA := sc.book("bA", bkStep{by: "mgrA", sv: "amina", start: "2026-03-30 10:00", end: "2026-03-30 11:00"})

	for _, c := range []struct {
		name  string
		actor *User
		sees  bool
	}{{"admin", sc.admin, true}, {"manager of A", mgrA, true}, {"manager of B", mgrB, false},
		{"the booking's supervisor", svUser, true}, {"another supervisor", otherUser, false}} {
		t.Run(c.name, func(t *testing.T) {
			_, err := sc.s.Booking(sc.ctx, c.actor, bA.ID)
			if c.sees != (err == nil) || (!c.sees && ErrorCode(err) != CodeNotFound) {
				t.Errorf("Booking: sees=%v, got %v", c.sees, err)
			}
			list, err := sc.s.ListBookings(sc.ctx, c.actor, BookingFilter{From: "2026-03-01", To: "2026-04-30"})
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.ContainsFunc(list, func(b Booking) bool { return b.ID == bA.ID }); got != c.sees {
				t.Errorf("ListBookings: sees=%v, got %v (%d bookings)", c.sees, got, len(list))
			}
		})
	}
	if _, err := sc.s.UpdateBooking(sc.ctx, mgrB, bA.ID, BookingPatch{Notes: ptr("x")}); ErrorCode(err) != CodeNotFound {
		t.Errorf("a manager of B changing a booking of A: want not found, got %v", err)
	}
	if _, err := sc.s.CancelBooking(sc.ctx, mgrB, bA.ID, "illness", ""); ErrorCode(err) != CodeNotFound {
		t.Errorf("a manager of B cancelling a booking of A: want not found, got %v", err)
	}

	sc.run(t, []bkStep{
		{name: "manager of B books for A", by: "mgrB", sv: "hodan", start: "2026-03-31 10:00", end: "2026-03-31 11:00", code: CodeForbidden},
		{name: "manager of B books for A, in the past too", by: "mgrB", sv: "hodan", start: "2026-02-27 10:00", end: "2026-02-27 11:00", code: CodeForbidden},
		{name: "a supervisor may not book", by: "amina", sv: "hodan", start: "2026-03-31 10:00", end: "2026-03-31 11:00", code: CodeForbidden},
		{name: "manager books in the past", by: "mgrB", wp: "B", sv: "hodan", start: "2026-02-27 10:00", end: "2026-02-27 11:00",
			code: CodeInvalid, fields: []string{"start"}},
		{name: "manager books one minute ago", by: "mgrB", wp: "B", sv: "hodan", start: "2026-03-02 08:59", end: "2026-03-02 10:00",
			code: CodeInvalid, fields: []string{"start"}},
		{name: "manager books from now", by: "mgrB", wp: "B", sv: "hodan", start: "2026-03-02 09:00", end: "2026-03-02 10:00"},
		{name: "admin books in the past", sv: "hodan", start: "2026-02-27 10:00", end: "2026-02-27 11:00"},
		{name: "overlap with another workplace's booking", by: "mgrB", wp: "B", sv: "amina",
			start: "2026-03-30 10:30", end: "2026-03-30 11:30", want: []string{"overlap booking=hidden"}},
		{name: "travel buffer after another workplace's booking", by: "mgrB", wp: "B", sv: "amina",
			start: "2026-03-30 11:05", end: "2026-03-30 12:00", want: []string{"travel_buffer booking=hidden"}},
		{name: "the same overlap for the manager of A", by: "mgrA", sv: "amina",
			start: "2026-03-30 10:30", end: "2026-03-30 11:30", want: []string{"overlap booking=bA at=10:00-11:00"}},
		{name: "the same travel buffer for the admin", wp: "B", sv: "amina",
			start: "2026-03-30 11:05", end: "2026-03-30 12:00", want: []string{"travel_buffer booking=bA"}},
	})
}

// UpdateBooking checks every rule again, raises the sequence and logs "changed".
func TestUpdateBooking(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"})
	hodan := sc.addSupervisor("hodan", []string{"ar"}, bkWeekdays("08:00", "17:00")...)
	mgrA := sc.addManager("mgrA", "A")
	sc.addAbsence("dentist", "hodan", "2026-04-01 13:00", "2026-04-01 14:00")
	b1 := sc.book("b1", bkStep{by: "mgrA", sv: "amina", start: "2026-03-30 10:00", end: "2026-03-30 11:00"})
	sc.book("b2", bkStep{by: "mgrA", sv: "amina", start: "2026-03-30 12:00", end: "2026-03-30 13:00"})
	sc.book("h1", bkStep{sv: "hodan", start: "2026-04-01 08:00", end: "2026-04-01 12:00"})
	b3 := sc.book("b3", bkStep{sv: "amina", start: "2026-03-31 10:00", end: "2026-03-31 11:00"})
	if _, err := sc.s.CancelBooking(sc.ctx, sc.admin, b3.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}

	at := func(v string) *string { return ptr(sc.when(t, v)) }
	type row struct {
		name  string
		by    *User
		id    int64
		patch BookingPatch
		want  []string // violations
		code  Code
		field []string
		check func(t *testing.T, b *Booking)
	}
	seq := 0
	ok := func(check func(t *testing.T, b *Booking)) func(t *testing.T, b *Booking) {
		return func(t *testing.T, b *Booking) {
			t.Helper()
			seq++
			if b.Sequence != seq || b.UID != b1.UID || b.ID != b1.ID {
				t.Fatalf("sequence %d (want %d), uid %s, id %d", b.Sequence, seq, b.UID, b.ID)
			}
			stored, err := sc.s.Booking(sc.ctx, sc.admin, b1.ID)
			if err != nil || stored.Sequence != seq || !stored.Start.Equal(b.Start) || !stored.End.Equal(b.End) ||
				stored.SupervisorID != b.SupervisorID || stored.WorkplaceID != b.WorkplaceID || stored.Mode != b.Mode {
				t.Fatalf("stored %+v, returned %+v (%v)", stored, b, err)
			}
			if check != nil {
				check(t, b)
			}
		}
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		stored, err := sc.s.Booking(sc.ctx, sc.admin, b1.ID)
		if err != nil || stored.Sequence != seq {
			t.Fatalf("a refused change changed the booking: %+v (%v)", stored, err)
		}
	}
	rows := []row{
		{name: "move to touch the next one", by: mgrA, id: b1.ID, patch: BookingPatch{Start: at("2026-03-30 11:00"), End: at("2026-03-30 12:00")},
			check: ok(bkAt("2026-03-30T09:00:00Z", "2026-03-30T10:00:00Z"))},
		{name: "move into an overlap", by: mgrA, id: b1.ID, patch: BookingPatch{Start: at("2026-03-30 11:30"), End: at("2026-03-30 12:30")},
			want: []string{"overlap booking=b2 at=12:00-13:00"}},
		{name: "grow over its own old time", by: mgrA, id: b1.ID, patch: BookingPatch{Start: at("2026-03-30 10:30")},
			check: ok(bkAt("2026-03-30T08:30:00Z", "2026-03-30T10:00:00Z"))},
		{name: "move to a Saturday", id: b1.ID, patch: BookingPatch{Start: at("2026-04-04 10:00"), End: at("2026-04-04 11:00")},
			want: []string{"outside_availability"}},
		{name: "move to Easter Monday", id: b1.ID, patch: BookingPatch{Start: at("2026-04-06 10:00"), End: at("2026-04-06 11:00")},
			want: []string{"closed_day date=2026-04-06"}},
		{name: "move to Easter Monday with override", id: b1.ID, patch: BookingPatch{Start: at("2026-04-06 10:00"), End: at("2026-04-06 11:00"),
			Override: []string{RuleClosedDay}, Overriding: true}, check: ok(nil)},
		{name: "back", id: b1.ID, patch: BookingPatch{Start: at("2026-03-30 10:30"), End: at("2026-03-30 12:00")}, check: ok(nil)},
		{name: "to workplace B, next to b2 at A", id: b1.ID, patch: BookingPatch{WorkplaceID: &sc.wpB.ID},
			want: []string{"travel_buffer booking=b2"}},
		{name: "to workplace B by phone", id: b1.ID, patch: BookingPatch{WorkplaceID: &sc.wpB.ID, Mode: ptr("phone")}, check: ok(nil)},
		{name: "to video without a link", id: b1.ID, patch: BookingPatch{Mode: ptr("video")}, code: CodeInvalid, field: []string{"meeting_url"}},
		{name: "to video", id: b1.ID, patch: BookingPatch{Mode: ptr("video"), MeetingURL: ptr("https://meet.example.se/x")}, check: ok(nil)},
		{name: "back on site at A", id: b1.ID, patch: BookingPatch{WorkplaceID: &sc.wpA.ID, Mode: ptr("on_site")},
			check: ok(func(t *testing.T, b *Booking) {
				if b.MeetingURL != nil {
					t.Fatalf("an on-site booking kept its meeting URL %q", *b.MeetingURL)
				}
			})},
		{name: "to hodan, who is booked", id: b1.ID, patch: BookingPatch{SupervisorID: &hodan.ID, Start: at("2026-04-01 11:00"), End: at("2026-04-01 12:00")},
			want: []string{"overlap booking=h1 at=08:00-12:00"}},
		{name: "to hodan, who is absent", id: b1.ID, patch: BookingPatch{SupervisorID: &hodan.ID, Start: at("2026-04-01 13:30"), End: at("2026-04-01 14:30")},
			want: []string{"absence absence=dentist"}},
		{name: "to hodan, free", id: b1.ID, patch: BookingPatch{SupervisorID: &hodan.ID, Start: at("2026-04-01 14:00"), End: at("2026-04-01 15:00")},
			check: ok(func(t *testing.T, b *Booking) {
				if b.SupervisorID != hodan.ID {
					t.Fatalf("supervisor %d", b.SupervisorID)
				}
			})},
		{name: "over hodan's daily limit", id: b1.ID, patch: BookingPatch{Start: at("2026-04-01 12:00"), End: at("2026-04-01 16:01")},
			want: []string{"absence absence=dentist", "daily_limit minutes=481"}},
		{name: "in a language she lacks", id: b1.ID, patch: BookingPatch{Language: ptr("so")}, code: CodeInvalid, field: []string{"language"}},
		{name: "end before start", id: b1.ID, patch: BookingPatch{End: at("2026-04-01 13:00")}, code: CodeInvalid, field: []string{"end"}},
		{name: "a manager to another workplace", by: mgrA, id: b1.ID, patch: BookingPatch{WorkplaceID: &sc.wpB.ID}, code: CodeForbidden},
		{name: "a manager with an override", by: mgrA, id: b1.ID, patch: BookingPatch{Overriding: true}, code: CodeForbidden},
		{name: "a manager into the past", by: mgrA, id: b1.ID, patch: BookingPatch{Start: at("2026-02-27 14:00"), End: at("2026-02-27 15:00")},
			code: CodeInvalid, field: []string{"start"}},
		{name: "notes only", by: mgrA, id: b1.ID, patch: BookingPatch{Notes: ptr("Ta med bildstöd")}, check: ok(func(t *testing.T, b *Booking) {
			if b.Notes != "Ta med bildstöd" {
				t.Fatalf("notes %q", b.Notes)
			}
		})},
		{name: "a cancelled booking", id: b3.ID, patch: BookingPatch{Notes: ptr("x")}, code: CodeInvalid, field: []string{"status"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			by := r.by
			if by == nil {
				by = sc.admin
			}
			b, err := sc.s.UpdateBooking(sc.ctx, by, r.id, r.patch)
			switch {
			case r.code != "":
				if ErrorCode(err) != r.code || (r.field != nil && !bkSameSet(bkFields(err), r.field)) {
					t.Fatalf("want %s %q, got %v %q", r.code, r.field, err, bkFields(err))
				}
				unchanged(t)
			case r.want != nil:
				sc.expect(t, bkStep{want: r.want}, b, err)
				unchanged(t)
			default:
				if err != nil {
					t.Fatalf("want success, got %v%s", err, sc.describe(b, err))
				}
				r.check(t, b)
			}
		})
	}

	events, err := sc.s.Events(sc.ctx, sc.admin, b1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != seq+1 || events[0].Kind != EventCreated {
		t.Fatalf("%d events for %d changes: %+v", len(events), seq, events)
	}
	for i, e := range events[1:] {
		if e.Kind != EventChanged || e.Sequence != i+1 || e.ActorID == nil {
			t.Errorf("event %d: %+v", i+1, e)
		}
		var data struct{ Before, After map[string]any }
		if err := json.Unmarshal([]byte(e.Data), &data); err != nil || data.Before == nil || data.After == nil {
			t.Errorf("event %d data %s", i+1, e.Data)
		}
	}
	if a := events[1].ActorID; a == nil || *a != mgrA.ID {
		t.Errorf("the first change was made by the manager, event says %v", a)
	}
}

// Validation: each problem is CodeInvalid naming the field.
func TestBookingValidation(t *testing.T) {
	t.Parallel()
	sc := newBkScenario(t, bkNow)
	sc.addSupervisor("amina", []string{"ar"})
	sc.addSupervisorIn("kitchen", []string{"ar"}, []string{"kitchen"})
	gone := sc.addSupervisor("gone", []string{"ar"})
	if _, err := sc.s.UpdateSupervisor(sc.ctx, sc.admin, gone.ID, SupervisorInput{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	closed := sc.workplace("Stängda köket", "kitchen")
	if _, err := sc.s.UpdateWorkplace(sc.ctx, sc.admin, closed.ID, WorkplaceInput{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	sc.wps["closed"] = closed
	sc.addManager("mgrA", "A")
	nine, ten := "2026-03-30 09:00", "2026-03-30 10:00"
	rows := []struct {
		name   string
		edit   func(in *BookingInput)
		by     string
		fields []string
	}{
		{"end before start", func(in *BookingInput) { in.Start, in.End = in.End, in.Start }, "", []string{"end"}},
		{"end equal to start", func(in *BookingInput) { in.End = in.Start }, "", []string{"end"}},
		{"over midnight", func(in *BookingInput) {
			in.Start, in.End = sc.when(t, "2026-03-30 23:00"), sc.when(t, "2026-03-31 01:00")
		}, "", []string{"end"}},
		{"a whole day and more", func(in *BookingInput) {
			in.Start, in.End = sc.when(t, "2026-03-30 08:00"), sc.when(t, "2026-03-31 09:00")
		}, "", []string{"end"}},
		{"unknown language", func(in *BookingInput) { in.Language = "xx" }, "", []string{"language"}},
		{"no language", func(in *BookingInput) { in.Language = "" }, "", []string{"language"}},
		{"supervisor lacks the language", func(in *BookingInput) { in.Language = "so" }, "", []string{"language"}},
		{"supervisor lacks the area", func(in *BookingInput) { in.SupervisorID = &sc.svs["kitchen"].ID }, "", []string{"area"}},
		{"supervisor lacks the area asked for", func(in *BookingInput) { in.SupervisorID = &sc.svs["kitchen"].ID; in.Area = "elderly_care" }, "", []string{"area"}},
		{"unknown area", func(in *BookingInput) { in.Area = "space" }, "", []string{"area"}},
		{"no offset on start", func(in *BookingInput) { in.Start = "2026-03-30T09:00:00" }, "", []string{"start"}},
		{"no offset on end", func(in *BookingInput) { in.End = "2026-03-30T10:00:00" }, "", []string{"end"}},
		{"no offset nor seconds", func(in *BookingInput) { in.Start = "2026-03-30T09:00" }, "", []string{"start"}},
		{"a space instead of T", func(in *BookingInput) { in.Start = "2026-03-30 09:00:00+02:00" }, "", []string{"start"}},
		{"seconds on start", func(in *BookingInput) { in.Start = "2026-03-30T09:00:30+02:00" }, "", []string{"start"}},
		{"seconds on end", func(in *BookingInput) { in.End = "2026-03-30T10:00:01+02:00" }, "", []string{"end"}},
		{"fractions of a second", func(in *BookingInput) { in.Start = "2026-03-30T09:00:00.5+02:00" }, "", []string{"start"}},
		{"not a time", func(in *BookingInput) { in.Start = "tomorrow" }, "", []string{"start"}},
		{"no start", func(in *BookingInput) { in.Start = "" }, "", []string{"start"}},
		{"no end", func(in *BookingInput) { in.End = "" }, "", []string{"end"}},
		{"video without a link", func(in *BookingInput) { in.Mode = "video" }, "", []string{"meeting_url"}},
		{"video with an http link", func(in *BookingInput) { in.Mode = "video"; in.MeetingURL = ptr("http://meet.example.se/x") }, "", []string{"meeting_url"}},
		{"phone with a link", func(in *BookingInput) { in.Mode = "phone"; in.MeetingURL = ptr("https://meet.example.se/x") }, "", []string{"meeting_url"}},
		{"unknown mode", func(in *BookingInput) { in.Mode = "fax" }, "", []string{"mode"}},
		{"unknown purpose", func(in *BookingInput) { in.Purpose = "fika" }, "", []string{"purpose"}},
		{"negative participants", func(in *BookingInput) { in.ParticipantsExpected = -1 }, "", []string{"participants_expected"}},
		{"control characters in notes", func(in *BookingInput) { in.Notes = "a\x00b" }, "", []string{"notes"}},
		{"no workplace", func(in *BookingInput) { in.WorkplaceID = 0 }, "", []string{"workplace_id"}},
		{"unknown workplace", func(in *BookingInput) { in.WorkplaceID = 9999 }, "", []string{"workplace_id"}},
		{"inactive workplace", func(in *BookingInput) { in.WorkplaceID = closed.ID; in.Area = "childcare" }, "", []string{"workplace_id"}},
		{"unknown supervisor", func(in *BookingInput) { in.SupervisorID = ptr(int64(9999)) }, "", []string{"supervisor_id"}},
		{"inactive supervisor", func(in *BookingInput) { in.SupervisorID = &gone.ID }, "", []string{"supervisor_id"}},
		{"overlap in override", func(in *BookingInput) { in.Override, in.Overriding = []string{RuleOverlap}, true }, "", []string{"override"}},
		{"unknown rule in override", func(in *BookingInput) { in.Override, in.Overriding = []string{"weather"}, true }, "", []string{"override"}},
		{"several problems at once", func(in *BookingInput) { in.Language = "xx"; in.Start, in.End = in.End, in.Start; in.Purpose = "" },
			"", []string{"language", "end", "purpose"}},
		{"a manager in the past", func(in *BookingInput) {
			in.Start, in.End = sc.when(t, "2026-02-27 09:00"), sc.when(t, "2026-02-27 10:00")
		}, "mgrA", []string{"start"}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			in := sc.input(t, bkStep{sv: "amina", start: nine, end: ten})
			r.edit(&in)
			b, err := sc.s.CreateBooking(sc.ctx, sc.user(t, r.by), in)
			if ErrorCode(err) != CodeInvalid {
				t.Fatalf("want invalid, got %v%s", err, sc.describe(b, err))
			}
			if got := bkFields(err); !bkSameSet(got, r.fields) {
				t.Fatalf("want fields %q, got %q (%v)", r.fields, got, err)
			}
		})
	}
	t.Run("the same booking, valid", func(t *testing.T) {
		sc.do(t, bkStep{sv: "amina", start: nine, end: ten})
	})
}

// bkWorkdays returns n local midnights from day on, Monday to Friday, closed days left out.
func bkWorkdays(day time.Time, n int) []time.Time {
	var out []time.Time
	for ; len(out) < n; day = day.AddDate(0, 0, 1) {
		_, closed := vocab.ClosedDayOn(day)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday && !closed {
			out = append(out, day)
		}
	}
	return out
}

// newFileFixture is newFixture on a database file whose path the test knows.
func newFileFixture(t testing.TB, now time.Time) (*fixture, string) {
	t.Helper()
	ctx := context.Background()
	path := testdb.DSN(t, "pool.db")
	s, err := Open(ctx, path, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return now }
	f := &fixture{t: t, s: s, ctx: ctx}
	f.wpA = f.workplace("Förskolan Solrosen", "childcare")
	f.wpB = f.workplace("Äldreboendet Linden", "elderly_care")
	if f.admin, err = s.CreateUser(ctx, UserInput{Email: "admin@example.se", Name: "Admin", Role: RoleAdmin, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	return f, path
}

// openRaw opens the service's database directly, to check it without the service.
func openRaw(t testing.TB, path string) *sql.DB {
	t.Helper()
	if testdb.IsPostgres(path) {
		return testdb.Open(t, path)
	}
	return testdb.Open(t, path+"?_busy_timeout=15000&mode=ro")
}

// overlappingPairs counts pairs of confirmed bookings of one supervisor that
// overlap, comparing instants (julianday), not the stored text.
func overlappingPairs(t testing.TB, db *sql.DB) int {
	t.Helper()
	n := testdb.OverlappingPairs(t, db, testdb.Server() != "")
	if testdb.Server() != "" {
		return n // timestamptz: no stored text to check
	}
	var bad int
	if err := db.QueryRow(`SELECT COUNT(*) FROM bookings WHERE julianday(start_at) IS NULL OR julianday(end_at) IS NULL
		OR start_at NOT LIKE '%+00:00' OR end_at NOT LIKE '%+00:00'`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d bookings are not stored as UTC times SQLite can read", bad)
	}
	return n
}

// 64 requests for one slot at once: exactly one wins, the others hear of the overlap.
func TestConcurrentSameSlot(t *testing.T) {
	t.Parallel()
	f, path := newFileFixture(t, bkNow)
	sc := bkScenarioOf(f)
	sc.addSupervisor("amina", []string{"ar"})
	in := sc.input(t, bkStep{sv: "amina", start: "2026-03-30 10:00", end: "2026-03-30 11:00"})
	const n = 64
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		won   = make([]*Booking, n)
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			won[i], errs[i] = f.s.CreateBooking(context.Background(), f.admin, in)
		})
	}
	close(start)
	wg.Wait()
	var winner *Booking
	conflicts := 0
	for i := range n {
		switch {
		case errs[i] == nil && winner == nil:
			winner = won[i]
		case errs[i] == nil:
			t.Errorf("a second booking of the same slot succeeded: %d and %d", winner.ID, won[i].ID)
		case ErrorCode(errs[i]) == CodeConflict:
			conflicts++
		default:
			t.Errorf("not a conflict: %v", errs[i])
		}
	}
	if winner == nil || conflicts != n-1 {
		t.Fatalf("want 1 success and %d conflicts, got winner %v and %d conflicts", n-1, winner != nil, conflicts)
	}
	sc.bookings["winner"] = winner
	for i := range n {
		if errs[i] != nil {
			sc.expect(t, bkStep{want: []string{"overlap booking=winner at=10:00-11:00"}}, nil, errs[i])
		}
	}
	if pairs := overlappingPairs(t, openRaw(t, path)); pairs != 0 {
		t.Errorf("%d overlapping pairs in the database", pairs)
	}

	// Moving 32 bookings into one free slot at once: one wins.
	sc.addSupervisor("hodan", []string{"ar"})
	var ids []int64
	for i, day := range bkWorkdays(time.Date(2026, 4, 13, 0, 0, 0, 0, f.s.cfg.Location), 32) {
		b := sc.book(fmt.Sprint(i), bkStep{sv: "hodan", start: day.Add(8 * time.Hour).Format("2006-01-02 15:04"),
			end: day.Add(9 * time.Hour).Format("2006-01-02 15:04")})
		ids = append(ids, b.ID)
	}
	target := BookingPatch{Start: ptr(sc.when(t, "2026-03-31 10:00")), End: ptr(sc.when(t, "2026-03-31 11:00"))}
	var mu sync.Mutex
	moved, refused := 0, 0
	start = make(chan struct{})
	for _, id := range ids {
		wg.Go(func() {
			<-start
			_, err := f.s.UpdateBooking(context.Background(), f.admin, id, target)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				moved++
			case ErrorCode(err) == CodeConflict:
				refused++
			default:
				t.Errorf("not a conflict: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if moved != 1 || refused != len(ids)-1 {
		t.Errorf("moves into one slot: %d moved, %d refused", moved, refused)
	}

	// Cancelling one booking 16 times at once: once.
	cancelled, again := 0, 0
	start = make(chan struct{})
	for range 16 {
		wg.Go(func() {
			<-start
			_, err := f.s.CancelBooking(context.Background(), f.admin, winner.ID, "illness", "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				cancelled++
			case ErrorCode(err) == CodeInvalid:
				again++
			default:
				t.Errorf("not invalid: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if cancelled != 1 || again != 15 {
		t.Errorf("concurrent cancels: %d succeeded, %d refused", cancelled, again)
	}
}

// 2000 random bookings from 16 workers over 20 supervisors: the rules hold in
// the database afterwards, and nothing fails but conflicts.
func TestConcurrentRandomBookings(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("long")
	}
	f, path := newFileFixture(t, bkNow)
	sc := bkScenarioOf(f)
	loc := f.s.cfg.Location
	const nsv, workers, total = 20, 16, 2000
	for i := range nsv {
		sc.addSupervisor(fmt.Sprintf("s%02d", i), []string{"ar", "so"})
	}
	days := bkWorkdays(time.Date(2026, 4, 13, 0, 0, 0, 0, loc), 10) // 2026-04-13 to 04-24
	type result struct {
		ok    bool
		rules []string
		err   error
	}
	results := make(chan result, total)
	work := make(chan int, total)
	for i := range total {
		work <- i
	}
	close(work)
	began := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		r := rand.New(rand.NewPCG(uint64(w), 42))
		wg.Go(func() {
			for range work {
				day := days[r.IntN(len(days))]
				length := 15 * (1 + r.IntN(8))                   // 15 min to 2 h
				startMin := 8*60 + 15*r.IntN((8*60-length)/15+1) // inside 08:00–16:00
				start := day.Add(time.Duration(startMin) * time.Minute)
				in := BookingInput{WorkplaceID: []int64{f.wpA.ID, f.wpB.ID}[r.IntN(2)], Language: []string{"ar", "so"}[r.IntN(2)],
					Purpose: "workplace_support", Start: start.Format(time.RFC3339),
					End: start.Add(time.Duration(length) * time.Minute).Format(time.RFC3339)}
				switch r.IntN(10) {
				case 0:
					in.Mode = "phone"
				case 1:
					in.Mode, in.MeetingURL = "video", ptr("https://meet.example.se/r")
				}
				if r.IntN(10) != 0 { // one in ten lets the pool pick
					in.SupervisorID = &sc.svs[fmt.Sprintf("s%02d", r.IntN(nsv))].ID
				}
				b, err := f.s.CreateBooking(context.Background(), f.admin, in)
				vs, isConflict := bkViolations(err)
				res := result{ok: err == nil && b != nil, err: err}
				if isConflict {
					res.err = nil
					for _, v := range vs {
						res.rules = append(res.rules, v.Rule)
					}
				}
				results <- res
			}
		})
	}
	wg.Wait()
	took := time.Since(began)
	close(results)
	succeeded, conflicts := 0, 0
	byRule := map[string]int{}
	for res := range results {
		switch {
		case res.ok:
			succeeded++
		case res.err != nil:
			t.Errorf("not a conflict: %v", res.err)
		default:
			conflicts++
			for _, r := range res.rules {
				byRule[r]++
			}
		}
	}
	t.Logf("%d bookings by %d workers over %d supervisors in %v (%.0f/s): %d succeeded, %d conflicts %v",
		total, workers, nsv, took.Round(time.Millisecond), float64(total)/took.Seconds(), succeeded, conflicts, byRule)
	if succeeded+conflicts != total || succeeded == 0 || conflicts == 0 {
		t.Errorf("%d succeeded and %d conflicts of %d", succeeded, conflicts, total)
	}

	db := openRaw(t, path)
	if pairs := overlappingPairs(t, db); pairs != 0 {
		t.Errorf("%d pairs of overlapping confirmed bookings in the database", pairs)
	}
	var confirmed, created int
	if err := db.QueryRow(`SELECT COUNT(*) FROM bookings WHERE status = 'confirmed'`).Scan(&confirmed); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM booking_events WHERE kind = 'created'`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if confirmed != succeeded || created != succeeded {
		t.Errorf("%d successes, but %d confirmed bookings and %d created events", succeeded, confirmed, created)
	}

	// The other rules hold too, checked here in Go from the raw rows.
	rows, err := db.Query(`SELECT supervisor_id, workplace_id, mode, start_at, end_at FROM bookings WHERE status = 'confirmed'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type rb struct {
		sv, wp     int64
		mode       string
		start, end time.Time
	}
	perDay := map[string][]rb{}
	for rows.Next() {
		var b rb
		if err := rows.Scan(&b.sv, &b.wp, &b.mode, &b.start, &b.end); err != nil {
			t.Fatal(err)
		}
		ls, le := b.start.In(loc), b.end.In(loc)
		if ls.Weekday() == time.Saturday || ls.Weekday() == time.Sunday || wallMinutes(ls) < 8*60 || wallMinutes(le) > 16*60 ||
			!sameDay(le, startOfDay(ls, loc), loc) {
			t.Errorf("booking outside availability: %+v", b)
		}
		key := fmt.Sprintf("%d %s", b.sv, ls.Format(time.DateOnly))
		perDay[key] = append(perDay[key], b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for key, list := range perDay {
		sort.Slice(list, func(i, j int) bool { return list[i].start.Before(list[j].start) })
		var sum time.Duration
		for i, b := range list {
			sum += b.end.Sub(b.start)
			for _, c := range list[i+1:] {
				if b.mode == "on_site" && c.mode == "on_site" && b.wp != c.wp && c.start.Sub(b.end) < 15*time.Minute {
					t.Errorf("%s: travel buffer broken between %+v and %+v", key, b, c)
				}
			}
		}
		if sum > 8*time.Hour {
			t.Errorf("%s: %v booked, over the daily limit", key, sum)
		}
	}
}

// openProcesses opens n services on one new database, as n processes of a
// cluster would, with their clocks at now.
func openProcesses(t *testing.T, n int, now time.Time) []*Service {
	t.Helper()
	ctx := context.Background()
	dsn := testdb.DSN(t, "cluster.db")
	var out []*Service
	for i := range n {
		s, err := Open(ctx, dsn, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if i == 0 {
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		s.Now = func() time.Time { return now }
		out = append(out, s)
	}
	return out
}

// Bookings of different supervisors are written in parallel on PostgreSQL (each
// takes its supervisor's lock), so the rules must still hold where two writes
// meet: many processes moving one booking to different supervisors at once
// lose no update (each move that succeeded raised the sequence once; the others
// heard that it changed meanwhile), and many
// booking the same supervisor's overlapping slots leave exactly one booking.
func TestConcurrentWritesOfOneSupervisor(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	procs := openProcesses(t, 2, now)
	f := &fixture{t: t, s: procs[0], ctx: context.Background(), admin: &User{Role: RoleAdmin}}
	f.wpA = f.workplace("Förskolan Solrosen", "childcare")
	u, err := f.s.CreateUser(f.ctx, UserInput{Email: "admin@example.se", Name: "Admin", Role: RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = u
	var svs []*Supervisor
	for i := range 6 {
		svs = append(svs, f.supervisor(fmt.Sprintf("Handledare %d", i), []string{"ar"}))
	}
	b, err := f.book(svs[0], f.wpA, "2026-03-10 09:00", "2026-03-10 10:00")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	moved := 0
	for i := 1; i < len(svs); i++ {
		wg.Go(func() {
			id := svs[i].ID
			_, err := procs[i%2].UpdateBooking(f.ctx, f.admin, b.ID, BookingPatch{SupervisorID: &id})
			switch {
			case err == nil:
				mu.Lock()
				moved++
				mu.Unlock()
			case ErrorCode(err) != CodeConflict:
				t.Errorf("move to supervisor %d: %v", id, err)
			}
		})
	}
	wg.Wait()
	events, err := f.s.Events(f.ctx, f.admin, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	for _, e := range events {
		if e.Kind == EventChanged {
			changes++
		}
	}
	// A move that read the booking after another committed is a move of its own;
	// a lost update would be a success that raised no sequence.
	got, err := f.s.Booking(f.ctx, f.admin, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved == 0 || changes != moved || got.Sequence != moved {
		t.Errorf("%d moves succeeded, %d were logged, the sequence is %d: want them equal", moved, changes, got.Sequence)
	}

	created := 0
	for i := range 12 {
		wg.Go(func() {
			start := time.Date(2026, 3, 11, 8, 0, 0, 0, f.s.cfg.Location).Add(time.Duration(i%4) * 15 * time.Minute)
			_, err := procs[i%2].CreateBooking(f.ctx, f.admin, BookingInput{SupervisorID: &svs[5].ID, WorkplaceID: f.wpA.ID,
				Language: "ar", Purpose: "workplace_support", Start: start.Format(time.RFC3339), End: start.Add(time.Hour).Format(time.RFC3339)})
			switch {
			case err == nil:
				mu.Lock()
				created++
				mu.Unlock()
			case ErrorCode(err) != CodeConflict:
				t.Errorf("booking %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if created != 1 {
		t.Errorf("%d overlapping bookings of one supervisor were created, want 1", created)
	}
}
