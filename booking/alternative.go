package booking

import (
	"cmp"
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
	db := s.store.Read(ctx)
	ids, err := s.candidates(db, b.Language, b.Area)
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
// in the past. Days are searched outwards from b's day, and the search stops as
// soon as no farther day can hold a nearer slot.
func (s *Service) nearestSlots(db *gorm.DB, b *Booking, n int) ([]Alternative, error) {
	if n <= 0 {
		return nil, nil
	}
	loc := s.cfg.Location
	day := startOfDay(b.Start, loc)
	scheds, err := s.loadSchedules(db, []int64{b.SupervisorID}, day.AddDate(0, 0, -alternativeDays), day.AddDate(0, 0, alternativeDays), b.ID)
	if err != nil {
		return nil, err
	}
	sc := scheds[b.SupervisorID]
	dist := func(a Alternative) time.Duration { return a.Start.Sub(b.Start).Abs() }
	var found []Alternative
	for k := 0; k <= alternativeDays; k++ {
		found = append(found, s.freeSlotsOn(day.AddDate(0, 0, k), b, sc)...)
		if k > 0 {
			found = append(found, s.freeSlotsOn(day.AddDate(0, 0, -k), b, sc)...)
		}
		slices.SortStableFunc(found, func(x, y Alternative) int {
			if c := cmp.Compare(dist(x), dist(y)); c != 0 {
				return c
			}
			return x.Start.Compare(y.Start)
		})
		// Any slot on a day farther than k is at least k days less an hour (DST) away.
		if len(found) >= n && dist(found[n-1]) <= time.Duration(k)*24*time.Hour-time.Hour {
			break
		}
	}
	return found[:min(n, len(found))], nil
}

// freeSlotsOn lists the free slots of b's length and supervisor on one local day.
func (s *Service) freeSlotsOn(d time.Time, b *Booking, sc *Schedule) []Alternative {
	loc := s.cfg.Location
	next := nextDay(d)
	daySc := &Schedule{Windows: sc.Windows}
	for _, x := range sc.Bookings {
		if x.Start.Before(next) && x.End.After(d) {
			daySc.Bookings = append(daySc.Bookings, x)
		}
	}
	for _, a := range sc.Absences {
		if a.Start.Before(next) && a.End.After(d) {
			daySc.Absences = append(daySc.Absences, a)
		}
	}
	length := b.End.Sub(b.Start)
	now := s.now()
	r := s.rules()
	y, m, dd := d.Date()
	var out []Alternative
	for _, w := range sc.Windows {
		if w.Weekday != ISOWeekday(d) {
			continue
		}
		for min := w.Start; min+int(length/time.Minute) <= w.End; min += int(alternativeStep / time.Minute) {
			start := time.Date(y, m, dd, 0, min, 0, 0, loc).UTC()
			c := slot{Start: start, End: start.Add(length), WorkplaceID: b.WorkplaceID, Mode: b.Mode}
			if start.Equal(b.Start) || start.Before(now) || !s.endsSameDay(c.Start, c.End) {
				continue
			}
			if len(r.check(c, daySc, true, nil)) == 0 {
				out = append(out, Alternative{SupervisorID: b.SupervisorID, Start: c.Start, End: c.End})
			}
		}
	}
	return out
}
