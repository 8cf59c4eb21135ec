package booking

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSearchPlansAgree searches twenty supervisors both ways, seeking each one
// and reading the pool's bookings in time order, and wants the same answer:
// who is free, and their minutes of the week. Among them are a booking over
// the slot, one of the evening before that reaches into the slot's morning
// (the time index must read from the day before), an absence, and bookings
// elsewhere in the week that order the free ones.
func TestSearchPlansAgree(t *testing.T) {
	f := newFixture(t, time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC))
	svs := make([]*Supervisor, 20)
	for i := range svs {
		svs[i] = f.supervisor(fmt.Sprintf("Handledare %02d", i), []string{"ar"})
	}
	all := []Window{}
	for wd := 1; wd <= 7; wd++ {
		all = append(all, Window{Weekday: wd, Start: 0, End: 24 * 60})
	}
	night := f.supervisor("Nattpass", []string{"ar"}, all...)
	mustBook := func(sv *Supervisor, start, end string) {
		t.Helper()
		if _, err := f.book(sv, f.wpA, start, end); err != nil {
			t.Fatalf("%s %s: %v", sv.Name, start, err)
		}
	}
	mustBook(svs[0], "2027-03-10 09:00", "2027-03-10 11:00") // over the slot
	mustBook(night, "2027-03-09 21:00", "2027-03-09 23:30")  // the evening before: free
	mustBook(svs[2], "2027-03-08 08:00", "2027-03-08 12:00") // Monday: four hours
	mustBook(svs[3], "2027-03-12 13:00", "2027-03-12 14:00") // Friday: one hour
	mustBook(svs[4], "2027-03-17 10:00", "2027-03-17 11:00") // the week after: not counted
	if _, err := f.s.CreateAbsence(f.ctx, f.admin, svs[1].ID, AbsenceInput{Start: f.at("2027-03-10 00:00"), End: f.at("2027-03-11 00:00"), Reason: "sick"}); err != nil {
		t.Fatal(err)
	}
	at := f.local("2027-03-10 10:00")
	q := FreeQuery{Language: "ar", Start: f.at("2027-03-10 10:00"), End: f.at("2027-03-10 11:00")}

	search := func(count int) ([]string, string) {
		t.Helper()
		f.s.weeks.m = map[int64]weekCount{startOfWeek(at, f.s.cfg.Location).Unix(): {n: count, read: time.Now()}}
		table, err := f.s.bookingsOf(f.s.store.Read(f.ctx), make([]int64, len(svs)+1), at)
		if err != nil {
			t.Fatal(err)
		}
		free, err := f.s.FreeSupervisors(f.ctx, f.admin, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, fs := range free {
			out = append(out, fmt.Sprintf("%s:%d", fs.Supervisor.Name, fs.WeekMinutes))
		}
		return out, table
	}
	seek, seekTable := search(1 << 20)
	timed, timeTable := search(0)
	if seekTable != "bookings" {
		t.Errorf("a full week: read %q, want a seek per supervisor", seekTable)
	}
	if f.s.store.SQLite != strings.Contains(timeTable, "INDEXED BY bookings_start_rules") {
		t.Errorf("an empty week: read %q (SQLite: %v)", timeTable, f.s.store.SQLite)
	}
	if !slices.Equal(seek, timed) {
		t.Fatalf("the plans disagree:\nseek: %v\ntime: %v", seek, timed)
	}
	if len(seek) != 19 {
		t.Fatalf("%d free, want 19 (all but the booked and the absent): %v", len(seek), seek)
	}
	for _, busy := range []string{"Handledare 00:", "Handledare 01:"} {
		for _, s := range seek {
			if strings.HasPrefix(s, busy) {
				t.Errorf("%s is not free, yet offered", busy)
			}
		}
	}
	if want := []string{"Handledare 03:60", "Nattpass:150", "Handledare 02:240"}; !slices.Equal(seek[len(seek)-3:], want) {
		t.Errorf("the most booked are not last: %v", seek)
	}
}

// TestSearchPlanFollowsTheWeek: the plan comes from the week's bookings, counted
// at most a minute ago. A quiet week is read in time order, a week with more
// than seekRows bookings per supervisor by seeking each.
func TestSearchPlanFollowsTheWeek(t *testing.T) {
	f := newFixture(t, time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC))
	svs := make([]*Supervisor, timeFirst)
	ids := make([]int64, len(svs))
	for i := range svs {
		svs[i] = f.supervisor(fmt.Sprintf("Handledare %02d", i), []string{"ar"})
		ids[i] = svs[i].ID
	}
	at := f.local("2027-03-10 10:00")
	db := f.s.store.Read(f.ctx)
	table, err := f.s.bookingsOf(db, ids, at)
	if err != nil {
		t.Fatal(err)
	}
	if !f.s.store.SQLite {
		// PostgreSQL's planner has statistics: nothing to choose, nothing counted.
		if table != "bookings" || len(f.s.weeks.m) != 0 {
			t.Errorf("PostgreSQL: read %q, %d weeks counted", table, len(f.s.weeks.m))
		}
		return
	}
	if !strings.Contains(table, "bookings_start_rules") {
		t.Fatalf("an empty week: read %q", table)
	}
	if table, _ := f.s.bookingsOf(db, ids[:timeFirst-1], at); table != "bookings" {
		t.Errorf("%d supervisors: read %q, want a seek each", timeFirst-1, table)
	}
	// seekRows bookings per supervisor: Monday to Friday, 08:00 on.
	days := []string{"2027-03-08", "2027-03-09", "2027-03-10", "2027-03-11", "2027-03-12"}
	for _, sv := range svs {
		for k := range seekRows {
			h := 8 + k/len(days)
			d := days[k%len(days)]
			if _, err := f.book(sv, f.wpA, fmt.Sprintf("%s %02d:00", d, h), fmt.Sprintf("%s %02d:00", d, h+1)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if table, _ := f.s.bookingsOf(db, ids, at); !strings.Contains(table, "bookings_start_rules") {
		t.Errorf("within the minute the count stands, yet read %q", table)
	}
	for k, e := range f.s.weeks.m {
		e.read = e.read.Add(-weekCountAge)
		f.s.weeks.m[k] = e
	}
	if table, _ := f.s.bookingsOf(db, ids, at); table != "bookings" {
		t.Errorf("a full week: read %q, want a seek each", table)
	}
}

// local is a Stockholm wall time "2006-01-02 15:04".
func (f *fixture) local(v string) time.Time {
	f.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", v, f.s.cfg.Location)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}
