package notify

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// TestBookingMailSaysWherePerMode: the booking mail and its invitation say the
// same as the feeds: the address on site, "Telefon" for a call, the meeting link
// for video (LOCATION and URL of the invitation too), and never the workplace's
// address for a remote session.
func TestBookingMailSaysWherePerMode(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	const meet = "https://meet.example.se/j/42"
	const address = "Solrosvägen 1, Kommunen"
	cases := []struct {
		mode, start, end string
		text, location   string
		url              string // of the invitation; "" is the booking's page
	}{
		{"on_site", "2026-03-30 09:00", "2026-03-30 10:00", "Var: Förskolan Solrosen, " + address + " (på plats)", "Förskolan Solrosen, " + address, ""},
		{"phone", "2026-03-30 11:00", "2026-03-30 12:00", "Var: Telefon, Förskolan Solrosen", "Telefon", ""},
		{"video", "2026-03-30 13:00", "2026-03-30 14:00", "Var: Video, Förskolan Solrosen\nMöteslänk: " + meet, meet, meet},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			in := booking.BookingInput{SupervisorID: &p.sv.ID, WorkplaceID: p.wp.ID, Language: "ar", Purpose: "other", Mode: c.mode,
				Start: p.at(c.start).Format(time.RFC3339), End: p.at(c.end).Format(time.RFC3339)}
			if c.mode == "video" {
				u := meet
				in.MeetingURL = &u
			}
			b, err := p.svc.CreateBooking(p.ctx, p.admin, in)
			if err != nil {
				t.Fatal(err)
			}
			srv.reset()
			run(t, n, "outbox", p.clock.Now())
			msgs := byKind(srv.messages(), outbox.KindBookingConfirmed)
			if len(msgs) != 2 {
				t.Fatalf("%d mails, want 2", len(msgs))
			}
			for _, m := range msgs {
				text := m.text("text/plain")
				if !strings.Contains(text, c.text) {
					t.Errorf("%s: text lacks %q:\n%s", m.To[0], c.text, text)
				}
				if c.mode != "on_site" && strings.Contains(text, address) {
					t.Errorf("%s: a %s session's mail gives the address:\n%s", m.To[0], c.mode, text)
				}
				cal, _ := m.calendar(t)
				ev := cal.Events()[0]
				loc, _ := ev.Props.Text(ical.PropLocation)
				url := ev.Props.Get(ical.PropURL)
				wantURL := c.url
				if wantURL == "" {
					wantURL = "https://sprakpool.example.se/bookings/" + itoa(b.ID)
				}
				if loc != c.location || url == nil || url.Value != wantURL {
					t.Errorf("invitation LOCATION %q URL %v, want %q and %q", loc, url, c.location, wantURL)
				}
			}
		})
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
