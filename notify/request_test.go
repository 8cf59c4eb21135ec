package notify

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/request"
)

// A request mails every coordinator when it is made and the workplace's
// managers when it is filled or declined: once each, whatever runs the outbox
// how often, in the recipient's language; withdrawing one mails nobody. The
// expire-requests job stores an open request whose window has passed as expired.
func TestRequestMailOnceAndExpiry(t *testing.T) {
	p := newPool(t, time.Date(2026, 10, 19, 8, 0, 0, 0, time.UTC)) // Monday
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	second, err := p.svc.CreateUser(p.ctx, booking.UserInput{Email: "pia@kommun.example", Name: "Pia Projektledare", Role: booking.RoleAdmin,
		Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.SetLocale(p.ctx, second, "en"); err != nil {
		t.Fatal(err)
	}
	rs := request.New(p.svc)
	in := func(earliest, latest string) request.Input {
		return request.Input{WorkplaceID: p.wp.ID, Language: "ar", Purpose: "parent_information", ParticipantsExpected: 5,
			DurationMinutes: 60, Earliest: p.at(earliest).Format(time.RFC3339), Latest: p.at(latest).Format(time.RFC3339)}
	}
	filled, err := rs.Create(p.ctx, p.manager, in("2026-10-20 08:00", "2026-10-21 16:00"))
	if err != nil {
		t.Fatal(err)
	}
	declined, err := rs.Create(p.ctx, p.manager, in("2026-10-22 08:00", "2026-10-23 16:00"))
	if err != nil {
		t.Fatal(err)
	}
	withdrawn, err := rs.Create(p.ctx, p.manager, in("2026-10-22 08:00", "2026-10-23 16:00"))
	if err != nil {
		t.Fatal(err)
	}
	short, err := rs.Create(p.ctx, p.manager, in("2026-10-19 12:00", "2026-10-19 14:00"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := rs.Fill(p.ctx, p.admin, filled.ID, request.FillInput{SupervisorID: p.sv.ID,
		Start: p.at("2026-10-20 09:00").Format(time.RFC3339), End: p.at("2026-10-20 10:00").Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Decline(p.ctx, p.admin, declined.ID, "Ingen handledare kan den veckan."); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Withdraw(p.ctx, p.manager, withdrawn.ID); err != nil {
		t.Fatal(err)
	}
	// The outbox runs in two processes at once, and again.
	var wg sync.WaitGroup
	for _, svc := range []*booking.Service{p.svc, p.open()} {
		n := p.notifier(svc, srv, 24*time.Hour)
		wg.Go(func() {
			for range 2 {
				if _, err := n.Run(context.Background(), "outbox", p.clock.Now()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	msgs := srv.messages()
	noDuplicates(t, msgs)
	made := byKind(msgs, request.KindMade)
	if len(made) != 8 {
		t.Fatalf("%d request_made mails to %v, want 4 requests × 2 coordinators", len(made), recipients(made))
	}
	for _, m := range made {
		text := m.text("text/plain")
		if m.To[0] == second.Email {
			if !strings.HasPrefix(m.Subject, "New request: Arabic, Förskolan Solrosen") || !strings.Contains(text, "https://sprakpool.example.se/requests/queue") {
				t.Errorf("English coordinator's mail %q:\n%s", m.Subject, text)
			}
			continue
		}
		if m.To[0] != p.admin.Email || m.Subject != "Ny förfrågan: arabiska, Förskolan Solrosen" ||
			!strings.Contains(text, "Längd: 60 min") || !strings.Contains(text, "Se vem som kan ta den och boka med ett klick: https://sprakpool.example.se/requests/queue") {
			t.Errorf("coordinator's mail to %v %q:\n%s", m.To, m.Subject, text)
		}
	}
	if !strings.Contains(made[0].text("text/plain"), "mellan tisdag 20 oktober 2026 08:00 och onsdag 21 oktober 2026 16:00") &&
		!strings.Contains(made[1].text("text/plain"), "mellan tisdag 20 oktober 2026 08:00 och onsdag 21 oktober 2026 16:00") {
		t.Errorf("the window is not in the first request's mail:\n%s", made[0].text("text/plain"))
	}
	fill := byKind(msgs, request.KindFilled)
	if len(fill) != 1 || fill[0].To[0] != p.manager.Email {
		t.Fatalf("request_filled mails to %v, want one to the manager", recipients(fill))
	}
	text := fill[0].text("text/plain")
	for _, want := range []string{"När: tisdag 20 oktober 2026 09:00–10:00", "Handledare: Amina Yusuf",
		"Se bokningen: https://sprakpool.example.se/bookings/" + strconv.FormatInt(b.ID, 10)} {
		if !strings.Contains(text, want) {
			t.Errorf("filled mail lacks %q:\n%s", want, text)
		}
	}
	dec := byKind(msgs, request.KindDeclined)
	if len(dec) != 1 || dec[0].To[0] != p.manager.Email || !strings.Contains(dec[0].text("text/plain"), "Samordnarens förklaring: Ingen handledare kan den veckan.") {
		t.Fatalf("request_declined mails %v", recipients(dec))
	}
	if got := len(msgs) - len(made) - len(fill) - len(dec) - len(byKind(msgs, "booking_confirmed")); got != 0 {
		t.Errorf("%d other mails (withdrawing mails nobody): %v", got, recipients(msgs))
	}

	// Expiry: not before the window's end, then once.
	if got := run(t, n, "expire-requests", p.at("2026-10-19 13:59")); got != "expired 0 requests" {
		t.Errorf("before latest: %s", got)
	}
	if got := run(t, n, "expire-requests", p.at("2026-10-19 14:00")); got != "expired 1 requests" {
		t.Errorf("at latest: %s", got)
	}
	if got := run(t, n, "expire-requests", p.at("2026-10-19 14:01")); got != "expired 0 requests" {
		t.Errorf("again: %s", got)
	}
	var status string
	if err := p.svc.DB().Read(p.ctx).Table("requests").Select("status").Where("id = ?", short.ID).Scan(&status).Error; err != nil {
		t.Fatal(err)
	}
	if status != request.StatusExpired {
		t.Errorf("stored status %q, want expired", status)
	}
}
