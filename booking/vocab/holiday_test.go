package vocab

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Stockholm even where the system has no zoneinfo
)

// closedDayDate returns the date of the closed day of year named sv, or "".
func closedDayDate(year int, sv string) string {
	for _, c := range ClosedDays(year) {
		if c.NameSV == sv {
			return c.Date
		}
	}
	return ""
}

func TestEasterSunday(t *testing.T) {
	// Independently published dates of Western (Gregorian) Easter Sunday.
	tests := []struct {
		year int
		want string
	}{
		{1818, "1818-03-22"},
		{1943, "1943-04-25"},
		{2008, "2008-03-23"},
		{2019, "2019-04-21"},
		{2024, "2024-03-31"},
		{2025, "2025-04-20"},
		{2026, "2026-04-05"},
		{2027, "2027-03-28"},
		{2038, "2038-04-25"},
		{2285, "2285-03-22"},
	}
	for _, tt := range tests {
		m, d := easterSunday(tt.year)
		if got := time.Date(tt.year, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly); got != tt.want {
			t.Errorf("easterSunday(%d) = %s, want %s", tt.year, got, tt.want)
		}
		if got := closedDayDate(tt.year, "påskdagen"); got != tt.want {
			t.Errorf("ClosedDays(%d) påskdagen = %q, want %s", tt.year, got, tt.want)
		}
	}
}

func TestEasterSundayAnyYear(t *testing.T) {
	// The computation must not panic and must stay within 22 March – 25 April
	// for any year, including negative and very large ones.
	for _, year := range []int{-1_000_000_000, -1, 0, 1, 1582, 1583, 9999, 10000, 1 << 40} {
		m, d := easterSunday(year)
		if !(m == time.March && d >= 22 && d <= 31 || m == time.April && d >= 1 && d <= 25) {
			t.Errorf("easterSunday(%d) = %s %d, outside 22 March – 25 April", year, m, d)
		}
		_ = ClosedDays(year)
	}
}

func TestClosedDaysKnownDates(t *testing.T) {
	tests := []struct {
		year int
		name string
		want string
	}{
		{2026, "nyårsdagen", "2026-01-01"},
		{2026, "trettondedag jul", "2026-01-06"},
		{2026, "långfredagen", "2026-04-03"},
		{2026, "påskdagen", "2026-04-05"},
		{2026, "annandag påsk", "2026-04-06"},
		{2026, "första maj", "2026-05-01"},
		{2026, "Kristi himmelsfärdsdag", "2026-05-14"},
		{2026, "pingstdagen", "2026-05-24"},
		{2026, "nationaldagen", "2026-06-06"},
		{2026, "midsommarafton", "2026-06-19"},
		{2026, "midsommardagen", "2026-06-20"},
		{2026, "alla helgons dag", "2026-10-31"},
		{2026, "julafton", "2026-12-24"},
		{2026, "juldagen", "2026-12-25"},
		{2026, "annandag jul", "2026-12-26"},
		{2026, "nyårsafton", "2026-12-31"},
		{2025, "långfredagen", "2025-04-18"},
		{2025, "annandag påsk", "2025-04-21"},
		{2025, "Kristi himmelsfärdsdag", "2025-05-29"},
		{2025, "pingstdagen", "2025-06-08"},
		{2025, "midsommarafton", "2025-06-20"},
		{2025, "midsommardagen", "2025-06-21"},
		{2025, "alla helgons dag", "2025-11-01"},
		{2024, "långfredagen", "2024-03-29"},
		{2024, "annandag påsk", "2024-04-01"},
		{2024, "Kristi himmelsfärdsdag", "2024-05-09"},
		{2024, "midsommarafton", "2024-06-21"},
		{2024, "alla helgons dag", "2024-11-02"},
		{2027, "midsommarafton", "2027-06-25"},
		{2027, "midsommardagen", "2027-06-26"},
		{2027, "alla helgons dag", "2027-11-06"},
		{2027, "annandag påsk", "2027-03-29"},
	}
	for _, tt := range tests {
		if got := closedDayDate(tt.year, tt.name); got != tt.want {
			t.Errorf("ClosedDays(%d) %s = %q, want %s", tt.year, tt.name, got, tt.want)
		}
	}
}

func TestClosedDaysCoincide(t *testing.T) {
	// Easter 2008 was 23 March, so Ascension fell on 1 May; Easter 2049 is
	// 18 April, so Whit Sunday falls on 6 June. Each date is listed once.
	tests := []struct {
		year int
		date string
		name string
		n    int
	}{
		{2008, "2008-05-01", "första maj och Kristi himmelsfärdsdag", 15},
		{2049, "2049-06-06", "nationaldagen och pingstdagen", 15},
	}
	for _, tt := range tests {
		days := ClosedDays(tt.year)
		if len(days) != tt.n {
			t.Errorf("ClosedDays(%d) has %d days, want %d", tt.year, len(days), tt.n)
		}
		if got := closedDayDate(tt.year, tt.name); got != tt.date {
			t.Errorf("ClosedDays(%d) %s = %q, want %s", tt.year, tt.name, got, tt.date)
		}
	}
}

func TestClosedDays2026(t *testing.T) {
	days := ClosedDays(2026)
	if len(days) != 16 {
		t.Fatalf("ClosedDays(2026) has %d days, want 16: %v", len(days), days)
	}
	if !slices.IsSortedFunc(days, func(a, b ClosedDay) int {
		switch {
		case a.Date < b.Date:
			return -1
		case a.Date > b.Date:
			return 1
		}
		return 0
	}) {
		t.Errorf("ClosedDays(2026) not in date order: %v", days)
	}
	for i, c := range days {
		if i > 0 && c.Date == days[i-1].Date {
			t.Errorf("date %s listed twice", c.Date)
		}
		if c.NameSV == "" || c.NameEN == "" {
			t.Errorf("%s lacks a name: %+v", c.Date, c)
		}
	}
}

func TestClosedDayOnMatchesClosedDays(t *testing.T) {
	for _, year := range []int{1818, 2008, 2024, 2025, 2026, 2027, 2038, 2049, 2285} {
		want := map[string]ClosedDay{}
		for _, c := range ClosedDays(year) {
			want[c.Date] = c
		}
		for day := time.Date(year, 1, 1, 12, 0, 0, 0, time.UTC); day.Year() == year; day = day.AddDate(0, 0, 1) {
			got, ok := ClosedDayOn(day)
			w, wok := want[day.Format(time.DateOnly)]
			if ok != wok || got != w {
				t.Errorf("ClosedDayOn(%s) = %+v, %v; ClosedDays has %+v, %v", day.Format(time.DateOnly), got, ok, w, wok)
			}
		}
	}
}

func TestClosedDayOn(t *testing.T) {
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	instant := time.Date(2026, 6, 18, 23, 30, 0, 0, time.UTC) // 2026-06-19 01:30 in Stockholm
	tests := []struct {
		name   string
		t      time.Time
		closed bool
		sv     string
		date   string
	}{
		{"ordinary weekday", time.Date(2026, 3, 30, 10, 0, 0, 0, stockholm), false, "", ""},
		{"ordinary Saturday", time.Date(2026, 6, 27, 10, 0, 0, 0, stockholm), false, "", ""},
		{"Easter Monday", time.Date(2026, 4, 6, 9, 0, 0, 0, stockholm), true, "annandag påsk", "2026-04-06"},
		{"Easter Sunday 2025", time.Date(2025, 4, 20, 9, 0, 0, 0, stockholm), true, "påskdagen", "2025-04-20"},
		{"midsommarafton in Stockholm", instant.In(stockholm), true, "midsommarafton", "2026-06-19"},
		{"same instant in UTC", instant, false, "", ""},
		{"last minute of julafton", time.Date(2026, 12, 24, 23, 59, 0, 0, stockholm), true, "julafton", "2026-12-24"},
		{"day after annandag jul", time.Date(2026, 12, 27, 0, 0, 0, 0, stockholm), false, "", ""},
		{"Friday before Oct 31 Saturday", time.Date(2026, 10, 30, 12, 0, 0, 0, stockholm), false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ClosedDayOn(tt.t)
			if ok != tt.closed {
				t.Fatalf("ClosedDayOn(%s) closed = %v, want %v (%+v)", tt.t, ok, tt.closed, got)
			}
			if got.NameSV != tt.sv || got.Date != tt.date {
				t.Errorf("ClosedDayOn(%s) = %+v, want %s %s", tt.t, got, tt.date, tt.sv)
			}
		})
	}
}

func TestClosedDayOnDoesNotAllocateOnOpenDays(t *testing.T) {
	day := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
	if n := testing.AllocsPerRun(100, func() { ClosedDayOn(day) }); n != 0 {
		t.Errorf("ClosedDayOn allocates %v times per call on an open day", n)
	}
}

func BenchmarkClosedDayOn(b *testing.B) {
	day := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
	for b.Loop() {
		ClosedDayOn(day)
	}
}
