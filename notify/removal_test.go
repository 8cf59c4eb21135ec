package notify

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// parsedCalendar is what booking/calendar/testdata's parser scripts print for one file.
type parsedCalendar struct {
	Method string `json:"method"`
	Events map[string]struct {
		Start, End, Status, Error string
		Sequence                  int
	} `json:"events"`
}

// readIndependently reads the calendars with Python's icalendar and Mozilla's
// ical.js (the scripts of booking/calendar/testdata), as the iCal tests do. Missing
// parsers fail the test under CI=true and skip it elsewhere.
func readIndependently(t *testing.T, cals map[string][]byte) map[string]map[string]parsedCalendar {
	t.Helper()
	testdata, modules := filepath.Join("..", "booking", "calendar", "testdata"), filepath.Join("..", ".ci", "node_modules")
	parsers := map[string][]string{}
	var missing []string
	if exec.Command("/usr/bin/python3", "-c", "import icalendar").Run() == nil {
		parsers["python-icalendar"] = []string{"/usr/bin/python3", filepath.Join(testdata, "parse_ics.py")}
	} else {
		missing = append(missing, "python3 with icalendar")
	}
	if _, err := os.Stat(filepath.Join(modules, "ical.js", "package.json")); err == nil {
		parsers["ical.js"] = []string{"node", filepath.Join(testdata, "parse_ics.mjs"), modules}
	} else {
		missing = append(missing, "ical.js in "+modules)
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("independent parsers missing: %s", strings.Join(missing, "; "))
		}
		t.Skipf("independent parsers missing: %s", strings.Join(missing, "; "))
	}
	dir := t.TempDir()
	var paths []string
	byPath := map[string]string{}
	for name, body := range cals {
		p := filepath.Join(dir, name+".ics")
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		byPath[p] = name
	}
	out := map[string]map[string]parsedCalendar{}
	for parser, cmd := range parsers {
		c := exec.Command(cmd[0], append(slices.Clone(cmd[1:]), paths...)...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		raw, err := c.Output()
		if err != nil {
			t.Fatalf("%s: %v: %s", parser, err, stderr.String())
		}
		var got map[string]parsedCalendar
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v", parser, err)
		}
		out[parser] = map[string]parsedCalendar{}
		for p, pc := range got {
			out[parser][byPath[p]] = pc
		}
	}
	return out
}

// Finding 14: whoever a change takes off a booking (the supervisor replaced by
// another, the managers of the workplace it left) gets METHOD:CANCEL with the
// same UID and a higher SEQUENCE, and no reminder afterwards; those who remain
// or join get REQUEST.
func TestLeaversGetCancelJoinersRequest(t *testing.T) {
	p := newPool(t, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	ctx := p.ctx
	fName, fEmail, langs := "Fatima Ali", "fatima.privat@example.org", []string{"ar"}
	fatima, err := p.svc.CreateSupervisor(ctx, p.admin, booking.SupervisorInput{Name: &fName, Email: &fEmail, Languages: &langs, Areas: &booking.Areas})
	if err != nil {
		t.Fatal(err)
	}
	fUser, err := p.svc.CreateUser(ctx, booking.UserInput{Email: "fatima@kommun.example", Name: fName, Role: booking.RoleSupervisor, SupervisorID: &fatima.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	wName, kind := "Vårdboendet Linden", "elderly_care"
	linden, err := p.svc.CreateWorkplace(ctx, p.admin, booking.WorkplaceInput{Name: &wName, Kind: &kind})
	if err != nil {
		t.Fatal(err)
	}
	lindenMgr, err := p.svc.CreateUser(ctx, booking.UserInput{Email: "chef.linden@kommun.example", Name: "Lars Linden", Role: booking.RoleManager, WorkplaceIDs: []int64{linden.ID}, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	b := p.book("2026-03-30 09:00", "2026-03-30 11:00")
	run(t, n, "outbox", p.clock.Now())
	// A reminder planned for Amina before the booking is given away.
	if _, err := outbox.New(p.svc).PlanReminders(ctx, p.clock.Now(), 24*time.Hour, 14*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	srv.reset()

	calendars := map[string][]byte{}
	// expect checks who got what after a change: kind, method and sequence per
	// recipient, with the booking's UID.
	expect := func(step string, want map[string][2]string, seq int) {
		t.Helper()
		msgs := srv.messages()
		if len(msgs) != len(want) {
			t.Errorf("%s: %d messages to %v, want %d", step, len(msgs), recipients(msgs), len(want))
		}
		for _, m := range msgs {
			to := strings.Join(m.To, ",")
			w, ok := want[to]
			if !ok {
				t.Errorf("%s: unexpected message to %s (%s)", step, to, m.Kind)
				continue
			}
			if m.Kind != w[0] {
				t.Errorf("%s: %s got %s, want %s", step, to, m.Kind, w[0])
			}
			checkInvitation(t, m, b, w[1], seq)
			cal, _ := m.calendar(t)
			var buf bytes.Buffer
			for _, part := range m.Parts {
				if part.Type == "text/calendar" {
					buf.Write(part.Body)
				}
			}
			calendars[step+" "+to] = buf.Bytes()
			if w[1] == "CANCEL" {
				ev := cal.Children[len(cal.Children)-1]
				if att := ev.Props.Values("ATTENDEE"); len(att) != 1 || !strings.EqualFold(att[0].Value, "mailto:"+to) {
					t.Errorf("%s: the CANCEL to %s names attendees %v, want only them", step, to, att)
				}
				if ev.Props.Get("STATUS") != nil {
					t.Errorf("%s: the CANCEL to %s has a STATUS: it uninvites them, the event goes on", step, to)
				}
				if text := m.text("text/plain"); !strings.Contains(text, "gäller inte längre dig") || strings.Contains(text, "uppdaterar din kalender") {
					t.Errorf("%s: the text to %s:\n%s", step, to, text)
				}
			}
		}
		srv.reset()
	}

	// Amina is replaced by Fatima.
	p.clock.set(p.clock.Now().Add(time.Hour))
	if _, err := p.svc.UpdateBooking(ctx, p.admin, b.ID, booking.BookingPatch{SupervisorID: &fatima.ID,
		Override: booking.OverridableRules, Overriding: true}); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	expect("supervisor replaced", map[string][2]string{
		p.svUser.Email:  {outbox.KindBookingRemoved, "CANCEL"},
		fUser.Email:     {outbox.KindBookingChanged, "REQUEST"},
		p.manager.Email: {outbox.KindBookingChanged, "REQUEST"},
	}, 1)

	// The booking moves to another workplace: its managers go, Linden's come.
	p.clock.set(p.clock.Now().Add(time.Hour))
	if _, err := p.svc.UpdateBooking(ctx, p.admin, b.ID, booking.BookingPatch{WorkplaceID: &linden.ID,
		Override: booking.OverridableRules, Overriding: true}); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	expect("workplace changed", map[string][2]string{
		p.manager.Email: {outbox.KindBookingRemoved, "CANCEL"},
		fUser.Email:     {outbox.KindBookingChanged, "REQUEST"},
		lindenMgr.Email: {outbox.KindBookingChanged, "REQUEST"},
	}, 2)

	// The reminder planned for Amina is not sent: the booking is not hers.
	run(t, n, "outbox", p.at("2026-03-29 09:30"))
	for _, m := range srv.messages() {
		if slices.Contains(m.To, p.svUser.Email) {
			t.Errorf("Amina got %s after she was taken off the booking", m.Kind)
		}
	}
	reminders, err := outbox.New(p.svc).List(ctx, outbox.KindReminder)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reminders {
		if r.Recipient == p.svUser.Email && (r.Status != booking.MessageSkipped || r.LastError != "the booking was given to someone else") {
			t.Errorf("Amina's reminder: %s %q", r.Status, r.LastError)
		}
	}
	if len(reminders) != 2 {
		t.Errorf("%d reminders planned, want Amina's and the first manager's", len(reminders))
	}

	// Two independent parsers read each message as the same event: the
	// booking's UID and times, the method and sequence it was sent with.
	start, end := b.Start.UTC().Format(time.RFC3339), b.End.UTC().Format(time.RFC3339)
	for parser, files := range readIndependently(t, calendars) {
		for name, pc := range files {
			ev, ok := pc.Events[b.UID]
			wantMethod := "REQUEST"
			if strings.HasPrefix(name, "supervisor replaced "+p.svUser.Email) || strings.HasPrefix(name, "workplace changed "+p.manager.Email) {
				wantMethod = "CANCEL"
			}
			wantSeq := 1
			if strings.HasPrefix(name, "workplace") {
				wantSeq = 2
			}
			if !ok || len(pc.Events) != 1 || ev.Error != "" || pc.Method != wantMethod || ev.Sequence != wantSeq || ev.Start != start || ev.End != end {
				t.Errorf("%s: %s: method %q, events %+v; want %s, SEQUENCE %d, %s–%s", parser, name, pc.Method, pc.Events, wantMethod, wantSeq, start, end)
			}
		}
	}
}
