package booking

import (
	"slices"
	"time"

	"github.com/sprakpool/sprakpool/booking/vocab"
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
	// Occurrence is the local date (YYYY-MM-DD) of the series occurrence that breaks the rule.
	Occurrence string

	workplaceID  int64
	supervisorID int64
}

// slot is a proposed time for one supervisor.
type slot struct {
	Start, End  time.Time
	WorkplaceID int64
	Mode        string
}

// Schedule is what the rules read of one supervisor around a time: the weekly
// windows, absences and other confirmed bookings (never the one being changed).
// It is exported for the search for free times (booking/search), which reads
// the schedules of a range once and narrows them day by day.
type Schedule struct {
	Windows  []Window
	Absences []Absence
	Bookings []Busy
}

// Busy is a confirmed booking as the rules read it: which, whose, where, how
// and when. A search for free times holds thousands of them, so it is kept to
// these fields (88 bytes, not a whole Booking's 312): less to allocate and
// collect, which was the searches' slow tail (issue 14).
type Busy struct {
	ID, SupervisorID, WorkplaceID int64
	Mode                          string
	Start, End                    time.Time
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
func (r ruleSet) check(c slot, sc *Schedule, travel bool, skip []string) []Violation {
	return r.checkAt(r.at(c), sc, travel, skip, false)
}

// broken is what checkAt returns in quick mode when a rule is broken.
var broken = []Violation{{Rule: "broken"}}

// Rules are the booking rules of the pool (its zone, travel buffer and daily
// limit) for a package that checks many times against many schedules: the
// search for free times. They are the very functions a booking is checked with.
type Rules struct{ set ruleSet }

// Rules returns the pool's booking rules.
func (s *Service) Rules() Rules { return Rules{s.rules()} }

// Proposal is a proposed session read in the pool's zone (its local day,
// weekday and wall-clock minutes), once for all the schedules it is checked
// against.
type Proposal struct{ at localSlot }

// At reads a proposed session from start to end at the workplace (0: none
// given) in the mode.
func (r Rules) At(start, end time.Time, workplaceID int64, mode string) Proposal {
	return Proposal{r.set.at(slot{Start: start, End: end, WorkplaceID: workplaceID, Mode: mode})}
}

// Fits reports whether the proposal breaks no rule for a supervisor with the
// schedule; travel says whether the travel buffer applies (a workplace is
// known). It stops at the first broken rule and builds no details: a search
// for free times asks it for every quarter hour of every candidate. The
// weekly window is tried first: most starts fail it.
func (r Rules) Fits(p *Proposal, sc *Schedule, travel bool) bool {
	return p.at.insideWindow(sc.Windows) && len(r.set.checkAt(p.at, sc, travel, nil, true)) == 0
}

// localSlot is a slot with what the rules read of it in the pool's zone: its
// local day (as the instants of its midnights), wall-clock minutes and weekday.
// It is computed once per slot, so that a search checking one start for many
// supervisors converts the time once, not once per supervisor and booking.
type localSlot struct {
	slot
	dayStart, dayEnd time.Time // the local day's midnight and the next one
	closed           *vocab.ClosedDay
	weekday          int
	startMin, endMin int // wall-clock minutes; endMin 1440 when it ends at midnight
}

func (r ruleSet) at(c slot) localSlot {
	ls, le := c.Start.In(r.loc), c.End.In(r.loc)
	day := startOfDay(ls, r.loc)
	next := nextDay(day)
	a := localSlot{slot: c, dayStart: day, dayEnd: next, weekday: ISOWeekday(ls),
		startMin: wallMinutes(ls), endMin: wallMinutes(le)}
	if !le.Before(next) {
		a.endMin = 1440 // ends at midnight
	}
	if cd, ok := vocab.ClosedDayOn(ls); ok {
		a.closed = &cd
	}
	return a
}

// onDay reports whether t is an instant of the slot's local day.
func (a *localSlot) onDay(t time.Time) bool { return !t.Before(a.dayStart) && t.Before(a.dayEnd) }

// checkAt is check for a slot already read in the pool's zone. quick stops at
// the first broken rule and returns broken instead of the details.
func (r ruleSet) checkAt(a localSlot, sc *Schedule, travel bool, skip []string, quick bool) []Violation {
	c := a.slot
	if a.closed != nil && !slices.Contains(skip, RuleClosedDay) {
		return []Violation{{Rule: RuleClosedDay, Date: a.closed.Date}}
	}
	var out []Violation
	for _, b := range sc.Bookings {
		if b.Start.Before(c.End) && b.End.After(c.Start) {
			if quick {
				return broken
			}
			start, end := b.Start, b.End
			out = append(out, Violation{Rule: RuleOverlap, BookingID: b.ID, Start: &start, End: &end,
				workplaceID: b.WorkplaceID, supervisorID: b.SupervisorID})
		}
	}
	if !slices.Contains(skip, RuleOutsideAvailability) && !a.insideWindow(sc.Windows) {
		if quick {
			return broken
		}
		out = append(out, Violation{Rule: RuleOutsideAvailability})
	}
	if !slices.Contains(skip, RuleAbsence) {
		for _, ab := range sc.Absences {
			if ab.Start.Before(c.End) && ab.End.After(c.Start) {
				if quick {
					return broken
				}
				out = append(out, Violation{Rule: RuleAbsence, AbsenceID: ab.ID})
			}
		}
	}
	if travel && c.Mode == "on_site" && !slices.Contains(skip, RuleTravelBuffer) {
		for _, b := range sc.Bookings {
			if b.Mode != "on_site" || b.WorkplaceID == c.WorkplaceID || !a.onDay(b.Start) {
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
				if quick {
					return broken
				}
				out = append(out, Violation{Rule: RuleTravelBuffer, BookingID: b.ID,
					workplaceID: b.WorkplaceID, supervisorID: b.SupervisorID})
			}
		}
	}
	if !slices.Contains(skip, RuleDailyLimit) {
		total := c.End.Sub(c.Start)
		for _, b := range sc.Bookings {
			if a.onDay(b.Start) {
				total += b.End.Sub(b.Start)
			}
		}
		if total > r.dailyLimit {
			if quick {
				return broken
			}
			out = append(out, Violation{Rule: RuleDailyLimit, Minutes: int(total / time.Minute)})
		}
	}
	return out
}

// insideWindow reports whether the slot lies inside one weekly window of its
// weekday. Wall-clock minutes are compared, so DST days need no special case.
func (a *localSlot) insideWindow(ws []Window) bool {
	for _, w := range ws {
		if w.Weekday == a.weekday && w.Start <= a.startMin && a.endMin <= w.End {
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

// WeekMinutes are the minutes of the bookings in sc that start within the week
// (weekStart to weekEnd): the load by which free supervisors are ordered.
func (sc *Schedule) WeekMinutes(weekStart, weekEnd time.Time) int {
	total := 0
	for _, b := range sc.Bookings {
		if !b.Start.Before(weekStart) && b.Start.Before(weekEnd) {
			total += int(b.End.Sub(b.Start) / time.Minute)
		}
	}
	return total
}
