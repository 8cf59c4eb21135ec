package booking

import (
	"strings"
	"time"
)

// MaxRangeDays is the most days a date range (a list's, a report's) covers,
// counting both ends.
const MaxRangeDays = 400

// The instants a time may name. Outside them the pool's zone has offsets of
// odd seconds (before 1900) or the local year has five digits (the last day of
// 9999), which RFC 3339 cannot write back and the store cannot order as text.
var (
	minTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC)
)

// parseTime reads an RFC 3339 time that carries an offset; a time with no offset
// is refused, since it would be ambiguous.
func ParseTime(p *Problems, field, v string) time.Time {
	if v == "" {
		p.Add(field, "required", "is required")
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if len(v) >= 19 && !strings.ContainsAny(v[10:], "Zz+-") {
			p.Add(field, "offset", "has no offset; write it as 2026-03-30T09:00:00+02:00")
		} else {
			p.Add(field, "time", "must be an RFC 3339 time such as 2026-03-30T09:00:00+02:00")
		}
		return time.Time{}
	}
	if t.Before(minTime) || !t.Before(maxTime) {
		p.Add(field, "year", "must lie between the years 1900 and 9999")
		return time.Time{}
	}
	return t
}

// ParseDate reads a YYYY-MM-DD date as local midnight in loc, adding a problem
// for field when it is missing or not a date: every date a caller types is read
// here, so the messages are the same everywhere.
func ParseDate(p *Problems, field, v string, loc *time.Location) time.Time {
	if v == "" {
		p.Add(field, "required", "is required (YYYY-MM-DD)")
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		p.Add(field, "date", "must be a date such as 2026-03-30")
		return time.Time{}
	}
	return d
}

// ParseRange reads the dates from..to, both included, as the instants from
// local midnight of from to local midnight after to, in the pool's zone. Lists
// and reports take their ranges through it, so they share one limit.
func (s *Service) ParseRange(from, to string) (time.Time, time.Time, error) {
	var p Problems
	start := ParseDate(&p, "from", from, s.cfg.Location)
	last := ParseDate(&p, "to", to, s.cfg.Location)
	if len(p) == 0 {
		switch {
		case last.Before(start):
			p.Add("to", "to_before_from", "must not be before from")
		case !last.Before(start.AddDate(0, 0, MaxRangeDays)):
			// Counted in dates, both ends included: from+399 days is the last
			// allowed to (hours would be off by one across a clock change).
			p.Add("to", "range_too_long", "the range may cover at most %d days, both ends included", MaxRangeDays)
		}
	}
	if err := p.Err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return start, nextDay(last), nil
}

// startOfDay returns local midnight of t's local date.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// nextDay returns local midnight of the day after the local midnight day; DST-safe.
func nextDay(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, day.Location())
}

// startOfWeek returns local midnight of the Monday of t's ISO week.
func startOfWeek(t time.Time, loc *time.Location) time.Time {
	day := startOfDay(t, loc)
	y, m, d := day.Date()
	return time.Date(y, m, d-(ISOWeekday(day)-1), 0, 0, 0, 0, loc)
}

// wallMinutes returns the local wall-clock minutes after midnight of t.
func wallMinutes(t time.Time) int { return t.Hour()*60 + t.Minute() }

// InRepeatedHour reports whether t's wall clock in loc names two instants: it
// falls in the hour that repeats when summer time ends (02:00–03:00 on the last
// Sunday of October in Stockholm), either time round. Such a time has no
// unambiguous local form; calendars write it in UTC and mail names its zone.
func InRepeatedHour(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	if !start.IsZero() {
		if _, prev := start.Add(-time.Second).Zone(); prev > off && t.Sub(start) < time.Duration(prev-off)*time.Second {
			return true // the second time round
		}
	}
	if !end.IsZero() {
		if _, next := end.Zone(); off > next && end.Sub(t) <= time.Duration(off-next)*time.Second {
			return true // the first time round
		}
	}
	return false
}
