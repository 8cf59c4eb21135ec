package search

import (
	"context"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Why no free time fits a search, so that the page can say it in plain words
// and not send a manager to try other times when no time would ever do.
const (
	// NoSlotNoSupervisor: no active supervisor speaks the language.
	NoSlotNoSupervisor = "no_supervisor"
	// NoSlotNoSupervisorInArea: some speak it, but none in the area.
	NoSlotNoSupervisorInArea = "no_supervisor_in_area"
	// NoSlotPast: every start of the range has passed.
	NoSlotPast = "past"
	// NoSlotTooLong: the session is longer than the daily limit or than every
	// weekly window of the supervisors who could take it.
	NoSlotTooLong = "too_long"
	// NoSlotClosedDay: the days left are closed days (and weekends).
	NoSlotClosedDay = "closed_day"
	// NoSlotWeekend: the days left are weekends no supervisor works on.
	NoSlotWeekend = "weekend"
	// NoSlotNoAvailability: none of the supervisors works on the days left.
	NoSlotNoAvailability = "no_availability"
	// NoSlotBusy: they work then, but every one is booked, absent or would break
	// another rule.
	NoSlotBusy = "busy"
)

// MaxNextSlots and NextSlotDays bound the "next free times" offered when
// nothing fits: at most five, within 60 days after the range.
const (
	MaxNextSlots = 5
	NextSlotDays = 60
)

// NoSlots says why a search found no free time, and what comes next.
type NoSlots struct {
	// Reason is one of the NoSlot… constants; empty when the search has slots.
	Reason string
	// ClosedDays are the closed days among the range's days that have not passed.
	ClosedDays []vocab.ClosedDay
	// Next are the first free times after the range (from today when the range
	// has passed), within 60 days: the earliest start of each of up to five days,
	// so that the choice is between days, not between quarter hours of one
	// morning. Empty when no time could ever fit (no supervisor, too long).
	Next []Slot
}

// NoSlotReason explains an empty search for free times: the role and the query
// are checked as Slots checks them. It searches the range again, so the page
// calls it only when Slots found nothing.
func (s *Service) NoSlotReason(ctx context.Context, actor *booking.User, q SlotQuery) (*NoSlots, error) {
	ctx = slotContext(ctx)
	plan, err := s.planSlots(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	out := &NoSlots{Next: []Slot{}}
	if len(plan.ids) == 0 {
		out.Reason = NoSlotNoSupervisor
		if plan.area != "" {
			if speakers, err := s.svc.Candidates(ctx, plan.language, ""); err != nil {
				return nil, err
			} else if len(speakers) > 0 {
				out.Reason = NoSlotNoSupervisorInArea
			}
		}
		return out, nil
	}
	found, err := s.freeSlots(ctx, plan, plan.from, plan.to, func(got []Slot) bool { return len(got) == 0 })
	if err != nil {
		return nil, err
	}
	if len(found) > 0 {
		return out, nil
	}
	scheds, err := s.svc.Schedules(ctx, plan.ids, plan.from, plan.from) // the windows only matter here
	if err != nil {
		return nil, err
	}
	var windows [8]bool // weekdays on which some candidate works
	longest := 0
	for _, sc := range scheds {
		for _, w := range sc.Windows {
			windows[w.Weekday] = true
			longest = max(longest, w.End-w.Start)
		}
	}
	if plan.length > s.svc.Config().DailyLimit || int(plan.length/time.Minute) > longest {
		out.Reason = NoSlotTooLong
		return out, nil
	}
	out.Reason = s.emptyRangeReason(plan, windows, &out.ClosedDays)
	next, err := s.nextSlots(ctx, plan)
	if err != nil {
		return nil, err
	}
	out.Next = next
	return out, nil
}

// emptyRangeReason tells past, closed days, weekends, days nobody works and busy
// apart for a range without a free time; windows says on which weekdays some
// candidate works. It lists the range's closed days in closed.
func (s *Service) emptyRangeReason(plan *slotPlan, windows [8]bool, closed *[]vocab.ClosedDay) string {
	now := s.svc.Clock()
	live, closedWeekday, weekend, noWork := 0, false, false, false
	for d := plan.from; d.Before(plan.to); d = nextDay(d) {
		if nextDay(d).Add(-plan.length).Before(now) {
			continue // no start of this day is still to come
		}
		live++
		wd := booking.ISOWeekday(d)
		if cd, ok := vocab.ClosedDayOn(d); ok {
			*closed = append(*closed, cd)
			closedWeekday = closedWeekday || wd <= 5
			continue
		}
		switch {
		case windows[wd]:
			return NoSlotBusy // a day someone works: they are all taken
		case wd >= 6:
			weekend = true
		default:
			noWork = true
		}
	}
	switch {
	case live == 0:
		return NoSlotPast
	case noWork:
		return NoSlotNoAvailability
	case closedWeekday || !weekend:
		return NoSlotClosedDay
	default:
		return NoSlotWeekend
	}
}

// nextSlots finds the earliest free start of each of up to five days after the
// plan's range (from today if it has passed), within NextSlotDays. It searches
// two weeks at a time and stops as soon as it has five.
func (s *Service) nextSlots(ctx context.Context, plan *slotPlan) ([]Slot, error) {
	from := plan.to
	if today := startOfDay(s.svc.Clock(), s.svc.Config().Location); from.Before(today) {
		from = today
	}
	end := from.AddDate(0, 0, NextSlotDays)
	out := []Slot{}
	for from.Before(end) && len(out) < MaxNextSlots {
		until := from.AddDate(0, 0, 14)
		if until.After(end) {
			until = end
		}
		want := MaxNextSlots - len(out)
		found, err := s.freeSlots(ctx, plan, from, until, func(got []Slot) bool { return len(s.firstPerDay(got)) < want })
		if err != nil {
			return nil, err
		}
		out = append(out, s.firstPerDay(found)...)
		from = until
	}
	return out[:min(len(out), MaxNextSlots)], nil
}

// firstPerDay keeps the first slot of each local day of slots (ordered by start).
func (s *Service) firstPerDay(slots []Slot) []Slot {
	var out []Slot
	var last time.Time
	loc := s.svc.Config().Location
	for _, sl := range slots {
		if day := startOfDay(sl.Start, loc); !day.Equal(last) {
			out = append(out, sl)
			last = day
		}
	}
	return out
}
