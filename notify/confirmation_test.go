package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// TestConfirmationReminderOverDST: the morning after, at 07:30 local, each
// supervisor gets one mail listing yesterday's held sessions still unconfirmed,
// each with its confirmation link; a session confirmed before then is left out,
// a day with nothing unconfirmed gets no mail, and nothing is sent twice though
// two processes run the jobs every minute (in UTC, as the scheduler ticks) from
// Saturday 00:00 to Monday 09:00 over each DST night.
func TestConfirmationReminderOverDST(t *testing.T) {
	cases := []struct {
		name, saturday, sunday string
		want                   []string // when each reminder is sent, local
	}{
		{"spring", "2026-03-28", "2026-03-29", []string{"2026-03-29T07:30:00+02:00", "2026-03-30T07:30:00+02:00"}},
		{"autumn", "2026-10-24", "2026-10-25", []string{"2026-10-25T07:30:00+01:00", "2026-10-26T07:30:00+01:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPool(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			srv := newMailServer(t)
			n1, n2 := p.notifier(p.svc, srv, 24*time.Hour), p.notifier(p.open(), srv, 24*time.Hour)
			// Weekend sessions, booked past Amina's weekday hours.
			book := func(date, start, end string) *booking.Booking {
				t.Helper()
				b, err := p.svc.CreateBooking(p.ctx, p.admin, booking.BookingInput{SupervisorID: &p.sv.ID, WorkplaceID: p.wp.ID,
					Language: "ar", Purpose: "other", Start: p.at(date + " " + start).Format(time.RFC3339),
					End: p.at(date + " " + end).Format(time.RFC3339), Override: []string{booking.RuleOutsideAvailability}, Overriding: true})
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			sat1, sat2 := book(c.saturday, "09:00", "10:00"), book(c.saturday, "11:00", "12:00")
			sun := book(c.sunday, "10:00", "11:30")
			// A video session on Sunday that Amina confirms at once: Monday lists only sun.
			meet := "https://meet.example.se/x"
			sunVideo, err := p.svc.CreateBooking(p.ctx, p.admin, booking.BookingInput{SupervisorID: &p.sv.ID, WorkplaceID: p.wp.ID,
				Language: "ar", Purpose: "other", Mode: "video", MeetingURL: &meet,
				Start: p.at(c.sunday + " 13:00").Format(time.RFC3339), End: p.at(c.sunday + " 14:00").Format(time.RFC3339),
				Override: []string{booking.RuleOutsideAvailability}, Overriding: true})
			if err != nil {
				t.Fatal(err)
			}
			run(t, n1, "outbox", p.clock.Now())
			srv.reset()

			from, to := p.at(c.saturday+" 00:00").UTC(), p.at(c.sunday+" 00:00").AddDate(0, 0, 1).Add(9*time.Hour).UTC()
			step := map[int]time.Time{}
			for at, i := from, 0; !at.After(to); at, i = at.Add(time.Minute), i+1 {
				p.clock.set(at)
				srv.setStep(i)
				step[i] = at
				switch l := at.In(p.loc).Format("2006-01-02 15:04"); l {
				case c.saturday + " 13:00":
					p.confirm(sat2, "held")
				case c.sunday + " 14:05":
					p.confirm(sunVideo, "not_held")
				}
				for _, n := range []*Notifier{n1, n2} {
					for _, job := range []string{"confirmations", "outbox"} {
						run(t, n, job, at)
					}
				}
			}
			msgs := srv.messages()
			noDuplicates(t, msgs)
			got := byKind(msgs, outbox.KindConfirmationReminder)
			if len(got) != 2 || len(msgs) != 2 {
				t.Fatalf("%d confirmation reminders of %d messages, want 2 and 2: %v", len(got), len(msgs), recipients(msgs))
			}
			link := func(b *booking.Booking) string {
				return fmt.Sprintf("https://sprakpool.example.se/bookings/%d/confirm", b.ID)
			}
			for i, m := range got {
				if m.To[0] != p.svUser.Email {
					t.Errorf("reminder %d to %v, want the supervisor's user %s", i, m.To, p.svUser.Email)
				}
				if at := step[m.At].In(p.loc).Format(time.RFC3339); at != c.want[i] {
					t.Errorf("reminder %d sent at %s, want %s", i, at, c.want[i])
				}
				text, html := m.text("text/plain"), m.text("text/html")
				var in, out []*booking.Booking
				if i == 0 {
					in, out = []*booking.Booking{sat1}, []*booking.Booking{sat2, sun}
				} else {
					in, out = []*booking.Booking{sun}, []*booking.Booking{sat1, sunVideo}
				}
				for _, b := range in {
					if !strings.Contains(text, "Bekräfta: "+link(b)) || !strings.Contains(html, `href="`+link(b)+`"`) {
						t.Errorf("reminder %d lacks the link of booking %d:\n%s\n%s", i, b.ID, text, html)
					}
				}
				for _, b := range out {
					if strings.Contains(text, link(b)) {
						t.Errorf("reminder %d lists booking %d, which it should not:\n%s", i, b.ID, text)
					}
				}
				if !strings.Contains(m.Subject, "Bekräfta gårdagens pass") {
					t.Errorf("subject %q", m.Subject)
				}
			}
			if !strings.Contains(got[0].text("text/plain"), "09:00–10:00 Förskolan Solrosen, arabiska (på plats)") ||
				!strings.Contains(got[1].text("text/plain"), "10:00–11:30 Förskolan Solrosen") {
				t.Errorf("reminder texts:\n%s\n%s", got[0].text("text/plain"), got[1].text("text/plain"))
			}
			// Run again later the same day: nothing more is planned.
			if msg := run(t, n1, "confirmations", to.Add(3*time.Hour)); msg != "planned 0 confirmation reminders" {
				t.Errorf("a later run: %q", msg)
			}
		})
	}
}

// TestConfirmationReminderSkippedWhenConfirmedMeanwhile: a reminder planned at
// 07:30 but sent after the supervisor confirmed everything is skipped, not sent
// empty.
func TestConfirmationReminderSkippedWhenConfirmedMeanwhile(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	b := p.book("2026-03-30 09:00", "2026-03-30 10:00")
	run(t, n, "outbox", p.clock.Now())
	srv.reset()
	at := p.at("2026-03-31 07:30")
	p.clock.set(at)
	if msg := run(t, n, "confirmations", at); msg != "planned 1 confirmation reminders" {
		t.Fatalf("planned: %q", msg)
	}
	p.confirm(b, "held")
	run(t, n, "outbox", at)
	if msgs := srv.messages(); len(msgs) != 0 {
		t.Fatalf("sent %v, want nothing", recipients(msgs))
	}
	rows, err := outbox.New(p.svc).List(p.ctx, outbox.KindConfirmationReminder)
	if err != nil || len(rows) != 1 || rows[0].Status != booking.MessageSkipped {
		t.Fatalf("outbox: %+v %v, want one skipped", rows, err)
	}
}

// confirm records the outcome as Amina, as of the pool's clock.
func (p *pool) confirm(b *booking.Booking, outcome string) {
	p.t.Helper()
	if _, err := p.svc.ConfirmBooking(p.ctx, p.svUser, b.ID, booking.ConfirmationInput{Outcome: outcome}); err != nil {
		p.t.Fatal(err)
	}
}
