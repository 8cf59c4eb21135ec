package outbox

import (
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
)

// SMSWindow is how soon a booking must start for its supervisor to hear of it
// being made, moved or cancelled also by SMS: a change further ahead is read in
// the mail in good time.
const SMSWindow = 24 * time.Hour

// EnableSMS makes the planners put an SMS beside a reminder to every user with
// SMS reminders and a phone number, and beside the mail of a booking made,
// moved or cancelled within SMSWindow to such a supervisor. Without it (no SMS
// gateway configured) no SMS is planned at all. Call it before the jobs start.
func (s *Service) EnableSMS() { s.sms = true }

// insertSMS puts the SMS beside the mail m to r, with m's key on the SMS
// channel, so it is planned exactly once as the mail is and its key holds no
// phone number. It returns added, counting the SMS when it was new.
func (s *Service) insertSMS(tx *gorm.DB, m *booking.Message, r recipient, added int) (int, error) {
	if r.phone == "" || r.userID == nil {
		return added, nil
	}
	sms := *m
	sms.ID, sms.Channel, sms.Recipient = 0, booking.ChannelSMS, r.phone
	ok, err := s.svc.InsertMessage(tx, &sms)
	if ok {
		added++
	}
	return added, err
}

// soonAfter reports whether the booking of event e starts, before or after the
// change, within window of the change: what its supervisor must hear of at
// once. The times are the event's own, so a planner running late decides as
// one running at the moment of the change would.
func soonAfter(e booking.Event, b *booking.Booking, window time.Duration) bool {
	var data struct {
		Start  *time.Time `json:"start"`
		Before struct {
			Start *time.Time `json:"start"`
		} `json:"before"`
		After struct {
			Start *time.Time `json:"start"`
		} `json:"after"`
	}
	_ = json.Unmarshal([]byte(e.Data), &data) // an event without times is judged by the booking's
	starts := []*time.Time{data.Start, data.Before.Start, data.After.Start}
	if e.Kind == booking.EventCancelled {
		starts = append(starts, &b.Start)
	}
	for _, t := range starts {
		if t != nil && t.After(e.At) && !t.After(e.At.Add(window)) {
			return true
		}
	}
	return false
}

// staleSMS says why an SMS reminder no longer fits its recipient, or "": the
// user left the booking, or turned SMS reminders off or removed the number
// since it was planned. A number changed since goes to the new number.
func (s *Service) staleSMS(tx *gorm.DB, m *booking.Message, rs []recipient) (string, error) {
	for _, r := range rs {
		if r.userID == nil || m.UserID == nil || *r.userID != *m.UserID {
			continue
		}
		if r.phone == "" {
			return "the user turned SMS reminders off", nil
		}
		if r.phone != m.Recipient {
			m.Recipient = r.phone
			return "", tx.Model(m).Update("recipient", r.phone).Error
		}
		return "", nil
	}
	return "the booking was given to someone else", nil
}
