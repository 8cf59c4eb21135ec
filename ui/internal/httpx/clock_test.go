package httpx

import (
	"testing"
	"time"
)

// FuzzParseClock: the web forms' "HH:MM" never panics, accepts only 00:00–24:00
// and round-trips through FormatClock. The forms turn a clock time on a date
// into an instant with time.Date in the pool's zone; documented behaviour on
// the DST days: every wall time that exists once keeps its clock, and a wall
// time that does not exist (02:00–02:59 on 2026-03-29) or exists twice
// (02:00–02:59 on 2026-10-25) is read with the winter offset +01:00, so 02:30
// in the spring gap is 03:30+02:00 and 02:30 in the autumn is the second one.
func FuzzParseClock(f *testing.F) {
	for _, v := range []string{"08:00", "24:00", "00:00", "23:59", "02:30", "24:01", "8:00", "08:60", "-1:00", "08:0x", "０８:００", ""} {
		f.Add(v, uint8(0))
		f.Add(v, uint8(1))
	}
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		f.Fatal(err)
	}
	days := []time.Time{time.Date(2026, 3, 29, 0, 0, 0, 0, loc), time.Date(2026, 10, 25, 0, 0, 0, 0, loc),
		time.Date(2026, 3, 30, 0, 0, 0, 0, loc)}
	winter := time.FixedZone("CET", 3600)
	f.Fuzz(func(t *testing.T, v string, dayIx uint8) {
		m, ok := ParseClock(v)
		if !ok {
			return
		}
		if m < 0 || m > 1440 || FormatClock(m) != v {
			t.Fatalf("%q read as minute %d, written back as %q", v, m, FormatClock(m))
		}
		ix := int(dayIx) % len(days)
		day := days[ix]
		at := time.Date(day.Year(), day.Month(), day.Day(), 0, m, 0, 0, loc)
		if m == 1440 {
			if !at.Equal(time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)) {
				t.Fatalf("24:00 on %s is %v, not the next midnight", day.Format(time.DateOnly), at)
			}
			return
		}
		switch {
		case ix < 2 && m/60 == 2: // the hour of the change
			if want := time.Date(day.Year(), day.Month(), day.Day(), 0, m, 0, 0, winter); !at.Equal(want) {
				t.Fatalf("%s %s is %v, want %v (the winter offset)", day.Format(time.DateOnly), v, at, want)
			}
		case at.Hour()*60+at.Minute() != m || at.Day() != day.Day():
			t.Fatalf("%s %s is %v: the clock moved", day.Format(time.DateOnly), v, at)
		}
	})
}
