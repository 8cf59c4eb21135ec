package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/booking/request"
	"github.com/sprakpool/sprakpool/booking/vocab"
	"github.com/sprakpool/sprakpool/notify/channel"
)

// errSkip: the message has nothing left to say (a day plan whose bookings were
// all cancelled); it is marked skipped, not failed.
var errSkip = errors.New("nothing to send")

// Outcome counts what one outbox run did.
type Outcome struct {
	Planned, Sent, Retrying, Failed, Skipped int
}

// SendDue plans the messages of new booking events, then claims every message
// due at at and sends it: claim (with a lease) → render → send → record, one
// batch per connection of each channel's sender, until nothing due is left. A
// failure waits outbox.RetryDelay and is given up after outbox.RetryWindow.
func (n *Notifier) SendDue(ctx context.Context, at time.Time) (Outcome, error) {
	var out Outcome
	planned, err := n.outbox.PlanEvents(ctx)
	out.Planned = planned
	if err != nil {
		return out, err
	}
	for {
		claimed, err := n.outbox.Claim(ctx, at, n.lease, n.batch)
		if err != nil || len(claimed) == 0 {
			return out, err
		}
		if err := n.sendBatch(ctx, at, claimed, &out); err != nil {
			return out, err
		}
		if len(claimed) < n.batch {
			return out, nil
		}
	}
}

// batch is the rendered messages of one channel and their outbox rows.
type batch struct {
	msgs []channel.Message
	rows []booking.Message
}

func (n *Notifier) sendBatch(ctx context.Context, at time.Time, claimed []booking.Message, out *Outcome) error {
	batches := map[string]*batch{}
	var channels []string
	for _, m := range claimed {
		msg, err := n.compose(ctx, m)
		switch {
		case errors.Is(err, errSkip):
			out.Skipped++
			if err := n.outbox.RecordSkipped(ctx, m.ID, err.Error()); err != nil {
				return err
			}
		case err != nil:
			// A message that cannot be rendered will not render on a retry either.
			n.log.Error("mail cannot be composed", "id", m.ID, "kind", m.Kind, "err", err)
			out.Failed++
			if _, err := n.outbox.RecordFailure(ctx, m.ID, at, err.Error(), true); err != nil {
				return err
			}
		default:
			b := batches[m.Channel]
			if b == nil {
				b = &batch{}
				batches[m.Channel], channels = b, append(channels, m.Channel)
			}
			b.msgs, b.rows = append(b.msgs, msg), append(b.rows, m)
		}
	}
	// Stop sending well before the lease runs out, so no other process takes a
	// message over while this one may still be sending it; what is left is retried.
	sendCtx, cancel := context.WithTimeout(ctx, n.lease/2)
	defer cancel()
	for _, ch := range channels {
		b := batches[ch]
		if err := sendCtx.Err(); err != nil {
			// An earlier channel's sender (a gateway that did not answer) used up
			// the time: these go back as they were, not failed, for the next run.
			for _, m := range b.rows {
				if err := n.record(ctx, at, m, fmt.Errorf("%w: %w", channel.ErrNotTried, err), out); err != nil {
					return err
				}
			}
			continue
		}
		if err := n.sender(ch).Send(sendCtx, b.msgs, func(i int, err error) error {
			return n.record(ctx, at, b.rows[i], err, out)
		}); err != nil {
			return err
		}
	}
	return nil
}

// record writes the result of one send attempt, before the next is tried.
func (n *Notifier) record(ctx context.Context, at time.Time, m booking.Message, sendErr error, out *Outcome) error {
	switch {
	case sendErr == nil:
		out.Sent++
		return n.outbox.RecordSent(ctx, m.ID, at)
	case errors.Is(sendErr, channel.ErrNotTried):
		out.Retrying++
		return n.outbox.Release(ctx, m.ID)
	}
	status, err := n.outbox.RecordFailure(ctx, m.ID, at, sendErr.Error(), channel.IsPermanent(sendErr))
	if err != nil {
		return err
	}
	if status == booking.MessageFailed {
		out.Failed++
		n.log.Error("mail given up", "id", m.ID, "kind", m.Kind, "to", m.Recipient, "attempts", m.Attempts, "err", sendErr)
	} else {
		out.Retrying++
		n.log.Warn("mail not sent; will retry", "id", m.ID, "kind", m.Kind, "to", m.Recipient,
			"attempt", m.Attempts, "retry_in", outbox.RetryDelay(m.Attempts), "err", sendErr)
	}
	return nil
}

// mailData is what every template may use.
type mailData struct {
	Name   string
	B      bookingView
	Before string
	Reason string
	Link   string
	Date   string
	Day    []bookingView
	Month  string
	Report *report.Utilization
	// SSO: the invitation asks the new user to sign in with the
	// municipality's account instead of choosing a password.
	SSO    bool
	Series seriesView
	// Eval is the month's evaluation (key figures; the link leads to its page).
	Eval *report.Evaluation
	// R is the request a request's mail tells of.
	R requestView
}

// compose renders one outbox row into a message in its recipient's language,
// for its channel.
func (n *Notifier) compose(ctx context.Context, m booking.Message) (channel.Message, error) {
	if m.Channel == booking.ChannelSMS {
		return n.composeSMS(ctx, m)
	}
	lang := m.Locale
	var payload map[string]any
	if err := json.Unmarshal([]byte(m.Payload), &payload); err != nil {
		return channel.Message{}, fmt.Errorf("payload of mail %d: %w", m.ID, err)
	}
	d := mailData{Name: m.RecipientName}
	if d.Name == "" {
		d.Name, _ = payload["name"].(string)
	}
	var ics []byte
	var method string
	var attachment *channel.Attachment
	var err error
	switch m.Kind {
	case outbox.KindBookingConfirmed, outbox.KindBookingChanged, outbox.KindBookingCancelled, outbox.KindBookingRemoved,
		outbox.KindReminder, outbox.KindFollowupRequest:
		if m.BookingID == nil {
			return channel.Message{}, fmt.Errorf("mail %d of kind %s has no booking", m.ID, m.Kind)
		}
		det, err := n.outbox.Booking(ctx, *m.BookingID)
		if err != nil {
			return channel.Message{}, err
		}
		d.B = n.view(det, lang)
		if d.Name == "" && strings.EqualFold(m.Recipient, det.Supervisor.Email) {
			d.Name = det.Supervisor.Name
		}
		d.Before = n.before(payload, lang)
		if b := det.Booking; b.CancelReasonCode != nil {
			d.Reason = vocab.Label(vocab.VocabReason, *b.CancelReasonCode, lang)
			if b.CancelReason != nil && *b.CancelReason != "" {
				d.Reason += ": " + *b.CancelReason
			}
		}
		// The booking page holds the follow-up form; #followup is its anchor.
		d.Link = fmt.Sprintf("%s/bookings/%d#followup", n.cfg.BaseURL, det.Booking.ID)
		switch m.Kind {
		case outbox.KindBookingRemoved:
			// Taken off the booking: a cancellation for this person alone.
			method = "CANCEL"
			if ics, err = n.cal.Removal(ctx, det.Booking.ID, n.cfg.From, m.Recipient, d.Name); err != nil {
				return channel.Message{}, fmt.Errorf("removal from booking %d: %w", det.Booking.ID, err)
			}
		case outbox.KindBookingConfirmed, outbox.KindBookingChanged, outbox.KindBookingCancelled:
			if ics, method, err = n.invitation(ctx, det.Booking.ID); err != nil {
				return channel.Message{}, err
			}
		}
	case outbox.KindSeriesMade, outbox.KindSeriesCancelled:
		if ics, method, err = n.series(ctx, m, payload, lang, &d); err != nil {
			return channel.Message{}, err
		}
	case outbox.KindDayplan:
		if err := n.dayplan(ctx, payload, lang, &d); err != nil {
			return channel.Message{}, err
		}
	case outbox.KindConfirmationReminder:
		if err := n.confirmations(ctx, payload, lang, &d); err != nil {
			return channel.Message{}, err
		}
	case outbox.KindAttention:
		if err := n.attention(ctx, payload, lang, &d); err != nil {
			return channel.Message{}, err
		}
	case outbox.KindMonthlyReport:
		if attachment, err = n.monthly(ctx, m, payload, lang, &d); err != nil {
			return channel.Message{}, err
		}
	case request.KindMade, request.KindFilled, request.KindDeclined:
		if err := n.requestMail(m, lang, &d); err != nil {
			return channel.Message{}, err
		}
	case outbox.KindInvite, outbox.KindPasswordReset:
		d.Link, _ = payload["link"].(string)
		d.SSO, _ = payload["sso"].(bool)
		if d.Link == "" {
			return channel.Message{}, fmt.Errorf("mail %d of kind %s has no link", m.ID, m.Kind)
		}
	default:
		return channel.Message{}, fmt.Errorf("mail %d: unknown kind %q", m.ID, m.Kind)
	}
	r, err := n.tmpl.render(m.Kind, lang, d)
	if err != nil {
		return channel.Message{}, err
	}
	var cal *channel.Calendar
	if ics != nil {
		cal = &channel.Calendar{Method: method, Body: ics}
	}
	return n.message(m, lang, r, cal, attachment), nil
}

// message is the rendered r of the outbox row m, as its channel's sender gets it.
func (n *Notifier) message(m booking.Message, lang string, r *rendered, cal *channel.Calendar, att *channel.Attachment) channel.Message {
	msg := channel.Message{To: m.Recipient, Kind: m.Kind, MessageID: m.MessageID, Lang: lang,
		Subject: oneLine(r.Subject), Text: r.Text, HTML: r.HTML, Calendar: cal}
	if att != nil {
		msg.Attachments = []channel.Attachment{*att}
	}
	return msg
}

// before describes where a changed booking was: "måndag 30 mars 2026 09:00–11:00".
func (n *Notifier) before(payload map[string]any, lang string) string {
	b, _ := payload["before"].(map[string]any)
	s, _ := b["start"].(string)
	e, _ := b["end"].(string)
	start, err1 := time.Parse(time.RFC3339, s)
	end, err2 := time.Parse(time.RFC3339, e)
	if err1 != nil || err2 != nil {
		return ""
	}
	start, end = start.In(n.loc), end.In(n.loc)
	return fmt.Sprintf("%s %s %s–%s", weekday(start, lang), dateText(start, lang), clockText(start), clockText(end))
}

func (n *Notifier) dayplan(ctx context.Context, payload map[string]any, lang string, d *mailData) error {
	date, _ := payload["date"].(string)
	id, _ := payload["supervisor_id"].(float64)
	day, err := n.outbox.SupervisorDay(ctx, int64(id), date)
	if err != nil {
		return err
	}
	if len(day) == 0 {
		return errSkip
	}
	for i := range day {
		d.Day = append(d.Day, n.view(&day[i], lang))
	}
	d.Date = d.Day[0].Weekday + " " + d.Day[0].Date
	if d.Name == "" {
		d.Name = day[0].Supervisor.Name
	}
	return nil
}

// confirmations fills in the sessions of the payload's date that the
// supervisor has still not confirmed when the mail goes out (none left: the mail
// is skipped), each with the link to its confirmation page.
func (n *Notifier) confirmations(ctx context.Context, payload map[string]any, lang string, d *mailData) error {
	date, _ := payload["date"].(string)
	id, _ := payload["supervisor_id"].(float64)
	day, err := n.outbox.SupervisorUnconfirmed(ctx, int64(id), date)
	if err != nil {
		return err
	}
	if len(day) == 0 {
		return errSkip
	}
	for i := range day {
		v := n.view(&day[i], lang)
		v.Link += "/confirm"
		d.Day = append(d.Day, v)
	}
	d.Date = d.Day[0].Weekday + " " + d.Day[0].Date
	if d.Name == "" {
		d.Name = day[0].Supervisor.Name
	}
	return nil
}

// monthly fills in the utilization report of the month, by supervisor, as the
// coordinator sees it, and attaches the same report as CSV.
func (n *Notifier) monthly(ctx context.Context, m booking.Message, payload map[string]any, lang string, d *mailData) (*channel.Attachment, error) {
	period, _ := payload["month"].(string)
	month, err := time.Parse("2006-01", period)
	if err != nil {
		return nil, fmt.Errorf("monthly report month %q: %w", period, err)
	}
	d.Month = fmt.Sprintf("%s %d", vocab.MonthName(month.Month(), lang), month.Year())
	if m.UserID == nil {
		return nil, fmt.Errorf("monthly report %d has no coordinator", m.ID)
	}
	u, err := n.svc.UserByID(ctx, *m.UserID)
	if err != nil {
		return nil, err
	}
	from, to := month.Format(time.DateOnly), month.AddDate(0, 1, -1).Format(time.DateOnly)
	if d.Report, err = n.reports.Utilization(ctx, u, from, to, "supervisor"); err != nil {
		return nil, err
	}
	if d.Eval, err = n.reports.Evaluation(ctx, u, from, to); err != nil {
		return nil, err
	}
	d.Link = n.cfg.BaseURL + "/reports/evaluation?" + url.Values{"from": {from}, "to": {to}}.Encode()
	csv, err := n.reports.UtilizationCSV(ctx, u, from, to, "supervisor")
	if err != nil {
		return nil, err
	}
	return &channel.Attachment{Name: "nyttjande-" + period + ".csv", ContentType: "text/csv", Data: csv}, nil
}

// invitation is the booking's iTIP invitation (REQUEST, or CANCEL once
// cancelled), with the feed's UID and SEQUENCE; the sender is its ORGANIZER.
func (n *Notifier) invitation(ctx context.Context, bookingID int64) ([]byte, string, error) {
	ics, method, err := n.cal.Invitation(ctx, bookingID, n.cfg.From)
	if err != nil {
		return nil, "", fmt.Errorf("invitation for booking %d: %w", bookingID, err)
	}
	return ics, method, nil
}
