package notify

import (
	"encoding/json"
	"fmt"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// requestView is a request as its mail shows it, in the recipient's language
// and the pool's zone: "tisdag 23 mars 2027 08:00".
type requestView struct {
	Workplace, LanguageName, Duration string
	Earliest, Latest, Start           string
	Supervisor, Reason                string
}

// requestMail fills in d from the payload the request wrote with its mail, and
// the link: the queue for coordinators, the booking once filled, else the
// manager's requests.
func (n *Notifier) requestMail(m booking.Message, lang string, d *mailData) error {
	var p request.MailPayload
	if err := json.Unmarshal([]byte(m.Payload), &p); err != nil {
		return fmt.Errorf("payload of mail %d: %w", m.ID, err)
	}
	if p.RequestID == 0 {
		return fmt.Errorf("mail %d of kind %s has no request", m.ID, m.Kind)
	}
	v := requestView{Workplace: oneLine(p.Workplace), LanguageName: p.Language, Supervisor: oneLine(p.Supervisor),
		Reason: p.Reason, Duration: fmt.Sprintf("%d min", p.DurationMinutes)}
	if l, ok := vocab.LanguageByCode(p.Language); ok {
		v.LanguageName = l.NameSV
		if lang == "en" {
			v.LanguageName = l.NameEN
		}
	}
	if !p.Earliest.IsZero() {
		e := p.Earliest.In(n.loc)
		v.Earliest = fmt.Sprintf("%s %s %s", weekday(e, lang), dateText(e, lang), clockText(e))
	}
	if !p.Latest.IsZero() {
		l := p.Latest.In(n.loc)
		v.Latest = fmt.Sprintf("%s %s %s", weekday(l, lang), dateText(l, lang), clockText(l))
	}
	if !p.Start.IsZero() {
		s, e := p.Start.In(n.loc), p.End.In(n.loc)
		v.Start = fmt.Sprintf("%s %s %s–%s", weekday(s, lang), dateText(s, lang), clockText(s), clockText(e))
	}
	d.R = v
	switch {
	case m.Kind == request.KindMade:
		d.Link = n.cfg.BaseURL + "/requests/queue"
	case p.BookingID != 0:
		d.Link = fmt.Sprintf("%s/bookings/%d", n.cfg.BaseURL, p.BookingID)
	default:
		d.Link = n.cfg.BaseURL + "/requests"
	}
	return nil
}
