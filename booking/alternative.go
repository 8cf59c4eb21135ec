package booking

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// maxAlternatives is how many proposals a conflict offers at most.
const maxAlternatives = 5

// alternativeDays is how far from the requested day the same supervisor's free slots are sought.
const alternativeDays = 14

// alternativeStep is the grid on which other slots are proposed.
const alternativeStep = 15 * time.Minute

// conflict builds the 409 for b: the violations the caller may see, and up to five
// alternatives: first other supervisors free at the same time who speak the
// language, then the same supervisor's nearest free slots of the same length.
func (s *Service) conflict(ctx context.Context, actor *User, b *Booking, supervisorGiven bool, vs []Violation) error {
	for i := range vs {
		if vs[i].BookingID != 0 && !canSee(actor, &Booking{WorkplaceID: vs[i].workplaceID, SupervisorID: vs[i].supervisorID}) {
			vs[i].BookingID = 0
		}
	}
	alts, err := s.alternatives(ctx, b, supervisorGiven)
	if err != nil {
		return err
	}
	msg := "the booking breaks the pool's rules"
	if len(vs) > 0 {
		msg = ruleMessages[vs[0].Rule]
	}
	return &Error{Code: CodeConflict, Message: msg, Details: vs, Alternatives: alts}
}

var ruleMessages = map[string]string{
	RuleOverlap:             "the supervisor is already booked at that time",
	RuleOutsideAvailability: "the time lies outside the supervisor's availability",
	RuleAbsence:             "the supervisor is absent at that time",
	RuleClosedDay:           "the pool is closed that day",
	RuleTravelBuffer:        "the supervisor needs more time to travel between workplaces",
	RuleDailyLimit:          "the supervisor would be booked for more than the daily limit",
	RuleNoFreeSupervisor:    "no supervisor who speaks the language is free at that time",
}

func (s *Service) alternatives(ctx context.Context, b *Booking, supervisorGiven bool) ([]Alternative, error) {
	db := s.store.read(ctx)
	ids, err := candidates(db, b.Language, b.Area)
	if err != nil {
		return nil, err
	}
	others := slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return supervisorGiven && id == b.SupervisorID })
	free, err := s.freeSupervisors(db, others, b.slot(), true, nil, b.ID)
	if err != nil {
		return nil, fmt.Errorf("alternatives: %w", err)
	}
	out := []Alternative{}
	for _, f := range free {
		if len(out) == maxAlternatives {
			return out, nil
		}
		out = append(out, Alternative{SupervisorID: f.id, Start: b.Start, End: b.End})
	}
	if !supervisorGiven {
		return out, nil
	}
	slots, err := s.nearestSlots(db, b, maxAlternatives-len(out))
	if err != nil {
		return nil, fmt.Errorf("alternatives: %w", err)
	}
	return append(out, slots...), nil
}

// nearestSlots finds the supervisor's free slots of b's length within 14 days of
// b, on a quarter-hour grid inside the weekly windows, nearest to b first, none
// in the past.
func (s *Service) nearestSlots(db *gorm.DB, b *Booking, n int) ([]Alternative, error) {
	if n <= 0 {
		return nil, nil
	}
	loc := s.cfg.Location
	day := startOfDay(b.Start, loc)
	first, last := day.AddDate(0, 0, -alternativeDays), day.AddDate(0, 0, alternativeDays)
	scheds, err := s.loadSchedules(db, []int64{b.SupervisorID}, first, last, b.ID)
	if err != nil {
		return nil, err
	}
	sc := scheds[b.SupervisorID]
	length := b.End.Sub(b.Start)
	now := s.now()
	r := s.rules()
	var found []Alternative
	for d := first; !d.After(last); d = nextDay(d) {
		y, m, dd := d.Date()
		for _, w := range sc.windows {
			if w.Weekday != ISOWeekday(d) {
				continue
			}
			for min := w.Start; min+int(length/time.Minute) <= w.End; min += int(alternativeStep / time.Minute) {
				start := time.Date(y, m, dd, 0, min, 0, 0, loc).UTC()
				c := slot{Start: start, End: start.Add(length), WorkplaceID: b.WorkplaceID, Mode: b.Mode}
				if start.Equal(b.Start) || start.Before(now) || !s.endsSameDay(c.Start, c.End) {
					continue
				}
				if len(r.check(c, sc, true, nil)) == 0 {
					found = append(found, Alternative{SupervisorID: b.SupervisorID, Start: c.Start, End: c.End})
				}
			}
		}
	}
	dist := func(a Alternative) time.Duration { return (a.Start.Sub(b.Start)).Abs() }
	slices.SortStableFunc(found, func(x, y Alternative) int {
		if c := dist(x) - dist(y); c != 0 {
			if c < 0 {
				return -1
			}
			return 1
		}
		return x.Start.Compare(y.Start)
	})
	return found[:min(n, len(found))], nil
}
