package vocab

import "time"

// ClosedDay is a day on which the pool takes no bookings and has no availability.
type ClosedDay struct {
	Date   string `json:"date"` // YYYY-MM-DD
	NameSV string `json:"name_sv"`
	NameEN string `json:"name_en"`
}

// ClosedDays lists the year's closed days in date order.
//
// The days are the Swedish public holidays plus midsommarafton, julafton and
// nyårsafton. When two of them fall on the same date (Kristi himmelsfärdsdag on
// första maj, pingstdagen on nationaldagen) the date is listed once, with both
// names joined by "och"/"and".
func ClosedDays(year int) []ClosedDay {
	days := make([]ClosedDay, 0, 16)
	for t := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC); t.Year() == year; t = t.AddDate(0, 0, 1) {
		y, m, d := t.Date()
		if sv, en, ok := closedDayNames(y, m, d, t.Weekday()); ok {
			days = append(days, ClosedDay{Date: t.Format(time.DateOnly), NameSV: sv, NameEN: en})
		}
	}
	return days
}

// ClosedDayOn reports whether the calendar date of t (read in t's own location:
// t.Date()) is a closed day. It does no allocation unless the day is closed.
func ClosedDayOn(t time.Time) (ClosedDay, bool) {
	y, m, d := t.Date()
	sv, en, ok := closedDayNames(y, m, d, t.Weekday())
	if !ok {
		return ClosedDay{}, false
	}
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	return ClosedDay{Date: date, NameSV: sv, NameEN: en}, true
}

// closedDayNames is the single definition of the closed days: it reports whether
// the date y-m-d, which falls on weekday wd, is closed, and its names.
func closedDayNames(y int, m time.Month, d int, wd time.Weekday) (sv, en string, ok bool) {
	switch m {
	case time.January:
		switch d {
		case 1:
			return "nyårsdagen", "New Year's Day", true
		case 6:
			return "trettondedag jul", "Epiphany", true
		}
	case time.March, time.April, time.May, time.June:
		// Days counted from 1 March, so no leap-year correction is needed.
		n := daysFromMarch1(m, d)
		em, ed := easterSunday(y)
		switch n - daysFromMarch1(em, ed) {
		case -2:
			return "långfredagen", "Good Friday", true
		case 0:
			return "påskdagen", "Easter Sunday", true
		case 1:
			return "annandag påsk", "Easter Monday", true
		case 39:
			if m == time.May && d == 1 {
				return "första maj och Kristi himmelsfärdsdag", "May Day and Ascension Day", true
			}
			return "Kristi himmelsfärdsdag", "Ascension Day", true
		case 49:
			if m == time.June && d == 6 {
				return "nationaldagen och pingstdagen", "National Day of Sweden and Whit Sunday", true
			}
			return "pingstdagen", "Whit Sunday", true
		}
		switch {
		case m == time.May && d == 1:
			return "första maj", "May Day", true
		case m == time.June && d == 6:
			return "nationaldagen", "National Day of Sweden", true
		case m == time.June && d >= 19 && d <= 25 && wd == time.Friday:
			return "midsommarafton", "Midsummer Eve", true
		case m == time.June && d >= 20 && d <= 26 && wd == time.Saturday:
			return "midsommardagen", "Midsummer Day", true
		}
	case time.October, time.November:
		if wd == time.Saturday && (m == time.October && d == 31 || m == time.November && d <= 6) {
			return "alla helgons dag", "All Saints' Day", true
		}
	case time.December:
		switch d {
		case 24:
			return "julafton", "Christmas Eve", true
		case 25:
			return "juldagen", "Christmas Day", true
		case 26:
			return "annandag jul", "Boxing Day", true
		case 31:
			return "nyårsafton", "New Year's Eve", true
		}
	}
	return "", "", false
}

// daysFromMarch1 counts the days from 1 March to the given date, which must lie
// in March to June; these month lengths do not depend on the year.
func daysFromMarch1(m time.Month, d int) int {
	offsets := [...]int{0, 31, 61, 92} // 1 March, 1 April, 1 May, 1 June
	return offsets[m-time.March] + d - 1
}

// easterSunday returns the date of Easter Sunday in the Gregorian calendar, by
// the anonymous Gregorian algorithm (Meeus/Jones/Butcher), proleptically for
// years before 1583. It always returns a date in March or April.
func easterSunday(year int) (time.Month, int) {
	// Gregorian Easter dates repeat every 5,700,000 years; reducing the year keeps
	// the arithmetic below non-negative for any int.
	const cycle = 5_700_000
	year = (year%cycle + cycle) % cycle
	a := year % 19
	b := year / 100
	c := year % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Month(month), day
}
