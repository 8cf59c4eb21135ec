package request

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
)

// Kinds of the mail a request sends, through the outbox: the coordinators
// hear of a new request, the request's managers of its filling or decline.
const (
	KindMade     = "request_made"
	KindFilled   = "request_filled"
	KindDeclined = "request_declined"
)

// MailKinds lists them, for notify's templates.
var MailKinds = []string{KindMade, KindFilled, KindDeclined}

// MailPayload is what a request's mail says, written with it so that the
// mail tells of the request as it was when the change was made.
type MailPayload struct {
	RequestID       int64     `json:"request_id"`
	Workplace       string    `json:"workplace"`
	Language        string    `json:"language"`
	DurationMinutes int       `json:"duration_minutes"`
	Earliest        time.Time `json:"earliest"`
	Latest          time.Time `json:"latest"`
	Reason          string    `json:"reason,omitempty"`
	BookingID       int64     `json:"booking_id,omitempty"`
	Start           time.Time `json:"start,omitzero"`
	End             time.Time `json:"end,omitzero"`
	Supervisor      string    `json:"supervisor,omitempty"`
}

// planMail writes one mail of kind about r to each recipient (coordinators for
// a new request, else the managers of its workplace) in tx, the transaction of
// the change itself: the key (kind, request, user) makes it once each.
func (s *Service) planMail(tx *gorm.DB, kind string, r *Request, extra func(*MailPayload) error) error {
	p := MailPayload{RequestID: r.ID, Language: r.Language, DurationMinutes: r.DurationMinutes,
		Earliest: r.Earliest, Latest: r.Latest}
	if err := tx.Table("workplaces").Select("name").Where("id = ?", r.WorkplaceID).Scan(&p.Workplace).Error; err != nil {
		return fmt.Errorf("%s mail of request %d: %w", kind, r.ID, err)
	}
	if extra != nil {
		if err := extra(&p); err != nil {
			return fmt.Errorf("%s mail of request %d: %w", kind, r.ID, err)
		}
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("%s mail of request %d: %w", kind, r.ID, err)
	}
	var users []booking.User
	q := tx.Where("active = ?", true)
	if kind == KindMade {
		q = q.Where("role = ?", booking.RoleAdmin)
	} else {
		q = q.Where("role = ? AND id IN (?)", booking.RoleManager,
			tx.Table("user_workplaces").Select("user_id").Where("workplace_id = ?", r.WorkplaceID))
	}
	if err := q.Order("id").Find(&users).Error; err != nil {
		return fmt.Errorf("recipients of %s mail of request %d: %w", kind, r.ID, err)
	}
	for _, u := range users {
		m := &booking.Message{Key: fmt.Sprintf("%s:%d:%d", kind, r.ID, u.ID), Kind: kind, Recipient: u.Email,
			UserID: &u.ID, Payload: string(payload)}
		if p.BookingID != 0 {
			m.BookingID = &p.BookingID
		}
		if _, err := s.svc.InsertMessage(tx, m); err != nil {
			return fmt.Errorf("%s mail of request %d: %w", kind, r.ID, err)
		}
	}
	return nil
}
