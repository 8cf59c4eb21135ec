package calendar

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// Recurrence rules of imported calendars, expanded with a bound on the work.
//
// rrule-go counts nothing while it searches: a rule that can never match
// (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) makes one call of its iterator walk day
// by day to the year 9999, where it stops, and a rule that started in 1900
// walks from 1900 on. So a rule is given to rrule-go only after two moves that
// keep its occurrences in the window the same:
//
//   - A rule without COUNT starts again a whole number of its periods (years,
//     months, weeks, days; INTERVAL of them) before the window, with the
//     values rrule-go would take from DTSTART written out, so its search
//     begins near the window instead of at DTSTART.
//   - The rule is expanded in floating wall-clock time moved forward by T
//     years, where the calendar of the years around the window and of the
//     years T later is the same (leap years and the weekday of 1 January), and
//     T is as large as keeps the window before 9999. rrule-go's own end at the
//     year 9999 is then at most a few decades after the window.
//
// What rrule-go may still walk is then known before it starts: the days from
// the moved start to the end of 9999, divided by INTERVAL, each weighed by the
// BY values rrule-go checks on it, and the times of day it builds. That work,
// and every occurrence rrule-go returns, is counted against a budget per file;
// a file whose rules would take more is refused as too complex. Sub-daily rules
// are refused: an absence repeats at most daily, and rrule-go's HOURLY search
// can loop for ever on a BYHOUR that its INTERVAL never reaches.

// Bounds of one import's work on recurrence rules.
const (
	// maxRecurringEvents is the most recurring events one file may hold.
	maxRecurringEvents = 1000
	// maxRuleDays is the most days one rule may make rrule-go walk.
	maxRuleDays = 1_000_000
	// importSearchCost is the most work all the rules of one file may make
	// rrule-go do together, in units of about 4 ns (checking one BY value on
	// one day): about 2 seconds of one CPU.
	importSearchCost = 500_000_000
	// What rrule-go's work costs in those units, as measured: a step of a
	// daily rule (the overhead of one period of one day), of a weekly one
	// per day, of a monthly or yearly one per day; building one time of day;
	// returning one occurrence and placing it in its zone.
	dailyStepCost, weeklyDayCost, longerDayCost = 14, 4, 2
	timeOfDayCost, occurrenceCost               = 10, 40
)

// errTooComplex: the file's rules would take more work than an import may.
var errTooComplex = errors.New("too complex")

func tooComplex(format string, args ...any) error {
	return invalidICS("the calendar is too complex to import: "+format, args...)
}

// ruleBudget is what is left of one import's work on recurrence rules.
type ruleBudget struct{ units int64 }

// ruleStarts returns the starts of the occurrences of the RRULE value rule,
// whose DTSTART is start (in its zone), that lie at or after keepFrom and
// before to, in order. Each start is an instant in start's zone; a wall time in
// the hour that repeats in autumn is its first occurrence (RFC 5545 §3.3.10).
// The caller passes in keepFrom early enough for an occurrence that began before
// its window and still goes on.
func ruleStarts(ctx context.Context, rule string, start, keepFrom, to time.Time, budget *ruleBudget) (out []time.Time, err error) {
	// rrule-go indexes out of its arrays on some rules that pass its checks
	// (BYDAY=-53MO with BYMONTH in a yearly rule): such a rule is just invalid.
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("the rule cannot be expanded: %v", v)
		}
	}()
	loc := start.Location()
	opt, err := rrule.StrToROptionInLocation(rule, loc)
	if err != nil {
		return nil, err
	}
	if opt.Freq > rrule.DAILY {
		return nil, errors.New("an absence repeats at most daily (FREQ=HOURLY, MINUTELY and SECONDLY are not supported)")
	}
	if len(opt.Byeaster) > 0 {
		return nil, errors.New("BYEASTER is not part of iCalendar")
	}
	interval := max(opt.Interval, 1)
	first := floating(start)
	explicitDefaults(opt, first)
	perDay := compactLists(opt)
	from := first
	if opt.Count == 0 {
		from = restartBefore(opt.Freq, interval, opt.Wkst.Day(), first, floating(keepFrom))
	}
	end := floating(to)
	shift := calendarShift(from.Year()-1, end.Year()+1)
	opt.Dtstart = addYears(from, shift)
	if !opt.Until.IsZero() {
		opt.Until = addYears(floating(opt.Until.In(loc)), shift)
	}
	// Days, from Unix seconds: a time.Duration ends at 292 years.
	days := (time.Date(rrule.MAXYEAR+1, 1, 1, 0, 0, 0, 0, time.UTC).Unix() - opt.Dtstart.Unix()) / 86400 / int64(interval)
	step := map[rrule.Frequency]int64{rrule.DAILY: dailyStepCost, rrule.WEEKLY: weeklyDayCost}[opt.Freq]
	if step == 0 {
		step = longerDayCost
	}
	// rrule-go also builds, once, every time of day the rule names (up to
	// 24 × 60 × 60 of them).
	walk := days*(step+perDay) + timeOfDayCost*int64(len(opt.Byhour)*len(opt.Byminute)*len(opt.Bysecond))
	if days > maxRuleDays || walk > budget.units {
		return nil, errTooComplex
	}
	budget.units -= walk
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, err
	}
	next := r.Iterator()
	keep := floating(keepFrom)
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t, ok := next()
		if !ok {
			break
		}
		if budget.units -= occurrenceCost; budget.units < 0 {
			return nil, errTooComplex
		}
		wall := addYears(t, -shift)
		if !wall.Before(end) {
			break
		}
		if n > 100000 {
			return nil, errors.New("it repeats too often")
		}
		if wall.Before(keep) {
			continue
		}
		out = append(out, localTime(wall, loc))
		if len(out) > maxImportOccurrences {
			return nil, fmt.Errorf("it repeats more than %d times in %d months", maxImportOccurrences, ImportHorizon)
		}
	}
	return out, nil
}

// compactLists sorts the rule's BY lists and drops repeated values, and
// returns what rrule-go's search costs per day walked besides its steps: it
// scans each list for every day it looks at, and each BYSETPOS for every day
// of every period.
func compactLists(opt *rrule.ROption) int64 {
	lists := []*[]int{&opt.Bysetpos, &opt.Bymonth, &opt.Bymonthday, &opt.Byyearday, &opt.Byweekno,
		&opt.Byhour, &opt.Byminute, &opt.Bysecond}
	for _, l := range lists {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	slices.SortFunc(opt.Byweekday, func(a, b rrule.Weekday) int {
		return cmp.Or(cmp.Compare(a.Day(), b.Day()), cmp.Compare(a.N(), b.N()))
	})
	opt.Byweekday = slices.Compact(opt.Byweekday)
	return int64(len(opt.Bysetpos) + len(opt.Bymonth) + len(opt.Bymonthday) + len(opt.Byyearday) +
		len(opt.Byweekno) + len(opt.Byweekday))
}

// floating is t's wall clock in its own zone, as a time in UTC: the frame the
// rule is expanded in, free of DST, as rrule-go builds each occurrence from
// wall-clock fields anyway.
func floating(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// localTime is the instant of a floating wall time in loc; in the repeated
// autumn hour, its first occurrence.
func localTime(wall time.Time, loc *time.Location) time.Time {
	return firstOccurrence(time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc))
}

func addYears(t time.Time, years int) time.Time {
	if years == 0 {
		return t
	}
	return time.Date(t.Year()+years, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, t.Location())
}

// explicitDefaults writes out what rrule-go would otherwise take from DTSTART
// (the month, day or weekday of a rule that names none, and the time of day),
// so that the rule may start elsewhere and still mean the same.
func explicitDefaults(opt *rrule.ROption, first time.Time) {
	if len(opt.Byweekno) == 0 && len(opt.Byyearday) == 0 && len(opt.Bymonthday) == 0 && len(opt.Byweekday) == 0 {
		switch opt.Freq {
		case rrule.YEARLY:
			if len(opt.Bymonth) == 0 {
				opt.Bymonth = []int{int(first.Month())}
			}
			opt.Bymonthday = []int{first.Day()}
		case rrule.MONTHLY:
			opt.Bymonthday = []int{first.Day()}
		case rrule.WEEKLY:
			opt.Byweekday = []rrule.Weekday{ruleWeekdays[(int(first.Weekday())+6)%7]}
		}
	}
	if len(opt.Byhour) == 0 {
		opt.Byhour = []int{first.Hour()}
	}
	if len(opt.Byminute) == 0 {
		opt.Byminute = []int{first.Minute()}
	}
	if len(opt.Bysecond) == 0 {
		opt.Bysecond = []int{first.Second()}
	}
}

var ruleWeekdays = [...]rrule.Weekday{rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU}

// restartBefore returns the start of the latest period of the rule (a whole
// number of INTERVALs of periods after first's) that begins before keep, or
// first itself when there is none after first's own. rrule-go's periods are
// years, months, weeks beginning on WKST, and days.
func restartBefore(freq rrule.Frequency, interval, wkst int, first, keep time.Time) time.Time {
	keep = keep.AddDate(0, 0, -1)
	if !keep.After(first) {
		return first
	}
	var n int
	var at func(k int) time.Time
	switch freq {
	case rrule.YEARLY:
		n = keep.Year() - first.Year()
		at = func(k int) time.Time { return time.Date(first.Year()+k, 1, 1, 0, 0, 0, 0, time.UTC) }
	case rrule.MONTHLY:
		n = (keep.Year()-first.Year())*12 + int(keep.Month()) - int(first.Month())
		at = func(k int) time.Time {
			return time.Date(first.Year(), first.Month()+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
		}
	case rrule.WEEKLY:
		back := ((int(first.Weekday())+6)%7 - wkst + 7) % 7
		week := time.Date(first.Year(), first.Month(), first.Day()-back, 0, 0, 0, 0, time.UTC)
		n = int(keep.Sub(week).Hours()) / (24 * 7)
		at = func(k int) time.Time { return week.AddDate(0, 0, 7*k) }
	default:
		day := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, time.UTC)
		n = int(keep.Sub(day).Hours()) / 24
		at = func(k int) time.Time { return day.AddDate(0, 0, k) }
	}
	k := n / interval * interval
	if k <= 0 {
		return first
	}
	return at(k)
}

// calendarShift returns the largest number of years T that keeps the years
// from..to + T within rrule-go's range (up to 9999) and maps each of them to a
// year with the same calendar: leap or not, and 1 January on the same weekday.
// Within one run of years where every fourth is a leap year, such a T lies
// within a few decades of the largest; 400 years always repeat the calendar.
func calendarShift(from, to int) int {
	top := rrule.MAXYEAR - to
	if top <= 0 || from < 1 {
		return 0
	}
	if to-from <= 200 {
		for t := top; t > top-400 && t > 0; t-- {
			if sameCalendars(from, to, t) {
				return t
			}
		}
	}
	return top / 400 * 400
}

func sameCalendars(from, to, shift int) bool {
	for y := from; y <= to; y++ {
		if isLeap(y) != isLeap(y+shift) ||
			time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Weekday() != time.Date(y+shift, 1, 1, 0, 0, 0, 0, time.UTC).Weekday() {
			return false
		}
	}
	return true
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
