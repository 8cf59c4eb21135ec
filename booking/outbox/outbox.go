// Package outbox is what Språkpool sends, whatever the channel (e-mail now):
// one message (booking.Message) per address, kind and key, written in the same
// transaction as what it tells of. It plans the messages of booking changes
// and of the clock (reminders, day plans, follow-up requests, confirmation
// reminders, monthly reports), each once, however often and in however many
// processes the jobs run; and it hands due messages to the senders in notify
// with a lease, records each result and retries with a backoff, so that every
// message goes out once even when a server is down for a while. Wall-clock
// times (07:00 day plans, 06:00 on the 1st) are computed in the pool's zone,
// so DST days neither skip nor repeat them.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/account"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// Service plans, claims and records the outbox's messages, on the booking
// service's database and clock.
type Service struct {
	svc   *booking.Service
	store *sqldb.DB
	// cfg is the pool's configuration: its zone.
	cfg booking.Config
	// sms: the pool has an SMS gateway, so SMS are planned beside mail (sms.go).
	sms bool
}

// New is the outbox of the pool svc.
func New(svc *booking.Service) *Service {
	return &Service{svc: svc, store: svc.DB(), cfg: svc.Config()}
}

// now is the service's clock, in UTC.
func (s *Service) now() time.Time { return s.svc.Clock() }

// Kinds of message. A booking_removed message goes to whoever a change took off
// a booking: the supervisor replaced by another, the managers of the workplace
// it left. Invitations and password resets are written by the core, in the
// transaction that makes their link; their kinds are the links' kinds.
const (
	KindBookingConfirmed = "booking_confirmed"
	KindBookingChanged   = "booking_changed"
	KindBookingCancelled = "booking_cancelled"
	KindBookingRemoved   = "booking_removed"
	KindReminder         = "reminder"
	KindDayplan          = "dayplan"
	KindFollowupRequest  = "followup_request"
	KindMonthlyReport    = "monthly_report"
	// A series made, or cancelled from a date: one message per person, with
	// the series' recurring event.
	KindSeriesMade      = "series_made"
	KindSeriesCancelled = "series_cancelled"
	KindInvite          = account.TokenInvite
	KindPasswordReset   = account.TokenPasswordReset
	// KindAttention lists, for a coordinator, the bookings a change left
	// without a supervisor; the core writes it with the change.
	KindAttention = booking.KindAttention
)

// RetryWindow is how long a message is retried after it was due before it is
// marked failed and shown to the coordinator.
const RetryWindow = 24 * time.Hour

// RetryDelay is the wait after the attempt-th failed attempt: one minute, doubling
// each time, at most two hours.
func RetryDelay(attempt int) time.Duration {
	d := time.Minute
	for i := 1; i < attempt && d < 2*time.Hour; i++ {
		d *= 2
	}
	return min(d, 2*time.Hour)
}

// Input queues one e-mail message; Key makes it idempotent.
type Input struct {
	Key, Kind, Recipient string
	UserID               *int64
	BookingID            *int64
	Payload              map[string]any
	// Due is when it may go out; zero means now.
	Due time.Time
}

// Queue puts one e-mail message into the outbox unless one with the same key
// is there already.
func (s *Service) Queue(ctx context.Context, m Input) error {
	var p booking.Problems
	booking.CheckText(&p, "key", m.Key, 500, true)
	booking.CheckText(&p, "kind", m.Kind, 100, true)
	booking.CheckEmail(&p, "recipient", strings.TrimSpace(m.Recipient))
	if err := p.Err(); err != nil {
		return err
	}
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return fmt.Errorf("queue mail %s: %w", m.Key, err)
	}
	row := &booking.Message{Key: m.Key, Kind: m.Kind, Recipient: strings.TrimSpace(m.Recipient), UserID: m.UserID,
		BookingID: m.BookingID, Payload: string(payload), DueAt: m.Due}
	err = s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		_, err := s.svc.InsertMessage(tx, row)
		return err
	})
	if err != nil {
		return fmt.Errorf("queue mail %s: %w", m.Key, err)
	}
	return nil
}

// recipient is someone a booking's mail goes to; left marks someone a change
// took off it. phone is set when the user wants SMS reminders; supervisor marks
// the supervisor's own user.
type recipient struct {
	userID     *int64
	email      string
	left       bool
	phone      string
	supervisor bool
}

// bookingRecipients are the supervisor (their users, else the supervisor's own
// address) and the managers of the booking's workplace, each address once.
func bookingRecipients(tx *gorm.DB, b *booking.Booking, managers, supervisor bool) ([]recipient, error) {
	var users []booking.User
	q := tx.Where("active = ?", true)
	managersOf := tx.Table("user_workplaces").Select("user_id").Where("workplace_id = ?", b.WorkplaceID)
	switch {
	case managers && supervisor:
		q = q.Where("(role = ? AND supervisor_id = ?) OR (role = ? AND id IN (?))", booking.RoleSupervisor, b.SupervisorID,
			booking.RoleManager, managersOf)
	case supervisor:
		q = q.Where("role = ? AND supervisor_id = ?", booking.RoleSupervisor, b.SupervisorID)
	default:
		q = q.Where("role = ? AND id IN (?)", booking.RoleManager, managersOf)
	}
	if err := q.Order("id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("recipients of booking %d: %w", b.ID, err)
	}
	seen := map[string]bool{}
	var out []recipient
	hasSupervisorUser := false
	for _, u := range users {
		if u.Role == booking.RoleSupervisor {
			hasSupervisorUser = true
		}
		if e := strings.ToLower(u.Email); !seen[e] {
			seen[e] = true
			r := recipient{userID: &u.ID, email: u.Email, supervisor: u.Role == booking.RoleSupervisor}
			if u.SMSReminders {
				r.phone = u.Phone
			}
			out = append(out, r)
		}
	}
	if supervisor && !hasSupervisorUser {
		var sv booking.Supervisor
		if err := tx.First(&sv, b.SupervisorID).Error; err != nil {
			return nil, fmt.Errorf("supervisor of booking %d: %w", b.ID, err)
		}
		if e := strings.ToLower(sv.Email); e != "" && !seen[e] {
			out = append(out, recipient{email: sv.Email})
		}
	}
	return out, nil
}

// eventKinds maps a booking event to the message it causes.
var eventKinds = map[string]string{
	booking.EventCreated: KindBookingConfirmed, booking.EventChanged: KindBookingChanged, booking.EventCancelled: KindBookingCancelled,
}

// PlanEvents turns booking events not yet planned into outbox rows for the
// supervisor and the booking's managers, and marks the events planned, in one
// transaction: a crash leaves either both or neither. It returns how many rows it added.
func (s *Service) PlanEvents(ctx context.Context) (int, error) {
	added := 0
	for {
		n, more, err := s.planEventBatch(ctx, 200)
		added += n
		if err != nil || !more {
			return added, err
		}
	}
}

func (s *Service) planEventBatch(ctx context.Context, limit int) (added int, more bool, err error) {
	var pending int64
	if err := s.store.Read(ctx).Model(&booking.Event{}).Where("planned_at IS NULL").Limit(1).Count(&pending).Error; err != nil {
		return 0, false, fmt.Errorf("plan event mail: %w", err)
	}
	if pending == 0 {
		return 0, false, nil
	}
	now := s.now()
	err = s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		// Another process planning at once skips these events and takes the next.
		var events []booking.Event
		if err := s.store.SkipLocked(tx.Where("planned_at IS NULL").Order("id").Limit(limit)).Find(&events).Error; err != nil {
			return err
		}
		more = len(events) == limit
		bookings := map[int64]*booking.Booking{}
		for _, e := range events {
			kind, ok := eventKinds[e.Kind]
			if !ok {
				continue
			}
			b := bookings[e.BookingID]
			if b == nil {
				b = &booking.Booking{}
				if err := tx.First(b, e.BookingID).Error; err != nil {
					return fmt.Errorf("booking %d of event %d: %w", e.BookingID, e.ID, err)
				}
				bookings[e.BookingID] = b
			}
			rs, err := eventRecipients(tx, b, e)
			if err != nil {
				return err
			}
			change, err := seriesChangeOf(e)
			if err != nil {
				return err
			}
			for _, r := range rs {
				key := fmt.Sprintf("booking:%d:%s:%d:%s", b.ID, e.Kind, e.Sequence, strings.ToLower(r.email))
				seq := e.Sequence
				kind := kind
				if r.left {
					kind = KindBookingRemoved
				}
				if change != nil {
					// One message per person and series change: every
					// occurrence's event plans the same key, the first wins.
					kind = change.kind
					key = fmt.Sprintf("series:%d:%s:%d:%s", change.SeriesID, change.Change, change.Sequence, strings.ToLower(r.email))
				}
				m := &booking.Message{Key: key, Kind: kind, Recipient: r.email, UserID: r.userID,
					BookingID: &b.ID, Sequence: &seq, Payload: e.Data, DueAt: e.At}
				ok, err := s.svc.InsertMessage(tx, m)
				if err != nil {
					return err
				}
				if ok {
					added++
				}
				if s.sms && r.supervisor && soonAfter(e, b, SMSWindow) {
					if added, err = s.insertSMS(tx, m, r, added); err != nil {
						return err
					}
				}
			}
		}
		ids := make([]int64, len(events))
		for i, e := range events {
			ids[i] = e.ID
		}
		if len(ids) == 0 {
			return nil
		}
		return tx.Model(&booking.Event{}).Where("id IN ?", ids).Update("planned_at", now).Error
	})
	if err != nil {
		return 0, false, fmt.Errorf("plan event mail: %w", err)
	}
	return added, more, nil
}

// seriesChange is what an occurrence's event says of the series change it is part of.
type seriesChange struct {
	SeriesID int64  `json:"series_id"`
	Change   string `json:"series_change"`
	Sequence int    `json:"series_sequence"`
	kind     string
}

// seriesChangeOf reads the series change an event belongs to, nil for a
// booking's own change (an occurrence moved or cancelled alone).
func seriesChangeOf(e booking.Event) (*seriesChange, error) {
	if !strings.Contains(e.Data, `"series_change"`) {
		return nil, nil
	}
	var c seriesChange
	if err := json.Unmarshal([]byte(e.Data), &c); err != nil {
		return nil, fmt.Errorf("event %d: %w", e.ID, err)
	}
	switch c.Change {
	case booking.SeriesMade:
		c.kind = KindSeriesMade
	case booking.SeriesCancelled:
		c.kind = KindSeriesCancelled
	default:
		return nil, nil
	}
	return &c, nil
}

// eventRecipients are the booking's people, and for a change that moved it to
// another supervisor or workplace, also the people it was moved away from,
// marked left: they get a cancellation, not an update.
func eventRecipients(tx *gorm.DB, b *booking.Booking, e booking.Event) ([]recipient, error) {
	rs, err := bookingRecipients(tx, b, true, true)
	if err != nil || e.Kind != booking.EventChanged {
		return rs, err
	}
	var data struct {
		Before struct {
			SupervisorID int64 `json:"supervisor_id"`
			WorkplaceID  int64 `json:"workplace_id"`
		} `json:"before"`
	}
	if err := json.Unmarshal([]byte(e.Data), &data); err != nil {
		return nil, fmt.Errorf("event %d: %w", e.ID, err)
	}
	old := *b
	old.SupervisorID, old.WorkplaceID = data.Before.SupervisorID, data.Before.WorkplaceID
	if old.SupervisorID == 0 || (old.SupervisorID == b.SupervisorID && old.WorkplaceID == b.WorkplaceID) {
		return rs, nil
	}
	before, err := bookingRecipients(tx, &old, old.WorkplaceID != b.WorkplaceID, old.SupervisorID != b.SupervisorID)
	if err != nil {
		return nil, err
	}
	for _, r := range before {
		if !slices.ContainsFunc(rs, func(x recipient) bool { return strings.EqualFold(x.email, r.email) }) {
			r.left = true
			rs = append(rs, r)
		}
	}
	return rs, nil
}

// nextAttempt is when a message planned by a job running as of at, due at due,
// is first tried: at its due time, but never later than now when the job runs
// ahead of the clock (jobs run --at a future time), so what it plans goes out.
func (s *Service) nextAttempt(due, at time.Time) time.Time {
	if due.After(at) {
		return due
	}
	if now := s.now(); due.After(now) {
		return now
	}
	return due
}

// PlanReminders plans, once each, the reminder of every confirmed booking not
// started at at whose reminder (start − lead, an absolute duration) is due by
// at + ahead. Planning ahead lets a reminder wait in the outbox; it is skipped if
// the booking is cancelled or moved before it is sent.
func (s *Service) PlanReminders(ctx context.Context, at time.Time, lead, ahead time.Duration) (int, error) {
	at = at.UTC()
	var list []booking.Booking
	if err := s.store.Read(ctx).Where("status = ? AND start_at > ? AND start_at <= ?", booking.StatusConfirmed, at, at.Add(lead+ahead)).
		Order("start_at, id").Find(&list).Error; err != nil {
		return 0, fmt.Errorf("plan reminders at %s: %w", at, err)
	}
	done, err := s.plannedKeys(ctx, KindReminder, list)
	if err != nil {
		return 0, fmt.Errorf("plan reminders at %s: %w", at, err)
	}
	added := 0
	for i := range list {
		b := &list[i]
		if done[fmt.Sprintf("reminder:%d:%d:", b.ID, b.Start.Unix())] {
			continue // planned on an earlier run: no write lock taken
		}
		due := b.Start.Add(-lead)
		payload := fmt.Sprintf(`{"start":%q}`, b.Start.UTC().Format(time.RFC3339))
		n, err := s.planForBooking(ctx, b, true, true, func(r recipient) *booking.Message {
			key := fmt.Sprintf("reminder:%d:%d:%s", b.ID, b.Start.Unix(), strings.ToLower(r.email))
			return &booking.Message{Key: key, Kind: KindReminder, Recipient: r.email, UserID: r.userID, BookingID: &b.ID,
				Sequence: &b.Sequence, Payload: payload, DueAt: due, NextAttemptAt: s.nextAttempt(due, at)}
		})
		if err != nil {
			return added, fmt.Errorf("plan reminders at %s: %w", at, err)
		}
		added += n
	}
	return added, nil
}

// plannedKeys returns the keys of the mail of a kind already planned for the
// bookings, without their recipient part ("reminder:17:1774854000:"), so a job
// that runs every minute skips what it planned before without taking the write
// lock. It looks at e-mail alone: an SMS is planned in the same transaction as
// the mail it goes beside and has its key, so the mail speaks for both.
func (s *Service) plannedKeys(ctx context.Context, kind string, list []booking.Booking) (map[string]bool, error) {
	done := map[string]bool{}
	if len(list) == 0 {
		return done, nil
	}
	ids := make([]int64, len(list))
	for i, b := range list {
		ids[i] = b.ID
	}
	var keys []string
	if err := s.store.Read(ctx).Model(&booking.Message{}).Where("kind = ? AND channel = ? AND booking_id IN ?", kind, booking.ChannelEmail, ids).Pluck("key", &keys).Error; err != nil {
		return nil, err
	}
	for _, k := range keys {
		if i := strings.LastIndex(k, ":"); i >= 0 {
			done[k[:i+1]] = true
		}
	}
	return done, nil
}

// planForBooking inserts one row per recipient of b in one transaction.
func (s *Service) planForBooking(ctx context.Context, b *booking.Booking, managers, supervisor bool, row func(recipient) *booking.Message) (int, error) {
	added := 0
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		rs, err := bookingRecipients(tx, b, managers, supervisor)
		if err != nil {
			return err
		}
		for _, r := range rs {
			m := row(r)
			ok, err := s.svc.InsertMessage(tx, m)
			if err != nil {
				return err
			}
			if ok {
				added++
			}
			if s.sms && m.Kind == KindReminder {
				if added, err = s.insertSMS(tx, m, r, added); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return added, err
}

// FollowupWindow is how long after a session's end a follow-up request is still planned.
const FollowupWindow = 7 * 24 * time.Hour

// PlanFollowups plans, once per booking and manager, the request to follow up a
// session that ended by at (within FollowupWindow) and has no follow-up yet.
func (s *Service) PlanFollowups(ctx context.Context, at time.Time) (int, error) {
	at = at.UTC()
	var list []booking.Booking
	db := s.store.Read(ctx)
	if err := db.Where("status = ? AND end_at <= ? AND end_at > ? AND id NOT IN (?)", booking.StatusConfirmed, at, at.Add(-FollowupWindow),
		db.Model(&booking.Followup{}).Select("booking_id")).Order("end_at, id").Find(&list).Error; err != nil {
		return 0, fmt.Errorf("plan follow-ups at %s: %w", at, err)
	}
	done, err := s.plannedKeys(ctx, KindFollowupRequest, list)
	if err != nil {
		return 0, fmt.Errorf("plan follow-ups at %s: %w", at, err)
	}
	added := 0
	for i := range list {
		b := &list[i]
		if done[fmt.Sprintf("followup:%d:", b.ID)] {
			continue
		}
		n, err := s.planForBooking(ctx, b, true, false, func(r recipient) *booking.Message {
			key := fmt.Sprintf("followup:%d:%s", b.ID, strings.ToLower(r.email))
			return &booking.Message{Key: key, Kind: KindFollowupRequest, Recipient: r.email, UserID: r.userID, BookingID: &b.ID,
				Sequence: &b.Sequence, DueAt: b.End, NextAttemptAt: s.nextAttempt(b.End, at)}
		})
		if err != nil {
			return added, fmt.Errorf("plan follow-ups at %s: %w", at, err)
		}
		added += n
	}
	return added, nil
}

// DayplanHour is the local hour the supervisors' day plans go out.
const DayplanHour = 7

// PlanDayplans plans, once per supervisor and day, the day plan of the local day
// of at, from DayplanHour:00 local on, for every supervisor with a confirmed
// booking that day. The hour is a wall time in the pool's zone, so DST days
// neither skip nor repeat it.
func (s *Service) PlanDayplans(ctx context.Context, at time.Time) (int, error) {
	day, next := dayOf(at, s.cfg.Location)
	due := time.Date(day.Year(), day.Month(), day.Day(), DayplanHour, 0, 0, 0, s.cfg.Location)
	if at.Before(due) {
		return 0, nil
	}
	date := day.Format(time.DateOnly)
	var list []booking.Booking
	if err := s.store.Read(ctx).Where("status = ? AND start_at >= ? AND start_at < ?", booking.StatusConfirmed, day.UTC(), next.UTC()).
		Order("supervisor_id, start_at").Find(&list).Error; err != nil {
		return 0, fmt.Errorf("plan day plans for %s: %w", date, err)
	}
	added := 0
	for i := range list {
		b := &list[i]
		if i > 0 && list[i-1].SupervisorID == b.SupervisorID {
			continue
		}
		payload := fmt.Sprintf(`{"date":%q,"supervisor_id":%d}`, date, b.SupervisorID)
		n, err := s.planForBooking(ctx, b, false, true, func(r recipient) *booking.Message {
			key := fmt.Sprintf("dayplan:%d:%s:%s", b.SupervisorID, date, strings.ToLower(r.email))
			return &booking.Message{Key: key, Kind: KindDayplan, Recipient: r.email, UserID: r.userID, Payload: payload,
				DueAt: due, NextAttemptAt: s.nextAttempt(due, at)}
		})
		if err != nil {
			return added, fmt.Errorf("plan day plans for %s: %w", date, err)
		}
		added += n
	}
	return added, nil
}

// MonthlyReportHour is the local hour on the 1st the monthly report goes out.
const MonthlyReportHour = 6

// PlanMonthlyReports plans the report of the month before the latest 1st,
// 06:00 local, at or before at: one mail per active coordinator. A job_runs row
// for the month, written in the same transaction, makes it happen once however
// often and in however many processes the job runs.
func (s *Service) PlanMonthlyReports(ctx context.Context, at time.Time) (int, error) {
	l := at.In(s.cfg.Location)
	due := time.Date(l.Year(), l.Month(), 1, MonthlyReportHour, 0, 0, 0, s.cfg.Location)
	if at.Before(due) {
		due = time.Date(l.Year(), l.Month()-1, 1, MonthlyReportHour, 0, 0, 0, s.cfg.Location)
	}
	period := due.AddDate(0, -1, 0).Format("2006-01")
	var done int64
	if err := s.store.Read(ctx).Table("job_runs").Where("job = ? AND period = ?", "monthly-report", period).Count(&done).Error; err != nil {
		return 0, fmt.Errorf("plan monthly report for %s: %w", period, err)
	}
	if done > 0 {
		return 0, nil // the common case, every minute of the month: no write lock taken
	}
	added := 0
	// The job_runs key is the lock: a second process's insert waits for the first
	// one's transaction and then does nothing.
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("INSERT INTO job_runs (job, period, started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			"monthly-report", period, s.now())
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		// Only coordinators who were there when it fell due: a pool set up mid-month
		// does not greet its first coordinator with last month's (empty) report.
		var admins []booking.User
		if err := tx.Where("role = ? AND active = ? AND created_at <= ?", booking.RoleAdmin, true, due.UTC()).Order("id").Find(&admins).Error; err != nil {
			return err
		}
		payload := fmt.Sprintf(`{"month":%q}`, period)
		for _, u := range admins {
			key := fmt.Sprintf("monthly_report:%s:%d", period, u.ID)
			ok, err := s.svc.InsertMessage(tx, &booking.Message{Key: key, Kind: KindMonthlyReport, Recipient: u.Email, UserID: &u.ID,
				Payload: payload, DueAt: due, NextAttemptAt: s.nextAttempt(due, at)})
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("plan monthly report for %s: %w", period, err)
	}
	return added, nil
}

// ClaimJobTick reports whether this process runs the scheduled job for the
// minute of tick: the first process of the cluster to ask for that minute gets
// true, every later one false, so each minute's run happens once in the cluster.
// It keeps one job_runs row per job (period "tick") holding the last minute run,
// so the table does not grow by a row a minute. What the jobs plan has unique
// keys as well; this spares the other processes the redundant work.
func (s *Service) ClaimJobTick(ctx context.Context, job string, tick time.Time) (bool, error) {
	minute := tick.UTC().Truncate(time.Minute)
	won := false
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		// On PostgreSQL a second process's upsert waits for the first one's row
		// lock, then sees the minute already taken: the WHERE makes it a no-op.
		res := tx.Exec(`INSERT INTO job_runs (job, period, started_at) VALUES (?, 'tick', ?)
			ON CONFLICT (job, period) DO UPDATE SET started_at = excluded.started_at
			WHERE job_runs.started_at < excluded.started_at`, "tick:"+job, minute)
		won = res.RowsAffected > 0
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("claim job %s for %s: %w", job, minute.Format(time.RFC3339), err)
	}
	return won, nil
}

// Claim takes up to limit messages due at at for sending, each with a lease
// until at + lease: another process (or a later run of this one) takes a message
// only when it is pending and due, or its lease ran out. A reminder or follow-up
// request that no longer fits its booking (cancelled, moved, already followed
// up) is marked skipped instead of claimed.
func (s *Service) Claim(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]booking.Message, error) {
	at = at.UTC()
	var claimed []booking.Message
	due := "(status = ? AND next_attempt_at <= ?) OR (status = ? AND claimed_until <= ?)"
	var n int64
	if err := s.store.Read(ctx).Model(&booking.Message{}).Where(due, booking.MessagePending, at, booking.MessageSending, at).Limit(1).Count(&n).Error; err != nil || n == 0 {
		if err != nil {
			return nil, fmt.Errorf("claim mail: %w", err)
		}
		return nil, nil
	}
	// On PostgreSQL the rows are claimed with FOR UPDATE SKIP LOCKED: processes
	// claiming at once get disjoint batches and wait for neither each other nor
	// the bookings' write lock; the status and lease written here keep them apart
	// once this transaction commits.
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		var rows []booking.Message
		q := tx.Where(due, booking.MessagePending, at, booking.MessageSending, at).Order("next_attempt_at, id").Limit(limit)
		if err := s.store.SkipLocked(q).Find(&rows).Error; err != nil {
			return err
		}
		until := at.Add(lease)
		for i := range rows {
			m := &rows[i]
			why, err := s.stale(tx, m)
			if err != nil {
				return err
			}
			if why != "" {
				if err := tx.Model(m).Updates(map[string]any{"status": booking.MessageSkipped, "last_error": why, "claimed_until": nil}).Error; err != nil {
					return err
				}
				continue
			}
			m.Status, m.ClaimedUntil, m.Attempts = booking.MessageSending, &until, m.Attempts+1
			if err := tx.Model(m).Updates(map[string]any{"status": m.Status, "claimed_until": until, "attempts": m.Attempts}).Error; err != nil {
				return err
			}
			claimed = append(claimed, *m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	if err := s.addRecipientUsers(ctx, claimed); err != nil {
		return nil, err
	}
	return claimed, nil
}

// stale says why a planned message no longer fits its booking, or "".
func (s *Service) stale(tx *gorm.DB, m *booking.Message) (string, error) {
	if m.BookingID == nil || (m.Kind != KindReminder && m.Kind != KindFollowupRequest) {
		return "", nil
	}
	b, err := s.svc.BookingTx(tx, *m.BookingID)
	if err != nil {
		return "", err
	}
	switch {
	case b.Status != booking.StatusConfirmed:
		return "the booking was cancelled", nil
	case m.Kind == KindReminder:
		// Given to another supervisor or workplace since: the people it left
		// had their cancellation and get no reminder.
		rs, err := bookingRecipients(tx, b, true, true)
		if err != nil {
			return "", err
		}
		if m.Channel == booking.ChannelSMS {
			if why, err := s.staleSMS(tx, m, rs); why != "" || err != nil {
				return why, err
			}
		} else if !slices.ContainsFunc(rs, func(r recipient) bool { return strings.EqualFold(r.email, m.Recipient) }) {
			return "the booking was given to someone else", nil
		}
		var p struct{ Start time.Time }
		if err := json.Unmarshal([]byte(m.Payload), &p); err != nil {
			return "", fmt.Errorf("payload of mail %d: %w", m.ID, err)
		}
		if !p.Start.Equal(b.Start) {
			return "the booking was moved", nil
		}
	case b.Followup != nil:
		return "the follow-up was given", nil
	}
	return "", nil
}

func (s *Service) addRecipientUsers(ctx context.Context, list []booking.Message) error {
	for i := range list {
		m := &list[i]
		m.Locale = "sv"
		if m.UserID == nil {
			continue
		}
		var u booking.User
		err := s.store.Read(ctx).Select("name", "locale").First(&u, *m.UserID).Error
		if err != nil && !sqldb.IsNotFound(err) {
			return fmt.Errorf("recipient of mail %d: %w", m.ID, err)
		}
		m.RecipientName = u.Name
		if u.Locale != "" {
			m.Locale = u.Locale
		}
	}
	return nil
}

// RecordSent marks a claimed message sent.
func (s *Service) RecordSent(ctx context.Context, id int64, at time.Time) error {
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		return tx.Model(&booking.Message{}).Where("id = ?", id).Updates(map[string]any{"status": booking.MessageSent, "sent_at": at.UTC(),
			"claimed_until": nil, "last_error": ""}).Error
	})
	if err != nil {
		return fmt.Errorf("record mail %d sent: %w", id, err)
	}
	return nil
}

// Release gives back a claimed message that was not tried at all (its
// batch ran out of time): pending and due as before, the claim's attempt not
// counted, so the next run sends it rather than waiting out a retry delay.
func (s *Service) Release(ctx context.Context, id int64) error {
	err := s.store.Write(ctx, func(tx *gorm.DB) error {
		return tx.Model(&booking.Message{}).Where("id = ? AND status = ?", id, booking.MessageSending).Updates(map[string]any{
			"status": booking.MessagePending, "claimed_until": nil, "attempts": gorm.Expr("attempts - 1")}).Error
	})
	if err != nil {
		return fmt.Errorf("release mail %d: %w", id, err)
	}
	return nil
}

// RecordSkipped marks a message that should not be sent after all.
func (s *Service) RecordSkipped(ctx context.Context, id int64, why string) error {
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		return tx.Model(&booking.Message{}).Where("id = ?", id).Updates(map[string]any{"status": booking.MessageSkipped, "claimed_until": nil, "last_error": why}).Error
	})
	if err != nil {
		return fmt.Errorf("record mail %d skipped: %w", id, err)
	}
	return nil
}

// RecordFailure records a failed attempt: the message is tried again after
// RetryDelay, or marked failed when the error is permanent or the next try would
// fall more than RetryWindow after it was due. It returns the new status.
func (s *Service) RecordFailure(ctx context.Context, id int64, at time.Time, reason string, permanent bool) (string, error) {
	status := booking.MessagePending
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		var m booking.Message
		if err := s.store.ForUpdate(tx).First(&m, id).Error; err != nil {
			return err
		}
		if m.Status != booking.MessageSending {
			status = m.Status // another process took it over after our lease ran out, and finished
			return nil
		}
		next := at.UTC().Add(RetryDelay(m.Attempts))
		if permanent || next.Sub(m.DueAt) > RetryWindow {
			status = booking.MessageFailed
		}
		if len(reason) > 2000 {
			reason = reason[:2000]
		}
		return tx.Model(&m).Updates(map[string]any{"status": status, "next_attempt_at": next, "claimed_until": nil, "last_error": reason}).Error
	})
	if err != nil {
		return "", fmt.Errorf("record mail %d failure: %w", id, err)
	}
	return status, nil
}

// Failed lists the messages given up on, newest first, for the coordinator.
func (s *Service) Failed(ctx context.Context) ([]booking.Message, error) {
	list := []booking.Message{}
	if err := s.store.Read(ctx).Where("status = ?", booking.MessageFailed).Order("id DESC").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("failed mail: %w", err)
	}
	return list, nil
}

// CountByStatus counts the outbox by status, for tests and the coordinator.
func (s *Service) CountByStatus(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	if err := s.store.Read(ctx).Model(&booking.Message{}).Select("status, count(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count mail: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// List returns every message of a kind ("" for all), oldest first.
func (s *Service) List(ctx context.Context, kind string) ([]booking.Message, error) {
	q := s.store.Read(ctx)
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	list := []booking.Message{}
	if err := q.Order("id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return list, nil
}

// BookingDetails is a booking with its supervisor and workplace, as a message shows it.
type BookingDetails struct {
	Booking    booking.Booking
	Supervisor booking.Supervisor
	Workplace  booking.Workplace
}

// Booking reads a booking with its supervisor and workplace, for a message. It
// needs no actor: messages go only to the booking's own people.
func (s *Service) Booking(ctx context.Context, id int64) (*BookingDetails, error) {
	db := s.store.Read(ctx)
	b, err := s.svc.BookingTx(db, id)
	if err != nil {
		return nil, err
	}
	return s.details(ctx, db, b)
}

func (s *Service) details(ctx context.Context, db *gorm.DB, b *booking.Booking) (*BookingDetails, error) {
	sv, err := s.svc.SupervisorTx(ctx, db, b.SupervisorID)
	if err != nil {
		return nil, err
	}
	var w booking.Workplace
	if err := db.First(&w, b.WorkplaceID).Error; err != nil {
		return nil, fmt.Errorf("workplace %d: %w", b.WorkplaceID, err)
	}
	return &BookingDetails{Booking: *b, Supervisor: *sv, Workplace: w}, nil
}

// SupervisorDay lists a supervisor's confirmed bookings starting on a local date
// (YYYY-MM-DD), by start, for the day plan.
func (s *Service) SupervisorDay(ctx context.Context, supervisorID int64, date string) ([]BookingDetails, error) {
	day, err := time.ParseInLocation(time.DateOnly, date, s.cfg.Location)
	if err != nil {
		return nil, fmt.Errorf("day plan date %q: %w", date, err)
	}
	_, next := dayOf(day, s.cfg.Location)
	db := s.store.Read(ctx)
	var list []booking.Booking
	if err := db.Where("supervisor_id = ? AND status = ? AND start_at >= ? AND start_at < ?", supervisorID, booking.StatusConfirmed,
		day.UTC(), next.UTC()).Order("start_at").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("day of supervisor %d: %w", supervisorID, err)
	}
	out := make([]BookingDetails, 0, len(list))
	for i := range list {
		d, err := s.details(ctx, db, &list[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, nil
}

// MarkEventsPlanned marks every booking event so far as planned without mailing
// anyone: for loaded history such as the demo pool, whose people are made up.
func (s *Service) MarkEventsPlanned(ctx context.Context) error {
	err := s.store.Write(ctx, func(tx *gorm.DB) error {
		return tx.Model(&booking.Event{}).Where("planned_at IS NULL").Update("planned_at", s.now()).Error
	})
	if err != nil {
		return fmt.Errorf("mark events planned: %w", err)
	}
	return nil
}

// dayOf is the local day of t in loc: its midnight and the next day's, which
// are 23 or 25 hours apart on DST days.
func dayOf(t time.Time, loc *time.Location) (start, next time.Time) {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}
