// Package request is what a manager leaves when no free time fits: a wish for
// a session somewhere in a window (earliest..latest), which a coordinator
// fills with a booking or declines with a reason, or which the manager
// withdraws. An open request whose latest has passed has expired. Requests
// are demand, so they are never deleted.
//
// It sits beside the core: it books through booking.Service (CreateBookingWith,
// so that the booking and the filled request are one transaction) and finds
// who could take a request with the search for free times (booking/search).
package request

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
	"github.com/sprakpool/sprakpool/booking/search"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Statuses of a request.
const (
	StatusOpen      = "open"
	StatusFilled    = "filled"
	StatusDeclined  = "declined"
	StatusWithdrawn = "withdrawn"
	StatusExpired   = "expired"
)

// Statuses lists them in the contract's order.
var Statuses = []string{StatusOpen, StatusFilled, StatusDeclined, StatusWithdrawn, StatusExpired}

// MaxWindowDays is how far apart earliest and latest may be, in days of the pool's zone.
const MaxWindowDays = 60

// MaxCandidates is how many proposals an open request shows.
const MaxCandidates = 5

// candidateChunkDays is how many days of free times are searched at once for
// candidates: most requests find theirs in the first days, and a search of the
// whole window (60 days) would read every candidate's bookings of two months.
const candidateChunkDays = 14

// Request is a manager's wish for a session in a window.
type Request struct {
	ID                   int64
	WorkplaceID          int64
	Language             string
	Area                 string
	Mode                 string
	MeetingURL           *string
	Purpose              string
	ParticipantsExpected int
	Notes                string
	DurationMinutes      int
	Earliest             time.Time `gorm:"column:earliest_at"`
	Latest               time.Time `gorm:"column:latest_at"`
	// Status is as the contract shows it: an open request whose latest has
	// passed reads expired, whether or not ExpireRequests has stored that yet.
	Status        string
	BookingID     *int64
	DeclineReason *string
	CreatedBy     *int64
	// ClosedBy and ClosedAt say who filled, declined or withdrew it, and when
	// (for an expired one: its latest); the demand report's hours to fill.
	ClosedBy  *int64
	ClosedAt  *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	// Candidates are, for an open request read with Get, up to five
	// supervisors and times that could be booked now within its window.
	Candidates []Candidate `gorm:"-"`
}

// TableName keeps gorm on the schema's name.
func (Request) TableName() string { return "requests" }

// Candidate is a supervisor who could take the request at a time.
type Candidate struct {
	SupervisorID int64
	Start, End   time.Time
}

// Input makes a request. Earliest and Latest are RFC 3339 with an offset.
type Input struct {
	WorkplaceID          int64
	Language             string
	Area                 string // default: the workplace's kind
	Mode                 string // default: on_site
	MeetingURL           *string
	Purpose              string
	ParticipantsExpected int
	Notes                string
	DurationMinutes      int
	Earliest, Latest     string
}

// FillInput fills a request with a booking of the supervisor at Start..End
// (RFC 3339), inside the request's window; Override as for a booking.
type FillInput struct {
	SupervisorID int64
	Start, End   string
	Override     []string
	Overriding   bool
}

// Service keeps the requests, on the pool's database and clock.
type Service struct {
	svc    *booking.Service
	db     *sqldb.DB
	search *search.Service
}

// New is the request service of the pool svc.
func New(svc *booking.Service) *Service {
	return &Service{svc: svc, db: svc.DB(), search: search.New(svc)}
}

func (s *Service) now() time.Time { return s.svc.Clock() }

// userID is the actor as a reference to users, nil for one that is no stored
// user (a tool's or a test's stand-in).
func userID(actor *booking.User) *int64 {
	if actor == nil || actor.ID == 0 {
		return nil
	}
	id := actor.ID
	return &id
}

func forbidden(msg string) error { return &booking.Error{Code: booking.CodeForbidden, Message: msg} }

func notFound() error {
	return &booking.Error{Code: booking.CodeNotFound, Message: "request not found"}
}

// notOpen is the conflict of a change to a request that is no longer open.
func notOpen(status string) error {
	return &booking.Error{Code: booking.CodeConflict, Message: "the request is " + status + ", no longer open"}
}

// mayRead: coordinators and managers work with requests; supervisors never do.
func mayRead(actor *booking.User) error {
	if actor.IsAdmin() || (actor != nil && actor.Role == booking.RoleManager) {
		return nil
	}
	return forbidden("only coordinators and managers work with requests")
}

// visible reports whether actor may see r: admins all, managers their workplaces'.
func visible(actor *booking.User, r *Request) bool {
	return actor.IsAdmin() || actor.Manages(r.WorkplaceID)
}

// effective sets Status as the contract shows it at now.
func (r *Request) effective(now time.Time) {
	if r.Status == StatusOpen && !r.Latest.After(now) {
		r.Status = StatusExpired
	}
}

// Create records a request: coordinators for any workplace, managers for their own.
// Every active coordinator is mailed of it, in the same transaction.
func (s *Service) Create(ctx context.Context, actor *booking.User, in Input) (*Request, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	if !actor.IsAdmin() && in.WorkplaceID != 0 && !actor.Manages(in.WorkplaceID) {
		return nil, forbidden("you may make requests only for your own workplaces")
	}
	now := s.now()
	r := &Request{WorkplaceID: in.WorkplaceID, Language: in.Language, Area: in.Area, Mode: in.Mode,
		MeetingURL: in.MeetingURL, Purpose: in.Purpose, ParticipantsExpected: in.ParticipantsExpected,
		Notes: in.Notes, DurationMinutes: in.DurationMinutes, Status: StatusOpen,
		CreatedBy: userID(actor), CreatedAt: now, UpdatedAt: now}
	if err := s.validate(ctx, actor, r, in, now); err != nil {
		return nil, err
	}
	if err := s.db.WriteRows(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		return s.planMail(tx, KindMade, r, nil)
	}); err != nil {
		return nil, fmt.Errorf("create request: %w", err)
	}
	return r, nil
}

func (s *Service) validate(ctx context.Context, actor *booking.User, r *Request, in Input, now time.Time) error {
	var p booking.Problems
	if r.WorkplaceID == 0 {
		p.Add("workplace_id", "required", "is required")
	} else if w, err := s.svc.Workplace(ctx, actor, r.WorkplaceID); err != nil {
		if booking.ErrorCode(err) != booking.CodeNotFound {
			return err
		}
		p.Add("workplace_id", "no_workplace", "there is no workplace %d", r.WorkplaceID)
	} else if !w.Active {
		p.Add("workplace_id", "workplace_inactive", "the workplace %q is no longer active", w.Name)
	} else if r.Area == "" {
		r.Area = w.Kind
	}
	if _, ok := vocab.LanguageByCode(r.Language); !ok {
		p.Add("language", "choose_language", "unknown language %q; use an ISO 639 code such as ar or so", r.Language)
	}
	if r.Area != "" && !slices.Contains(booking.Areas, r.Area) {
		p.Add("area", "area", "must be one of %s", strings.Join(booking.Areas, ", "))
	}
	booking.CheckMode(&p, &r.Mode, &r.MeetingURL)
	booking.CheckSession(&p, r.Purpose, r.ParticipantsExpected, r.Notes)
	search.CheckSessionLength(&p, "duration_minutes", r.DurationMinutes)
	earliest := booking.ParseTime(&p, "earliest", in.Earliest)
	latest := booking.ParseTime(&p, "latest", in.Latest)
	if !earliest.IsZero() && !latest.IsZero() {
		r.Earliest, r.Latest = earliest.UTC().Truncate(time.Second), latest.UTC().Truncate(time.Second)
		loc := s.svc.Config().Location
		length := time.Duration(r.DurationMinutes) * time.Minute
		switch {
		case !r.Latest.After(now):
			p.Add("latest", "window_past", "has passed; the window must end in the future")
		case r.Latest.Sub(r.Earliest) < length && r.DurationMinutes > 0:
			p.Add("latest", "window_short", "the window from earliest to latest must hold the session's %d minutes", r.DurationMinutes)
		case r.Latest.After(r.Earliest.In(loc).AddDate(0, 0, MaxWindowDays)):
			p.Add("latest", "window_long", "must be at most %d days after earliest", MaxWindowDays)
		}
	}
	return p.Err()
}

// List returns the requests the actor may see, oldest first: coordinators all,
// managers their workplaces'. status, when given, keeps those with that status
// as the contract shows it (an open request whose latest has passed is expired).
func (s *Service) List(ctx context.Context, actor *booking.User, status string) ([]Request, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	now := s.now()
	q := s.db.Read(ctx)
	switch status {
	case "":
	case StatusOpen:
		q = q.Where("status = ? AND latest_at > ?", StatusOpen, now)
	case StatusExpired:
		q = q.Where("status = ? OR (status = ? AND latest_at <= ?)", StatusExpired, StatusOpen, now)
	case StatusFilled, StatusDeclined, StatusWithdrawn:
		q = q.Where("status = ?", status)
	default:
		p := booking.Problems{}
		p.Add("status", "request_status", "must be one of %s", strings.Join(Statuses, ", "))
		return nil, p.Err()
	}
	if !actor.IsAdmin() {
		q = q.Where("workplace_id IN ?", append([]int64{0}, actor.WorkplaceIDs...))
	}
	list := []Request{}
	if err := q.Order("created_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	for i := range list {
		list[i].normalize()
		list[i].effective(now)
	}
	return list, nil
}

// normalize puts the times read back in UTC, as they were written.
func (r *Request) normalize() {
	r.Earliest, r.Latest = r.Earliest.UTC(), r.Latest.UTC()
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	if r.ClosedAt != nil {
		t := r.ClosedAt.UTC()
		r.ClosedAt = &t
	}
}

// Get returns one request the actor may see (not found otherwise), with its
// candidates while it is open.
func (s *Service) Get(ctx context.Context, actor *booking.User, id int64) (*Request, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	r, err := s.byID(s.db.Read(ctx), id)
	if err != nil {
		return nil, err
	}
	if !visible(actor, r) {
		return nil, notFound()
	}
	r.effective(s.now())
	r.Candidates = []Candidate{}
	if r.Status == StatusOpen {
		if r.Candidates, err = s.Candidates(ctx, actor, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (s *Service) byID(db *gorm.DB, id int64) (*Request, error) {
	var r Request
	err := db.First(&r, id).Error
	if sqldb.IsNotFound(err) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("request %d: %w", id, err)
	}
	r.normalize()
	return &r, nil
}

// Candidates finds up to five supervisors and times that could be booked now
// for the request, inside its window, through the pool's free times: in time
// order, each supervisor at most once a day, so that the coordinator chooses
// between people and days rather than between quarter hours of one morning.
func (s *Service) Candidates(ctx context.Context, actor *booking.User, r *Request) ([]Candidate, error) {
	out := []Candidate{}
	loc := s.svc.Config().Location
	length := time.Duration(r.DurationMinutes) * time.Minute
	from := r.Earliest
	if now := s.now(); from.Before(now) {
		from = now
	}
	if r.Latest.Sub(from) < length {
		return out, nil
	}
	first := startOfDay(from, loc)
	last := startOfDay(r.Latest.Add(-length), loc)
	seen := map[string]bool{}
	for day := first; !day.After(last) && len(out) < MaxCandidates; day = day.AddDate(0, 0, candidateChunkDays) {
		until := day.AddDate(0, 0, candidateChunkDays-1)
		if until.After(last) {
			until = last
		}
		wp := r.WorkplaceID
		slots, err := s.search.Slots(ctx, actor, search.SlotQuery{Language: r.Language, Area: r.Area, Mode: r.Mode,
			WorkplaceID: &wp, DurationMinutes: r.DurationMinutes,
			From: day.Format(time.DateOnly), To: until.Format(time.DateOnly)})
		if booking.ErrorCode(err) == booking.CodeInvalid {
			return out, nil // the workplace was deactivated, say: nothing can be booked
		}
		if err != nil {
			return nil, fmt.Errorf("candidates for request %d: %w", r.ID, err)
		}
		for _, sl := range slots {
			if sl.Start.Before(r.Earliest) || sl.End.After(r.Latest) {
				continue
			}
			date := sl.Start.In(loc).Format(time.DateOnly)
			for _, id := range sl.SupervisorIDs {
				key := fmt.Sprintf("%d %s", id, date)
				if seen[key] || len(out) == MaxCandidates {
					continue
				}
				seen[key] = true
				out = append(out, Candidate{SupervisorID: id, Start: sl.Start, End: sl.End})
			}
		}
	}
	return out, nil
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Fill books the supervisor for the request (coordinators only) and marks the
// request filled with its booking, in the booking's own transaction: of any
// number of fills of one request at once, exactly one books. The booking rules
// and their conflict apply; a request that is not open is a conflict; a time
// outside its window is invalid. The request's managers are mailed that it
// was filled (besides the booking's own mail), in the same transaction.
func (s *Service) Fill(ctx context.Context, actor *booking.User, id int64, in FillInput) (*booking.Booking, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators fill requests")
	}
	r, err := s.byID(s.db.Read(ctx), id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if r.effective(now); r.Status != StatusOpen {
		return nil, notOpen(r.Status)
	}
	var p booking.Problems
	start := booking.ParseTime(&p, "start", in.Start)
	end := booking.ParseTime(&p, "end", in.End)
	if in.SupervisorID == 0 {
		p.Add("supervisor_id", "required", "is required: choose who takes the request")
	}
	if !start.IsZero() && start.Before(r.Earliest) {
		p.Add("start", "outside_window", "must lie inside the request's window, not before %s", r.Earliest.In(s.svc.Config().Location).Format(time.RFC3339))
	}
	if !end.IsZero() && end.After(r.Latest) {
		p.Add("end", "outside_window", "must lie inside the request's window, not after %s", r.Latest.In(s.svc.Config().Location).Format(time.RFC3339))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	sv := in.SupervisorID
	bin := booking.BookingInput{SupervisorID: &sv, WorkplaceID: r.WorkplaceID, Language: r.Language, Area: r.Area,
		Mode: r.Mode, MeetingURL: r.MeetingURL, Start: in.Start, End: in.End, Purpose: r.Purpose,
		ParticipantsExpected: r.ParticipantsExpected, Notes: r.Notes, Override: in.Override, Overriding: in.Overriding}
	b, err := s.svc.CreateBookingWith(ctx, actor, bin, func(tx *gorm.DB, b *booking.Booking) error {
		if err := s.close(tx, r.ID, StatusFilled, now, map[string]any{"booking_id": b.ID, "closed_by": userID(actor)}); err != nil {
			return err
		}
		return s.planMail(tx, KindFilled, r, func(p *MailPayload) error {
			p.BookingID, p.Start, p.End = b.ID, b.Start.UTC(), b.End.UTC()
			return tx.Table("supervisors").Select("name").Where("id = ?", b.SupervisorID).Scan(&p.Supervisor).Error
		})
	})
	if err != nil {
		return nil, fmt.Errorf("fill request %d: %w", id, err)
	}
	return b, nil
}

// close moves an open request whose latest has not passed to status, with
// the other columns set, in tx. The condition is in the UPDATE itself, so of
// concurrent changes exactly one finds the request open (PostgreSQL re-reads
// the row after the first commits; SQLite writes one at a time); the others
// get the conflict.
func (s *Service) close(tx *gorm.DB, id int64, status string, now time.Time, set map[string]any) error {
	set["status"], set["closed_at"], set["updated_at"] = status, now, now
	res := tx.Model(&Request{}).Where("id = ? AND status = ? AND latest_at > ?", id, StatusOpen, now).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("%s request %d: %w", status, id, res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	cur, err := s.byID(tx, id)
	if err != nil {
		return err
	}
	cur.effective(now)
	return notOpen(cur.Status)
}

// Decline closes an open request with a reason the managers are shown
// (coordinators only); the request's managers are mailed the reason, in the
// same transaction.
func (s *Service) Decline(ctx context.Context, actor *booking.User, id int64, reason string) (*Request, error) {
	if !actor.IsAdmin() {
		return nil, forbidden("only coordinators decline requests")
	}
	return s.change(ctx, actor, id, StatusDeclined, func(p *booking.Problems) map[string]any {
		booking.CheckText(p, "reason", reason, 2000, true)
		return map[string]any{"decline_reason": strings.TrimSpace(reason), "closed_by": userID(actor)}
	}, func(tx *gorm.DB, r *Request) error {
		return s.planMail(tx, KindDeclined, r, func(p *MailPayload) error {
			if r.DeclineReason != nil {
				p.Reason = *r.DeclineReason
			}
			return nil
		})
	})
}

// Withdraw closes an open request on behalf of the workplace (coordinators
// and the request's managers).
func (s *Service) Withdraw(ctx context.Context, actor *booking.User, id int64) (*Request, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, id, StatusWithdrawn, func(*booking.Problems) map[string]any {
		return map[string]any{"closed_by": userID(actor)}
	}, nil)
}

// change closes a request the actor may see: not found, then not open, then
// the body's problems (from set), in that order; after, when given, runs in
// the same transaction with the changed request (its mail).
func (s *Service) change(ctx context.Context, actor *booking.User, id int64, status string, set func(*booking.Problems) map[string]any,
	after func(*gorm.DB, *Request) error) (*Request, error) {
	var out *Request
	err := s.db.WriteRows(ctx, func(tx *gorm.DB) error {
		r, err := s.byID(s.db.ForUpdate(tx), id)
		if err != nil {
			return err
		}
		if !visible(actor, r) {
			return notFound()
		}
		now := s.now()
		if r.effective(now); r.Status != StatusOpen {
			return notOpen(r.Status)
		}
		var p booking.Problems
		cols := set(&p)
		if err := p.Err(); err != nil {
			return err
		}
		if err := s.close(tx, id, status, now, cols); err != nil {
			return err
		}
		if out, err = s.byID(tx, id); err != nil {
			return err
		}
		if after != nil {
			return after(tx, out)
		}
		return nil
	})
	var be *booking.Error
	if errors.As(err, &be) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%s request %d: %w", status, id, err)
	}
	return out, nil
}

// ExpireRequests stores as expired every open request whose latest is at or
// before at, and returns how many: reads show them expired anyway, this keeps
// the table saying so for the demand report and anyone reading it directly.
// TODO(issue 14): run it as a scheduled job (notify), with jobs run expire-requests.
func (s *Service) ExpireRequests(ctx context.Context, at time.Time) (int64, error) {
	var n int64
	err := s.db.WriteRows(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Request{}).Where("status = ? AND latest_at <= ?", StatusOpen, at.UTC()).
			Updates(map[string]any{"status": StatusExpired, "closed_at": gorm.Expr("latest_at"), "updated_at": at.UTC()})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("expire requests: %w", err)
	}
	return n, nil
}

// UnmetAttempts lists, for coordinators, the unmet attempts that start on the
// dates from..to (both included), ordered by start: the demand report reads them.
func (s *Service) UnmetAttempts(ctx context.Context, actor *booking.User, from, to string) ([]booking.UnmetAttempt, error) {
	if !actor.IsAdmin() {
		return nil, &booking.Error{Code: booking.CodeForbidden, Message: "only coordinators see the unmet demand"}
	}
	start, end, err := s.svc.ParseRange(from, to)
	if err != nil {
		return nil, err
	}
	list := []booking.UnmetAttempt{}
	if err := s.db.Read(ctx).Where("start_at >= ? AND start_at < ?", start.UTC(), end.UTC()).
		Order("start_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list unmet attempts: %w", err)
	}
	return list, nil
}
