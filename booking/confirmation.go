package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outcomes of a session, confirmed by the supervisor afterwards.
var Outcomes = []string{"held", "no_show", "not_held"}

// Confirmation is what the supervisor says happened: billing and the project
// leader's figures rest on it rather than on what was planned.
type Confirmation struct {
	BookingID   int64 `gorm:"primaryKey;autoIncrement:false"`
	Outcome     string
	ActualStart time.Time
	ActualEnd   time.Time
	Note        string
	ConfirmedBy *int64
	ConfirmedAt time.Time
}

// TableName keeps gorm on the schema's name.
func (Confirmation) TableName() string { return "booking_confirmations" }

// ConfirmationInput confirms a session; empty times default to the booked ones.
type ConfirmationInput struct {
	Outcome     string
	ActualStart string
	ActualEnd   string
	Note        string
}

// EventConfirmed is logged when a supervisor confirms a session.
const EventConfirmed = "confirmed"

// ConfirmBooking records (or corrects) the outcome of an ended booking. Only an
// admin or the booking's own supervisor may; the calendars do not change, so the
// sequence stays.
func (s *Service) ConfirmBooking(ctx context.Context, actor *User, id int64, in ConfirmationInput) (*Booking, error) {
	if !actor.IsAdmin() && (actor == nil || actor.Role != RoleSupervisor) {
		return nil, errForbidden("only coordinators and the booking's supervisor may confirm it")
	}
	var p Problems
	if !oneOf(in.Outcome, Outcomes) {
		p.Add("outcome", "outcome", "must be one of %s", strings.Join(Outcomes, ", "))
	}
	var start, end time.Time
	if in.ActualStart != "" {
		start = parseTime(&p, "actual_start", in.ActualStart)
	}
	if in.ActualEnd != "" {
		end = parseTime(&p, "actual_end", in.ActualEnd)
	}
	checkText(&p, "note", in.Note, 2000, false)
	var b *Booking
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		var err error
		if b, err = bookingByID(tx, id); err != nil {
			return err
		}
		if !canSee(actor, b) {
			return errNotFound("booking")
		}
		now := s.now()
		switch {
		case b.Status != StatusConfirmed:
			p.Add("status", "already_cancelled", "a cancelled booking cannot be confirmed")
		case b.End.After(now):
			p.Add("booking", "not_ended", "a session can be confirmed once it has ended")
		}
		if start.IsZero() {
			start = b.Start
		}
		if end.IsZero() {
			end = b.End
		}
		if len(p) == 0 && (!end.After(start) || !s.endsSameDay(start, end)) {
			p.Add("actual_end", "same_day", "must be after actual_start, on the same day")
		}
		if err := p.Err(); err != nil {
			return err
		}
		c := &Confirmation{BookingID: b.ID, Outcome: in.Outcome, ActualStart: start.UTC(), ActualEnd: end.UTC(),
			Note: in.Note, ConfirmedBy: &actor.ID, ConfirmedAt: now}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(c).Error; err != nil {
			return err
		}
		b.Confirmation = c
		return logEvent(tx, b, EventConfirmed, actor, now, c)
	})
	if err != nil {
		return nil, fmt.Errorf("confirm booking %d: %w", id, err)
	}
	return b, nil
}

func loadConfirmations(db *gorm.DB, list []*Booking) error {
	return loadPerBooking(db, list, "confirmations",
		func(c *Confirmation) int64 { return c.BookingID },
		func(b *Booking, c *Confirmation) { b.Confirmation = c })
}

// MailConfirmationReminder is the morning mail that asks a supervisor to
// confirm yesterday's sessions.
const MailConfirmationReminder = "confirmation_reminder"

// ConfirmationReminderHour and ConfirmationReminderMinute are the local wall
// time the reminders go out: after the 07:00 day plan, before the day's work.
const (
	ConfirmationReminderHour   = 7
	ConfirmationReminderMinute = 30
)

// PlanConfirmationReminders plans, from 07:30 local on, one mail per supervisor
// who has sessions from the local day before at that are held and still
// unconfirmed. The time is a wall time in the pool's zone and "yesterday" a
// calendar day, so DST days neither skip nor repeat it. A job_runs row for the
// day, written in the same transaction as the mail (whose keys are unique too),
// makes it happen once however often and in however many processes it runs,
// and spares the write lock on every later run of the day.
func (s *Service) PlanConfirmationReminders(ctx context.Context, at time.Time) (int, error) {
	loc := s.cfg.Location
	day := startOfDay(at, loc)
	y, m, d := day.Date()
	due := time.Date(y, m, d, ConfirmationReminderHour, ConfirmationReminderMinute, 0, 0, loc)
	if at.Before(due) {
		return 0, nil
	}
	yesterday := time.Date(y, m, d-1, 0, 0, 0, 0, loc)
	date := yesterday.Format(time.DateOnly)
	const job = "confirmations"
	var done int64
	if err := s.store.Read(ctx).Table("job_runs").Where("job = ? AND period = ?", job, date).Count(&done).Error; err != nil {
		return 0, fmt.Errorf("plan confirmation reminders for %s: %w", date, err)
	}
	if done > 0 {
		return 0, nil
	}
	added := 0
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("INSERT INTO job_runs (job, period, started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", job, date, s.now())
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		var list []Booking
		if err := tx.Where("status = ? AND start_at >= ? AND start_at < ? AND end_at <= ? AND id NOT IN (?)",
			StatusConfirmed, yesterday.UTC(), day.UTC(), at.UTC(), tx.Model(&Confirmation{}).Select("booking_id")).
			Order("supervisor_id, start_at, id").Find(&list).Error; err != nil {
			return err
		}
		for i := range list {
			b := &list[i]
			if i > 0 && list[i-1].SupervisorID == b.SupervisorID {
				continue
			}
			rs, err := bookingRecipients(tx, b, false, true)
			if err != nil {
				return err
			}
			payload := fmt.Sprintf(`{"date":%q,"supervisor_id":%d}`, date, b.SupervisorID)
			for _, r := range rs {
				key := fmt.Sprintf("confirmations:%d:%s:%s", b.SupervisorID, date, strings.ToLower(r.email))
				ok, err := insertMail(tx, s.newMail(key, MailConfirmationReminder, r.email, r.userID, nil, nil, payload,
					due, s.nextAttempt(due, at), s.now()))
				if err != nil {
					return err
				}
				if ok {
					added++
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("plan confirmation reminders for %s: %w", date, err)
	}
	return added, nil
}

// SupervisorUnconfirmed lists a supervisor's held sessions starting on a local
// date (YYYY-MM-DD) that are still unconfirmed, by start: what the morning
// reminder asks about when it is sent, so a session confirmed in between drops out.
func (s *Service) SupervisorUnconfirmed(ctx context.Context, supervisorID int64, date string) ([]BookingDetails, error) {
	day, err := time.ParseInLocation(time.DateOnly, date, s.cfg.Location)
	if err != nil {
		return nil, fmt.Errorf("unconfirmed sessions date %q: %w", date, err)
	}
	db := s.store.Read(ctx)
	var list []Booking
	if err := db.Where("supervisor_id = ? AND status = ? AND start_at >= ? AND start_at < ? AND end_at <= ? AND id NOT IN (?)",
		supervisorID, StatusConfirmed, day.UTC(), nextDay(day).UTC(), s.now().UTC(), db.Model(&Confirmation{}).Select("booking_id")).
		Order("start_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("unconfirmed sessions of supervisor %d on %s: %w", supervisorID, date, err)
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
