package outbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
)

// KindConfirmationReminder is the morning message that asks a supervisor to
// confirm yesterday's sessions.
const KindConfirmationReminder = "confirmation_reminder"

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
	day, _ := dayOf(at, loc)
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
	err := s.store.Write(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("INSERT INTO job_runs (job, period, started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", job, date, s.now())
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		var list []booking.Booking
		if err := tx.Where("status = ? AND start_at >= ? AND start_at < ? AND end_at <= ? AND id NOT IN (?)",
			booking.StatusConfirmed, yesterday.UTC(), day.UTC(), at.UTC(), tx.Model(&booking.Confirmation{}).Select("booking_id")).
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
				ok, err := s.svc.InsertMessage(tx, &booking.Message{Key: key, Kind: KindConfirmationReminder, Recipient: r.email,
					UserID: r.userID, Payload: payload, DueAt: due, NextAttemptAt: s.nextAttempt(due, at)})
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
	_, next := dayOf(day, s.cfg.Location)
	db := s.store.Read(ctx)
	var list []booking.Booking
	if err := db.Where("supervisor_id = ? AND status = ? AND start_at >= ? AND start_at < ? AND end_at <= ? AND id NOT IN (?)",
		supervisorID, booking.StatusConfirmed, day.UTC(), next.UTC(), s.now().UTC(), db.Model(&booking.Confirmation{}).Select("booking_id")).
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
