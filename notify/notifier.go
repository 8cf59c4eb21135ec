package notify

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/report"
)

// Config is notify's part of the configuration, built in cmd.
type Config struct {
	// SMTPURL is smtp://user:pass@host:port?tls=…; empty: mail is logged, not sent.
	SMTPURL string
	// From is the sender address, and the ORGANIZER of invitations.
	From string
	// BaseURL makes the absolute links in mail.
	BaseURL string
	// ReminderLead is how long before the start a reminder goes out (absolute).
	ReminderLead time.Duration
	// Lease is how long a claimed message is held before another process, or
	// this one after a crash, may send it again; half of it bounds one SMTP
	// batch. Zero: 5 minutes.
	Lease  time.Duration
	Logger *slog.Logger
	// Mailer replaces the one SMTPURL would make (tests, benchmarks).
	Mailer Mailer
	// Reports makes the monthly report's figures and CSV; nil: report.New(svc).
	Reports *report.Service
	// Calendar renders the invitations mail carries; nil: calendar.New(svc).
	Calendar *calendar.Service
}

// Notifier plans, renders and sends the pool's mail and runs its jobs.
type Notifier struct {
	svc    *booking.Service
	cfg    Config
	loc    *time.Location
	log    *slog.Logger
	mailer Mailer
	tmpl   *templates
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
	n := &Notifier{svc: svc, reports: cfg.Reports, cal: cfg.Calendar, cfg: cfg, loc: svc.Config().Location, log: cfg.Logger, tmpl: t, batch: 50, lease: cfg.Lease}
	switch {
	case cfg.Mailer != nil:
		n.mailer = cfg.Mailer
	case cfg.SMTPURL != "":
		m, err := NewSMTP(cfg.SMTPURL)
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		n.mailer = m
	default:
		n.mailer = LogMailer{Log: cfg.Logger}
	}
	return n, nil
}
