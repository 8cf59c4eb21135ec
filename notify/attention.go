package notify

import (
	"context"
	"fmt"
)

// attention fills in the coordinator's list of bookings a change left without
// a supervisor: each with its page, the cause in a sentence, and the link to
// the dashboard, whose "Behöver åtgärd" shows what is still open.
func (n *Notifier) attention(ctx context.Context, payload map[string]any, lang string, d *mailData) error {
	ids, _ := payload["booking_ids"].([]any)
	for _, v := range ids {
		id, _ := v.(float64)
		det, err := n.outbox.Booking(ctx, int64(id))
		if err != nil {
			return fmt.Errorf("booking %v needing attention: %w", v, err)
		}
		d.Day = append(d.Day, n.view(det, lang))
		if d.Reason == "" {
			d.Reason = attentionCause(payload["cause"], det.Supervisor.Name, lang)
		}
	}
	if len(d.Day) == 0 {
		return errSkip
	}
	d.Date = d.Day[0].Supervisor
	d.Link = n.cfg.BaseURL + "/#attention"
	return nil
}

// attentionCause says in the recipient's language what left the bookings
// without their supervisor.
func attentionCause(cause any, name, lang string) string {
	name = oneLine(name)
	sv := map[string]string{"absence": "%s är frånvarande.", "availability": "%s har ändrat sina tider.",
		"inactive": "%s är inte längre aktiv i poolen."}
	en := map[string]string{"absence": "%s is away.", "availability": "%s changed their availability.",
		"inactive": "%s is no longer active in the pool."}
	texts := sv
	if lang == "en" {
		texts = en
	}
	c, _ := cause.(string)
	f, ok := texts[c]
	if !ok {
		f = texts["absence"]
	}
	return fmt.Sprintf(f, name)
}
