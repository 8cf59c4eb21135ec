package notify

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/notify/channel"
)

// Config is notify's part of the configuration, built in cmd.
type Config struct {
	// From is the sender address, and the ORGANIZER of invitations.
	From string
	// BaseURL makes the absolute links in mail.
	BaseURL string
	// ReminderLead is how long before the start a reminder goes out (absolute).
	ReminderLead time.Duration
	// Lease is how long a claimed message is held before another process, or
	// this one after a crash, may send it again; half of it bounds one
	// sender's batch. Zero: 5 minutes.
	Lease  time.Duration
	Logger *slog.Logger
	// Senders deliver the messages of each outbox channel (booking.ChannelEmail:
	// notify/email's SMTP; booking.ChannelSMS: notify/sms's gateway). A channel
	// without one has its messages logged and counted as sent; without an SMS
	// sender no SMS is planned.
	Senders map[string]channel.Sender
	// Reports makes the monthly report's figures and CSV; nil: report.New(svc).
	Reports *report.Service
	// Calendar renders the invitations mail carries; nil: calendar.New(svc).
	Calendar *calendar.Service
	// Outbox holds the messages; nil: outbox.New(svc).
	Outbox *outbox.Service
}

// Notifier plans, renders and sends the pool's messages and runs its jobs.
type Notifier struct {
	svc     *booking.Service
	outbox  *outbox.Service
	cfg     Config
	loc     *time.Location
	log     *slog.Logger
	senders map[string]channel.Sender
	tmpl    *templates
	// reports makes the monthly report (Config.Reports).
	reports *report.Service
	// cal renders invitations (Config.Calendar).
	cal *calendar.Service
	// batch is how many messages are claimed and sent over one connection.
	batch int
	// lease is how long a claimed message is ours before another process may take it.
	lease time.Duration
}

// New checks the configuration and parses the templates.
func New(svc *booking.Service, cfg Config) (*Notifier, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.From == "" {
		cfg.From = "sprakpool@localhost"
	}
	if cfg.ReminderLead == 0 {
		cfg.ReminderLead = 24 * time.Hour
	}
	if cfg.Lease == 0 {
		cfg.Lease = 5 * time.Minute
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	if cfg.Reports == nil {
		cfg.Reports = report.New(svc)
	}
	if cfg.Calendar == nil {
		cfg.Calendar = calendar.New(svc)
	}
	if cfg.Outbox == nil {
		cfg.Outbox = outbox.New(svc)
	}
	if cfg.Senders[booking.ChannelSMS] != nil {
		cfg.Outbox.EnableSMS() // a gateway is there: SMS are planned beside mail
	}
	return &Notifier{svc: svc, outbox: cfg.Outbox, reports: cfg.Reports, cal: cfg.Calendar, cfg: cfg, loc: svc.Config().Location,
		log: cfg.Logger, senders: cfg.Senders, tmpl: t, batch: 50, lease: cfg.Lease}, nil
}

// sender is the channel's sender, or one that logs its messages.
func (n *Notifier) sender(ch string) channel.Sender {
	if s := n.senders[ch]; s != nil {
		return s
	}
	return logSender{log: n.log, channel: ch}
}

// logSender stands in for a channel with no sender (e-mail without an SMTP
// URL): each message is logged and counts as sent.
type logSender struct {
	log     *slog.Logger
	channel string
}

// Send logs each message's recipient and subject.
func (l logSender) Send(_ context.Context, msgs []channel.Message, done func(i int, err error) error) error {
	what := "message logged, not sent (no sender for its channel)"
	if l.channel == booking.ChannelEmail {
		what = "mail (no SMTP URL set, logged only)"
	}
	for i, m := range msgs {
		l.log.Info(what, "channel", l.channel, "to", m.To, "subject", m.Subject, "message_id", m.MessageID)
		if err := done(i, nil); err != nil {
			return err
		}
	}
	return nil
}
