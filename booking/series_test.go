package booking

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

var seriesNow = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

// seriesIn is a series of n weekly sessions at wp for sv (nil: the pool
// picks), the first from start to end (Stockholm wall times).
func (f *fixture) seriesIn(sv *Supervisor, wp *Workplace, start, end string, n int) SeriesInput {
	in := SeriesInput{BookingInput: BookingInput{WorkplaceID: wp.ID, Language: "ar", Purpose: "workplace_support",
		Start: f.at(start), End: f.at(end)}, EveryWeeks: 1, Count: &n}
	if sv != nil {
		in.SupervisorID = &sv.ID
	}
	return in
}

func (f *fixture) countBookings() int64 {
	f.t.Helper()
	var n int64
	if err := f.s.store.Read(f.ctx).Model(&Booking{}).Count(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

func localTimes(s *Service, list []Booking) []string {
	var out []string
	for _, b := range list {
		out = append(out, b.Start.In(s.cfg.Location).Format("2006-01-02 15:04")+"-"+b.End.In(s.cfg.Location).Format("15:04"))
	}
	return out
}

// Wall time is kept across both DST changes: 10:00 stays 10:00 in March and
// October, whatever the UTC offset.
func TestSeriesKeepsWallTimeAcrossDST(t *testing.T) {
	f := newFixture(t, seriesNow)
	sv := f.supervisor("Amina", []string{"ar"})
	sr, err := f.s.CreateSeries(f.ctx, f.admin, f.seriesIn(sv, f.wpA, "2027-03-16 10:00", "2027-03-16 11:30", 3))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2027-03-16 10:00-11:30", "2027-03-23 10:00-11:30", "2027-03-30 10:00-11:30"}
	if got := localTimes(f.s, sr.Bookings); !slices.Equal(got, want) {
		t.Errorf("March: got %v, want %v", got, want)
	}
	if sr.Bookings[0].End.Sub(sr.Bookings[0].Start) != 90*time.Minute || sr.Bookings[2].Start.UTC().Hour() != 8 || sr.Bookings[0].Start.UTC().Hour() != 9 {
		t.Errorf("the offsets were not followed: %v", sr.Bookings)
	}
	until := "2027-11-02"
	in := f.seriesIn(sv, f.wpA, "2027-10-19 10:00", "2027-10-19 11:00", 0)
	in.Count, in.Until = nil, &until
	sr, err = f.s.CreateSeries(f.ctx, f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"2027-10-19 10:00-11:00", "2027-10-26 10:00-11:00", "2027-11-02 10:00-11:00"}
	if got := localTimes(f.s, sr.Bookings); !slices.Equal(got, want) || sr.Occurrences != 3 {
		t.Errorf("October (until): got %v (%d occurrences), want %v", got, sr.Occurrences, want)
	}
	for _, b := range sr.Bookings {
		if b.SeriesID == nil || *b.SeriesID != sr.ID || b.SeriesStart == nil || !b.SeriesStart.Equal(b.Start) {
			t.Errorf("booking %d: series_id %v, series start %v", b.ID, b.SeriesID, b.SeriesStart)
		}
	}
	alone, err := f.book(sv, f.wpA, "2027-03-17 10:00", "2027-03-17 11:00")
	if err != nil || alone.SeriesID != nil {
		t.Errorf("a booking alone: %v, series %v", err, alone)
	}
}

// A closed day is skipped and listed with its holiday; count counts it.
func TestSeriesSkipsClosedDays(t *testing.T) {
	f := newFixture(t, seriesNow)
	sv := f.supervisor("Amina", []string{"ar"})
	// Thursdays; 6 May 2027 is Kristi himmelsfärdsdag.
	sr, err := f.s.CreateSeries(f.ctx, f.admin, f.seriesIn(sv, f.wpA, "2027-04-22 09:00", "2027-04-22 10:00", 6))
	if err != nil {
		t.Fatal(err)
	}
	if len(sr.Bookings) != 5 || len(sr.Skipped) != 1 {
		t.Fatalf("want 5 booked and 1 skipped, got %d and %v", len(sr.Bookings), sr.Skipped)
	}
	sk := sr.Skipped[0]
	if sk.Date != "2027-05-06" || sk.Holiday == nil || sk.Holiday.NameSV != "Kristi himmelsfärdsdag" ||
		len(sk.Details) != 1 || sk.Details[0].Rule != RuleClosedDay || sk.Details[0].Occurrence != "2027-05-06" {
		t.Errorf("skipped: %+v", sk)
	}
	got, err := f.s.SeriesByID(f.ctx, f.admin, sr.ID)
	if err != nil || len(got.Skipped) != 1 || got.Skipped[0].Holiday.NameSV != "Kristi himmelsfärdsdag" || len(got.Bookings) != 5 {
		t.Errorf("read back: %v %+v", err, got)
	}
}

// Any other collision answers 409 with an entry per broken rule naming its
// occurrence, and books nothing; skip_conflicts books the free ones.
func TestSeriesConflictBooksNothing(t *testing.T) {
	f := newFixture(t, seriesNow)
	sv := f.supervisor("Amina", []string{"ar"})
	other := f.supervisor("Bashir", []string{"ar"})
	if _, err := f.book(sv, f.wpA, "2027-03-23 10:30", "2027-03-23 11:30"); err != nil {
		t.Fatal(err)
	}
	// The travel buffer applies per occurrence: another workplace ends 5 minutes before.
	if _, err := f.book(sv, f.wpB, "2027-03-30 08:00", "2027-03-30 09:55"); err != nil {
		t.Fatal(err)
	}
	// The daily limit too (6 hours here): 5 hours already booked on 6 April.
	f.s.cfg.DailyLimit = 6 * time.Hour
	if _, err := f.book(sv, f.wpA, "2027-04-06 12:00", "2027-04-06 16:00"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.book(sv, f.wpA, "2027-04-06 08:00", "2027-04-06 09:00"); err != nil {
		t.Fatal(err)
	}
	before := f.countBookings()
	in := f.seriesIn(sv, f.wpA, "2027-03-16 10:00", "2027-03-16 11:00", 5)
	_, err := f.s.CreateSeries(f.ctx, f.admin, in)
	e, ok := err.(*Error)
	if !ok || e.Code != CodeConflict {
		t.Fatalf("want a conflict, got %v", err)
	}
	var got []string
	for _, v := range e.Details.([]Violation) {
		got = append(got, v.Occurrence+" "+v.Rule)
	}
	want := []string{"2027-03-23 overlap", "2027-03-30 travel_buffer"}
	if !slices.Equal(got, want) {
		t.Errorf("details: got %v, want %v", got, want)
	}
	if !slices.ContainsFunc(e.Alternatives, func(a Alternative) bool { return a.SupervisorID == other.ID }) {
		t.Errorf("alternatives: %v, want Bashir", e.Alternatives)
	}
	if n := f.countBookings(); n != before {
		t.Errorf("%d bookings were made", n-before)
	}
	long := f.seriesIn(sv, f.wpA, "2027-03-16 10:00", "2027-03-16 11:30", 5)
	_, err = f.s.CreateSeries(f.ctx, f.admin, long)
	if r := rulesOf(err); !slices.Contains(r, RuleDailyLimit) {
		t.Errorf("a 90-minute series on a day with 5 hours booked: rules %v", r)
	}
	in.SkipConflicts = true
	sr, err := f.s.CreateSeries(f.ctx, f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, s := range sr.Skipped {
		skipped = append(skipped, s.Date+" "+s.Details[0].Rule)
	}
	if len(sr.Bookings) != 3 || !slices.Equal(skipped, want) {
		t.Errorf("skip_conflicts: %d booked, skipped %v", len(sr.Bookings), skipped)
	}
}

// Without a named supervisor the pool picks one for the whole series: free
// for the most occurrences, then fewest minutes in the first week, then
// lowest id; none free is no_free_supervisor, kept as demand.
func TestSeriesPicksOneSupervisor(t *testing.T) {
	f := newFixture(t, seriesNow)
	a := f.supervisor("Amina", []string{"ar"})
	b := f.supervisor("Bashir", []string{"ar"})
	c := f.supervisor("Cemal", []string{"ar"})
	// Amina is busy on the third Tuesday; Bashir has more minutes that first week than Cemal.
	mustBook := func(sv *Supervisor, start, end string) {
		t.Helper()
		if _, err := f.book(sv, f.wpA, start, end); err != nil {
			t.Fatal(err)
		}
	}
	mustBook(a, "2027-03-30 10:00", "2027-03-30 11:00")
	mustBook(b, "2027-03-15 08:00", "2027-03-15 09:00")
	mustBook(c, "2027-03-15 08:00", "2027-03-15 08:30")
	sr, err := f.s.CreateSeries(f.ctx, f.admin, f.seriesIn(nil, f.wpA, "2027-03-16 10:00", "2027-03-16 11:00", 4))
	if err != nil {
		t.Fatal(err)
	}
	if sr.SupervisorID != c.ID || len(sr.Bookings) != 4 {
		t.Errorf("picked %d (%d bookings), want Cemal %d", sr.SupervisorID, len(sr.Bookings), c.ID)
	}
	for _, bk := range sr.Bookings {
		if bk.SupervisorID != c.ID {
			t.Errorf("occurrence %d given to %d", bk.ID, bk.SupervisorID)
		}
	}
	// The same week again: Amina (busy 30 March) and Cemal now busy; Bashir is free for all.
	sr, err = f.s.CreateSeries(f.ctx, f.admin, f.seriesIn(nil, f.wpA, "2027-03-16 10:00", "2027-03-16 11:00", 4))
	if err != nil || sr.SupervisorID != b.ID {
		t.Fatalf("second series: %v, picked %v, want Bashir", err, sr)
	}
	// Now nobody is free on 30 March: without skip_conflicts no_free_supervisor ...
	_, err = f.s.CreateSeries(f.ctx, f.admin, f.seriesIn(nil, f.wpA, "2027-03-16 10:00", "2027-03-16 11:00", 3))
	if r := rulesOf(err); !slices.Equal(r, []string{RuleNoFreeSupervisor}) {
		t.Errorf("want no_free_supervisor, got %v (%v)", r, err)
	}
	var kept []UnmetAttempt
	if err := f.s.store.Read(f.ctx).Find(&kept).Error; err != nil || len(kept) != 1 || kept[0].Kind != UnmetSeries {
		t.Errorf("demand kept: %v %+v", err, kept)
	}
	// ... with it, the one free for the most occurrences: Amina (free on 16 and 23 March only she is).
	in := f.seriesIn(nil, f.wpA, "2027-03-16 10:00", "2027-03-16 11:00", 3)
	in.SkipConflicts = true
	sr, err = f.s.CreateSeries(f.ctx, f.admin, in)
	if err != nil || sr.SupervisorID != a.ID || len(sr.Bookings) != 2 || len(sr.Skipped) != 1 || sr.Skipped[0].Date != "2027-03-30" {
		t.Errorf("skip_conflicts: %v %+v", err, sr)
	}
}

// Cancelling from a date cancels the confirmed occurrences from then on, with
// the reason, and leaves the earlier ones.
func TestSeriesCancelFromDate(t *testing.T) {
	f := newFixture(t, seriesNow)
	sv := f.supervisor("Amina", []string{"ar"})
	mgr := f.manager("m@example.se", f.wpA.ID)
	outsider := f.manager("o@example.se", f.wpB.ID)
	sr, err := f.s.CreateSeries(f.ctx, mgr, f.seriesIn(sv, f.wpA, "2027-03-16 10:00", "2027-03-16 11:00", 5))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CancelSeries(f.ctx, outsider, sr.ID, "other", "x", "2027-03-30"); ErrorCode(err) != CodeNotFound {
		t.Errorf("another workplace's manager: %v", err)
	}
	if _, err := f.s.CancelSeries(f.ctx, mgr, sr.ID, "other", "", "2027-03-30"); ErrorCode(err) != CodeInvalid {
		t.Errorf("other without a reason: %v", err)
	}
	got, err := f.s.CancelSeries(f.ctx, mgr, sr.ID, "workplace_closed", "", "2027-03-30")
	if err != nil {
		t.Fatal(err)
	}
	var status []string
	for _, b := range got.Bookings {
		status = append(status, b.Start.In(f.s.cfg.Location).Format("01-02")+" "+b.Status)
		if b.Status == StatusCancelled && (b.CancelReasonCode == nil || *b.CancelReasonCode != "workplace_closed") {
			t.Errorf("booking %d: reason %v", b.ID, b.CancelReasonCode)
		}
	}
	want := []string{"03-16 confirmed", "03-23 confirmed", "03-30 cancelled", "04-06 cancelled", "04-13 cancelled"}
	if !slices.Equal(status, want) || got.Sequence != 1 {
		t.Errorf("got %v (sequence %d), want %v", status, got.Sequence, want)
	}
}

// The repeat rule is checked: every_weeks 1..4, count 2..52, until at most 52.
func TestSeriesRepeatRule(t *testing.T) {
	f := newFixture(t, seriesNow)
	sv := f.supervisor("Amina", []string{"ar"})
	for _, tc := range []struct {
		every int
		count int
		until string
		field string
	}{
		{every: 5, count: 3, field: "repeat.every_weeks"},
		{every: 1, count: 53, field: "repeat.count"},
		{every: 1, count: 1, field: "repeat.count"},
		{every: 1, until: "2028-03-20", field: "repeat.until"},
		{every: 1, until: "2027-03-16", field: "repeat.until"},
		{every: 1, field: "repeat"},
	} {
		in := f.seriesIn(sv, f.wpA, "2027-03-16 10:00", "2027-03-16 11:00", tc.count)
		in.EveryWeeks = tc.every
		if tc.count == 0 {
			in.Count = nil
		}
		if tc.until != "" {
			in.Until = &tc.until
		}
		_, err := f.s.CreateSeries(f.ctx, f.admin, in)
		e, ok := err.(*Error)
		if !ok || e.Code != CodeInvalid || e.Details.([]FieldError)[0].Field != tc.field {
			t.Errorf("%+v: got %v", tc, err)
		}
	}
	in := f.seriesIn(sv, f.wpA, "2027-03-16 10:00", "2027-03-16 11:00", 52)
	in.EveryWeeks = 1
	sr, err := f.s.CreateSeries(f.ctx, f.admin, in)
	if err != nil || sr.Occurrences != 52 {
		t.Fatalf("52 weekly: %v", err)
	}
	in = f.seriesIn(sv, f.wpA, "2027-03-17 10:00", "2027-03-17 11:00", 3)
	in.EveryWeeks = 4
	sr, err = f.s.CreateSeries(f.ctx, f.admin, in)
	want := []string{"2027-03-17 10:00-11:00", "2027-04-14 10:00-11:00", "2027-05-12 10:00-11:00"}
	if err != nil || !slices.Equal(localTimes(f.s, sr.Bookings), want) {
		t.Errorf("every 4 weeks: %v %v", err, sr)
	}
}

// Two series racing for the same supervisor never both get an occurrence:
// each checks and books all of its occurrences in one write transaction.
func TestSeriesConcurrent(t *testing.T) {
	f := newFixture(t, seriesNow)
	sv := f.supervisor("Amina", []string{"ar"})
	const n = 8
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		won   = make([]*Series, n)
		errs  = make([]error, n)
	)
	for i := range n {
		// Each starts a week later than the one before, so all pairs share occurrences.
		first := time.Date(2027, 3, 16+7*(i%2), 10, 0, 0, 0, f.s.cfg.Location)
		in := SeriesInput{BookingInput: BookingInput{SupervisorID: &sv.ID, WorkplaceID: f.wpA.ID, Language: "ar",
			Purpose: "workplace_support", Start: first.Format(time.RFC3339), End: first.Add(time.Hour).Format(time.RFC3339)},
			EveryWeeks: 1, Count: new(int)}
		*in.Count = 10
		if i%4 == 3 {
			in.SupervisorID = nil // the pool picks: Amina is the only one
		}
		wg.Go(func() {
			<-start
			won[i], errs[i] = f.s.CreateSeries(context.Background(), f.admin, in)
		})
	}
	close(start)
	wg.Wait()
	wins := 0
	for i := range n {
		switch {
		case errs[i] == nil:
			wins++
		case ErrorCode(errs[i]) != CodeConflict:
			t.Errorf("not a conflict: %v", errs[i])
		}
	}
	if wins != 1 {
		t.Errorf("want exactly one series booked, got %d", wins)
	}
	var list []Booking
	if err := f.s.store.Read(f.ctx).Where("status = ?", StatusConfirmed).Order("start_at").Find(&list).Error; err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(list); i++ {
		if list[i].Start.Before(list[i-1].End) {
			t.Errorf("bookings %d and %d overlap", list[i-1].ID, list[i].ID)
		}
	}
	if len(list) != 10 {
		t.Errorf("want the winner's 10 bookings, got %d", len(list))
	}
}
