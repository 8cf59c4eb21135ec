package web

import (
	"fmt"
	"time"
)

// Lang is the language a page is written in: Swedish unless the user chose
// English. Templates call its methods for every user-facing string and date.
type Lang struct {
	Code string
	idx  int // 0 Swedish, 1 English: the column of catalog
}

var (
	swedish = Lang{Code: "sv", idx: 0}
	english = Lang{Code: "en", idx: 1}
)

// langOf returns the language with that code, Swedish for anything else.
func langOf(code string) Lang {
	if code == "en" {
		return english
	}
	return swedish
}

// T returns the text of key, formatted with args; a missing key shows itself,
// and a test makes sure none is missing.
func (l Lang) T(key string, args ...any) string {
	pair, ok := catalog[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return pair[l.idx]
	}
	return fmt.Sprintf(pair[l.idx], args...)
}

var (
	weekdaysShort = [2][7]string{{"mån", "tis", "ons", "tors", "fre", "lör", "sön"}, {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}}
	weekdaysLong  = [2][7]string{{"måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"}, {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}}
	months        = [2][12]string{{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"},
		{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}}
)

func isoWeekday(t time.Time) int { return (int(t.Weekday())+6)%7 + 1 }

// Date is "mån 30 mars 2026".
func (l Lang) Date(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", weekdaysShort[l.idx][isoWeekday(t)-1], t.Day(), months[l.idx][t.Month()-1], t.Year())
}

// DayMonth is "30 mars".
func (l Lang) DayMonth(t time.Time) string {
	return fmt.Sprintf("%d %s", t.Day(), months[l.idx][t.Month()-1])
}

// Weekday is "måndag".
func (l Lang) Weekday(n int) string { return weekdaysLong[l.idx][(n+6)%7] }

// WeekdayShort is "mån" for 1 (Monday) to 7.
func (l Lang) WeekdayShort(t time.Time) string { return weekdaysShort[l.idx][isoWeekday(t)-1] }

// Clock is the 24-hour time "09:00".
func (l Lang) Clock(t time.Time) string { return t.Format("15:04") }

// Span is "mån 30 mars 2026, 09:00–11:00".
func (l Lang) Span(start, end time.Time) string {
	return l.Date(start) + ", " + l.Clock(start) + "–" + l.Clock(end)
}

// Week is the ISO week number "v. 14" ("week 14").
func (l Lang) Week(t time.Time) string {
	_, w := t.ISOWeek()
	return l.T("week.n", w)
}

// DateTime is "mån 30 mars 2026, 09:00".
func (l Lang) DateTime(t time.Time) string { return l.Date(t) + ", " + l.Clock(t) }

// Duration is a notice such as "24 timmar" or "90 minuter".
func (l Lang) Duration(d time.Duration) string {
	switch {
	case d == time.Hour:
		return l.T("dur.hour")
	case d%time.Hour == 0:
		return l.T("dur.hours", int(d/time.Hour))
	}
	return l.T("dur.minutes", int(d/time.Minute))
}
