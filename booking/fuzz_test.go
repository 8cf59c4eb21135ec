package booking

import (
	"fmt"
	"testing"
	"time"
)

// Fuzz targets (issue 8). `go test` runs their seeds (the f.Add calls and the
// files under testdata/fuzz/) as ordinary tests; .ci/test runs each with -fuzz
// for a few seconds. Every state a target needs is built once per fuzz process,
// outside f.Fuzz, so iterations stay fast.

// FuzzParseTime: parseTime never panics, and a time it accepts comes back as the
// same instant when written the way the service writes it (RFC 3339 in the
// pool's zone). Documented DST behaviour: a time carries its own offset, so a
// wall time in the spring gap (02:30 on 2026-03-29) or the autumn overlap (02:30
// on 2026-10-25) is simply the instant its offset names; written in the pool's
// zone it shows the offset in force then (02:30+01:00 in the gap is 03:30+02:00).
// ParseDate, the other parser of the API, reads local midnight of a real date.
func FuzzParseTime(f *testing.F) {
	for _, v := range []string{
		"2026-03-30T09:00:00+02:00", "2026-03-30T07:00:00Z", "2026-03-30T09:00:00", "2026-03-30T09:00:00.000Z",
		"2026-03-30T09:00:00.5+02:00", "2026-03-29T02:30:00+01:00", "2026-03-29T02:30:00+02:00",
		"2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "0000-01-01T00:00:00+01:00",
		"9999-12-31T23:00:00-02:00", "1800-01-01T00:00:00Z", "2026-02-30T09:00:00Z", "2026-03-30T24:00:00Z",
		"2026-03-30t09:00:00z", "2026-03-30T09:00:00+23:59", "", "2026-03-30",
	} {
		f.Add(v)
	}
	loc := DefaultConfig().Location
	f.Fuzz(func(t *testing.T, v string) {
		var p Problems
		got := ParseTime(&p, "start", v)
		if len(p) > 0 {
			if !got.IsZero() {
				t.Fatalf("%q refused but returned %v", v, got)
			}
			return
		}
		for _, out := range []string{got.In(loc).Format(time.RFC3339Nano), got.UTC().Format(time.RFC3339Nano)} {
			var q Problems
			back := ParseTime(&q, "start", out)
			if len(q) > 0 || !back.Equal(got) {
				t.Fatalf("%q: accepted as %v, written %q, read back as %v %v", v, got, out, back, q)
			}
		}
		// The API writes whole seconds; for a whole-second time that is exact.
		if got.Nanosecond() == 0 {
			out := got.In(loc).Format(time.RFC3339)
			back, err := time.Parse(time.RFC3339, out)
			if err != nil || !back.Equal(got) {
				t.Fatalf("%q: written by the API as %q, read back as %v %v", v, out, back, err)
			}
		}

		var dp Problems
		d := ParseDate(&dp, "from", v, loc)
		if len(dp) == 0 {
			if d.Hour() != 0 || d.Minute() != 0 || d.Format(time.DateOnly) != v {
				t.Fatalf("date %q read as %v", v, d)
			}
		}
	})
}

// rulesFuzz is the pool the booking-rules target books in: two supervisors
// available every day all day, two workplaces.
type rulesFuzz struct {
	f   *fixture
	svs []*Supervisor
	wps []*Workplace
}

var rulesDays = []string{"2026-03-29", "2026-03-30", "2026-10-25", "2026-10-26", "2026-03-28", "9999-12-31"}

// FuzzBookingRules: any sequence of creations, moves and cancellations (any
// supervisor, start, length: zero, negative, over a day; DST days; with and
// without the admin's overrides) goes through the real service on a real
// SQLite file, never panics, fails only with the domain's invalid or conflict
// errors, and never leaves two overlapping confirmed bookings of one supervisor.
//
// Each op is 6 bytes: kind (create, create, move, cancel), supervisor, day,
// start (10-minute steps from local midnight, up to 42 hours), length (signed,
// 15-minute steps), flags (override, phone, workplace B, written in UTC, in
// -11:00, no supervisor: the pool picks).
func FuzzBookingRules(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x36\x08\x00\x00\x00\x00\x3c\x08\x00"))                         // 09:00–11:00 then 10:00–12:00
	f.Add([]byte("\x00\x00\x00\x0c\x08\x01\x00\x00\x00\x0f\x04\x01"))                         // 02:00–04:00 on the spring DST day, override
	f.Add([]byte("\x00\x01\x02\x0c\x04\x09\x00\x01\x02\x0f\x04\x09"))                         // 02:00 and 02:30 on the autumn DST day, in UTC
	f.Add([]byte("\x00\x00\x01\x36\x00\x01\x00\x00\x01\x36\xff\x01\x00\x00\x01\x36\x7f\x01")) // zero, negative, huge
	f.Add([]byte("\x00\x00\x01\x36\x08\x01\x00\x00\x01\x48\x08\x01\x02\x01\x01\x3c\x08\x01")) // a move onto the other
	f.Add([]byte("\x00\x00\x05\x8a\x04\x09\x00\x00\x05\x8c\x04\x09"))                         // year 9999, the last evening, in UTC
	f.Add([]byte("\x00\x00\x01\x36\x08\x01\x03\x00\x00\x00\x00\x00\x00\x00\x01\x36\x08\x01"))
	f.Add([]byte("\x00\x00\x00\x00\x60\x01\x00\x00\x00\x90\x60\x01"))
	f.Add([]byte("\x00\x00\x01\x36\x08\x20\x00\x00\x01\x36\x08\x20\x00\x00\x01\x36\x08\x20")) // the pool picks, three times
	f.Add([]byte("\x00\x00\x05\x99\x04\x11\x00\x01\x05\x96\x08\x11"))                         // 10000-01-01 local, in -11:00
	rf := &rulesFuzz{f: newFixture(f, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	var week []Window
	for wd := 1; wd <= 7; wd++ {
		week = append(week, Window{Weekday: wd, Start: 0, End: 1440})
	}
	for i := range 2 {
		rf.svs = append(rf.svs, rf.f.supervisor(fmt.Sprintf("Handledare %d", i+1), []string{"ar"}, week...))
	}
	rf.wps = []*Workplace{rf.f.wpA, rf.f.wpB}
	f.Fuzz(func(t *testing.T, ops []byte) {
		rf.run(t, ops)
	})
}

func (rf *rulesFuzz) run(t *testing.T, ops []byte) {
	s, ctx := rf.f.s, rf.f.ctx
	// A fresh start: the previous input's bookings no longer count.
	if err := s.store.Gorm().Exec("UPDATE bookings SET status = ? WHERE status = ?", StatusCancelled, StatusConfirmed).Error; err != nil {
		t.Fatal(err)
	}
	loc := s.cfg.Location
	var made []int64
	for n := 0; len(ops) >= 6 && n < 12; n, ops = n+1, ops[6:] {
		kind, sv, dayIx, startStep, length, flags := ops[0]%4, rf.svs[int(ops[1])%len(rf.svs)], int(ops[2])%len(rulesDays), int(ops[3]), int8(ops[4]), ops[5]
		day, _ := time.ParseInLocation(time.DateOnly, rulesDays[dayIx], loc)
		start := time.Date(day.Year(), day.Month(), day.Day(), 0, startStep*10, 0, 0, loc)
		end := start.Add(time.Duration(length) * 15 * time.Minute)
		layout := func(t time.Time) string {
			switch {
			case flags&8 != 0:
				return t.UTC().Format(time.RFC3339)
			case flags&16 != 0:
				return t.In(time.FixedZone("", -11*3600)).Format(time.RFC3339)
			}
			return t.Format(time.RFC3339)
		}
		var override []string
		if flags&1 != 0 {
			override = OverridableRules
		}
		mode := "on_site"
		if flags&2 != 0 {
			mode = "phone"
		}
		wp := rf.wps[int(flags>>2&1)]
		var err error
		var b *Booking
		switch {
		case kind <= 1 || len(made) == 0:
			in := BookingInput{SupervisorID: &sv.ID, WorkplaceID: wp.ID, Language: "ar",
				Mode: mode, Purpose: "workplace_support", Start: layout(start), End: layout(end), Override: override}
			if flags&32 != 0 {
				in.SupervisorID = nil // the pool picks one
			}
			b, err = s.CreateBooking(ctx, rf.f.admin, in)
			if err == nil {
				made = append(made, b.ID)
			}
		case kind == 2:
			st, en := layout(start), layout(end)
			_, err = s.UpdateBooking(ctx, rf.f.admin, made[int(ops[1])%len(made)], BookingPatch{SupervisorID: &sv.ID,
				Start: &st, End: &en, Override: override})
		default:
			_, err = s.CancelBooking(ctx, rf.f.admin, made[int(ops[1])%len(made)], "illness", "")
		}
		if c := ErrorCode(err); err != nil && c != CodeInvalid && c != CodeConflict {
			t.Fatalf("op %d (%s %+d×15m): %v", n, start, length, err)
		}
	}
	var list []Booking
	if err := s.store.Gorm().Where("status = ?", StatusConfirmed).Order("supervisor_id, start_at").Find(&list).Error; err != nil {
		t.Fatal(err)
	}
	for i, a := range list {
		if !a.End.After(a.Start) {
			t.Errorf("booking %d ends at %v, not after its start %v", a.ID, a.End, a.Start)
		}
		for _, b := range list[i+1:] {
			if a.SupervisorID == b.SupervisorID && a.Start.Before(b.End) && b.Start.Before(a.End) {
				t.Errorf("bookings %d (%v–%v) and %d (%v–%v) of supervisor %d overlap",
					a.ID, a.Start, a.End, b.ID, b.Start, b.End, a.SupervisorID)
			}
		}
	}
}
