package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// seriesView is a series as its one mail per change lists it: every
// occurrence's date and what became of it.
type seriesView struct {
	Count     int
	Every     int
	Booked    []string
	Skipped   []string
	Cancelled []string
}

// series fills in a series mail (made, or cancelled from a date) and renders
// its recurring invitation: one message per person and change, whose
// calendar part holds every occurrence.
func (n *Notifier) series(ctx context.Context, m booking.Message, payload map[string]any, lang string, d *mailData) ([]byte, string, error) {
	id, _ := payload["series_id"].(float64)
	if m.BookingID == nil || id == 0 {
		return nil, "", fmt.Errorf("mail %d of kind %s names no series", m.ID, m.Kind)
	}
	det, err := n.outbox.Booking(ctx, *m.BookingID)
	if err != nil {
		return nil, "", err
	}
	d.B = n.view(det, lang)
	if d.Name == "" && strings.EqualFold(m.Recipient, det.Supervisor.Email) {
		d.Name = det.Supervisor.Name
	}
	if b := det.Booking; m.Kind == outbox.KindSeriesCancelled && b.CancelReasonCode != nil {
		d.Reason = vocab.Label(vocab.VocabReason, *b.CancelReasonCode, lang)
		if b.CancelReason != nil && *b.CancelReason != "" {
			d.Reason += ": " + *b.CancelReason
		}
	}
	sr, err := n.svc.SeriesTx(n.svc.DB().Read(ctx), int64(id))
	if err != nil {
		return nil, "", err
	}
	d.Link = fmt.Sprintf("%s/series/%d", n.cfg.BaseURL, sr.ID)
	d.Series = seriesView{Count: sr.Occurrences, Every: sr.EveryWeeks}
	for _, b := range sr.Bookings {
		start, end := b.Start.In(n.loc), b.End.In(n.loc)
		line := fmt.Sprintf("%s %s %s–%s", weekday(start, lang), dateText(start, lang), clockText(start), clockText(end))
		if b.Status == booking.StatusConfirmed {
			d.Series.Booked = append(d.Series.Booked, line)
		} else {
			d.Series.Cancelled = append(d.Series.Cancelled, line)
		}
	}
	for _, sk := range sr.Skipped {
		t := sk.Start.In(n.loc)
		line := weekday(t, lang) + " " + dateText(t, lang)
		if sk.Holiday != nil {
			name := sk.Holiday.NameSV
			if lang == "en" {
				name = sk.Holiday.NameEN
			}
			line += " (" + name + ")"
		}
		d.Series.Skipped = append(d.Series.Skipped, line)
	}
	ics, method, err := n.cal.SeriesInvitation(ctx, sr.ID, n.cfg.From)
	if err != nil {
		return nil, "", fmt.Errorf("invitation for series %d: %w", sr.ID, err)
	}
	return ics, method, nil
}
