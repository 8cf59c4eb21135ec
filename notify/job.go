package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/sprakpool/sprakpool/booking/request"
)

// Job is one scheduled job: run by the scheduler on its schedule, or by hand
// with `sprakpool jobs run NAME --at T`, as if the clock said T.
type Job struct {
	Name     string
	Schedule string // for people: when the scheduler runs it
	Spec     string // for robfig/cron, in UTC
	Run      func(ctx context.Context, at time.Time) (string, error)
}

// ReminderPlanAhead is how far ahead of its due time a reminder is planned, so a
// cancellation in between is seen by the outbox (the reminder is skipped, and
// the CANCEL invitation goes out instead).
const ReminderPlanAhead = time.Hour

// Jobs lists every job. Each run is idempotent: what it plans has a unique key
// (and the monthly report a job_runs row), so running it again for the same
// instant, or in several processes at once, plans nothing twice.
func (n *Notifier) Jobs() []Job {
	return []Job{
		{Name: "outbox", Schedule: "every 2 seconds: plans the mail of booking changes, sends what is due", Spec: "@every 2s",
			Run: func(ctx context.Context, at time.Time) (string, error) {
				o, err := n.SendDue(ctx, at)
				return fmt.Sprintf("planned %d, sent %d, retrying %d, failed %d, skipped %d", o.Planned, o.Sent, o.Retrying, o.Failed, o.Skipped), err
			}},
		{Name: "reminders", Schedule: fmt.Sprintf("every minute: reminders %s before each booking", n.cfg.ReminderLead), Spec: "* * * * *",
			Run: func(ctx context.Context, at time.Time) (string, error) {
				k, err := n.outbox.PlanReminders(ctx, at, n.cfg.ReminderLead, ReminderPlanAhead)
				return fmt.Sprintf("planned %d reminders", k), err
			}},
		{Name: "dayplan", Schedule: "every minute: each supervisor's day plan at 07:00 local on days with bookings", Spec: "* * * * *",
			Run: func(ctx context.Context, at time.Time) (string, error) {
				k, err := n.outbox.PlanDayplans(ctx, at)
				return fmt.Sprintf("planned %d day plans", k), err
			}},
		{Name: "followups", Schedule: "every minute: a follow-up request to the managers when a session has ended", Spec: "* * * * *",
			Run: func(ctx context.Context, at time.Time) (string, error) {
				k, err := n.outbox.PlanFollowups(ctx, at)
				return fmt.Sprintf("planned %d follow-up requests", k), err
			}},
		{Name: "confirmations", Schedule: "every minute: each supervisor's unconfirmed sessions of yesterday at 07:30 local", Spec: "* * * * *",
			Run: func(ctx context.Context, at time.Time) (string, error) {
				k, err := n.outbox.PlanConfirmationReminders(ctx, at)
				return fmt.Sprintf("planned %d confirmation reminders", k), err
			}},
		{Name: "expire-requests", Schedule: "every minute: open requests whose window has passed become expired", Spec: "* * * * *",
			Run: func(ctx context.Context, at time.Time) (string, error) {
				k, err := request.New(n.svc).ExpireRequests(ctx, at)
				return fmt.Sprintf("expired %d requests", k), err
			}},
		{Name: "monthly-report", Schedule: "every minute: last month's report to every coordinator on the 1st at 06:00 local", Spec: "* * * * *",
			Run: func(ctx context.Context, at time.Time) (string, error) {
				k, err := n.outbox.PlanMonthlyReports(ctx, at)
				return fmt.Sprintf("planned %d monthly reports", k), err
			}},
	}
}

// Describe lists the jobs of a configuration without a database, for `jobs list`.
func Describe(cfg Config) []Job {
	if cfg.ReminderLead == 0 {
		cfg.ReminderLead = 24 * time.Hour
	}
	return (&Notifier{cfg: cfg}).Jobs()
}

// Run runs the named job once, as if the clock said at.
func (n *Notifier) Run(ctx context.Context, name string, at time.Time) (string, error) {
	for _, j := range n.Jobs() {
		if j.Name == name {
			msg, err := j.Run(ctx, at)
			if err != nil {
				return msg, fmt.Errorf("job %s at %s: %w", name, at.Format(time.RFC3339), err)
			}
			return msg, nil
		}
	}
	return "", fmt.Errorf("no job %q", name)
}
