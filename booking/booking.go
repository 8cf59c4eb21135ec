package booking

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking/vocab"
	"gorm.io/gorm"
)

// Booking is a supervisor booked by a workplace for a time. It is never deleted:
// a cancellation sets its status, so reports and feeds still see it. UID stays
// the same for its life; Sequence rises with every change but a follow-up.
type Booking struct {
	ID                   int64
	UID                  string
	SupervisorID         int64
	WorkplaceID          int64
	Language             string
	Area                 string
	Mode                 string
	MeetingURL           *string
	Start                time.Time `gorm:"column:start_at"`
	End                  time.Time `gorm:"column:end_at"`
	Purpose              string
	ParticipantsExpected int
	Notes                string
	Status               string
	Sequence             int
	CancelReasonCode     *string
	CancelReason         *string
	CancelledAt          *time.Time
	CancelledBy          *int64
	CreatedBy            *int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
	// SeriesID names the series the booking is an occurrence of (nil when
	// alone); SeriesStart is the start the series planned for it, kept when
	// it is moved, by which invitations name the occurrence.
	SeriesID     *int64
	SeriesStart  *time.Time    `gorm:"column:series_start_at"`
	Followup     *Followup     `gorm:"-"`
	Confirmation *Confirmation `gorm:"-"`
	// Attention lists the rules the booking breaks now (attention.go); it is
	// filled when bookings are read for people, never stored.
	Attention []Violation `gorm:"-"`
}

// Followup is what the workplace said after a held session.
type Followup struct {
	BookingID         int64 `gorm:"primaryKey;autoIncrement:false"`
	PersonsSupervised int
	Rating            int
	Comment           string
	WhyBooked         string
	// WouldBookAgain is nil for follow-ups given before the question was asked.
	WouldBookAgain *bool
	// Reasons are why the workplace booked (FollowupReasons), in that list's
	// order; kept in booking_followup_reasons so they can be counted.
	Reasons   []string `gorm:"-"`
	CreatedBy *int64
	CreatedAt time.Time
}

// TableName keeps gorm on the schema's name.
func (Followup) TableName() string { return "booking_followups" }

// Event is one row of the booking event log: the audit trail, and the outbox.
type Event struct {
	ID        int64
	BookingID int64
	Kind      string
	Sequence  int
	ActorID   *int64
	At        time.Time
	Data      string
}

// TableName keeps gorm on the schema's name.
func (Event) TableName() string { return "booking_events" }

// Event kinds.
const (
	EventCreated   = "created"
	EventChanged   = "changed"
	EventCancelled = "cancelled"
	EventFollowup  = "followup"
)

// Alternative is a proposal offered with a conflict: another supervisor at the
// same time, or the same supervisor at another time.
type Alternative struct {
	SupervisorID int64
	Start, End   time.Time
}

// Held reports whether the booking took place: confirmed and over.
func (b *Booking) Held(now time.Time) bool {
	return b.Status == StatusConfirmed && !b.End.After(now)
}

// canSee reports whether actor may see the booking at all.
func canSee(actor *User, b *Booking) bool {
	return actor.IsAdmin() || actor.Manages(b.WorkplaceID) || actor.Is(b.SupervisorID)
}

// BookingInput creates a booking. Times are RFC 3339 with an offset.
type BookingInput struct {
	SupervisorID         *int64
	WorkplaceID          int64
	Language             string
	Area                 string
	Mode                 string
	MeetingURL           *string
	Start                string
	End                  string
	Purpose              string
	ParticipantsExpected int
	Notes                string
	// Override lists rules an admin books past; Overriding says the field was sent at all.
	Override   []string
	Overriding bool
}

// BookingPatch moves or edits a booking; nil fields stay as they are.
type BookingPatch struct {
	SupervisorID         *int64
	WorkplaceID          *int64
	Language             *string
	Area                 *string
	Mode                 *string
	MeetingURL           *string
	Start                *string
	End                  *string
	Purpose              *string
	ParticipantsExpected *int
	Notes                *string
	Override             []string
	Overriding           bool
}

// CreateBooking books a supervisor, or picks one when SupervisorID is nil: the
// one with the fewest booked minutes that ISO week who could take it (ties:
// lowest id). The rules are checked and the booking and its event written in one
// write transaction, so they hold under any number of concurrent requests.
// A booking without a supervisor that none could take is kept as demand.
func (s *Service) CreateBooking(ctx context.Context, actor *User, in BookingInput) (*Booking, error) {
	return s.CreateBookingWith(ctx, actor, in, nil)
}

// CreateBookingWith is CreateBooking that also runs also, when set, in the
// booking's write transaction once the booking is written: for the packages
// under booking/ whose change stands or falls with the booking (a request it
// fills). An error from also undoes the booking and is returned.
func (s *Service) CreateBookingWith(ctx context.Context, actor *User, in BookingInput, also func(tx *gorm.DB, b *Booking) error) (*Booking, error) {
	if err := mayBook(actor, in.WorkplaceID, in.Overriding || len(in.Override) > 0); err != nil {
		return nil, err
	}
	b := &Booking{SupervisorID: deref(in.SupervisorID), WorkplaceID: in.WorkplaceID, Language: in.Language,
		Area: in.Area, Mode: in.Mode, MeetingURL: in.MeetingURL, Purpose: in.Purpose,
		ParticipantsExpected: in.ParticipantsExpected, Notes: in.Notes, Status: StatusConfirmed}
	var p Problems
	b.Start = ParseTime(&p, "start", in.Start)
	b.End = ParseTime(&p, "end", in.End)
	if err := s.validate(ctx, actor, b, in.SupervisorID != nil, in.Override, p); err != nil {
		return nil, err
	}
	now := s.now()
	b.UID = randomToken(16) + "@sprakpool"
	b.CreatedAt, b.UpdatedAt, b.CreatedBy = now, now, &actor.ID
	var violations []Violation
	// A booking for a named supervisor locks that supervisor only (on
	// PostgreSQL); picking one reads them all, so it takes the whole write lock.
	write := s.store.write
	if in.SupervisorID != nil {
		write = func(ctx context.Context, fn func(tx *gorm.DB) error) error {
			return s.store.writeFor(ctx, []int64{*in.SupervisorID}, fn)
		}
	}
	err := write(ctx, func(tx *gorm.DB) error {
		if in.SupervisorID == nil {
			id, err := s.pickSupervisor(tx, b, in.Override)
			if err != nil {
				return err
			}
			if id == 0 {
				violations = []Violation{{Rule: RuleNoFreeSupervisor}}
				return errConflict
			}
			b.SupervisorID = id
		}
		scheds, err := s.loadSchedules(tx, []int64{b.SupervisorID}, b.Start, b.End, 0)
		if err != nil {
			return err
		}
		violations = s.rules().check(b.slot(), scheds[b.SupervisorID], true, in.Override)
		if len(violations) > 0 {
			return errConflict
		}
		if err := createWithEvent(tx, b, actor, now); err != nil || also == nil {
			return err
		}
		return also(tx, b)
	})
	if errors.Is(err, errConflict) {
		return nil, s.keepDemand(ctx, actor, b, violations, s.conflict(ctx, actor, b, in.SupervisorID != nil, violations))
	}
	if err != nil {
		return nil, fmt.Errorf("create booking: %w", err)
	}
	return b, nil
}

// errConflict ends a write transaction whose rules check failed.
var errConflict = errors.New("booking rules broken")

func mayBook(actor *User, workplaceID int64, overriding bool) error {
	switch {
	case actor.IsAdmin():
		return nil
	case actor == nil || actor.Role != RoleManager:
		return errForbidden("only coordinators and managers may book")
	case overriding:
		return errForbidden("only coordinators may override the booking rules")
	case workplaceID != 0 && !actor.Manages(workplaceID):
		return errForbidden("you may book only for your own workplaces")
	}
	return nil
}

// validate checks a booking's fields (not the rules that need other bookings),
// fills the defaults, and returns every problem at once.
func (s *Service) validate(ctx context.Context, actor *User, b *Booking, supervisorGiven bool, override []string, p Problems) error {
	svID := int64(0)
	if supervisorGiven {
		svID = b.SupervisorID
	}
	w, sv, err := s.cachedBriefs(ctx, b.WorkplaceID, svID, b.Language, b.Area)
	if err != nil {
		return err
	}
	if b.WorkplaceID == 0 {
		p.Add("workplace_id", "required", "is required")
	} else if w == nil {
		p.Add("workplace_id", "no_workplace", "there is no workplace %d", b.WorkplaceID)
	} else if !w.Active {
		p.Add("workplace_id", "workplace_inactive", "the workplace %q is no longer active", w.Name)
	} else if b.Area == "" {
		b.Area = w.Kind
	}
	if _, ok := vocab.LanguageByCode(b.Language); !ok {
		p.Add("language", "choose_language", "unknown language %q; use an ISO 639 code such as ar or so", b.Language)
	}
	if b.Area != "" && !oneOf(b.Area, Areas) {
		p.Add("area", "area", "must be one of %s", strings.Join(Areas, ", "))
	}
	if b.Mode == "" {
		b.Mode = "on_site"
	}
	checkMode(&p, b)
	checkSessionFields(&p, b)
	s.checkTimes(&p, actor, b)
	for _, r := range override {
		if r == RuleOverlap {
			p.Add("override", "override_overlap", "overlap can never be overridden")
		} else if !oneOf(r, OverridableRules) {
			p.Add("override", "override_rule", "unknown rule %q; use one of %s", r, strings.Join(OverridableRules, ", "))
		}
	}
	if supervisorGiven {
		switch {
		case sv == nil:
			p.Add("supervisor_id", "no_supervisor", "there is no supervisor %d", b.SupervisorID)
		case !sv.Active:
			p.Add("supervisor_id", "supervisor_inactive", "%s is no longer active in the pool", sv.Name)
		default:
			if b.Language != "" && !sv.Speaks {
				p.Add("language", "lacks_language", "%s does not speak %s", sv.Name, languageName(b.Language))
			}
			if b.Area != "" && !sv.Covers {
				p.Add("area", "lacks_area", "%s does not work in %s", sv.Name, b.Area)
			}
		}
	}
	return p.Err()
}

func checkMode(p *Problems, b *Booking) {
	if !oneOf(b.Mode, Modes) {
		p.Add("mode", "mode", "must be one of %s", strings.Join(Modes, ", "))
		return
	}
	if b.MeetingURL != nil && *b.MeetingURL == "" {
		b.MeetingURL = nil
	}
	switch {
	case b.Mode == "video" && b.MeetingURL == nil:
		p.Add("meeting_url", "meeting_url_required", "is required for a video session")
	case b.Mode != "video" && b.MeetingURL != nil:
		p.Add("meeting_url", "meeting_url_only_video", "only video sessions have a meeting link")
	case b.MeetingURL != nil:
		u, err := url.Parse(*b.MeetingURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(*b.MeetingURL) > 2000 {
			p.Add("meeting_url", "https", "must be an https:// link")
		}
	}
}

func (s *Service) checkTimes(p *Problems, actor *User, b *Booking) {
	if b.Start.IsZero() || b.End.IsZero() {
		return // already reported
	}
	b.Start, b.End = b.Start.UTC(), b.End.UTC()
	switch {
	case b.Start.Second() != 0 || b.Start.Nanosecond() != 0:
		p.Add("start", "whole_minute", "must be a whole minute")
	case b.End.Second() != 0 || b.End.Nanosecond() != 0:
		p.Add("end", "whole_minute", "must be a whole minute")
	case !b.End.After(b.Start):
		p.Add("end", "end_before_start", "must be after start")
	case !s.endsSameDay(b.Start, b.End):
		p.Add("end", "same_day", "a booking must start and end on the same day")
	case !actor.IsAdmin() && b.Start.Before(s.now()):
		p.Add("start", "past", "lies in the past")
	}
}

// endsSameDay: the end is on the start's local date, or exactly the midnight after it.
func (s *Service) endsSameDay(start, end time.Time) bool {
	day := startOfDay(start, s.cfg.Location)
	return sameDay(end, day, s.cfg.Location) || end.Equal(nextDay(day))
}

func languageName(code string) string {
	if l, ok := vocab.LanguageByCode(code); ok {
		return l.NameEN
	}
	return code
}

func (b *Booking) slot() slot {
	return slot{Start: b.Start, End: b.End, WorkplaceID: b.WorkplaceID, Mode: b.Mode}
}

// snapshot is what the event log keeps of a booking.
func (b *Booking) snapshot() map[string]any {
	return map[string]any{"supervisor_id": b.SupervisorID, "workplace_id": b.WorkplaceID,
		"language": b.Language, "area": b.Area, "mode": b.Mode, "start": b.Start, "end": b.End,
		"purpose": b.Purpose, "participants_expected": b.ParticipantsExpected, "status": b.Status}
}

func logEvent(tx *gorm.DB, b *Booking, kind string, actor *User, at time.Time, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var actorID *int64
	if actor != nil {
		actorID = &actor.ID
	}
	return tx.Create(&Event{BookingID: b.ID, Kind: kind, Sequence: b.Sequence, ActorID: actorID, At: at, Data: string(raw)}).Error
}

// createWithEvent inserts b and the event of its creation. On PostgreSQL that
// is one statement (the event's INSERT takes the booking's id from the
// booking's, in a data-modifying WITH): one round trip less in every booking's
// transaction, where the round trips are most of the cost. SQLite has no
// INSERT in WITH, and no round trips.
func createWithEvent(tx *gorm.DB, b *Booking, actor *User, at time.Time) error {
	if tx.Dialector.Name() != "postgres" {
		if err := tx.Create(b).Error; err != nil {
			return err
		}
		return logEvent(tx, b, EventCreated, actor, at, b.snapshot())
	}
	raw, err := json.Marshal(b.snapshot())
	if err != nil {
		return err
	}
	// gorm writes the booking's INSERT (with RETURNING id) as Create would,
	// without running it; its placeholders are $1..$n.
	dry := tx.Session(&gorm.Session{DryRun: true}).Create(b)
	if dry.Error != nil {
		return dry.Error
	}
	var actorID *int64
	if actor != nil {
		actorID = &actor.ID
	}
	n := len(dry.Statement.Vars)
	q := fmt.Sprintf(`WITH b AS (%s) INSERT INTO booking_events (booking_id, kind, sequence, actor_id, at, data)
		SELECT id, $%d, $%d, $%d, $%d, $%d FROM b RETURNING booking_id`, dry.Statement.SQL.String(), n+1, n+2, n+3, n+4, n+5)
	args := append(dry.Statement.Vars, EventCreated, b.Sequence, actorID, at, string(raw))
	if err := tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, q, args...).Scan(&b.ID); err != nil {
		return err
	}
	return nil
}

// maxBookingLength bounds how long a booking can be (one local day, 25 hours on
// the autumn DST day). It gives the schedule query a lower bound on start_at, so
// the (supervisor_id, start_at) index is read for the days asked only, not for
// the supervisor's whole history.
const maxBookingLength = 25 * time.Hour

// loadSchedules reads, for each supervisor, the weekly windows and the absences
// and other confirmed bookings that touch the local days from start to end.
func (s *Service) loadSchedules(db *gorm.DB, ids []int64, start, end time.Time, excludeBooking int64) (map[int64]*Schedule, error) {
	from := startOfDay(start, s.cfg.Location).UTC()
	to := nextDay(startOfDay(end, s.cfg.Location)).UTC()
	// The roster's version, the absences and the bookings in one query (two
	// round trips less on PostgreSQL, in every booking's transaction): one row
	// for each absence or booking, each with the version, or one row with the
	// version alone. Of the bookings only the columns the rules read (the index
	// bookings_supervisor_rules covers them).
	version := int64(-1)
	var absences []Absence
	var busy []Busy
	bookings, err := s.bookingsOf(db, ids, start)
	if err != nil {
		return nil, err
	}
	err = scanRows(db.Raw(`SELECT v.version, x.booked, x.id, x.supervisor_id, x.workplace_id, x.mode, x.start_at, x.end_at
		FROM roster_version v LEFT JOIN (
			SELECT 0 AS booked, id, supervisor_id, 0 AS workplace_id, '' AS mode, start_at, end_at FROM absences
			WHERE supervisor_id IN ? AND start_at < ? AND end_at > ?
			UNION ALL
			SELECT 1, `+busyColumns+` FROM `+bookings+`
			WHERE supervisor_id IN ? AND status = ? AND start_at < ? AND start_at >= ? AND end_at > ? AND id <> ?
		) x ON 1 = 1
		WHERE v.id = 1 ORDER BY x.start_at`, ids, to, from, ids, StatusConfirmed, to, from.Add(-maxBookingLength), from, excludeBooking),
		func(rows *sql.Rows) error {
			var booked, id, svID, wpID sql.NullInt64
			var mode sql.NullString
			var start, end sql.NullTime
			if err := rows.Scan(&version, &booked, &id, &svID, &wpID, &mode, &start, &end); err != nil {
				return err
			}
			switch {
			case !booked.Valid:
			case booked.Int64 == 0:
				absences = append(absences, Absence{ID: id.Int64, SupervisorID: svID.Int64, Start: start.Time.UTC(), End: end.Time.UTC()})
			default:
				busy = append(busy, Busy{ID: id.Int64, SupervisorID: svID.Int64, WorkplaceID: wpID.Int64, Mode: mode.String,
					Start: start.Time.UTC(), End: end.Time.UTC()})
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("load absences and bookings: %w", err)
	}
	if version < 0 {
		return nil, errors.New("load absences and bookings: the roster has no version")
	}
	out, err := s.windowsAt(db, ids, version)
	if err != nil {
		return nil, err
	}
	for _, a := range absences {
		out[a.SupervisorID].Absences = append(out[a.SupervisorID].Absences, a)
	}
	for _, b := range busy {
		out[b.SupervisorID].Bookings = append(out[b.SupervisorID].Bookings, b)
	}
	return out, nil
}

// busyColumns are the columns of a booking the rules read (Busy); the index
// bookings_supervisor_rules covers them.
const busyColumns = "id, supervisor_id, workplace_id, mode, start_at, end_at"

// windowsAndAbsences starts a schedule for each supervisor of ids with their
// weekly windows (from the roster) and the absences that touch [from, to);
// the caller adds the bookings it needs (loadSchedules a range,
// occurrenceSchedules some days).
func (s *Service) windowsAndAbsences(db *gorm.DB, ids []int64, from, to time.Time) (map[int64]*Schedule, error) {
	out, err := s.windows(db, ids)
	if err != nil {
		return nil, err
	}
	var absences []Absence
	if err := db.Select("id, supervisor_id, start_at, end_at").
		Where("supervisor_id IN ? AND start_at < ? AND end_at > ?", ids, to, from).Find(&absences).Error; err != nil {
		return nil, fmt.Errorf("load absences: %w", err)
	}
	for _, a := range absences {
		out[a.SupervisorID].Absences = append(out[a.SupervisorID].Absences, a)
	}
	return out, nil
}

// windows starts a schedule for each supervisor of ids with their weekly windows.
func (s *Service) windows(db *gorm.DB, ids []int64) (map[int64]*Schedule, error) {
	var version int64
	if err := db.Raw(rosterVersionQuery).Row().Scan(&version); err != nil {
		return nil, fmt.Errorf("roster version: %w", err)
	}
	return s.windowsAt(db, ids, version)
}

// windowsAt is windows for the roster's version read by the caller.
func (s *Service) windowsAt(db *gorm.DB, ids []int64, version int64) (map[int64]*Schedule, error) {
	// A few supervisors after a change (saving one after the other) read
	// their rows rather than the whole roster again.
	r, err := s.rosterAt(db, version, len(ids) > 20)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Schedule, len(ids))
	for _, id := range ids {
		sc := &Schedule{}
		if e := r.entry(id); e != nil {
			sc.Windows = e.windows
		}
		out[id] = sc
	}
	if r == nil {
		err := scanWindows(db.Where("supervisor_id IN ?", ids), func(id int64, w Window) {
			out[id].Windows = append(out[id].Windows, w)
		})
		if err != nil {
			return nil, fmt.Errorf("load availability: %w", err)
		}
	}
	return out, nil
}

// scanBusy appends the bookings q selects (busyColumns, in order of start) to
// their supervisors' schedules in out.
func scanBusy(q *gorm.DB, out map[int64]*Schedule) error {
	err := scanRows(q, func(rows *sql.Rows) error {
		var b Busy
		if err := rows.Scan(&b.ID, &b.SupervisorID, &b.WorkplaceID, &b.Mode, &b.Start, &b.End); err != nil {
			return err
		}
		b.Start, b.End = b.Start.UTC(), b.End.UTC()
		out[b.SupervisorID].Bookings = append(out[b.SupervisorID].Bookings, b)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load bookings: %w", err)
	}
	return nil
}

// Schedules reads, for each supervisor of ids, what the rules read over the
// local days from start to end: the weekly windows and the absences and
// confirmed bookings that touch those days. It is the search's one read of
// its candidates (booking/search); ctx decides cancellation, as Read's does.
func (s *Service) Schedules(ctx context.Context, ids []int64, start, end time.Time) (map[int64]*Schedule, error) {
	return s.loadSchedules(s.store.Read(ctx), ids, start, end, 0)
}

// Candidates returns the ids of the active supervisors who speak the language
// and cover the area (any area when area is empty), lowest id first: whom a
// search for free times (booking/search) considers.
func (s *Service) Candidates(ctx context.Context, language, area string) ([]int64, error) {
	return s.candidates(s.store.Read(ctx), language, area)
}

// scanRows runs q and calls scan for each row; the rows are closed before it
// returns, as the next query on a transaction's one connection needs.
func scanRows(q *gorm.DB, scan func(*sql.Rows) error) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// candidates returns the ids of active supervisors who speak the language and
// cover the area (any area when area is empty), lowest id first.
func (s *Service) candidates(db *gorm.DB, language, area string) ([]int64, error) {
	r, err := s.roster(db)
	if err != nil {
		return nil, fmt.Errorf("find supervisors for %s: %w", language, err)
	}
	return r.candidates(language, area), nil
}

// freeSupervisor is a supervisor who could take a slot, with the week's load.
type freeSupervisor struct {
	id          int64
	weekMinutes int
}

// freeSupervisors returns, fewest booked minutes that ISO week first (ties: lowest
// id), the candidates who could take the slot under every rule but those skipped.
func (s *Service) freeSupervisors(db *gorm.DB, ids []int64, c slot, travel bool, skip []string, excludeBooking int64) ([]freeSupervisor, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// The rules read the slot's day; the order, the week's minutes, is summed
	// by the database for those who are free (reading every candidate's week
	// of bookings cost a search most of its time).
	scheds, err := s.loadSchedules(db, ids, c.Start, c.End, excludeBooking)
	if err != nil {
		return nil, err
	}
	r := s.rules()
	var out []freeSupervisor
	var free []int64
	for _, id := range ids {
		if len(r.check(c, scheds[id], travel, skip)) == 0 {
			free = append(free, id)
		}
	}
	if len(free) == 0 {
		return nil, nil
	}
	minutes, err := s.weekMinutes(db, free, c.Start, excludeBooking)
	if err != nil {
		return nil, err
	}
	for _, id := range free {
		out = append(out, freeSupervisor{id: id, weekMinutes: minutes[id]})
	}
	slices.SortStableFunc(out, func(a, b freeSupervisor) int {
		if a.weekMinutes != b.weekMinutes {
			return a.weekMinutes - b.weekMinutes
		}
		return int(a.id - b.id)
	})
	return out, nil
}

// weekMinutes sums, for each supervisor of ids, the minutes of their confirmed
// bookings that start in the ISO week of at (but excludeBooking).
func (s *Service) weekMinutes(db *gorm.DB, ids []int64, at time.Time, excludeBooking int64) (map[int64]int, error) {
	weekStart := startOfWeek(at, s.cfg.Location)
	weekEnd := startOfWeek(weekStart.AddDate(0, 0, 7), s.cfg.Location)
	bookings, err := s.bookingsOf(db, ids, at)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(ids))
	err = scanRows(db.Table(bookings).Select("supervisor_id, CAST(ROUND(SUM("+s.store.MillisBetween("start_at", "end_at")+") / 60000.0) AS INTEGER)").
		Where("supervisor_id IN ? AND start_at >= ? AND start_at < ? AND status = ? AND id <> ?",
			ids, weekStart.UTC(), weekEnd.UTC(), StatusConfirmed, excludeBooking).Group("supervisor_id"),
		func(rows *sql.Rows) error {
			var id int64
			var m int
			if err := rows.Scan(&id, &m); err != nil {
				return err
			}
			out[id] = m
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("minutes of the week: %w", err)
	}
	return out, nil
}

func (s *Service) pickSupervisor(tx *gorm.DB, b *Booking, skip []string) (int64, error) {
	ids, err := s.candidates(tx, b.Language, b.Area)
	if err != nil {
		return 0, err
	}
	free, err := s.freeSupervisors(tx, ids, b.slot(), true, skip, 0)
	if err != nil || len(free) == 0 {
		return 0, err
	}
	return free[0].id, nil
}

// Booking returns one booking the actor may see (not found otherwise).
func (s *Service) Booking(ctx context.Context, actor *User, id int64) (*Booking, error) {
	b, err := bookingByID(s.store.Read(ctx), id)
	if err != nil {
		return nil, err
	}
	if !canSee(actor, b) {
		return nil, errNotFound("booking")
	}
	if err := s.fillAttention(s.store.Read(ctx), []*Booking{b}); err != nil {
		return nil, err
	}
	return b, nil
}

// BookingTx reads a booking, with its confirmation and follow-up, inside tx
// and without an actor: for the packages under booking/ that act for the pool
// itself (the outbox, whose mail goes only to a booking's own people).
func (s *Service) BookingTx(tx *gorm.DB, id int64) (*Booking, error) { return bookingByID(tx, id) }

func bookingByID(db *gorm.DB, id int64) (*Booking, error) {
	var b Booking
	err := db.First(&b, id).Error
	if isNotFound(err) {
		return nil, errNotFound("booking")
	}
	if err != nil {
		return nil, fmt.Errorf("booking %d: %w", id, err)
	}
	if err := loadFollowups(db, []*Booking{&b}); err != nil {
		return nil, err
	}
	if err := loadConfirmations(db, []*Booking{&b}); err != nil {
		return nil, err
	}
	return &b, nil
}

// BookingFilter selects bookings that overlap the dates From..To (both included).
type BookingFilter struct {
	From, To     string
	SupervisorID *int64
	WorkplaceID  *int64
	Status       string
	// Unconfirmed keeps only held sessions (confirmed and ended by the service's
	// clock) that their supervisor has not yet confirmed, so the coordinator sees
	// what billing still rests on booked time for.
	Unconfirmed bool
	// Attention keeps only bookings that need the coordinator (attention.go).
	Attention bool
}

// ListBookings returns, ordered by start, the bookings the actor may see that
// match the filter: admins all, managers their workplaces', supervisors their own.
func (s *Service) ListBookings(ctx context.Context, actor *User, f BookingFilter) ([]Booking, error) {
	start, end, err := s.ParseRange(f.From, f.To)
	if err != nil {
		return nil, err
	}
	if f.Status != "" && !oneOf(f.Status, []string{StatusConfirmed, StatusCancelled}) {
		return nil, (&Problems{{Field: "status", Key: "status", Message: "must be confirmed or cancelled"}}).Err()
	}
	q := s.store.Read(ctx).Where("start_at < ? AND end_at > ?", end.UTC(), start.UTC())
	switch {
	case actor.IsAdmin():
	case actor.Role == RoleManager:
		q = q.Where("workplace_id IN ?", append([]int64{0}, actor.WorkplaceIDs...))
	case actor.Role == RoleSupervisor && actor.SupervisorID != nil:
		q = q.Where("supervisor_id = ?", *actor.SupervisorID)
	default:
		return []Booking{}, nil
	}
	if f.SupervisorID != nil {
		q = q.Where("supervisor_id = ?", *f.SupervisorID)
	}
	if f.WorkplaceID != nil {
		q = q.Where("workplace_id = ?", *f.WorkplaceID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Unconfirmed {
		q = q.Where("status = ? AND end_at <= ? AND NOT EXISTS (SELECT 1 FROM booking_confirmations c WHERE c.booking_id = bookings.id)",
			StatusConfirmed, s.now().UTC())
	}
	list := []Booking{}
	if err := q.Order("start_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	ptrs := make([]*Booking, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	if err := loadFollowups(s.store.Read(ctx), ptrs); err != nil {
		return nil, err
	}
	if err := loadConfirmations(s.store.Read(ctx), ptrs); err != nil {
		return nil, err
	}
	if err := s.fillAttention(s.store.Read(ctx), ptrs); err != nil {
		return nil, err
	}
	if f.Attention {
		list = slices.DeleteFunc(list, func(b Booking) bool { return len(b.Attention) == 0 })
	}
	return list, nil
}

// UpdateBooking moves or edits a confirmed booking; every rule is checked again
// and the sequence raised.
func (s *Service) UpdateBooking(ctx context.Context, actor *User, id int64, in BookingPatch) (*Booking, error) {
	if actor == nil || (!actor.IsAdmin() && actor.Role != RoleManager && actor.Role != RoleSupervisor) {
		return nil, errForbidden("you may not change bookings")
	}
	if (in.Overriding || len(in.Override) > 0) && !actor.IsAdmin() {
		return nil, errForbidden("only coordinators may override the booking rules")
	}
	old, err := s.Booking(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if old.Status != StatusConfirmed {
		return nil, (&Problems{{Field: "status", Key: "already_cancelled", Message: "a cancelled booking cannot be changed"}}).Err()
	}
	b := *old
	var p Problems
	applyPatch(&p, &b, in)
	if in.WorkplaceID != nil && actor.Role == RoleManager && !actor.Manages(*in.WorkplaceID) {
		return nil, errForbidden("you may book only for your own workplaces")
	}
	if actor.Role == RoleSupervisor && in.SupervisorID != nil && !actor.Is(*in.SupervisorID) {
		return nil, errForbidden("a supervisor may not hand a booking to someone else")
	}
	if actor.Role == RoleSupervisor && in.WorkplaceID != nil && *in.WorkplaceID != old.WorkplaceID {
		// The workplace's managers book for it: a supervisor may not put a booking in another workplace's calendar.
		return nil, errForbidden("a supervisor may not move a booking to another workplace")
	}
	if err := s.validate(ctx, actor, &b, true, in.Override, p); err != nil {
		return nil, err
	}
	now := s.now()
	b.Sequence++
	b.UpdatedAt = now
	var violations []Violation
	// Both supervisors' locks: the one it leaves serialises concurrent changes of
	// this booking (the sequence check below then refuses the later one), the one
	// it goes to guards the rules.
	err = s.store.writeFor(ctx, []int64{old.SupervisorID, b.SupervisorID}, func(tx *gorm.DB) error {
		cur, err := bookingByID(tx, id)
		if err != nil {
			return err
		}
		if cur.Sequence != old.Sequence || cur.Status != StatusConfirmed {
			return &Error{Code: CodeConflict, Message: "the booking was changed by someone else; reload it and try again"}
		}
		scheds, err := s.loadSchedules(tx, []int64{b.SupervisorID}, b.Start, b.End, b.ID)
		if err != nil {
			return err
		}
		violations = s.rules().check(b.slot(), scheds[b.SupervisorID], true, in.Override)
		if len(violations) > 0 {
			return errConflict
		}
		if err := tx.Save(&b).Error; err != nil {
			return err
		}
		if err := noteFeedsLeft(tx, old, &b, now); err != nil {
			return err
		}
		return logEvent(tx, &b, EventChanged, actor, now, map[string]any{"before": old.snapshot(), "after": b.snapshot()})
	})
	if errors.Is(err, errConflict) {
		return nil, s.conflict(ctx, actor, &b, true, violations)
	}
	if err != nil {
		return nil, fmt.Errorf("update booking %d: %w", id, err)
	}
	// What it needed before the change (copied with old) may be gone now.
	if err := s.fillAttention(s.store.Read(ctx), []*Booking{&b}); err != nil {
		return nil, err
	}
	return &b, nil
}

func applyPatch(p *Problems, b *Booking, in BookingPatch) {
	if in.SupervisorID != nil {
		b.SupervisorID = *in.SupervisorID
	}
	if in.WorkplaceID != nil {
		b.WorkplaceID = *in.WorkplaceID
	}
	if in.Language != nil {
		b.Language = *in.Language
	}
	if in.Area != nil {
		b.Area = *in.Area
	}
	if in.Mode != nil {
		b.Mode = *in.Mode
		if *in.Mode != "video" && in.MeetingURL == nil {
			b.MeetingURL = nil
		}
	}
	if in.MeetingURL != nil {
		b.MeetingURL = in.MeetingURL
	}
	if in.Start != nil {
		b.Start = ParseTime(p, "start", *in.Start)
	}
	if in.End != nil {
		b.End = ParseTime(p, "end", *in.End)
	}
	if in.Purpose != nil {
		b.Purpose = *in.Purpose
	}
	if in.ParticipantsExpected != nil {
		b.ParticipantsExpected = *in.ParticipantsExpected
	}
	if in.Notes != nil {
		b.Notes = *in.Notes
	}
}

// CancelBooking cancels a booking with a reason; it is kept, never deleted.
func (s *Service) CancelBooking(ctx context.Context, actor *User, id int64, code, reason string) (*Booking, error) {
	if !actor.IsAdmin() && (actor == nil || actor.Role != RoleManager) {
		return nil, errForbidden("only coordinators and the booking's managers may cancel it")
	}
	var p Problems
	if !oneOf(code, CancelReasons) {
		p.Add("reason_code", "reason_code", "must be one of %s", strings.Join(CancelReasons, ", "))
	}
	CheckText(&p, "reason", reason, 2000, code == "other")
	var b *Booking
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		var err error
		if b, err = bookingByID(tx, id); err != nil {
			return err
		}
		if !canSee(actor, b) {
			return errNotFound("booking")
		}
		switch {
		case b.Status == StatusCancelled:
			p.Add("status", "already_cancelled", "the booking is already cancelled")
		case !b.End.After(s.now()):
			p.Add("status", "timing", "the session is over; record what happened instead of cancelling it")
		}
		if err := p.Err(); err != nil {
			return err
		}
		now := s.now()
		b.Status, b.CancelReasonCode, b.CancelReason = StatusCancelled, &code, &reason
		b.CancelledAt, b.CancelledBy, b.UpdatedAt = &now, &actor.ID, now
		b.Sequence++
		if err := tx.Save(b).Error; err != nil {
			return err
		}
		return logEvent(tx, b, EventCancelled, actor, now, map[string]any{"reason_code": code, "reason": reason,
			"late": s.IsLateCancel(b, now)})
	})
	if err != nil {
		return nil, fmt.Errorf("cancel booking %d: %w", id, err)
	}
	return b, nil
}

// IsLateCancel reports whether cancelling b at t is late: closer to the start
// than the configured notice for its mode (exactly the notice is in time).
func (s *Service) IsLateCancel(b *Booking, t time.Time) bool { return s.lateCancel(b, t) }

func (s *Service) lateCancel(b *Booking, t time.Time) bool {
	notice := s.cfg.LateCancel
	if b.Mode != "on_site" {
		notice = s.cfg.LateCancelRemote
	}
	return b.Start.Sub(t) < notice
}

// Events returns a booking's event log, oldest first.
func (s *Service) Events(ctx context.Context, actor *User, bookingID int64) ([]Event, error) {
	if _, err := s.Booking(ctx, actor, bookingID); err != nil {
		return nil, err
	}
	list := []Event{}
	if err := s.store.Read(ctx).Where("booking_id = ?", bookingID).Order("id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("events of booking %d: %w", bookingID, err)
	}
	return list, nil
}
