package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/notify"
	"github.com/sprakpool/sprakpool/notify/channel"
	"github.com/sprakpool/sprakpool/notify/email"
	"github.com/sprakpool/sprakpool/notify/sms"
)

// notifyConfig is notify's part of the configuration.
func (c *Config) notifyConfig() notify.Config {
	return notify.Config{From: c.MailFrom, BaseURL: c.BaseURL, ReminderLead: c.ReminderLead, Lease: c.MailLease}
}

// senders are notify's senders, one per channel: e-mail over SMTP when an
// SMTP URL is set (without one, notify logs the mail instead), SMS through the
// gateway when an SMS URL is set (without one, no SMS is planned).
func (c *Config) senders() (map[string]channel.Sender, error) {
	out := map[string]channel.Sender{}
	if c.SMTPURL != "" {
		smtp, err := email.NewSMTP(c.SMTPURL, c.MailFrom)
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		out[booking.ChannelEmail] = smtp
	}
	if c.SMSURL != "" {
		gw, err := sms.NewGateway(c.SMSURL, c.SMSFrom)
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		out[booking.ChannelSMS] = gw
	}
	return out, nil
}

// cmdJobs is `jobs list` and `jobs run NAME [--at RFC3339]`.
func cmdJobs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "run") {
		return usageError{"jobs needs list or run NAME [--at RFC3339]"}
	}
	if args[0] == "list" {
		return cmdJobsList(args[1:], stdout, stderr)
	}
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		return usageError{"jobs run needs a job name; see sprakpool jobs list"}
	}
	return cmdJobsRun(ctx, args[1], args[2:], stdout, stderr)
}

func cmdJobsList(args []string, stdout, stderr io.Writer) error {
	c := newCommand("jobs list", stderr)
	if err := c.parse(args, stderr); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, j := range notify.Describe(c.cfg.notifyConfig()) {
		fmt.Fprintf(tw, "%s\t%s\n", j.Name, j.Schedule)
	}
	return tw.Flush()
}

func cmdJobsRun(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	c := newCommand("jobs run "+name, stderr)
	atFlag := c.fs.String("at", "", "run as if the clock said this time (RFC 3339 with an offset); default now")
	if err := c.parse(args, stderr); err != nil {
		return err
	}
	if name == "outbox" && !c.cfg.baseURLGiven {
		// The outbox writes the links of every mail it sends. A process run by
		// hand or from cron does not serve the site, so a base URL guessed from
		// its listen address would send people to http://127.0.0.1:8080.
		return usageError{"jobs run outbox needs SPRAKPOOL_BASE_URL (or --base-url): the public address the links in its mail point to"}
	}
	at := time.Now()
	if *atFlag != "" {
		t, err := time.Parse(time.RFC3339, *atFlag)
		if err != nil {
			return usageError{fmt.Sprintf("--at: %q is not an RFC 3339 time such as 2026-03-28T08:00:00+01:00", *atFlag)}
		}
		at = t
	}
	svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	cfg := c.cfg.notifyConfig()
	cfg.Logger, cfg.Reports, cfg.Calendar = c.log, report.New(svc), calendar.New(svc)
	if cfg.Senders, err = c.cfg.senders(); err != nil {
		return usageError{err.Error()}
	}
	n, err := notify.New(svc, cfg)
	if err != nil {
		return usageError{err.Error()}
	}
	known := false
	for _, j := range n.Jobs() {
		known = known || j.Name == name
	}
	if !known {
		return usageError{fmt.Sprintf("unknown job %q; see sprakpool jobs list", name)}
	}
	msg, err := n.Run(ctx, name, at)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, msg)
	return nil
}
