package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Mail is one message to one recipient in the outbox. The key says what makes it
// unique (a second plan of the same message is a no-op), the Message-ID is
// derived from the key so a retry is recognisably the same message, and the
// status moves pending → sending (claimed with a lease) → sent, failed or skipped.
type Mail struct {
	ID            int64
	Key           string
	Kind          string
	BookingID     *int64
	Sequence      *int
	UserID        *int64
	Recipient     string
	Payload       string
	DueAt         time.Time
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	ClaimedUntil  *time.Time
	MessageID     string
	SentAt        *time.Time
	LastError     string
	CreatedAt     time.Time
	// RecipientName and Locale come from the recipient's user, when there is one.
	RecipientName string `gorm:"-"`
	Locale        string `gorm:"-"`
}

// TableName keeps gorm on the schema's name.
func (Mail) TableName() string { return "outbox" }

// Kinds of mail. A booking_removed mail goes to whoever a change took off a
// booking: the supervisor replaced by another, the managers of the workplace it left.
const (
	MailBookingConfirmed = "booking_confirmed"
	MailBookingChanged   = "booking_changed"
	MailBookingCancelled = "booking_cancelled"
	MailBookingRemoved   = "booking_removed"
	MailReminder         = "reminder"
	MailDayplan          = "dayplan"
	MailFollowupRequest  = "followup_request"
	MailMonthlyReport    = "monthly_report"
	MailInvite           = "invite"
	MailPasswordReset    = "password_reset"
)

// Statuses of a mail.
const (
	MailPending = "pending"
	MailSending = "sending"
	MailSent    = "sent"
	MailFailed  = "failed"
	MailSkipped = "skipped"
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

// MailInput queues one message; Key makes it idempotent.
type MailInput struct {
	Key, Kind, Recipient string
	UserID               *int64
	BookingID            *int64
	Payload              map[string]any
	// Due is when it may go out; zero means now.
	Due time.Time
}

// QueueMail puts one message into the outbox unless one with the same key is
// there already; account flows (invitations, password resets) use it.
func (s *Service) QueueMail(ctx context.Context, m MailInput) error {
	var p Problems
	checkText(&p, "key", m.Key, 500, true)
	checkText(&p, "kind", m.Kind, 100, true)
	checkEmail(&p, "recipient", strings.TrimSpace(m.Recipient))
	if err := p.Err(); err != nil {
		return err
	}
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return fmt.Errorf("queue mail %s: %w", m.Key, err)
	}
	now := s.now()
	due := m.Due.UTC()
	if m.Due.IsZero() {
		due = now
	}
	row := s.newMail(m.Key, m.Kind, strings.TrimSpace(m.Recipient), m.UserID, m.BookingID, nil, string(payload), due, due, now)
	err = s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		_, err := insertMail(tx, row)
		return err
	})
	if err != nil {
		return fmt.Errorf("queue mail %s: %w", m.Key, err)
	}
	return nil
}

func (s *Service) newMail(key, kind, to string, userID, bookingID *int64, seq *int, payload string, due, next, now time.Time) *Mail {
	return &Mail{Key: key, Kind: kind, Recipient: to, UserID: userID, BookingID: bookingID, Sequence: seq,
		Payload: payload, DueAt: due.UTC(), Status: MailPending, NextAttemptAt: next.UTC(),
		MessageID: s.messageID(key), CreatedAt: now}
}

// messageID is stable for a key: a retried or re-planned message keeps it, so a
// receiver can drop a duplicate if a send is ever repeated after a crash. It
// ends in the sender's domain, which the sender vouches for (RFC 5322 §3.6.4).
func (s *Service) messageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	host := "sprakpool.localhost"
	if i := strings.LastIndex(s.cfg.MailFrom, "@"); i >= 0 && i < len(s.cfg.MailFrom)-1 {
		host = strings.Trim(s.cfg.MailFrom[i+1:], "<> ")
	} else if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return hex.EncodeToString(sum[:16]) + "@" + host
}

// MessageID is the Message-ID of the outbox's message with that key, for the
// privacy erasure, which rewrites keys that hold an address.
func (s *Service) MessageID(key string) string { return s.messageID(key) }

// insertMail adds the row unless its key exists; it reports whether it added it.
func insertMail(tx *gorm.DB, m *Mail) (bool, error) {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(m)
	return res.RowsAffected > 0, res.Error
}

// InsertMail adds m (its key, kind, recipient, user and payload) to the outbox
// inside tx unless its key is there already, due now, and reports whether it
// added it. Package account writes the mail of an account link with it, in
// the link's transaction.
func (s *Service) InsertMail(tx *gorm.DB, m *Mail) (bool, error) {
	now := s.now()
	return insertMail(tx, s.newMail(m.Key, m.Kind, m.Recipient, m.UserID, nil, nil, m.Payload, now, now, now))
}

// recipient is someone a booking's mail goes to; left marks someone a change
// took off it.
type recipient struct {
	userID *int64
	email  string
	left   bool
}

// bookingRecipients are the supervisor (their users, else the supervisor's own
// address) and the managers of the booking's workplace, each address once.
func bookingRecipients(tx *gorm.DB, b *Booking, managers, supervisor bool) ([]recipient, error) {
	var users []User
	q := tx.Where("active = ?", true)
	switch {
	case managers && supervisor:
		q = q.Where("(role = ? AND supervisor_id = ?) OR (role = ? AND id IN (?))", RoleSupervisor, b.SupervisorID,
			RoleManager, tx.Model(&userWorkplace{}).Select("user_id").Where("workplace_id = ?", b.WorkplaceID))
	case supervisor:
		q = q.Where("role = ? AND supervisor_id = ?", RoleSupervisor, b.SupervisorID)
	default:
		q = q.Where("role = ? AND id IN (?)", RoleManager, tx.Model(&userWorkplace{}).Select("user_id").Where("workplace_id = ?", b.WorkplaceID))
	}
	if err := q.Order("id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("recipients of booking %d: %w", b.ID, err)
	}
	seen := map[string]bool{}
	var out []recipient
	hasSupervisorUser := false
	for _, u := range users {
		if u.Role == RoleSupervisor {
			hasSupervisorUser = true
		}
		if e := strings.ToLower(u.Email); !seen[e] {
			seen[e] = true
			out = append(out, recipient{userID: &u.ID, email: u.Email})
		}
	}
	if supervisor && !hasSupervisorUser {
		var sv Supervisor
		if err := tx.First(&sv, b.SupervisorID).Error; err != nil {
			return nil, fmt.Errorf("supervisor of booking %d: %w", b.ID, err)
		}
		if e := strings.ToLower(sv.Email); e != "" && !seen[e] {
			out = append(out, recipient{email: sv.Email})
		}
	}
	return out, nil
}

// eventMailKinds maps a booking event to the mail it causes.
var eventMailKinds = map[string]string{
	EventCreated: MailBookingConfirmed, EventChanged: MailBookingChanged, EventCancelled: MailBookingCancelled,
}

// PlanEventMails turns booking events not yet planned into outbox rows for the
// supervisor and the booking's managers, and marks the events planned, in one
// transaction: a crash leaves either both or neither. It returns how many rows it added.
func (s *Service) PlanEventMails(ctx context.Context) (int, error) {
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
	if err := s.store.Read(ctx).Model(&Event{}).Where("planned_at IS NULL").Limit(1).Count(&pending).Error; err != nil {
		return 0, false, fmt.Errorf("plan event mail: %w", err)
	}
	if pending == 0 {
		return 0, false, nil
	}
	now := s.now()
	err = s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		// Another process planning at once skips these events and takes the next.
		var events []Event
		if err := s.store.SkipLocked(tx.Where("planned_at IS NULL").Order("id").Limit(limit)).Find(&events).Error; err != nil {
			return err
		}
		more = len(events) == limit
		bookings := map[int64]*Booking{}
		for _, e := range events {
			kind, ok := eventMailKinds[e.Kind]
			if !ok {
				continue
			}
			b := bookings[e.BookingID]
			if b == nil {
				b = &Booking{}
				if err := tx.First(b, e.BookingID).Error; err != nil {
					return fmt.Errorf("booking %d of event %d: %w", e.BookingID, e.ID, err)
				}
				bookings[e.BookingID] = b
			}
			rs, err := eventRecipients(tx, b, e)
			if err != nil {
				return err
			}
			for _, r := range rs {
				key := fmt.Sprintf("booking:%d:%s:%d:%s", b.ID, e.Kind, e.Sequence, strings.ToLower(r.email))
				seq := e.Sequence
				kind := kind
				if r.left {
					kind = MailBookingRemoved
				}
				m := s.newMail(key, kind, r.email, r.userID, &b.ID, &seq, e.Data, e.At, e.At, now)
				ok, err := insertMail(tx, m)
				if err != nil {
					return err
				}
				if ok {
					added++
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
		return tx.Model(&Event{}).Where("id IN ?", ids).Update("planned_at", now).Error
	})
	if err != nil {
		return 0, false, fmt.Errorf("plan event mail: %w", err)
	}
	return added, more, nil
}

// eventRecipients are the booking's people, and for a change that moved it to
// another supervisor or workplace, also the people it was moved away from,
// marked left: they get a cancellation, not an update.
func eventRecipients(tx *gorm.DB, b *Booking, e Event) ([]recipient, error) {
	rs, err := bookingRecipients(tx, b, true, true)
	if err != nil || e.Kind != EventChanged {
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
	var list []Booking
	if err := s.store.Read(ctx).Where("status = ? AND start_at > ? AND start_at <= ?", StatusConfirmed, at, at.Add(lead+ahead)).
		Order("start_at, id").Find(&list).Error; err != nil {
		return 0, fmt.Errorf("plan reminders at %s: %w", at, err)
	}
	done, err := s.plannedKeys(ctx, MailReminder, list)
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
		n, err := s.planForBooking(ctx, b, true, true, func(r recipient) *Mail {
			key := fmt.Sprintf("reminder:%d:%d:%s", b.ID, b.Start.Unix(), strings.ToLower(r.email))
			return s.newMail(key, MailReminder, r.email, r.userID, &b.ID, &b.Sequence, payload, due, s.nextAttempt(due, at), s.now())
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
// that runs every minute skips what it planned before without taking the write lock.
func (s *Service) plannedKeys(ctx context.Context, kind string, list []Booking) (map[string]bool, error) {
	done := map[string]bool{}
	if len(list) == 0 {
		return done, nil
	}
	ids := make([]int64, len(list))
	for i, b := range list {
		ids[i] = b.ID
	}
	var keys []string
	if err := s.store.Read(ctx).Model(&Mail{}).Where("kind = ? AND booking_id IN ?", kind, ids).Pluck("key", &keys).Error; err != nil {
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
func (s *Service) planForBooking(ctx context.Context, b *Booking, managers, supervisor bool, row func(recipient) *Mail) (int, error) {
	added := 0
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		rs, err := bookingRecipients(tx, b, managers, supervisor)
		if err != nil {
			return err
		}
		for _, r := range rs {
			ok, err := insertMail(tx, row(r))
			if err != nil {
				return err
			}
			if ok {
				added++
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
	var list []Booking
	db := s.store.Read(ctx)
	if err := db.Where("status = ? AND end_at <= ? AND end_at > ? AND id NOT IN (?)", StatusConfirmed, at, at.Add(-FollowupWindow),
		db.Model(&Followup{}).Select("booking_id")).Order("end_at, id").Find(&list).Error; err != nil {
		return 0, fmt.Errorf("plan follow-ups at %s: %w", at, err)
	}
	done, err := s.plannedKeys(ctx, MailFollowupRequest, list)
	if err != nil {
		return 0, fmt.Errorf("plan follow-ups at %s: %w", at, err)
	}
	added := 0
	for i := range list {
		b := &list[i]
		if done[fmt.Sprintf("followup:%d:", b.ID)] {
			continue
		}
		n, err := s.planForBooking(ctx, b, true, false, func(r recipient) *Mail {
			key := fmt.Sprintf("followup:%d:%s", b.ID, strings.ToLower(r.email))
			return s.newMail(key, MailFollowupRequest, r.email, r.userID, &b.ID, &b.Sequence, "{}", b.End, s.nextAttempt(b.End, at), s.now())
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
	day := startOfDay(at, s.cfg.Location)
	due := time.Date(day.Year(), day.Month(), day.Day(), DayplanHour, 0, 0, 0, s.cfg.Location)
	if at.Before(due) {
		return 0, nil
	}
	date := day.Format(time.DateOnly)
	var list []Booking
	if err := s.store.Read(ctx).Where("status = ? AND start_at >= ? AND start_at < ?", StatusConfirmed, day.UTC(), nextDay(day).UTC()).
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
		n, err := s.planForBooking(ctx, b, false, true, func(r recipient) *Mail {
			key := fmt.Sprintf("dayplan:%d:%s:%s", b.SupervisorID, date, strings.ToLower(r.email))
			return s.newMail(key, MailDayplan, r.email, r.userID, nil, nil, payload, due, s.nextAttempt(due, at), s.now())
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
		var admins []User
		if err := tx.Where("role = ? AND active = ? AND created_at <= ?", RoleAdmin, true, due.UTC()).Order("id").Find(&admins).Error; err != nil {
			return err
		}
		payload := fmt.Sprintf(`{"month":%q}`, period)
		for _, u := range admins {
			key := fmt.Sprintf("monthly_report:%s:%d", period, u.ID)
			ok, err := insertMail(tx, s.newMail(key, MailMonthlyReport, u.Email, &u.ID, nil, nil, payload, due, s.nextAttempt(due, at), s.now()))
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

// ClaimMail takes up to limit messages due at at for sending, each with a lease
// until at + lease: another process (or a later run of this one) takes a message
// only when it is pending and due, or its lease ran out. A reminder or follow-up
// request that no longer fits its booking (cancelled, moved, already followed
// up) is marked skipped instead of claimed.
func (s *Service) ClaimMail(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]Mail, error) {
	at = at.UTC()
	var claimed []Mail
	due := "(status = ? AND next_attempt_at <= ?) OR (status = ? AND claimed_until <= ?)"
	var n int64
	if err := s.store.Read(ctx).Model(&Mail{}).Where(due, MailPending, at, MailSending, at).Limit(1).Count(&n).Error; err != nil || n == 0 {
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
		var rows []Mail
		q := tx.Where(due, MailPending, at, MailSending, at).Order("next_attempt_at, id").Limit(limit)
		if err := s.store.SkipLocked(q).Find(&rows).Error; err != nil {
			return err
		}
		until := at.Add(lease)
		for i := range rows {
			m := &rows[i]
			why, err := staleMail(tx, m)
			if err != nil {
				return err
			}
			if why != "" {
				if err := tx.Model(m).Updates(map[string]any{"status": MailSkipped, "last_error": why, "claimed_until": nil}).Error; err != nil {
					return err
				}
				continue
			}
			m.Status, m.ClaimedUntil, m.Attempts = MailSending, &until, m.Attempts+1
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

// staleMail says why a planned message no longer fits its booking, or "".
func staleMail(tx *gorm.DB, m *Mail) (string, error) {
	if m.BookingID == nil || (m.Kind != MailReminder && m.Kind != MailFollowupRequest) {
		return "", nil
	}
	b, err := bookingByID(tx, *m.BookingID)
	if err != nil {
		return "", err
	}
	switch {
	case b.Status != StatusConfirmed:
		return "the booking was cancelled", nil
	case m.Kind == MailReminder:
		// Given to another supervisor or workplace since: the people it left
		// had their cancellation and get no reminder.
		rs, err := bookingRecipients(tx, b, true, true)
		if err != nil {
			return "", err
		}
		if !slices.ContainsFunc(rs, func(r recipient) bool { return strings.EqualFold(r.email, m.Recipient) }) {
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

func (s *Service) addRecipientUsers(ctx context.Context, list []Mail) error {
	for i := range list {
		m := &list[i]
		m.Locale = "sv"
		if m.UserID == nil {
			continue
		}
		var u User
		err := s.store.Read(ctx).Select("name", "locale").First(&u, *m.UserID).Error
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("recipient of mail %d: %w", m.ID, err)
		}
		m.RecipientName = u.Name
		if u.Locale != "" {
			m.Locale = u.Locale
		}
	}
	return nil
}

// RecordMailSent marks a claimed message sent.
func (s *Service) RecordMailSent(ctx context.Context, id int64, at time.Time) error {
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		return tx.Model(&Mail{}).Where("id = ?", id).Updates(map[string]any{"status": MailSent, "sent_at": at.UTC(),
			"claimed_until": nil, "last_error": ""}).Error
	})
	if err != nil {
		return fmt.Errorf("record mail %d sent: %w", id, err)
	}
	return nil
}

// ReleaseMail gives back a claimed message that was not tried at all (its
// batch ran out of time): pending and due as before, the claim's attempt not
// counted, so the next run sends it rather than waiting out a retry delay.
func (s *Service) ReleaseMail(ctx context.Context, id int64) error {
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		return tx.Model(&Mail{}).Where("id = ? AND status = ?", id, MailSending).Updates(map[string]any{
			"status": MailPending, "claimed_until": nil, "attempts": gorm.Expr("attempts - 1")}).Error
	})
	if err != nil {
		return fmt.Errorf("release mail %d: %w", id, err)
	}
	return nil
}

// RecordMailSkipped marks a message that should not be sent after all.
func (s *Service) RecordMailSkipped(ctx context.Context, id int64, why string) error {
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		return tx.Model(&Mail{}).Where("id = ?", id).Updates(map[string]any{"status": MailSkipped, "claimed_until": nil, "last_error": why}).Error
	})
	if err != nil {
		return fmt.Errorf("record mail %d skipped: %w", id, err)
	}
	return nil
}

// RecordMailFailure records a failed attempt: the message is tried again after
// RetryDelay, or marked failed when the error is permanent or the next try would
// fall more than RetryWindow after it was due. It returns the new status.
func (s *Service) RecordMailFailure(ctx context.Context, id int64, at time.Time, reason string, permanent bool) (string, error) {
	status := MailPending
	err := s.store.WriteRows(ctx, func(tx *gorm.DB) error {
		var m Mail
		if err := s.store.ForUpdate(tx).First(&m, id).Error; err != nil {
			return err
		}
		if m.Status != MailSending {
			status = m.Status // another process took it over after our lease ran out, and finished
			return nil
		}
		next := at.UTC().Add(RetryDelay(m.Attempts))
		if permanent || next.Sub(m.DueAt) > RetryWindow {
			status = MailFailed
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

// FailedMail lists the messages given up on, newest first, for the coordinator.
func (s *Service) FailedMail(ctx context.Context) ([]Mail, error) {
	list := []Mail{}
	if err := s.store.Read(ctx).Where("status = ?", MailFailed).Order("id DESC").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("failed mail: %w", err)
	}
	return list, nil
}

// MailsByStatus counts the outbox by status, for tests and the coordinator.
func (s *Service) MailsByStatus(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	if err := s.store.Read(ctx).Model(&Mail{}).Select("status, count(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count mail: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// Outbox returns every message of a kind ("" for all), oldest first.
func (s *Service) Outbox(ctx context.Context, kind string) ([]Mail, error) {
	q := s.store.Read(ctx)
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	list := []Mail{}
	if err := q.Order("id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return list, nil
}

// BookingDetails is a booking with its supervisor and workplace, as mail shows it.
type BookingDetails struct {
	Booking    Booking
	Supervisor Supervisor
	Workplace  Workplace
}

// MailBooking reads a booking with its supervisor and workplace, for mail. It
// needs no actor: mail goes only to the booking's own people.
func (s *Service) MailBooking(ctx context.Context, id int64) (*BookingDetails, error) {
	db := s.store.Read(ctx)
	b, err := bookingByID(db, id)
	if err != nil {
		return nil, err
	}
	return s.details(ctx, db, b)
}

func (s *Service) details(ctx context.Context, db *gorm.DB, b *Booking) (*BookingDetails, error) {
	sv, err := s.supervisor(ctx, db, b.SupervisorID)
	if err != nil {
		return nil, err
	}
	w, err := workplaceByID(db, b.WorkplaceID)
	if err != nil {
		return nil, err
	}
	return &BookingDetails{Booking: *b, Supervisor: *sv, Workplace: *w}, nil
}

// SupervisorDay lists a supervisor's confirmed bookings starting on a local date
// (YYYY-MM-DD), by start, for the day plan.
func (s *Service) SupervisorDay(ctx context.Context, supervisorID int64, date string) ([]BookingDetails, error) {
	day, err := time.ParseInLocation(time.DateOnly, date, s.cfg.Location)
	if err != nil {
		return nil, fmt.Errorf("day plan date %q: %w", date, err)
	}
	db := s.store.Read(ctx)
	var list []Booking
	if err := db.Where("supervisor_id = ? AND status = ? AND start_at >= ? AND start_at < ?", supervisorID, StatusConfirmed,
		day.UTC(), nextDay(day).UTC()).Order("start_at").Find(&list).Error; err != nil {
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
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		return tx.Model(&Event{}).Where("planned_at IS NULL").Update("planned_at", s.now()).Error
	})
	if err != nil {
		return fmt.Errorf("mark events planned: %w", err)
	}
	return nil
}
