package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Start runs every job on its schedule until the returned stop is called; stop
// waits for running jobs to finish. The cron ticks in UTC: wall-clock times are
// the jobs' own business (computed in the pool's zone), because a CRON_TZ job at
// 02:30 would be skipped on the spring-forward day and run twice in the autumn.
// A panic in a job is recovered and logged; a job still running when its next
// tick comes is not started twice.
func (n *Notifier) Start(ctx context.Context) (stop func()) {
	logger := cronLogger{n.log}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(logger),
		// Recover innermost: robfig's SkipIfStillRunning releases its slot without
		// a defer, so a panic passing through it would stop the job for good.
		cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)))
	ctx, cancel := context.WithCancel(ctx)
	for _, j := range n.Jobs() {
		if _, err := c.AddFunc(j.Spec, func() {
			if ctx.Err() != nil {
				return
			}
			at := time.Now()
			// Each minute's run of a planning job happens in one process of the
			// cluster; the outbox runs in all of them (its claims keep them apart).
			if j.Name != "outbox" {
				won, err := n.outbox.ClaimJobTick(ctx, j.Name, at)
				if err != nil {
					n.log.Error("scheduled job not claimed", "job", j.Name, "err", err)
					return
				}
				if !won {
					return
				}
			}
			msg, err := j.Run(ctx, at)
			if err != nil {
				n.log.Error("scheduled job failed", "job", j.Name, "err", err)
			} else if msg != "" && j.Name != "outbox" {
				n.log.Debug("scheduled job ran", "job", j.Name, "result", msg)
			}
		}); err != nil {
			panic(err) // the specs are constants
		}
	}
	c.Start()
	n.log.Info("scheduler started", "jobs", len(n.Jobs()))
	return func() {
		cancel()
		<-c.Stop().Done()
	}
}

// cronLogger adapts slog to robfig/cron, which logs recovered panics through it.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
