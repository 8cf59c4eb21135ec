package search

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// MaxSlotDays is the most days one search for free times covers, both ends included.
const MaxSlotDays = 31

// Session lengths a search for free times (and a request) may ask for.
const (
	MinSessionMinutes  = 15
	MaxSessionMinutes  = 600
	SessionStepMinutes = 15
)

// slotStep is the grid of free start times: the quarter hours of the pool's zone
// (whose offsets are whole hours, so UTC quarter hours are local ones too).
const slotStep = 15 * time.Minute

// SlotQuery asks for the free start times of a session: a manager chooses the
// language (and what the session is), the pool shows when it can come.
type SlotQuery struct {
	Language string
	// From and To are dates (YYYY-MM-DD) in the pool's zone, both included.
	From, To        string
	DurationMinutes int
	// Area defaults to the workplace's kind when WorkplaceID is given, as a
	// booking's does, so that every time shown can be booked without a supervisor.
	Area         string
	Mode         string // default on_site
	WorkplaceID  *int64
	SupervisorID *int64
}

// Slot is a free start time and the supervisors who could take the session
// then: fewest booked minutes that ISO week first, then lowest id.
type Slot struct {
	Start, End    time.Time
	SupervisorIDs []int64
}

// slotPlan is a checked SlotQuery: the local days from..to (midnights, to not
// included) and whom and what to look for.
type slotPlan struct {
	language, area, mode string
	workplaceID          int64
	travel               bool
	length               time.Duration
	from, to             time.Time
	ids                  []int64
}

// Slots lists every quarter-hour start between the query's dates that has not
// passed and at which at least one active supervisor who speaks the language
// (and covers the area) could be booked for the duration under every rule (the
// travel buffer only with a workplace and an on-site session), ordered by start.
// Each candidate's bookings, absences and weeks are read once for the whole
// range; the rules are then the same functions a booking is checked with.
func (s *Service) Slots(ctx context.Context, actor *booking.User, q SlotQuery) ([]Slot, error) {
	ctx = slotContext(ctx)
	plan, err := s.planSlots(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	return s.freeSlots(ctx, plan, plan.from, plan.to, nil)
}

// slotContext is the context of a search's reads. The search reads thousands
// of rows and its work is bounded (31 days), so it runs to the end even when
// the caller goes away: with a cancellable context, go-sqlite3 starts a
// goroutine for every row it steps, which doubled the search's time.
func slotContext(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// planSlots checks the role, then the query, and finds the candidates.
func (s *Service) planSlots(ctx context.Context, actor *booking.User, q SlotQuery) (*slotPlan, error) {
	if !actor.IsAdmin() && (actor == nil || actor.Role != booking.RoleManager) {
		return nil, forbidden("only coordinators and managers may search for free times")
	}
	loc := s.svc.Config().Location
	plan := &slotPlan{language: q.Language, area: q.Area, mode: q.Mode}
	var p booking.Problems
	if _, ok := vocab.LanguageByCode(q.Language); !ok {
		p.Add("language", "choose_language", "unknown language %q; use an ISO 639 code such as ar or so", q.Language)
	}
	from := booking.ParseDate(&p, "from", q.From, loc)
	last := booking.ParseDate(&p, "to", q.To, loc)
	if !from.IsZero() && !last.IsZero() {
		switch {
		case last.Before(from):
			p.Add("to", "to_before_from", "must not be before from")
		case !last.Before(from.AddDate(0, 0, MaxSlotDays)):
			p.Add("to", "slot_range_too_long", "free times can be shown for at most %d days at once, both ends included", MaxSlotDays)
		}
	}
	plan.from, plan.to = from, nextDay(last)
	CheckSessionLength(&p, "duration", q.DurationMinutes)
	plan.length = time.Duration(q.DurationMinutes) * time.Minute
	if plan.mode == "" {
		plan.mode = "on_site"
	}
	if !slices.Contains(booking.Modes, plan.mode) {
		p.Add("mode", "mode", "must be one of %s", strings.Join(booking.Modes, ", "))
	}
	if q.WorkplaceID != nil {
		plan.workplaceID = *q.WorkplaceID
		plan.travel = true
		switch w, err := s.svc.Workplace(ctx, actor, *q.WorkplaceID); {
		case err != nil && booking.ErrorCode(err) != booking.CodeNotFound:
			return nil, err
		case err != nil:
			p.Add("workplace_id", "no_workplace", "there is no workplace %d", *q.WorkplaceID)
		case !w.Active:
			p.Add("workplace_id", "workplace_inactive", "the workplace %q is no longer active", w.Name)
		case plan.area == "":
			plan.area = w.Kind
		}
	}
	if plan.area != "" && !slices.Contains(booking.Areas, plan.area) {
		p.Add("area", "area", "must be one of %s", strings.Join(booking.Areas, ", "))
	}
	if q.SupervisorID != nil {
		switch sv, err := s.svc.Supervisor(ctx, actor, *q.SupervisorID); {
		case err != nil && booking.ErrorCode(err) != booking.CodeNotFound:
			return nil, err
		case err != nil:
			p.Add("supervisor_id", "no_supervisor", "there is no supervisor %d", *q.SupervisorID)
		case !sv.Active:
			p.Add("supervisor_id", "supervisor_inactive", "%s is no longer active in the pool", sv.Name)
		case !sv.Speaks(q.Language):
			p.Add("supervisor_id", "lacks_language", "%s does not speak %s", sv.Name, languageName(q.Language))
		case plan.area != "" && !sv.Covers(plan.area):
			p.Add("supervisor_id", "lacks_area", "%s does not work in %s", sv.Name, plan.area)
		default:
			plan.ids = []int64{sv.ID}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if q.SupervisorID == nil {
		ids, err := s.svc.Candidates(ctx, plan.language, plan.area)
		if err != nil {
			return nil, err
		}
		plan.ids = ids
	}
	return plan, nil
}

// CheckSessionLength adds a problem when minutes is not a session length the
// pool books: 15 to 600 minutes, a multiple of 15. Searches and requests both
// judge lengths with it, so that every length is judged alike.
func CheckSessionLength(p *booking.Problems, field string, minutes int) {
	if minutes < MinSessionMinutes || minutes > MaxSessionMinutes || minutes%SessionStepMinutes != 0 {
		p.Add(field, "duration", "must be %d to %d minutes, a multiple of %d", MinSessionMinutes, MaxSessionMinutes, SessionStepMinutes)
	}
}

// freeSlots evaluates the plan's candidates over the local days from..to (to not
// included). It reads their schedules once, for whole ISO weeks (the weeks'
// booked minutes order the supervisors), and checks every quarter-hour start
// with booking.Rules.Fits: the booking rules, stopping at the first one
// broken. keep, when set, is asked after each day whether to go on (it gets
// the slots so far).
func (s *Service) freeSlots(ctx context.Context, plan *slotPlan, from, to time.Time, keep func([]Slot) bool) ([]Slot, error) {
	out := []Slot{}
	now := s.svc.Clock()
	loc := s.svc.Config().Location
	if today := startOfDay(now, loc); from.Before(today) {
		from = today
	}
	if len(plan.ids) == 0 || !from.Before(to) {
		return out, nil
	}
	weekStart := startOfWeek(from, loc)
	weekEnd := startOfWeek(to.Add(-time.Minute), loc).AddDate(0, 0, 7)
	scheds, err := s.svc.Schedules(ctx, plan.ids, weekStart, weekEnd.Add(-time.Minute))
	if err != nil {
		return nil, err
	}
	r := s.svc.Rules()
	cands := make([]slotCandidate, len(plan.ids))
	for i, id := range plan.ids {
		cands[i] = slotCandidate{id: id, sc: scheds[id]}
		for _, w := range cands[i].sc.Windows {
			cands[i].byWeekday[w.Weekday] = append(cands[i].byWeekday[w.Weekday], w)
		}
	}
	order := make([]*slotCandidate, 0, len(cands))
	// The slots' id lists are slices of arena, filled in chunks: one allocation
	// per chunk, not one per slot, and no copying of a doubling array (whose old
	// halves were garbage: a search's largest allocation, and so its GC tail).
	var arena []int64
	var week time.Time
	for d := from; d.Before(to); d = nextDay(d) {
		if _, closed := vocab.ClosedDayOn(d); closed {
			continue // every start would break closed_day
		}
		wd := booking.ISOWeekday(d)
		if ws := startOfWeek(d, loc); !ws.Equal(week) {
			week = ws
			next := startOfWeek(ws.AddDate(0, 0, 7), loc)
			for i := range cands {
				cands[i].weekMinutes = cands[i].sc.WeekMinutes(ws, next)
			}
		}
		dayStart, dayEnd := d.UTC(), nextDay(d).UTC()
		order = order[:0]
		for i := range cands {
			c := &cands[i]
			if len(c.byWeekday[wd]) == 0 {
				continue
			}
			c.day.Windows = c.byWeekday[wd]
			c.day.Bookings = dayBookings(c.sc.Bookings, dayStart, dayEnd)
			c.day.Absences = c.day.Absences[:0]
			for _, a := range c.sc.Absences {
				if a.Start.Before(dayEnd) && a.End.After(dayStart) {
					c.day.Absences = append(c.day.Absences, a)
				}
			}
			order = append(order, c)
		}
		if len(order) == 0 {
			continue
		}
		slices.SortStableFunc(order, func(a, b *slotCandidate) int {
			if a.weekMinutes != b.weekMinutes {
				return a.weekMinutes - b.weekMinutes
			}
			return int(a.id - b.id)
		})
		for start := dayStart; !start.Add(plan.length).After(dayEnd); start = start.Add(slotStep) {
			if start.Before(now) {
				continue
			}
			end := start.Add(plan.length)
			// Read in the pool's zone once for every candidate.
			at := r.At(start, end, plan.workplaceID, plan.mode)
			if len(arena)+len(order) > cap(arena) {
				arena = make([]int64, 0, max(arenaChunk, len(order)))
			}
			first := len(arena)
			for _, cand := range order {
				if r.Fits(&at, &cand.day, plan.travel) {
					arena = append(arena, cand.id)
				}
			}
			if len(arena) > first {
				out = append(out, Slot{Start: start, End: end, SupervisorIDs: arena[first:len(arena):len(arena)]})
			}
		}
		if keep != nil && !keep(out) {
			break
		}
	}
	return out, nil
}

// slotCandidate is one supervisor during a search for free times: the
// schedule of the whole range, that of the day being searched, and the booked
// minutes of the day's ISO week.
type slotCandidate struct {
	id          int64
	sc          *booking.Schedule
	byWeekday   [8][]booking.Window
	day         booking.Schedule
	weekMinutes int
}

// arenaChunk is how many supervisor ids one allocation of a search's id lists holds.
const arenaChunk = 8192

// maxBookingSpan bounds a booking's length (one local day, 25 hours on the
// autumn DST day), so the bookings that touch a day start at most this long
// before it.
const maxBookingSpan = 25 * time.Hour

// dayBookings is the part of bookings (ordered by start, as Schedules reads
// them) that can touch the day dayStart..dayEnd: those starting from 25 hours
// before it until its end. It is a sub-slice, not a copy: copying each
// candidate's bookings of each day was most of what a search
// allocated, and the garbage it made was the searches' slow tail. A booking
// in it that ends before the day changes no rule: overlaps compare the
// times, and the travel buffer and daily limit count the slot's own day only.
func dayBookings(bookings []booking.Busy, dayStart, dayEnd time.Time) []booking.Busy {
	lo, _ := slices.BinarySearchFunc(bookings, dayStart.Add(-maxBookingSpan), func(b booking.Busy, t time.Time) int { return b.Start.Compare(t) })
	hi, _ := slices.BinarySearchFunc(bookings, dayEnd, func(b booking.Busy, t time.Time) int { return b.Start.Compare(t) })
	if hi < lo {
		hi = lo
	}
	return bookings[lo:hi:hi]
}
