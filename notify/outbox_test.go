package notify

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// Acceptance 1: a booking's confirmation and cancellation reach a real SMTP
// server: the right recipients, a Swedish subject and text, an HTML part, and the
// invitation parsed back with the booking's UID, SEQUENCE and METHOD.
func TestBookingMailReachesSMTP(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	b := p.book("2026-03-30 09:00", "2026-03-30 11:00")

	run(t, n, "outbox", p.clock.Now())
	msgs := srv.messages()
	if got, want := recipients(msgs), []string{p.svUser.Email, p.manager.Email}; !slices.Equal(got, want) {
		t.Fatalf("confirmation went to %v, want %v", got, want)
	}
	rows, err := outbox.New(p.svc).List(p.ctx, outbox.KindBookingConfirmed)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range msgs {
		if want := "Bokning bekräftad: arabiska 30 mars 2026 09:00–11:00, Förskolan Solrosen"; m.Subject != want {
			t.Errorf("subject %q, want %q", m.Subject, want)
		}
		if m.From != "sprakpool@kommun.example" || m.Header.Get("Content-Language") != "sv" {
			t.Errorf("envelope from %q, Content-Language %q", m.From, m.Header.Get("Content-Language"))
		}
		if want := "<" + rows[i].MessageID + ">"; m.MessageID != want {
			t.Errorf("Message-ID %q, want the outbox row's %q", m.MessageID, want)
		}
		text := m.text("text/plain")
		for _, want := range []string{"En språkstödshandledare är bokad.", "När: måndag 30 mars 2026 kl. 09:00–11:00",
			"Var: Förskolan Solrosen, Solrosvägen 1, Kommunen (på plats)", "Språk: arabiska", "Handledare: Amina Yusuf",
			"Syfte: föräldrainformation", "Deltagare: 12", fmt.Sprintf("https://sprakpool.example.se/bookings/%d", b.ID)} {
			if !strings.Contains(text, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}
		if html := m.text("text/html"); !strings.Contains(html, "Handledare: Amina Yusuf") || !strings.Contains(html, `<a href="https://sprakpool.example.se/bookings/`) {
			t.Errorf("HTML part lacks the booking or its link:\n%s", html)
		}
		checkInvitation(t, m, b, "REQUEST", 0)
	}
	if !strings.HasPrefix(msgs[0].text("text/plain"), "Hej Amina Yusuf!") {
		t.Errorf("the supervisor is not greeted by name:\n%s", msgs[0].text("text/plain"))
	}

	srv.reset()
	p.clock.set(p.clock.Now().Add(time.Hour))
	if _, err := p.svc.CancelBooking(p.ctx, p.admin, b.ID, "illness", "Förkyld"); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	msgs = srv.messages()
	if got, want := recipients(msgs), []string{p.svUser.Email, p.manager.Email}; !slices.Equal(got, want) {
		t.Fatalf("cancellation went to %v, want %v", got, want)
	}
	for _, m := range msgs {
		if !strings.HasPrefix(m.Subject, "Avbokad: arabiska 30 mars 2026") {
			t.Errorf("subject %q", m.Subject)
		}
		if text := m.text("text/plain"); !strings.Contains(text, "Orsak: sjukdom: Förkyld") {
			t.Errorf("the reason is missing:\n%s", text)
		}
		checkInvitation(t, m, b, "CANCEL", 1)
	}
	// Nothing is sent twice, however often the outbox runs.
	for range 3 {
		run(t, n, "outbox", p.clock.Now())
	}
	if got := len(srv.messages()); got != 2 {
		t.Errorf("%d messages after more outbox runs, want 2", got)
	}
}

// checkInvitation parses the text/calendar part with go-ical and checks it is the
// feed's event: the booking's UID, the sequence, the method on both the part and
// the calendar, organizer and attendees.
func checkInvitation(t *testing.T, m received, b *booking.Booking, method string, seq int) {
	t.Helper()
	cal, p := m.calendar(t)
	if p.Params["method"] != method || !strings.EqualFold(p.Params["charset"], "utf-8") {
		t.Errorf("text/calendar parameters %v, want method=%s; charset=utf-8", p.Params, method)
	}
	if got := prop(cal.Component, "METHOD"); got != method {
		t.Errorf("METHOD %q, want %q", got, method)
	}
	var events []*ical.Component
	for _, c := range cal.Children {
		if c.Name == ical.CompEvent {
			events = append(events, c)
		}
	}
	if len(events) != 1 {
		t.Fatalf("%d events in the invitation, want 1", len(events))
	}
	ev := events[0]
	if got := prop(ev, "UID"); got != b.UID {
		t.Errorf("UID %q, want the booking's %q", got, b.UID)
	}
	if got := prop(ev, "SEQUENCE"); got != fmt.Sprint(seq) {
		t.Errorf("SEQUENCE %q, want %d", got, seq)
	}
	if !strings.Contains(strings.ToLower(prop(ev, "ORGANIZER")), "sprakpool@kommun.example") {
		t.Errorf("ORGANIZER %q", prop(ev, "ORGANIZER"))
	}
}

// Acceptance 2: with the SMTP server stopped, 50 bookings are made; the server
// is started; after the retries every expected message has arrived exactly once.
func TestOutageThenEveryMessageOnce(t *testing.T) {
	p := newPool(t, time.Date(2027, 1, 4, 7, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	srv.stop()
	n := p.notifier(p.svc, srv, 24*time.Hour)
	want := map[string]bool{}
	day := p.at("2027-01-11 00:00")
	for len(want) < 100 {
		for h := 8; h < 13 && len(want) < 100; h++ {
			d := day.Format("2006-01-02")
			b := p.book(fmt.Sprintf("%s %02d:00", d, h), fmt.Sprintf("%s %02d:00", d, h+1))
			want[fmt.Sprintf("%d %s", b.ID, p.svUser.Email)] = true
			want[fmt.Sprintf("%d %s", b.ID, p.manager.Email)] = true
		}
		day = day.AddDate(0, 0, 1)
		if day.Weekday() == time.Saturday {
			day = day.AddDate(0, 0, 2)
		}
	}
	// Two runs while the server is down: every message fails and waits.
	for i := range 2 {
		o, err := n.SendDue(p.ctx, p.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if o.Sent != 0 || o.Retrying != 100 {
			t.Fatalf("run %d while down: %+v, want 100 retrying", i, o)
		}
		p.clock.set(p.clock.Now().Add(outbox.RetryDelay(i + 1)))
	}
	srv.start()
	for step := 0; step < 30; step++ {
		if _, err := n.SendDue(p.ctx, p.clock.Now()); err != nil {
			t.Fatal(err)
		}
		p.clock.set(p.clock.Now().Add(time.Minute))
	}
	msgs := srv.messages()
	noDuplicates(t, msgs)
	got := map[string]int{}
	for _, m := range msgs {
		var id int64
		if _, err := fmt.Sscanf(m.text("text/plain")[strings.Index(m.text("text/plain"), "/bookings/")+len("/bookings/"):], "%d", &id); err != nil {
			t.Fatalf("no booking link in %q", m.Subject)
		}
		got[fmt.Sprintf("%d %s", id, m.To[0])]++
	}
	for k := range want {
		if got[k] != 1 {
			t.Errorf("%s: %d messages, want 1", k, got[k])
		}
	}
	if len(msgs) != len(want) {
		t.Errorf("%d messages arrived, want %d", len(msgs), len(want))
	}
	counts, err := outbox.New(p.svc).CountByStatus(p.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[booking.MessageSent] != 100 || len(counts) != 1 {
		t.Errorf("outbox by status %v, want 100 sent", counts)
	}
}

// Acceptance 5: a booking cancelled after its reminder was planned, before it
// was due, gets no reminder but a CANCEL invitation; one moved gets its reminder
// for the new time only.
func TestCancelledOrMovedBookingGetsNoStaleReminder(t *testing.T) {
	p := newPool(t, time.Date(2026, 5, 4, 7, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	cancelled := p.book("2026-05-12 10:00", "2026-05-12 11:00")
	moved := p.book("2026-05-13 10:00", "2026-05-13 11:00")
	run(t, n, "outbox", p.clock.Now())
	srv.reset()

	// Monday 09:30: the reminder for Tuesday 10:00 is planned, due at 10:00.
	p.clock.set(p.at("2026-05-11 09:30"))
	run(t, n, "reminders", p.clock.Now())
	run(t, n, "outbox", p.clock.Now())
	planned, err := outbox.New(p.svc).List(p.ctx, outbox.KindReminder)
	if err != nil {
		t.Fatal(err)
	}
	if len(planned) != 2 || planned[0].Status != booking.MessagePending || !planned[0].DueAt.Equal(p.at("2026-05-11 10:00")) {
		t.Fatalf("planned reminders %+v, want 2 pending due at 10:00", planned)
	}
	if len(srv.messages()) != 0 {
		t.Fatalf("sent before the reminder was due: %v", recipients(srv.messages()))
	}
	p.clock.set(p.at("2026-05-11 09:45"))
	if _, err := p.svc.CancelBooking(p.ctx, p.admin, cancelled.ID, "workplace_closed", ""); err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"2026-05-11 09:46", "2026-05-11 10:00", "2026-05-11 10:01", "2026-05-11 12:00"} {
		p.clock.set(p.at(at))
		run(t, n, "reminders", p.clock.Now())
		run(t, n, "outbox", p.clock.Now())
	}
	msgs := srv.messages()
	if r := byKind(msgs, outbox.KindReminder); len(r) != 0 {
		t.Errorf("reminders of a cancelled booking were sent: %v", recipients(r))
	}
	c := byKind(msgs, outbox.KindBookingCancelled)
	if len(c) != 2 {
		t.Fatalf("%d cancellations, want 2", len(c))
	}
	for _, m := range c {
		checkInvitation(t, m, cancelled, "CANCEL", 1)
	}

	// Tuesday 09:30 the Wednesday reminder is planned; at 09:40 the booking moves to 13:00.
	srv.reset()
	p.clock.set(p.at("2026-05-12 09:30"))
	run(t, n, "reminders", p.clock.Now())
	p.clock.set(p.at("2026-05-12 09:40"))
	newStart, newEnd := p.at("2026-05-13 13:00").Format(time.RFC3339), p.at("2026-05-13 14:00").Format(time.RFC3339)
	if _, err := p.svc.UpdateBooking(p.ctx, p.admin, moved.ID, booking.BookingPatch{Start: &newStart, End: &newEnd}); err != nil {
		t.Fatal(err)
	}
	for at := p.at("2026-05-12 09:41"); !at.After(p.at("2026-05-12 13:30")); at = at.Add(time.Minute) {
		p.clock.set(at)
		srv.setStep(int(at.Sub(p.at("2026-05-12 00:00")) / time.Minute))
		run(t, n, "reminders", at)
		run(t, n, "outbox", at)
	}
	msgs = srv.messages()
	r := byKind(msgs, outbox.KindReminder)
	if len(r) != 2 {
		t.Fatalf("%d reminders for the moved booking, want 2 (for the new time): %v", len(r), recipients(r))
	}
	for _, m := range r {
		if m.At != 13*60 || !strings.Contains(m.Subject, "13 maj 2026 13:00–14:00") {
			t.Errorf("reminder %q arrived at minute %d, want 13:00 for the new time", m.Subject, m.At)
		}
	}
	if ch := byKind(msgs, outbox.KindBookingChanged); len(ch) != 2 {
		t.Errorf("%d change messages, want 2", len(ch))
	} else {
		checkInvitation(t, ch[0], moved, "REQUEST", 1)
		if !strings.Contains(ch[0].text("text/plain"), "Den var tidigare onsdag 13 maj 2026 10:00–11:00.") {
			t.Errorf("the change does not say the old time:\n%s", ch[0].text("text/plain"))
		}
	}
}
