package booking

import (
	"context"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"gorm.io/gorm"
)

// NormalizePhone reads a mobile number as people write it ("070-123 45 67",
// "+46 70 123 45 67") and returns it in E.164 ("+46701234567"); a number
// without a country code is Swedish. Spaces and hyphens are ignored; letters,
// which the library would read as a keypad's digits, are refused, and so is
// anything that is not a valid number able to take an SMS. The empty string
// stays empty: no number.
func NormalizePhone(raw string) (string, error) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, raw)
	if s == "" {
		return "", nil
	}
	for i, r := range s {
		if (r < '0' || r > '9') && (r != '+' || i != 0) {
			return "", fmt.Errorf("only digits, spaces, hyphens and a leading + are allowed")
		}
	}
	n, err := phonenumbers.Parse(s, "SE")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", fmt.Errorf("not a valid phone number")
	}
	switch phonenumbers.GetNumberType(n) {
	case phonenumbers.FIXED_LINE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.PAGER:
		return "", fmt.Errorf("not a mobile number")
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// ContactPatch changes how a user is reached by SMS; nil fields stay as they are.
type ContactPatch struct {
	Phone        *string
	SMSReminders *bool
}

// SetContact sets the actor's own phone number and whether reminders also go
// to it by SMS. Any user may set their own; SMS reminders need a number, and
// removing the number turns them off.
func (s *Service) SetContact(ctx context.Context, actor *User, in ContactPatch) error {
	var p Problems
	phone, sms := actor.Phone, actor.SMSReminders
	if in.Phone != nil {
		n, err := NormalizePhone(*in.Phone)
		if err != nil {
			p.Add("phone", "phone", "%s", err.Error())
		}
		phone = n
		if n == "" && in.SMSReminders == nil {
			sms = false
		}
	}
	if in.SMSReminders != nil {
		sms = *in.SMSReminders
	}
	if len(p) == 0 && sms && phone == "" {
		p.Add("sms_reminders", "sms_needs_phone", "SMS reminders need a phone number")
	}
	if err := p.Err(); err != nil {
		return err
	}
	err := s.store.write(ctx, func(tx *gorm.DB) error {
		return tx.Model(&User{}).Where("id = ?", actor.ID).Updates(map[string]any{"phone": phone, "sms_reminders": sms,
			"updated_at": s.now()}).Error
	})
	if err != nil {
		return fmt.Errorf("set phone of user %d: %w", actor.ID, err)
	}
	actor.Phone, actor.SMSReminders = phone, sms
	return nil
}
