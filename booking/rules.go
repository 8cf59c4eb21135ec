package booking

import (
	"slices"
	"time"
)

// Violation is one broken booking rule, as reported in a conflict.
type Violation struct {
	Rule string
	// BookingID names the booking it collides with; 0 when the caller may not see it.
	BookingID int64
	// Start and End of the colliding booking (overlap only).
	Start, End *time.Time
	AbsenceID  int64
	Date       string // the closed day, YYYY-MM-DD
	Minutes    int    // the day's booked minutes with the new booking (daily_limit)

	workplaceID  int64
	supervisorID int64
}

// slot is a proposed time for one supervisor.
type slot struct {
	Start, End  time.Time
	WorkplaceID int64
	Mode        string
}

// schedule is what the rules need to know of one supervisor around a slot: the
// weekly windows, absences and other confirmed bookings (never the one being changed).
type schedule struct {
	windows  []Window
	absences []Absence
	bookings []Booking
}

// ruleSet evaluates the contract's booking rules in the pool's zone.
type ruleSet struct {
	loc          *time.Location
	travelBuffer time.Duration
	dailyLimit   time.Duration
}

func (s *Service) rules() ruleSet {
	return ruleSet{loc: s.cfg.Location, travelBuffer: s.cfg.TravelBuffer, dailyLimit: s.cfg.DailyLimit}
}

// check returns every rule the slot breaks, in the contract's order. travel says
// whether the travel buffer applies (the workplace is known); skip lists the rules
// an admin overrides. A closed day is reported alone.
func (r ruleSet) check(c slot, sc *schedule, travel bool, skip []string) []Violation {
	ls, le := c.Start.In(r.loc), c.End.In(r.loc)
	day := startOfDay(ls, r.loc)
	if !slices.Contains(skip, RuleClosedDay) {
		if cd, ok := ClosedDayOn(ls); ok {
			return []Violation{{Rule: RuleClosedDay, Date: cd.Date}}
		}
	}
	var out []Violation
	for _, b := range sc.bookings {
		if b.Start.Before(c.End) && b.End.After(c.Start) {
			start, end := b.Start, b.End
			out = append(out, Violation{Rule: RuleOverlap, BookingID: b.ID, Start: &start, End: &end,
				workplaceID: b.WorkplaceID, supervisorID: b.SupervisorID})
		}
	}
	if !slices.Contains(skip, RuleOutsideAvailability) && !r.insideWindow(ls, le, sc.windows) {
		out = append(out, Violation{Rule: RuleOutsideAvailability})
	}
	if !slices.Contains(skip, RuleAbsence) {
		for _, a := range sc.absences {
			if a.Start.Before(c.End) && a.End.After(c.Start) {
				out = append(out, Violation{Rule: RuleAbsence, AbsenceID: a.ID})
			}
		}
	}
	if travel && c.Mode == "on_site" && !slices.Contains(skip, RuleTravelBuffer) {
		for _, b := range sc.bookings {
			if b.Mode != "on_site" || b.WorkplaceID == c.WorkplaceID || !sameDay(b.Start, day, r.loc) {
				continue
			}
			var gap time.Duration
			switch {
			case !b.End.After(c.Start):
				gap = c.Start.Sub(b.End)
			case !c.End.After(b.Start):
				gap = b.Start.Sub(c.End)
			default:
				continue // an overlap, reported as such
			}
			if gap < r.travelBuffer {
				out = append(out, Violation{Rule: RuleTravelBuffer, BookingID: b.ID,
					workplaceID: b.WorkplaceID, supervisorID: b.SupervisorID})
			}
		}
	}
	if !slices.Contains(skip, RuleDailyLimit) {
		total := c.End.Sub(c.Start)
		for _, b := range sc.bookings {
			if sameDay(b.Start, day, r.loc) {
				total += b.End.Sub(b.Start)
			}
		}
		if total > r.dailyLimit {
			out = append(out, Violation{Rule: RuleDailyLimit, Minutes: int(total / time.Minute)})
		}
	}
	return out
}

// insideWindow reports whether local start..end lies inside one weekly window of
// that weekday. Wall-clock minutes are compared, so DST days need no special case.
func (r ruleSet) insideWindow(ls, le time.Time, ws []Window) bool {
	startMin, endMin := wallMinutes(ls), wallMinutes(le)
	if !sameDay(le, startOfDay(ls, r.loc), r.loc) {
		endMin = 1440 // ends at midnight
	}
	wd := ISOWeekday(ls)
	for _, w := range ws {
		if w.Weekday == wd && w.Start <= startMin && endMin <= w.End {
			return true
		}
	}
	return false
}

func sameDay(t, day time.Time, loc *time.Location) bool {
	y1, m1, d1 := t.In(loc).Date()
	y2, m2, d2 := day.Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

// weekMinutes are the minutes of the bookings in sc that start within the week.
func (r ruleSet) weekMinutes(sc *schedule, weekStart, weekEnd time.Time) int {
	total := 0
	for _, b := range sc.bookings {
		if !b.Start.Before(weekStart) && b.Start.Before(weekEnd) {
			total += int(b.End.Sub(b.Start) / time.Minute)
		}
	}
	return total
}
