package notify

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// hostile is HTML and script as a careless or malicious user might type it.
const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(1)>`

// TestHostileTextInMail puts HTML and script in every text a booking's mail
// shows (workplace name and address, supervisor and manager names, notes, the
// cancellation reason) and sends every kind of booking mail through a real
// SMTP server: the HTML part has the text escaped and no raw tag, the plain
// text part has it as given, and the invitation parses back with go-ical to the
// very text.
func TestHostileTextInMail(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	text := map[string]string{}
	val := func(tag string) *string {
		v := tag + hostile
		text[tag] = v
		return &v
	}
	if _, err := p.svc.UpdateWorkplace(p.ctx, p.admin, p.wp.ID, booking.WorkplaceInput{Name: val("wpname"), Address: val("wpaddr")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.UpdateSupervisor(p.ctx, p.admin, p.sv.ID, booking.SupervisorInput{Name: val("svname")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.CreateUser(p.ctx, booking.UserInput{Email: "chef2@kommun.example", Name: *val("mgrname"), Role: booking.RoleManager,
		WorkplaceIDs: []int64{p.wp.ID}, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	// A link at the end of a line becomes an <a> in the HTML part: one that
	// tries to break out of the href stays inside it.
	link := `https://x.example/"><svg/onload=alert(1)>`
	notes := *val("notes") + "\nrad två; med komma, kolon: och \\ snedstreck\nLänk: " + link

	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	in := bookingAt(p, p.at("2026-03-30 09:00"))
	in.Notes = notes
	b, err := p.svc.CreateBooking(p.ctx, p.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	held := bookingAt(p, p.at("2026-03-23 09:00"))
	held.Notes = notes
	if _, err := p.svc.CreateBooking(p.ctx, p.admin, held); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	// The day before: reminders; at 07:00 on the day: the day plan; after the
	// held session: the follow-up request; the next morning: the confirmation reminder.
	for _, at := range []string{"2026-03-22 09:30", "2026-03-23 07:00", "2026-03-23 18:00", "2026-03-24 07:30"} {
		p.clock.set(p.at(at))
		for _, job := range []string{"reminders", "dayplan", "followups", "confirmations", "outbox"} {
			run(t, n, job, p.at(at))
		}
	}
	if _, err := p.svc.CancelBooking(p.ctx, p.admin, b.ID, "other", *val("reason")); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())

	kinds := map[string]int{}
	for _, m := range srv.messages() {
		kinds[m.Kind]++
		plain, html := m.text("text/plain"), m.text("text/html")
		if html == "" {
			t.Errorf("%s to %v has no HTML part", m.Kind, m.To)
			continue
		}
		for _, raw := range []string{"<script", "<img", "<svg", "onerror=alert(1)>"} {
			if i := strings.Index(html, raw); i >= 0 {
				t.Errorf("%s to %v: the HTML part holds the raw %q: …%s…", m.Kind, m.To, raw, html[max(0, i-60):min(len(html), i+60)])
			}
		}
		for tag, v := range text {
			inPlain := strings.Contains(plain, v)
			inHTML := strings.Contains(html, template.HTMLEscapeString(v))
			if inPlain != inHTML {
				t.Errorf("%s to %v: %s as given in the text part: %v; escaped in the HTML part: %v", m.Kind, m.To, tag, inPlain, inHTML)
			}
		}
		if strings.Contains(plain, "&lt;") || strings.Contains(plain, "&#34;") {
			t.Errorf("%s to %v: the text part is HTML-escaped:\n%s", m.Kind, m.To, plain)
		}
		if !strings.Contains(m.Subject, "<script>") && strings.Contains(m.Subject, "wpname") {
			t.Errorf("%s: subject %q does not carry the workplace's name as given", m.Kind, m.Subject)
		}
		for _, p := range m.Parts {
			if p.Type != "text/calendar" {
				continue
			}
			cal, err := ical.NewDecoder(strings.NewReader(string(p.Body))).Decode()
			if err != nil {
				t.Fatalf("%s: the invitation does not parse: %v\n%s", m.Kind, err, p.Body)
			}
			for _, ev := range cal.Events() {
				summary, _ := ev.Props.Text(ical.PropSummary)
				location, _ := ev.Props.Text(ical.PropLocation)
				desc, _ := ev.Props.Text(ical.PropDescription)
				if !strings.HasSuffix(summary, " – "+text["wpname"]) {
					t.Errorf("%s: SUMMARY %q", m.Kind, summary)
				}
				if location != text["wpname"]+", "+text["wpaddr"] {
					t.Errorf("%s: LOCATION %q", m.Kind, location)
				}
				if !strings.Contains(desc, "\nAnteckningar: "+notes+"\n") {
					t.Errorf("%s: DESCRIPTION does not hold the notes as given:\n%s", m.Kind, desc)
				}
				if m.Kind == outbox.KindBookingCancelled && !strings.Contains(desc, text["reason"]) {
					t.Errorf("cancellation: DESCRIPTION lacks the reason:\n%s", desc)
				}
			}
		}
	}
	for _, k := range []string{outbox.KindBookingConfirmed, outbox.KindBookingCancelled, outbox.KindReminder, outbox.KindDayplan,
		outbox.KindFollowupRequest, outbox.KindConfirmationReminder} {
		if kinds[k] == 0 {
			t.Errorf("no %s mail was sent, so it was not checked (sent: %v)", k, kinds)
		}
	}
	t.Logf("mails checked: %v", kinds)
}
