package notify

import (
	"bytes"
	"flag"
	"fmt"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/notify/channel"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The text and HTML of a booking confirmation, in Swedish and in English, match
// the golden files (go test ./notify -run Golden -update rewrites them).
func TestMailGolden(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	if err := p.svc.SetLocale(p.ctx, p.manager, "en"); err != nil {
		t.Fatal(err)
	}
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	p.book("2026-03-30 09:00", "2026-03-30 11:00")
	run(t, n, "outbox", p.clock.Now())
	msgs := byKind(srv.messages(), outbox.KindBookingConfirmed)
	if len(msgs) != 2 {
		t.Fatalf("%d confirmations, want 2", len(msgs))
	}
	for i, lang := range []string{"sv", "en"} {
		for _, part := range []struct{ ext, mediaType string }{{"txt", "text/plain"}, {"html", "text/html"}} {
			golden(t, filepath.Join("testdata", "booking_confirmed."+lang+"."+part.ext), msgs[i].Subject+"\n\n"+msgs[i].text(part.mediaType))
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Findings 16 and 18: an invitation's text/calendar part is base64 and the same
// calendar is attached as invite.ics; the Subject header carries its first
// encoded word on its own line; the Message-ID ends in the sender's domain; the
// sender is "Språkpool", as in ORGANIZER.
func TestInvitationMailFormat(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	p.book("2026-03-30 09:00", "2026-03-30 11:00")
	run(t, n, "outbox", p.clock.Now())
	msgs := srv.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	for _, m := range msgs {
		var cal, att *part
		for i := range m.Parts {
			switch {
			case m.Parts[i].Type == "text/calendar":
				cal = &m.Parts[i]
			case m.Parts[i].Name == "invite.ics":
				att = &m.Parts[i]
			}
		}
		if cal == nil || cal.Encoding != "base64" || cal.Params["method"] != "REQUEST" {
			if cal == nil {
				cal = &part{}
			}
			t.Errorf("%v: the text/calendar part is %q with %v, want base64 with method=REQUEST", m.To, cal.Encoding, cal.Params)
			continue
		}
		if att == nil || att.Type != "application/ics" || att.Encoding != "base64" || !bytes.Equal(att.Body, cal.Body) {
			t.Errorf("%v: the invite.ics attachment is missing or differs from the invitation", m.To)
		}
		// The raw header: "Subject: =?UTF-8?…" on one line, no fold right
		// after the colon (a reader would see a leading space).
		raw := string(m.Raw)
		i := strings.Index(raw, "\r\nSubject:")
		if i < 0 || !strings.HasPrefix(raw[i+len("\r\nSubject:"):], " =?UTF-8?q?") {
			t.Errorf("%v: the Subject header is folded before its first word: %q", m.To, raw[i:min(len(raw), i+40)])
		}
		for _, l := range strings.Split(raw[:strings.Index(raw, "\r\n\r\n")], "\r\n") {
			if len(l) > 78 {
				t.Errorf("%v: header line of %d characters: %q", m.To, len(l), l)
			}
		}
		if want := "Bokning bekräftad: arabiska 30 mars 2026 09:00–11:00, Förskolan Solrosen"; m.Subject != want {
			t.Errorf("%v: subject %q, want %q", m.To, m.Subject, want)
		}
		if !strings.HasSuffix(m.MessageID, "@kommun.example>") {
			t.Errorf("%v: Message-ID %q does not end in the sender's domain", m.To, m.MessageID)
		}
		from, err := netmail.ParseAddress(m.Header.Get("From"))
		if err != nil || from.Name != "Språkpool" || from.Address != "sprakpool@kommun.example" {
			t.Errorf("%v: From %q (%v), want Språkpool <sprakpool@kommun.example>", m.To, m.Header.Get("From"), err)
		}
		ical, _ := m.calendar(t)
		if org := ical.Events()[0].Props.Get("ORGANIZER"); org == nil || org.Params.Get("CN") != from.Name {
			t.Errorf("%v: ORGANIZER %v, want the From name %q", m.To, org, from.Name)
		}
	}
}

// Finding 13 in mail: a time in the hour that repeats when summer time ends
// says which of the two it is (CEST or CET); the invitation has it in UTC.
func TestMailNamesTheZoneInTheRepeatedHour(t *testing.T) {
	p := newPool(t, time.Date(2027, 10, 20, 9, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	in := bookingAt(p, time.Time{})
	in.Start, in.End = "2027-10-31T02:30:00+02:00", "2027-10-31T02:30:00+01:00"
	if _, err := p.svc.CreateBooking(p.ctx, p.admin, in); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	msgs := srv.messages()
	if len(msgs) == 0 {
		t.Fatal("no mail")
	}
	for _, m := range msgs {
		if want := "Bokning bekräftad: arabiska 31 oktober 2027 02:30 CEST–02:30 CET, Förskolan Solrosen"; m.Subject != want {
			t.Errorf("subject %q, want %q", m.Subject, want)
		}
		if text := m.text("text/plain"); !strings.Contains(text, "När: söndag 31 oktober 2027 kl. 02:30 CEST–02:30 CET") {
			t.Errorf("text:\n%s", text)
		}
		cal, _ := m.calendar(t)
		ev := cal.Events()[0]
		if s, e := prop(ev.Component, "DTSTART"), prop(ev.Component, "DTEND"); s != "20271031T003000Z" || e != "20271031T013000Z" {
			t.Errorf("invitation: DTSTART %s DTEND %s, want UTC", s, e)
		}
	}
}

// Finding 10: in mail only the links Språkpool makes are links. Free text that
// ends in a URL (notes, a cancellation reason) stays text in the HTML part; a
// line break in a name cuts neither the subject nor the headers.
func TestMailLinksOnlyThePoolsOwn(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	in := bookingAt(p, p.at("2026-03-30 09:00"))
	in.Notes = "Logga in här för att se bokningen: https://evil.example/login\nhttp://evil.example/plain"
	b, err := p.svc.CreateBooking(p.ctx, p.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.CancelBooking(p.ctx, p.admin, b.ID, "other", "Nytt datum: https://evil.example/boka"); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	own := fmt.Sprintf(`<a href="https://sprakpool.example.se/bookings/%d">`, b.ID)
	for _, m := range srv.messages() {
		html := m.text("text/html")
		if strings.Contains(html, "<a href=\"https://evil") || strings.Contains(html, "<a href=\"http://evil") {
			t.Errorf("%s: free text became a link:\n%s", m.Kind, html)
		}
		if !strings.Contains(html, "https://evil.example/login") {
			t.Errorf("%s: the notes are missing from the HTML part", m.Kind)
		}
		if m.Kind == outbox.KindBookingConfirmed && !strings.Contains(html, own) {
			t.Errorf("%s: the booking's own link is not a link:\n%s", m.Kind, html)
		}
	}

	// A name with a line break, as data from before names were checked could
	// hold, renders on one line: in the subject, the headers, the text.
	det := &outbox.BookingDetails{Booking: *b, Supervisor: *p.sv, Workplace: *p.wp}
	det.Booking.Status = booking.StatusConfirmed
	det.Workplace.Name = "Solrosen\r\nBcc: evil@example.org\r\n\r\nFalsk text"
	det.Supervisor.Name = "Amina\nX-Evil: 1"
	r, err := n.tmpl.render(outbox.KindBookingConfirmed, "sv", mailData{Name: "Maria\r\nCc: evil@example.org", B: n.view(det, "sv")})
	if err != nil {
		t.Fatal(err)
	}
	srv.reset()
	msg := n.message(booking.Message{Kind: outbox.KindBookingConfirmed, Recipient: "chef@kommun.example", MessageID: "x@kommun.example"}, "sv", r, nil, nil)
	if err := n.sender(booking.ChannelEmail).Send(p.ctx, []channel.Message{msg}, func(_ int, err error) error { return err }); err != nil {
		t.Fatal(err)
	}
	sent := srv.messages()
	if len(sent) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(sent))
	}
	got := sent[0]
	if want := "Bokning bekräftad: arabiska 30 mars 2026 09:00–10:00, Solrosen Bcc: evil@example.org Falsk text"; got.Subject != want {
		t.Errorf("subject %q, want %q", got.Subject, want)
	}
	for _, h := range []string{"Bcc", "Cc", "X-Evil"} {
		if v := got.Header.Get(h); v != "" {
			t.Errorf("a name made a %s header: %q", h, v)
		}
	}
	text := got.text("text/plain")
	for _, want := range []string{"Hej Maria Cc: evil@example.org!", "Var: Solrosen Bcc: evil@example.org Falsk text, Solrosvägen 1, Kommunen (på plats)",
		"Handledare: Amina X-Evil: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
