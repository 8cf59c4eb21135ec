package booking

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Series is weekly language support booked as one: the same session every
// one to four weeks, given by one supervisor for continuity. Its occurrences
// are ordinary bookings that carry its id, so every rule, report and feed
// treats each as a booking; the series keeps the wish (the repeat rule) and
// the occurrences that were skipped.
type Series struct {
	ID            int64
	UID           string
	EveryWeeks    int
	Count         *int    `gorm:"column:repeat_count"`
	Until         *string `gorm:"column:repeat_until"`
	Occurrences   int
	SkipConflicts bool
	SupervisorID  int64
	WorkplaceID   int64
	Language      string
	Area          string
	Mode          string
	MeetingURL    *string
	// Start and End are the first occurrence's, as asked.
	Start                time.Time `gorm:"column:start_at"`
	End                  time.Time `gorm:"column:end_at"`
	Purpose              string
	ParticipantsExpected int
	Notes                string
	SkippedJSON          string `gorm:"column:skipped"`
	Sequence             int
	CreatedBy            *int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
	// Bookings are the booked occurrences, in order of start; Skipped the others.
	Bookings []Booking     `gorm:"-"`
	Skipped  []SkippedDate `gorm:"-"`
}

// TableName keeps gorm on the schema's name.
func (Series) TableName() string { return "series" }

// SkippedDate is an occurrence that was not booked: a closed day, or (with
// skip_conflicts) one that broke a rule; Details say which.
type SkippedDate struct {
	Date    string      `json:"date"`
	Start   time.Time   `json:"start"`
	Details []Violation `json:"details"`
	// Holiday names the closed day the occurrence fell on.
	Holiday *vocab.ClosedDay `json:"holiday,omitempty"`
}

// SeriesInput is a booking's fields for the first occurrence plus the repeat rule.
type SeriesInput struct {
	BookingInput
	EveryWeeks int
	// Count (2..52) or Until (a date, at most 52 occurrences): exactly one is given.
	Count         *int
	Until         *string
	SkipConflicts bool
}

// MaxOccurrences is the most occurrences one series may have.
const MaxOccurrences = 52

// Series change marks in an occurrence's event data: the outbox plans one
// message per person and series change from them, not one per occurrence.
const (
	SeriesMade      = "made"
	SeriesCancelled = "cancelled"
)

// occurrence is one planned session of a series, read in the pool's zone.
type occurrence struct {
	at   localSlot
	date string
}

// SeriesPlan is what a series would become: per occurrence its status, for
// the booking page's preview and for CreateSeries, which books it.
type SeriesPlan struct {
	SupervisorID int64
	Occurrences  []PlannedOccurrence
	// Alternatives are, when the named supervisor collides, the others free
	// for the whole series.
	Alternatives []Alternative
}

// Free counts the occurrences that can be booked; Colliding those that
// break a rule (closed days are neither).
func (p *SeriesPlan) Free() (free, colliding int) {
	for _, o := range p.Occurrences {
		switch {
		case o.Free():
			free++
		case !o.Closed():
			colliding++
		}
	}
	return free, colliding
}

// PlannedOccurrence is one occurrence of a plan. Violations is empty for a
// free one; a closed day has the one closed_day violation (and Holiday's name).
type PlannedOccurrence struct {
	Date       string
	Start, End time.Time
	Violations []Violation
	Holiday    *vocab.ClosedDay
}

// Free reports whether the occurrence can be booked.
func (o *PlannedOccurrence) Free() bool { return len(o.Violations) == 0 }

// Closed reports whether the occurrence falls on a closed day.
func (o *PlannedOccurrence) Closed() bool {
	return len(o.Violations) == 1 && o.Violations[0].Rule == RuleClosedDay
}

// occurrences spreads the first occurrence over the repeat rule at the same
// wall-clock time (10:00 stays 10:00 across a DST change), or reports what
// is wrong with the rule.
func (s *Service) occurrences(p *Problems, b *Booking, in SeriesInput) []occurrence {
	if in.EveryWeeks < 1 || in.EveryWeeks > 4 {
		p.Add("repeat.every_weeks", "every_weeks", "must be 1 to 4")
	}
	if (in.Count == nil) == (in.Until == nil) {
		p.Add("repeat", "repeat_count_or_until", "give either count or until")
	}
	if len(*p) > 0 || b.Start.IsZero() || b.End.IsZero() {
		return nil
	}
	loc := s.cfg.Location
	first := b.Start.In(loc)
	endDay := startOfDay(b.End, loc)
	endsNextMidnight := !endDay.Equal(startOfDay(b.Start, loc))
	le := b.End.In(loc)
	n := 0
	var last time.Time
	switch {
	case in.Count != nil:
		n = *in.Count
		if n < 2 || n > MaxOccurrences {
			p.Add("repeat.count", "repeat_count", "must be 2 to %d", MaxOccurrences)
			return nil
		}
	default:
		last = ParseDate(p, "repeat.until", *in.Until, loc)
		if len(*p) > 0 {
			return nil
		}
		for k := 0; ; k++ {
			d := time.Date(first.Year(), first.Month(), first.Day()+7*in.EveryWeeks*k, 0, 0, 0, 0, loc)
			if d.After(last) {
				break
			}
			n++
			if n > MaxOccurrences {
				p.Add("repeat.until", "repeat_too_many", "a series may have at most %d occurrences", MaxOccurrences)
				return nil
			}
		}
		if n < 2 {
			p.Add("repeat.until", "repeat_until", "must leave at least two occurrences")
			return nil
		}
	}
	r := s.rules()
	out := make([]occurrence, n)
	for k := range n {
		y, m, d := first.Date()
		d += 7 * in.EveryWeeks * k
		start := time.Date(y, m, d, first.Hour(), first.Minute(), 0, 0, loc)
		end := time.Date(y, m, d, le.Hour(), le.Minute(), 0, 0, loc)
		if endsNextMidnight {
			end = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		}
		sl := slot{Start: start.UTC(), End: end.UTC(), WorkplaceID: b.WorkplaceID, Mode: b.Mode}
		out[k] = occurrence{at: r.at(sl), date: start.Format(time.DateOnly)}
	}
	return out
}

// PlanSeries checks a series without booking it: which supervisor would take
// it and, per occurrence, whether it is free, on a closed day, or breaks a
// rule. The booking page shows it before the manager books.
func (s *Service) PlanSeries(ctx context.Context, actor *User, in SeriesInput) (*SeriesPlan, error) {
	b, occs, err := s.prepareSeries(ctx, actor, in)
	if err != nil {
		return nil, err
	}
	db := s.store.Read(ctx)
	plan, err := s.planSeries(db, b, occs, in)
	if err != nil {
		return nil, err
	}
	s.hideForeign(actor, plan)
	if _, colliding := plan.Free(); colliding > 0 && in.SupervisorID != nil {
		if plan.Alternatives, err = s.seriesAlternatives(ctx, actor, b, in); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// prepareSeries validates the input as CreateBooking validates a booking, and
// spreads it over its occurrences.
func (s *Service) prepareSeries(ctx context.Context, actor *User, in SeriesInput) (*Booking, []occurrence, error) {
	if err := mayBook(actor, in.WorkplaceID, in.Overriding || len(in.Override) > 0); err != nil {
		return nil, nil, err
	}
	b := &Booking{SupervisorID: deref(in.SupervisorID), WorkplaceID: in.WorkplaceID, Language: in.Language,
		Area: in.Area, Mode: in.Mode, MeetingURL: in.MeetingURL, Purpose: in.Purpose,
		ParticipantsExpected: in.ParticipantsExpected, Notes: in.Notes, Status: StatusConfirmed}
	var p Problems
	b.Start = ParseTime(&p, "start", in.Start)
	b.End = ParseTime(&p, "end", in.End)
	if err := s.validate(ctx, actor, b, in.SupervisorID != nil, in.Override, p); err != nil {
		return nil, nil, err
	}
	var q Problems
	occs := s.occurrences(&q, b, in)
	if err := q.Err(); err != nil {
		return nil, nil, err
	}
	return b, occs, nil
}

// planSeries reads the candidates' schedules over the series' span once and
// checks every occurrence for each. Without a named supervisor it picks the
// one free for the most occurrences, then the fewest booked minutes in the
// first occurrence's ISO week, then the lowest id; with skip_conflicts false
// only one free for every occurrence that is not on a closed day.
func (s *Service) planSeries(db *gorm.DB, b *Booking, occs []occurrence, in SeriesInput) (*SeriesPlan, error) {
	ids := []int64{b.SupervisorID}
	if in.SupervisorID == nil {
		var err error
		if ids, err = s.candidates(db, b.Language, b.Area); err != nil {
			return nil, err
		}
	}
	if in.SupervisorID == nil && len(ids) > 0 && !slices.Contains(in.Override, RuleOutsideAvailability) {
		// Every occurrence has the first one's weekday and wall-clock times,
		// so whoever's weekly windows miss the first misses them all: their
		// year of bookings need not be read.
		a := occs[0].at
		var inside []int64
		if err := db.Model(&availabilityRow{}).Distinct("supervisor_id").
			Where("supervisor_id IN ? AND weekday = ? AND start_minute <= ? AND end_minute >= ?", ids, a.weekday, a.startMin, a.endMin).
			Order("supervisor_id").Pluck("supervisor_id", &inside).Error; err != nil {
			return nil, fmt.Errorf("series candidates: %w", err)
		}
		ids = inside
	}
	loc := s.cfg.Location
	first, last := occs[0].at, occs[len(occs)-1].at
	weekStart := startOfWeek(first.Start, loc)
	weekEnd := startOfWeek(weekStart.AddDate(0, 0, 7), loc)
	var scheds, week map[int64]*Schedule
	if len(ids) > 0 {
		var err error
		if scheds, err = s.occurrenceSchedules(db, ids, first, last, occs); err != nil {
			return nil, err
		}
		if week, err = s.loadSchedules(db, ids, weekStart, weekEnd.Add(-time.Minute), 0); err != nil {
			return nil, err
		}
	}
	r := s.rules()
	open := 0
	for _, o := range occs {
		if o.at.closed == nil {
			open++
		}
	}
	type choice struct {
		id          int64
		free        int
		weekMinutes int
		vs          [][]Violation
	}
	var best *choice
	for _, id := range ids {
		sc := scheds[id]
		c := &choice{id: id, weekMinutes: week[id].WeekMinutes(weekStart, weekEnd), vs: make([][]Violation, len(occs))}
		for k, o := range occs {
			if o.at.closed != nil {
				continue
			}
			c.vs[k] = r.checkAt(o.at, sc.around(o.at), true, in.Override, false)
			if len(c.vs[k]) == 0 {
				c.free++
			}
		}
		if in.SupervisorID == nil && (c.free == 0 || (!in.SkipConflicts && c.free < open)) {
			continue
		}
		if best == nil || c.free > best.free || (c.free == best.free && c.weekMinutes < best.weekMinutes) {
			best = c
		}
	}
	plan := &SeriesPlan{}
	if best != nil {
		plan.SupervisorID = best.id
	}
	for k, o := range occs {
		po := PlannedOccurrence{Date: o.date, Start: o.at.Start, End: o.at.End}
		switch {
		case o.at.closed != nil:
			po.Violations = []Violation{{Rule: RuleClosedDay, Date: o.at.closed.Date, Occurrence: o.date}}
			po.Holiday = o.at.closed
		case best == nil:
			po.Violations = []Violation{{Rule: RuleNoFreeSupervisor, Occurrence: o.date}}
		default:
			for _, v := range best.vs[k] {
				v.Occurrence = o.date
				po.Violations = append(po.Violations, v)
			}
		}
		plan.Occurrences = append(plan.Occurrences, po)
	}
	return plan, nil
}

// occurrenceSchedules reads what the rules read of each supervisor for the
// occurrences: the weekly windows, the absences over the series' span, and the
// confirmed bookings of the occurrences' days only (a query per day on the
// (supervisor_id, start_at) index): a year of a candidate's bookings is far
// more than the 52 days a weekly series touches.
func (s *Service) occurrenceSchedules(db *gorm.DB, ids []int64, first, last localSlot, occs []occurrence) (map[int64]*Schedule, error) {
	out, err := s.windowsAndAbsences(db, ids, first.dayStart.UTC(), last.dayEnd.UTC())
	if err != nil {
		return nil, err
	}
	// Occurrences are a week or more apart, so the days' reads never overlap,
	// and reading them in order keeps each schedule's bookings in order of start.
	for _, o := range occs {
		if o.at.closed != nil {
			continue
		}
		from, to := o.at.dayStart.UTC(), o.at.dayEnd.UTC()
		err = scanBusy(db.Model(&Booking{}).Select(busyColumns).
			Where("supervisor_id IN ? AND status = ? AND start_at < ? AND start_at >= ? AND end_at > ?",
				ids, StatusConfirmed, to, from.Add(-maxBookingLength), from).Order("start_at"), out)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// around narrows a schedule read over a long span to what the rules read for
// one slot: its day's bookings (and one that began the day before), and the
// absences that touch the day. Bookings are in order of start.
func (sc *Schedule) around(a localSlot) *Schedule {
	from := a.dayStart.Add(-maxBookingLength)
	i := sort.Search(len(sc.Bookings), func(i int) bool { return !sc.Bookings[i].Start.Before(from) })
	j := sort.Search(len(sc.Bookings), func(j int) bool { return !sc.Bookings[j].Start.Before(a.dayEnd) })
	out := &Schedule{Windows: sc.Windows, Bookings: sc.Bookings[i:j]}
	for _, ab := range sc.Absences {
		if ab.Start.Before(a.dayEnd) && ab.End.After(a.dayStart) {
			out.Absences = append(out.Absences, ab)
		}
	}
	return out
}

// hideForeign blanks the ids of colliding bookings the actor may not see.
func (s *Service) hideForeign(actor *User, plan *SeriesPlan) {
	for i := range plan.Occurrences {
		vs := plan.Occurrences[i].Violations
		for j := range vs {
			if vs[j].BookingID != 0 && !canSee(actor, &Booking{WorkplaceID: vs[j].workplaceID, SupervisorID: vs[j].supervisorID}) {
				vs[j].BookingID = 0
			}
		}
	}
}

// CreateSeries books a series: every occurrence is checked and booked in one
// write transaction, so two series racing for one supervisor never both get
// an occurrence. Closed days are skipped and listed; any other broken rule
// answers a conflict naming each occurrence and books nothing, unless
// SkipConflicts, when the free occurrences are booked and the others listed.
// A series without a supervisor that none could take is kept as demand.
func (s *Service) CreateSeries(ctx context.Context, actor *User, in SeriesInput) (*Series, error) {
	b, occs, err := s.prepareSeries(ctx, actor, in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	sr := &Series{UID: randomToken(16) + "@sprakpool", EveryWeeks: in.EveryWeeks, Count: in.Count, Until: in.Until,
		Occurrences: len(occs), SkipConflicts: in.SkipConflicts, WorkplaceID: b.WorkplaceID, Language: b.Language,
		Area: b.Area, Mode: b.Mode, MeetingURL: b.MeetingURL, Start: b.Start, End: b.End, Purpose: b.Purpose,
		ParticipantsExpected: b.ParticipantsExpected, Notes: b.Notes, CreatedBy: &actor.ID, CreatedAt: now, UpdatedAt: now}
	var failed []Violation
	write := s.store.write
	if in.SupervisorID != nil {
		write = func(ctx context.Context, fn func(tx *gorm.DB) error) error {
			return s.store.writeFor(ctx, []int64{*in.SupervisorID}, fn)
		}
	}
	err = write(ctx, func(tx *gorm.DB) error {
		plan, err := s.planSeries(tx, b, occs, in)
		if err != nil {
			return err
		}
		if plan.SupervisorID == 0 {
			failed = []Violation{{Rule: RuleNoFreeSupervisor}}
			return errConflict
		}
		sr.SupervisorID = plan.SupervisorID
		sr.Skipped = []SkippedDate{}
		var book []PlannedOccurrence
		for _, o := range plan.Occurrences {
			switch {
			case o.Free():
				book = append(book, o)
			case o.Closed() || in.SkipConflicts:
				sr.Skipped = append(sr.Skipped, SkippedDate{Date: o.Date, Start: o.Start, Details: o.Violations, Holiday: o.Holiday})
			default:
				failed = append(failed, o.Violations...)
			}
		}
		if len(failed) > 0 {
			return errConflict
		}
		if len(book) == 0 {
			for _, sk := range sr.Skipped {
				failed = append(failed, sk.Details...)
			}
			return errConflict
		}
		raw, err := json.Marshal(sr.Skipped)
		if err != nil {
			return err
		}
		sr.SkippedJSON = string(raw)
		if err := tx.Create(sr).Error; err != nil {
			return err
		}
		// One INSERT for the bookings and one for their events: the database
		// still checks every row (the overlap trigger or exclusion constraint).
		list := make([]Booking, len(book))
		for i, o := range book {
			ob := *b
			ob.ID, ob.SupervisorID, ob.Start, ob.End = 0, sr.SupervisorID, o.Start, o.End
			start := o.Start
			ob.SeriesID, ob.SeriesStart = &sr.ID, &start
			ob.UID = randomToken(16) + "@sprakpool"
			ob.CreatedAt, ob.UpdatedAt, ob.CreatedBy = now, now, &actor.ID
			list[i] = ob
		}
		if err := tx.Create(&list).Error; err != nil {
			return err
		}
		events := make([]Event, len(list))
		for i := range list {
			data := list[i].snapshot()
			data["series_id"], data["series_change"], data["series_sequence"] = sr.ID, SeriesMade, sr.Sequence
			raw, err := json.Marshal(data)
			if err != nil {
				return err
			}
			events[i] = Event{BookingID: list[i].ID, Kind: EventCreated, Sequence: list[i].Sequence, ActorID: &actor.ID, At: now, Data: string(raw)}
		}
		if err := tx.Create(&events).Error; err != nil {
			return err
		}
		sr.Bookings = list
		return nil
	})
	if errors.Is(err, errConflict) {
		return nil, s.seriesConflict(ctx, actor, b, in, failed)
	}
	if err != nil {
		return nil, fmt.Errorf("create series: %w", err)
	}
	return sr, nil
}

// seriesConflict is the 409 of a series: a detail per broken rule, each naming
// its occurrence, and as alternatives the other supervisors free for every
// occurrence at the first one's time. An unmet series without a supervisor is
// kept as demand.
func (s *Service) seriesConflict(ctx context.Context, actor *User, b *Booking, in SeriesInput, vs []Violation) error {
	plan := &SeriesPlan{Occurrences: []PlannedOccurrence{{Violations: vs}}}
	s.hideForeign(actor, plan)
	msg := ruleMessages[vs[0].Rule]
	if in.SupervisorID != nil {
		msg = "the series breaks the pool's rules on " + vs[0].Occurrence
	}
	e := &Error{Code: CodeConflict, Message: msg, Details: vs, Alternatives: []Alternative{}}
	if in.SupervisorID != nil {
		alts, err := s.seriesAlternatives(ctx, actor, b, in)
		if err != nil {
			return err
		}
		e.Alternatives = alts
	}
	if len(vs) == 1 && vs[0].Rule == RuleNoFreeSupervisor {
		if rerr := s.recordUnmet(context.WithoutCancel(ctx), UnmetSeries, actor, b); rerr != nil {
			return errors.Join(e, rerr)
		}
	}
	return e
}

// seriesAlternatives are the other supervisors who could take the whole
// series (every occurrence not on a closed day), at most five, lowest id first.
func (s *Service) seriesAlternatives(ctx context.Context, actor *User, b *Booking, in SeriesInput) ([]Alternative, error) {
	out := []Alternative{}
	others := in
	others.SupervisorID, others.SkipConflicts = nil, false
	_, occs, err := s.prepareSeries(ctx, actor, others)
	if err != nil {
		return out, nil
	}
	db := s.store.Read(ctx)
	cands, err := s.candidates(db, b.Language, b.Area)
	if err != nil {
		return nil, err
	}
	for _, id := range cands {
		if id == b.SupervisorID || len(out) == maxAlternatives {
			continue
		}
		one := others
		one.SupervisorID = &id
		bb := *b
		bb.SupervisorID = id
		p, err := s.planSeries(db, &bb, occs, one)
		if err != nil {
			return nil, err
		}
		if seriesFree(p) {
			out = append(out, Alternative{SupervisorID: id, Start: b.Start, End: b.End})
		}
	}
	return out, nil
}

// seriesFree reports whether every occurrence of the plan not on a closed day is free.
func seriesFree(p *SeriesPlan) bool {
	for _, o := range p.Occurrences {
		if !o.Free() && !o.Closed() {
			return false
		}
	}
	return true
}

// canSeeSeries: admins, the workplace's managers, and the series' supervisor.
func canSeeSeries(actor *User, sr *Series) bool {
	return actor.IsAdmin() || actor.Manages(sr.WorkplaceID) || actor.Is(sr.SupervisorID) ||
		slices.ContainsFunc(sr.Bookings, func(b Booking) bool { return canSee(actor, &b) })
}

// SeriesByID returns a series the actor may see, with its bookings and skipped dates.
func (s *Service) SeriesByID(ctx context.Context, actor *User, id int64) (*Series, error) {
	sr, err := seriesByID(s.store.Read(ctx), id)
	if err != nil {
		return nil, err
	}
	if !canSeeSeries(actor, sr) {
		return nil, errNotFound("series")
	}
	return sr, nil
}

func seriesByID(db *gorm.DB, id int64) (*Series, error) {
	var sr Series
	err := db.First(&sr, id).Error
	if isNotFound(err) {
		return nil, errNotFound("series")
	}
	if err != nil {
		return nil, fmt.Errorf("series %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(sr.SkippedJSON), &sr.Skipped); err != nil {
		return nil, fmt.Errorf("series %d skipped: %w", id, err)
	}
	if sr.Skipped == nil {
		sr.Skipped = []SkippedDate{}
	}
	sr.Bookings = []Booking{}
	if err := db.Where("series_id = ?", id).Order("start_at, id").Find(&sr.Bookings).Error; err != nil {
		return nil, fmt.Errorf("bookings of series %d: %w", id, err)
	}
	ptrs := make([]*Booking, len(sr.Bookings))
	for i := range sr.Bookings {
		ptrs[i] = &sr.Bookings[i]
	}
	if err := loadFollowups(db, ptrs); err != nil {
		return nil, err
	}
	if err := loadConfirmations(db, ptrs); err != nil {
		return nil, err
	}
	return &sr, nil
}

// SeriesTx reads a series with its bookings inside tx and without an actor:
// for the packages under booking/ that act for the pool (invitations).
func (s *Service) SeriesTx(tx *gorm.DB, id int64) (*Series, error) { return seriesByID(tx, id) }

// CancelSeries cancels, in one write transaction, every confirmed occurrence
// of the series that starts on or after the local date from (today when
// empty) and has not ended; the reason is as for one booking. Each person
// gets one mail for it, not one per occurrence.
func (s *Service) CancelSeries(ctx context.Context, actor *User, id int64, code, reason, from string) (*Series, error) {
	if !actor.IsAdmin() && (actor == nil || actor.Role != RoleManager) {
		return nil, errForbidden("only coordinators and the series' managers may cancel it")
	}
	sr, err := s.SeriesByID(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !actor.IsAdmin() && !actor.Manages(sr.WorkplaceID) {
		return nil, errForbidden("only coordinators and the series' managers may cancel it")
	}
	var p Problems
	if !oneOf(code, CancelReasons) {
		p.Add("reason_code", "reason_code", "must be one of %s", strings.Join(CancelReasons, ", "))
	}
	CheckText(&p, "reason", reason, 2000, code == "other")
	now := s.now()
	fromDay := startOfDay(now, s.cfg.Location)
	if from != "" {
		fromDay = ParseDate(&p, "from", from, s.cfg.Location)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err = s.store.write(ctx, func(tx *gorm.DB) error {
		var list []Booking
		if err := tx.Where("series_id = ? AND status = ? AND start_at >= ? AND end_at > ?", id, StatusConfirmed,
			fromDay.UTC(), now).Order("start_at").Find(&list).Error; err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		if err := tx.Model(&Series{}).Where("id = ?", id).Updates(map[string]any{"sequence": gorm.Expr("sequence + 1"), "updated_at": now}).Error; err != nil {
			return err
		}
		for i := range list {
			b := &list[i]
			b.Status, b.CancelReasonCode, b.CancelReason = StatusCancelled, &code, &reason
			b.CancelledAt, b.CancelledBy, b.UpdatedAt = &now, &actor.ID, now
			b.Sequence++
			if err := tx.Save(b).Error; err != nil {
				return err
			}
			if err := logEvent(tx, b, EventCancelled, actor, now, map[string]any{"reason_code": code, "reason": reason,
				"late": s.IsLateCancel(b, now), "series_id": id, "series_change": SeriesCancelled,
				"series_sequence": sr.Sequence + 1}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cancel series %d: %w", id, err)
	}
	return s.SeriesByID(ctx, actor, id)
}
