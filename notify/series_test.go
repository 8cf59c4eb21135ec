package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/calendar"
	"github.com/sprakpool/sprakpool/booking/outbox"
)

// expanded is what the expand scripts of booking/calendar/testdata print for one file.
type expanded struct {
	Method      string `json:"method"`
	Occurrences []struct {
		UID, Start, End, Status string
		RecurrenceID            string `json:"recurrence_id"`
	} `json:"occurrences"`
}

// expandIndependently expands the calendars' recurrences with ical.js
// (Thunderbird's reader) and Python's recurring-ical-events. Missing parsers
// fail the test under CI=true and skip it elsewhere.
func expandIndependently(t *testing.T, cals map[string][]byte) map[string]map[string]expanded {
	t.Helper()
	testdata, modules := filepath.Join("..", "booking", "calendar", "testdata"), filepath.Join("..", ".ci", "node_modules")
	parsers := map[string][]string{}
	var missing []string
	if exec.Command("/usr/bin/python3", "-c", "import recurring_ical_events").Run() == nil {
		parsers["recurring-ical-events"] = []string{"/usr/bin/python3", filepath.Join(testdata, "expand_ics.py")}
	} else {
		missing = append(missing, "python3-recurring-ical-events")
	}
	if _, err := os.Stat(filepath.Join(modules, "ical.js", "package.json")); err == nil {
		parsers["ical.js"] = []string{"node", filepath.Join(testdata, "expand_ics.mjs"), modules}
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
	out := map[string]map[string]expanded{}
	for parser, cmd := range parsers {
		c := exec.Command(cmd[0], append(slices.Clone(cmd[1:]), paths...)...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		raw, err := c.Output()
		if err != nil {
			t.Fatalf("%s: %v: %s", parser, err, stderr.String())
		}
		var got map[string]expanded
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v", parser, err)
		}
		out[parser] = map[string]expanded{}
		for p, e := range got {
			out[parser][byPath[p]] = e
		}
	}
	return out
}

func (e expanded) starts() []string {
	var out []string
	for _, o := range e.Occurrences {
		if o.Status != "CANCELLED" {
			out = append(out, o.Start+"/"+o.End)
		}
	}
	return out
}

// A series is one mail per person per series change, whose calendar part
// every reader expands to the occurrences booked: 10:00 across the spring DST
// change, the closed Easter Monday left out. A moved and a cancelled
// occurrence afterwards are overrides of the same event (RECURRENCE-ID), and
// cancelling the rest from a date is again one mail per person.
func TestSeriesMailOnePerPersonAndChange(t *testing.T) {
	p := newPool(t, time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC))
	srv := newMailServer(t)
	n := p.notifier(p.svc, srv, 24*time.Hour)
	count := 6
	first := p.at("2027-03-22 10:00") // Mondays; 29 March is Easter Monday
	sr, err := p.svc.CreateSeries(p.ctx, p.admin, booking.SeriesInput{BookingInput: booking.BookingInput{SupervisorID: &p.sv.ID,
		WorkplaceID: p.wp.ID, Language: "ar", Purpose: "workplace_support", Start: first.Format(time.RFC3339),
		End: first.Add(time.Hour).Format(time.RFC3339)}, EveryWeeks: 1, Count: &count})
	if err != nil {
		t.Fatal(err)
	}
	if len(sr.Bookings) != 5 || len(sr.Skipped) != 1 {
		t.Fatalf("booked %d, skipped %v", len(sr.Bookings), sr.Skipped)
	}
	run(t, n, "outbox", p.clock.Now())
	msgs := srv.messages()
	if got, want := recipients(msgs), []string{p.svUser.Email, p.manager.Email}; !slices.Equal(got, want) || len(byKind(msgs, outbox.KindSeriesMade)) != 2 {
		t.Fatalf("series mail went to %v (kinds %v), want one each to %v", got, msgs[0].Kind, want)
	}
	cals := map[string][]byte{}
	for _, m := range msgs {
		cal, part := m.calendar(t)
		if part.Params["method"] != "REQUEST" || prop(cal.Component, "METHOD") != "REQUEST" {
			t.Errorf("method %v / %s", part.Params, prop(cal.Component, "METHOD"))
		}
		text := m.text("text/plain")
		for _, want := range []string{"Bokade tillfällen (5):", "- måndag 22 mars 2027 10:00–11:00", "- måndag 5 april 2027 10:00–11:00",
			"Hoppas över:", "- måndag 29 mars 2027 (annandag påsk)", "https://sprakpool.example.se/series/"} {
			if !strings.Contains(text, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}
		cals["made-"+m.To[0]] = part.Body
	}
	made := cals["made-"+p.svUser.Email]
	if out := os.Getenv("SPRAKPOOL_SERIES_ICS"); out != "" {
		// For a person to read: what a series invitation looks like.
		if err := os.WriteFile(out, made, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Then one occurrence moved to 13:00 and another cancelled, each alone.
	srv.reset()
	moved, cancelled := sr.Bookings[1], sr.Bookings[2] // 5 and 12 April
	start, end := p.at("2027-04-05 13:00").Format(time.RFC3339), p.at("2027-04-05 14:00").Format(time.RFC3339)
	if _, err := p.svc.UpdateBooking(p.ctx, p.admin, moved.ID, booking.BookingPatch{Start: &start, End: &end}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.CancelBooking(p.ctx, p.admin, cancelled.ID, "illness", ""); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	msgs = srv.messages()
	if len(msgs) != 4 {
		t.Fatalf("want a change and a cancellation to each of 2 people, got %d", len(msgs))
	}
	for _, m := range msgs {
		cal, part := m.calendar(t)
		ev := cal.Children[len(cal.Children)-1]
		if prop(ev, "UID") != sr.UID || prop(ev, "RECURRENCE-ID") == "" || part.Params["method"] != prop(cal.Component, "METHOD") {
			t.Errorf("%s: UID %s RECURRENCE-ID %q method %v/%s", m.Kind, prop(ev, "UID"), prop(ev, "RECURRENCE-ID"), part.Params, prop(cal.Component, "METHOD"))
		}
		if m.To[0] == p.svUser.Email {
			cals[m.Kind] = part.Body
		}
	}
	// The series as a client holds it now, rendered again: the same overrides.
	now, _, err := calendar.New(p.svc).SeriesInvitation(context.Background(), sr.ID, "sprakpool@kommun.example")
	if err != nil {
		t.Fatal(err)
	}
	cals["after"] = now
	// Finally the rest cancelled from 13 April: one mail per person again.
	srv.reset()
	if _, err := p.svc.CancelSeries(p.ctx, p.admin, sr.ID, "workplace_closed", "", "2027-04-13"); err != nil {
		t.Fatal(err)
	}
	run(t, n, "outbox", p.clock.Now())
	msgs = srv.messages()
	if len(byKind(msgs, outbox.KindSeriesCancelled)) != 2 || len(msgs) != 2 {
		t.Fatalf("cancelling two occurrences from a date: %d mails (%v)", len(msgs), recipients(msgs))
	}
	for _, m := range msgs {
		text := m.text("text/plain")
		for _, want := range []string{"Avbokade tillfällen:", "- måndag 19 april 2027 10:00–11:00", "- måndag 26 april 2027 10:00–11:00",
			"Kvar i serien:", "- måndag 5 april 2027 13:00–14:00"} {
			if !strings.Contains(text, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}
		if m.To[0] == p.svUser.Email {
			_, part := m.calendar(t)
			cals["cancelled-rest"] = part.Body
		}
	}
	got := expandIndependently(t, cals)
	for parser, files := range got {
		check := func(name string, want []string) {
			t.Helper()
			if g := files[name].starts(); !slices.Equal(g, want) {
				t.Errorf("%s reads %s as %v, want %v", parser, name, g, want)
			}
		}
		// 10:00 CET is 09:00Z, 10:00 CEST 08:00Z.
		check("made-"+p.svUser.Email, []string{"2027-03-22T09:00:00Z/2027-03-22T10:00:00Z", "2027-04-05T08:00:00Z/2027-04-05T09:00:00Z",
			"2027-04-12T08:00:00Z/2027-04-12T09:00:00Z", "2027-04-19T08:00:00Z/2027-04-19T09:00:00Z", "2027-04-26T08:00:00Z/2027-04-26T09:00:00Z"})
		check("booking_changed", []string{"2027-04-05T11:00:00Z/2027-04-05T12:00:00Z"})
		if o := files["booking_changed"].Occurrences; len(o) != 1 || o[0].RecurrenceID != "2027-04-05T08:00:00Z" {
			t.Errorf("%s: the moved occurrence's RECURRENCE-ID: %+v", parser, o)
		}
		if o := files["booking_cancelled"].Occurrences; files["booking_cancelled"].Method != "CANCEL" || len(o) != 1 ||
			o[0].RecurrenceID != "2027-04-12T08:00:00Z" || o[0].UID != sr.UID {
			t.Errorf("%s: the cancelled occurrence: %+v", parser, files["booking_cancelled"])
		}
		check("after", []string{"2027-03-22T09:00:00Z/2027-03-22T10:00:00Z", "2027-04-05T11:00:00Z/2027-04-05T12:00:00Z",
			"2027-04-19T08:00:00Z/2027-04-19T09:00:00Z", "2027-04-26T08:00:00Z/2027-04-26T09:00:00Z"})
		check("cancelled-rest", []string{"2027-03-22T09:00:00Z/2027-03-22T10:00:00Z", "2027-04-05T11:00:00Z/2027-04-05T12:00:00Z"})
	}
}
