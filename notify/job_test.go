package notify

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/booking/report"
)

// Acceptance 3: the reminder job run twice for one instant, or in two processes
// at once, sends each reminder once.
func TestRemindersOnceAcrossRunsAndProcesses(t *testing.T) {
	p := newPool(t, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	for _, s := range [][2]string{{"09:00", "10:00"}, {"11:00", "12:00"}, {"13:00", "14:00"}} {
		p.book("2026-09-15 "+s[0], "2026-09-15 "+s[1])
		p.book("2026-09-16 "+s[0], "2026-09-16 "+s[1])
	}
	run(t, n, "outbox", p.clock.Now())
	srv.reset()

	// Twice for the same instant, in one process.
	at := p.at("2026-09-14 13:00")
	p.clock.set(at)
	first, second := run(t, n, "reminders", at), run(t, n, "reminders", at)
	if first != "planned 6 reminders" || second != "planned 0 reminders" {
		t.Errorf("runs said %q then %q", first, second)
	}
	run(t, n, "outbox", at)
	run(t, n, "outbox", at)
	if r := byKind(srv.messages(), outbox.KindReminder); len(r) != 6 {
		t.Fatalf("%d reminders for 3 bookings × 2 recipients, want 6", len(r))
	}

	// Two processes (each its own connections to the one database file) run the
	// reminder job and the outbox at the same instants, at the same time.
	srv.reset()
	services := []*booking.Service{p.svc, p.open()}
	var wg sync.WaitGroup
	for _, svc := range services {
		n := p.notifier(svc, srv, 24*time.Hour)
		wg.Go(func() {
			for _, at := range []string{"2026-09-15 12:59", "2026-09-15 13:00", "2026-09-15 13:00", "2026-09-15 13:01"} {
				if _, err := n.Run(context.Background(), "reminders", p.at(at)); err != nil {
					t.Error(err)
				}
				if _, err := n.Run(context.Background(), "outbox", p.at(at)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	p.clock.set(p.at("2026-09-15 13:01"))
	wg.Wait()
	msgs := srv.messages()
	noDuplicates(t, msgs)
	if r := byKind(msgs, outbox.KindReminder); len(r) != 6 {
		t.Errorf("%d reminders from two processes, want 6", len(r))
	}
}

// Acceptance 4: the reminder lead is an absolute duration, and wall-clock jobs
// neither skip nor repeat over DST. The jobs run every minute (in UTC, as the
// scheduler ticks) from Saturday 00:00 to Monday 08:00 local over both DST nights.
func TestReminderLeadAndDayplanOverDST(t *testing.T) {
	cases := []struct {
		name, start, end, remindedAt, dayplanAt, from, to string
	}{
		// Monday 2026-03-30 09:00 CEST − 48h = Saturday 2026-03-28 08:00 CET.
		{"spring", "2026-03-30 09:00", "2026-03-30 10:00", "2026-03-28T08:00:00+01:00", "2026-03-30T07:00:00+02:00", "2026-03-28 00:00", "2026-03-30 08:00"},
		// Monday 2026-10-26 08:00 CET − 48h = Saturday 2026-10-24 09:00 CEST.
		{"autumn", "2026-10-26 08:00", "2026-10-26 09:00", "2026-10-24T09:00:00+02:00", "2026-10-26T07:00:00+01:00", "2026-10-24 00:00", "2026-10-26 08:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPool(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			srv := newMailServer(t)
			n := p.notifier(p.svc, srv, 48*time.Hour)
			b := p.book(c.start, c.end)
			run(t, n, "outbox", p.clock.Now())
			srv.reset()
			remindedAt, _ := time.Parse(time.RFC3339, c.remindedAt)
			dayplanAt, _ := time.Parse(time.RFC3339, c.dayplanAt)
			from, to := p.at(c.from).UTC(), p.at(c.to).UTC()
			step := map[int]time.Time{}
			for at, i := from, 0; !at.After(to); at, i = at.Add(time.Minute), i+1 {
				p.clock.set(at)
				srv.setStep(i)
				step[i] = at
				for _, job := range []string{"reminders", "dayplan", "followups", "monthly-report", "outbox"} {
					run(t, n, job, at)
				}
			}
			msgs := srv.messages()
			noDuplicates(t, msgs)
			reminders := byKind(msgs, outbox.KindReminder)
			if len(reminders) != 2 {
				t.Fatalf("%d reminders, want 2 (supervisor and manager)", len(reminders))
			}
			for _, m := range reminders {
				if got := step[m.At]; !got.Equal(remindedAt) {
					t.Errorf("reminder to %v sent at %s, want %s", m.To, got.In(p.loc).Format(time.RFC3339), c.remindedAt)
				}
			}
			rows, err := outbox.New(p.svc).List(p.ctx, outbox.KindReminder)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if !r.DueAt.Equal(remindedAt) || !r.DueAt.Equal(b.Start.Add(-48*time.Hour)) {
					t.Errorf("reminder due %s, want %s", r.DueAt, c.remindedAt)
				}
			}
			plans := byKind(msgs, outbox.KindDayplan)
			if len(plans) != 1 || plans[0].To[0] != p.svUser.Email {
				t.Fatalf("day plans %v, want one to the supervisor", recipients(plans))
			}
			if got := step[plans[0].At]; !got.Equal(dayplanAt) {
				t.Errorf("day plan sent at %s, want %s", got.In(p.loc).Format(time.RFC3339), c.dayplanAt)
			}
			if text := plans[0].text("text/plain"); !strings.Contains(text, c.start[11:]+"–"+c.end[11:]+" Förskolan Solrosen, arabiska (på plats)") {
				t.Errorf("day plan text:\n%s", text)
			}
			// The first run also catches up on the month's report, once, for a
			// coordinator who was there when it fell due: not in March (the pool was
			// set up on 1 March at 13:00, after the 06:00 due time), but in October.
			monthly := 0
			if c.name == "autumn" {
				monthly = 1
			}
			if len(msgs) != 3+monthly || len(byKind(msgs, outbox.KindMonthlyReport)) != monthly {
				t.Errorf("%d messages over the weekend, want 2 reminders, a day plan and %d monthly reports: %v", len(msgs), monthly, recipients(msgs))
			}
		})
	}
}

// Acceptance 6: one monthly report per coordinator per month, however often and
// in however many processes the job runs; it carries the month's counts as CSV.
func TestMonthlyReportOncePerCoordinator(t *testing.T) {
	p := newPool(t, time.Date(2026, 9, 20, 6, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	second, err := p.svc.CreateUser(p.ctx, booking.UserInput{Email: "projektledare@kommun.example", Name: "Pia Projektledare", Role: booking.RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	p.book("2026-10-05 09:00", "2026-10-05 11:00")
	p.book("2026-10-06 09:00", "2026-10-06 10:30")
	c := p.book("2026-10-07 09:00", "2026-10-07 10:00")
	if _, err := p.svc.CancelBooking(p.ctx, p.admin, c.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}
	p.clock.set(p.at("2026-10-31 12:00"))
	run(t, n, "monthly-report", p.clock.Now()) // September's, the first run ever
	run(t, n, "outbox", p.clock.Now())
	srv.reset()

	if got := run(t, n, "monthly-report", p.at("2026-11-01 05:59")); got != "planned 0 monthly reports" {
		t.Errorf("at 05:59 on the 1st: %s", got)
	}
	services := []*booking.Service{p.svc, p.open()}
	var wg sync.WaitGroup
	for _, svc := range services {
		n := p.notifier(svc, srv, 24*time.Hour)
		wg.Go(func() {
			for _, at := range []string{"2026-11-01 06:00", "2026-11-01 06:00", "2026-11-01 06:01"} {
				for _, job := range []string{"monthly-report", "outbox"} {
					if _, err := n.Run(context.Background(), job, p.at(at)); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	p.clock.set(p.at("2026-11-01 06:01"))
	wg.Wait()
	for _, at := range []string{"2026-11-01 07:00", "2026-11-15 12:00", "2026-11-30 23:59"} {
		p.clock.set(p.at(at))
		run(t, n, "monthly-report", p.at(at))
		run(t, n, "outbox", p.at(at))
	}
	msgs := srv.messages()
	noDuplicates(t, msgs)
	if got := recipients(msgs); len(got) != 2 || !(got[0] == p.admin.Email && got[1] == second.Email || got[1] == p.admin.Email && got[0] == second.Email) {
		t.Fatalf("monthly reports went to %v, want one to each coordinator", got)
	}
	for _, m := range msgs {
		if m.Subject != "Månadsrapport oktober 2026: 2 bokningar" {
			t.Errorf("subject %q", m.Subject)
		}
		text := m.text("text/plain")
		if !strings.HasPrefix(text, "Hej Sam Ordnare!") && !strings.HasPrefix(text, "Hej Pia Projektledare!") {
			t.Errorf("the coordinator is not greeted by name:\n%s", text)
		}
		// The evaluation's key figures, and a link to its page (issue 17).
		for _, want := range []string{"Bokningar: 2 (avbokade: 1, varav sent: 0)", "Bokade timmar: 3,5 av ", "Amina Yusuf: 2 / 3,5 / ",
			"Utvärdering av oktober 2026: 1 av ", "/reports/evaluation?from=2026-10-01&to=2026-10-31"} {
			if !strings.Contains(text, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}
		if html := m.text("text/html"); !strings.Contains(html, `<a href="https://sprakpool.example.se/reports/evaluation?from=2026-10-01&amp;to=2026-10-31">`) {
			t.Errorf("the evaluation is not a link in the HTML part:\n%s", html)
		}
		var csv *part
		for i := range m.Parts {
			if m.Parts[i].Type == "text/csv" {
				csv = &m.Parts[i]
			}
		}
		if csv == nil || csv.Name != "nyttjande-2026-10.csv" {
			t.Fatalf("no CSV attachment named nyttjande-2026-10.csv in %+v", m.Parts)
		}
		want, err := report.New(p.svc).UtilizationCSV(p.ctx, p.admin, "2026-10-01", "2026-10-31", "supervisor")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(csv.Body, want) || !bytes.HasPrefix(csv.Body, []byte("\ufeff")) {
			t.Errorf("CSV %q, want the utilization report's %q", csv.Body, want)
		}
	}
}

// A follow-up request goes to the booking's manager once the session has ended,
// once, with a link to the follow-up form; not when the follow-up was given.
func TestFollowupRequest(t *testing.T) {
	p := newPool(t, time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	b := p.book("2026-09-08 09:00", "2026-09-08 10:00")
	given := p.book("2026-09-08 13:00", "2026-09-08 14:00")
	run(t, n, "outbox", p.clock.Now())
	srv.reset()
	for _, at := range []string{"2026-09-08 09:59", "2026-09-08 10:00", "2026-09-08 10:01"} {
		p.clock.set(p.at(at))
		run(t, n, "followups", p.clock.Now())
		run(t, n, "outbox", p.clock.Now())
	}
	p.clock.set(p.at("2026-09-08 14:00"))
	run(t, n, "followups", p.clock.Now()) // planned, then given before the outbox runs
	if _, err := p.svc.RecordFollowup(p.ctx, p.admin, given.ID, booking.FollowupInput{PersonsSupervised: 3, Rating: 5}); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	msgs := srv.messages()
	if len(msgs) != 1 || msgs[0].To[0] != p.manager.Email || msgs[0].Kind != outbox.KindFollowupRequest {
		t.Fatalf("follow-up requests %v, want one to the manager", recipients(msgs))
	}
	link := "https://sprakpool.example.se/bookings/" + strconv.FormatInt(b.ID, 10) + "#followup"
	if !strings.Contains(msgs[0].text("text/plain"), "Fyll i uppföljningen: "+link) {
		t.Errorf("no follow-up link %s in:\n%s", link, msgs[0].text("text/plain"))
	}
}
