package calendar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/sprakpool/sprakpool/booking"
)

// outlookExport is a calendar as Outlook, Google and phones export it: Windows
// and IANA zone names, recurring events with EXDATE and a moved occurrence,
// all-day events, free and cancelled events, folded lines.
const outlookExport = "BEGIN:VCALENDAR\r\n" +
	"PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n" +
	"VERSION:2.0\r\n" +
	"BEGIN:VTIMEZONE\r\n" +
	"TZID:W. Europe Standard Time\r\n" +
	"BEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n" +
	"BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n" +
	"END:VTIMEZONE\r\n" +
	// Weekly, across the spring DST change: 09:00 local every time.
	"BEGIN:VEVENT\r\nUID:weekly-course@example.se\r\nDTSTAMP:20260301T120000Z\r\n" +
	"DTSTART;TZID=Europe/Stockholm:20260316T090000\r\nDTEND;TZID=Europe/Stockholm:20260316T100000\r\n" +
	"RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Språkkurs\\, nivå 2\r\nEND:VEVENT\r\n" +
	// Outlook's zone name, an EXDATE, and one occurrence moved by RECURRENCE-ID.
	"BEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E008@outlook\r\nDTSTAMP:20260301T120000Z\r\n" +
	"DTSTART;TZID=\"W. Europe Standard Time\":20260317T130000\r\nDTEND;TZID=\"W. Europe Standard Time\":20260317T150000\r\n" +
	"RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260407T120000Z\r\n" +
	"EXDATE;TZID=\"W. Europe Standard Time\":20260324T130000\r\n" +
	"SUMMARY:Handledning\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E008@outlook\r\nDTSTAMP:20260301T120000Z\r\n" +
	"RECURRENCE-ID;TZID=\"W. Europe Standard Time\":20260331T130000\r\n" +
	"DTSTART;TZID=\"W. Europe Standard Time\":20260331T140000\r\nDTEND;TZID=\"W. Europe Standard Time\":20260331T160000\r\n" +
	"SUMMARY:Handledning (flyttad)\r\nEND:VEVENT\r\n" +
	// A vacation: all-day dates, the end not included.
	"BEGIN:VEVENT\r\nUID:vacation-2026@example.se\r\nDTSTAMP:20260301T120000Z\r\n" +
	"DTSTART;VALUE=DATE:20260706\r\nDTEND;VALUE=DATE:20260725\r\nSUMMARY:Semester\r\n" +
	"DESCRIPTION:En mycket lång rad som viks enligt RFC 5545 och fortsätter på nästa r\r\n ad utan att något går förlorat.\r\nEND:VEVENT\r\n" +
	// Free time and a cancelled meeting block nothing.
	"BEGIN:VEVENT\r\nUID:free@example.se\r\nDTSTAMP:20260301T120000Z\r\nDTSTART:20260318T080000Z\r\nDTEND:20260318T090000Z\r\n" +
	"TRANSP:TRANSPARENT\r\nSUMMARY:Kanske\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:cancelled@example.se\r\nDTSTAMP:20260301T120000Z\r\nDTSTART:20260319T080000Z\r\nDTEND:20260319T090000Z\r\n" +
	"STATUS:CANCELLED\r\nSUMMARY:Inställt\r\nEND:VEVENT\r\n" +
	// Every Friday for ever, in UTC: only the next 12 months are taken.
	"BEGIN:VEVENT\r\nUID:fridays@example.se\r\nDTSTAMP:20260301T120000Z\r\nDTSTART:20250103T100000Z\r\nDURATION:PT1H\r\n" +
	"RRULE:FREQ=WEEKLY;BYDAY=FR\r\nCLASS:PRIVATE\r\nSUMMARY:Läkarbesök\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// Acceptance 6: an import creates each absence once, however often it runs, and
// a weekly event becomes one absence per occurrence at the same local time.
func TestImportAbsences(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	res, err := f.cal.ImportAbsences(f.Ctx, f.Admin, sv.ID, strings.NewReader(outlookExport))
	if err != nil {
		t.Fatal(err)
	}
	// 4 weekly + 3 Tuesdays (one excluded, one moved) + 1 vacation + 52 Fridays.
	if res.Created != 60 || res.Skipped != 2 {
		t.Errorf("first import: %+v, want 60 created, 2 skipped", res)
	}
	again, err := f.cal.ImportAbsences(f.Ctx, f.Admin, sv.ID, strings.NewReader(outlookExport))
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 0 || again.Skipped != 62 {
		t.Errorf("second import: %+v, want 0 created, 62 skipped", again)
	}
	list, err := f.S.Absences(f.Ctx, f.Admin, sv.ID, "2026-03-01", "2027-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 60 {
		t.Fatalf("%d absences, want 60", len(list))
	}
	bySource := map[string][]booking.Absence{}
	for _, a := range list {
		bySource[*a.SourceUID] = append(bySource[*a.SourceUID], a)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	check := func(uid string, want [][2]string, reason string) {
		t.Helper()
		got := bySource[uid]
		if len(got) != len(want) {
			t.Fatalf("%s: %d absences, want %d", uid, len(got), len(want))
		}
		for i, w := range want {
			if !got[i].Start.Equal(utc(w[0])) || !got[i].End.Equal(utc(w[1])) {
				t.Errorf("%s #%d: %s–%s, want %s–%s", uid, i, got[i].Start, got[i].End, w[0], w[1])
			}
			if reason != "" && got[i].Reason != reason {
				t.Errorf("%s #%d: reason %q, want %q", uid, i, got[i].Reason, reason)
			}
		}
	}
	// 09:00 Stockholm is 08:00 UTC before 29 March and 07:00 after.
	check("weekly-course@example.se", [][2]string{
		{"2026-03-16T08:00:00Z", "2026-03-16T09:00:00Z"}, {"2026-03-23T08:00:00Z", "2026-03-23T09:00:00Z"},
		{"2026-03-30T07:00:00Z", "2026-03-30T08:00:00Z"}, {"2026-04-06T07:00:00Z", "2026-04-06T08:00:00Z"}}, "Språkkurs, nivå 2")
	check("040000008200E00074C5B7101A82E008@outlook", [][2]string{
		{"2026-03-17T12:00:00Z", "2026-03-17T14:00:00Z"}, {"2026-03-31T12:00:00Z", "2026-03-31T14:00:00Z"},
		{"2026-04-07T11:00:00Z", "2026-04-07T13:00:00Z"}}, "")
	check("vacation-2026@example.se", [][2]string{{"2026-07-05T22:00:00Z", "2026-07-24T22:00:00Z"}}, "Semester")
	fridays := bySource["fridays@example.se"]
	if len(fridays) != 52 || !fridays[0].Start.Equal(utc("2026-03-06T10:00:00Z")) || !fridays[51].Start.Equal(utc("2027-02-26T10:00:00Z")) {
		t.Errorf("fridays: %d, %v … %v", len(fridays), fridays[0].Start, fridays[len(fridays)-1].Start)
	}
	if fridays[0].Reason != "Upptagen (importerad)" {
		t.Errorf("a private event's title leaked: %q", fridays[0].Reason)
	}
	// The imported absences are absences: a booking in one is refused.
	if _, err := f.Book(sv, f.WpA, "2026-03-30 09:30", "2026-03-30 10:30"); booking.ErrorCode(err) != booking.CodeConflict {
		t.Errorf("booking inside an imported absence: %v", err)
	}
}

func TestImportAbsencesRefuses(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	other := f.Supervisor("Omar Ali", []string{"ar"})
	if _, err := f.cal.ImportAbsences(f.Ctx, f.Admin, sv.ID, strings.NewReader("hello")); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Errorf("not a calendar: %v", err)
	}
	u, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: "omar@example.se", Name: "Omar", Role: booking.RoleSupervisor, SupervisorID: &other.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cal.ImportAbsences(f.Ctx, u, sv.ID, strings.NewReader(outlookExport)); booking.ErrorCode(err) != booking.CodeForbidden {
		t.Errorf("another supervisor: %v", err)
	}
	if _, err := f.cal.ImportAbsences(f.Ctx, f.Admin, 9999, strings.NewReader(outlookExport)); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("unknown supervisor: %v", err)
	}
}

// calendarFile wraps VEVENTs in a calendar.
func calendarFile(events ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n"
}

// importWithin runs an import and fails the test if it has not answered after
// the contract's 10 seconds (a bound, not a speed claim; before finding 2 was
// fixed the files below took minutes, or for ever).
func importWithin(t *testing.T, f *fixture, sv *booking.Supervisor, file string) (*ImportResult, error) {
	t.Helper()
	type answer struct {
		res *ImportResult
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := f.cal.ImportAbsences(f.Ctx, f.Admin, sv.ID, strings.NewReader(file))
		done <- answer{res, err}
	}()
	select {
	case a := <-done:
		return a.res, a.err
	case <-time.After(10 * time.Second):
		t.Fatalf("the import of %d bytes has not answered after 10 s", len(file))
		return nil, nil
	}
}

// Finding 2: a rule that can never match, or matches only decades away, costs
// a bounded search; too many of them, or a rule whose search cannot be bounded,
// are refused as too complex; and the work stops when its context ends.
func TestImportBoundsRuleSearch(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	event := func(uid, dtstart, rule string) string {
		return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260301T120000Z\r\nDTSTART;TZID=Europe/Stockholm:" + dtstart +
			"\r\nDURATION:PT1H\r\nRRULE:" + rule + "\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
	}
	impossible := func(n int, rule, dtstart string) string {
		var evs []string
		for i := range n {
			evs = append(evs, event(fmt.Sprintf("never-%d", i), dtstart, rule))
		}
		return calendarFile(evs...)
	}

	// As many never-matching rules as a file may hold: each search ends a few
	// decades after the window, and the file is read.
	res, err := importWithin(t, f, sv, impossible(maxRecurringEvents, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "20260301T090000")+
		"")
	if err != nil || res.Created != 0 || res.Skipped != maxRecurringEvents {
		t.Errorf("%d never-matching rules: %+v %v", maxRecurringEvents, res, err)
	}
	// A rule that matches once in 28 years (29 February on a Monday) is found.
	res, err = importWithin(t, f, sv, calendarFile(event("leap-monday", "20000229T090000", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO")))
	if err != nil || res.Created != 0 || res.Skipped != 1 {
		t.Errorf("29 February on a Monday, next in 2044: %+v %v", res, err)
	}

	for name, file := range map[string]string{
		"one more recurring event than a file may hold": impossible(maxRecurringEvents+1, "FREQ=WEEKLY", "20260301T090000"),
		// Searched from 1900, where the calendar is not that of the years
		// near 9999: every rule walks five centuries, and the budget runs out.
		"never-matching rules counted from 1900": impossible(200, "FREQ=DAILY;COUNT=3;BYMONTH=4;BYMONTHDAY=31", "19000101T090000"),
		// rrule-go's HOURLY search loops for ever when INTERVAL never
		// reaches BYHOUR; an absence repeats at most daily anyway.
		"an hourly rule": calendarFile(event("hourly", "20260301T030000", "FREQ=HOURLY;INTERVAL=24;BYHOUR=5")),
		// rrule-go indexes out of its arrays on this one.
		"a rule rrule-go panics on": calendarFile(event("panic", "20260301T090000", "FREQ=YEARLY;BYMONTH=2;BYDAY=-53MO")),
	} {
		_, err := importWithin(t, f, sv, file)
		if booking.ErrorCode(err) != booking.CodeInvalid {
			t.Errorf("%s: %v, want the invalid error", name, err)
		}
	}
	if _, err := importWithin(t, f, sv, impossible(maxRecurringEvents+1, "FREQ=WEEKLY", "20260301T090000")); err == nil ||
		!strings.Contains(err.Error(), "too complex") {
		t.Errorf("too many recurring events: %v, want a message that says too complex", err)
	}

	// The search stops when the request's context ends (the client went away).
	cal, err := decodeICS(strings.NewReader(impossible(50, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "20260301T090000")))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.Ctx)
	cancel()
	if _, _, err := f.cal.busySpans(ctx, cal, f.S.Clock(), f.S.Clock().AddDate(0, ImportHorizon, 0)); !errors.Is(err, context.Canceled) {
		t.Errorf("an ended context: %v, want context.Canceled", err)
	}
}

// The bounded expansion gives what rrule-go gives when left to search from
// DTSTART: the restart before the window and the move into the years near 9999
// change no occurrence (finding 2).
func TestRuleStartsAgreeWithRRule(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	keepFrom := time.Date(2026, 2, 20, 0, 0, 0, 0, loc)
	to := time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ start, rule string }{
		{"2019-05-07 09:00", "FREQ=WEEKLY;INTERVAL=3"},
		{"2020-01-05 08:00", "FREQ=WEEKLY;BYDAY=MO,WE;WKST=SU;INTERVAL=2"},
		{"2020-01-05 08:00", "FREQ=WEEKLY;BYDAY=SU,SA;WKST=TU;INTERVAL=3"},
		{"2010-01-29 13:00", "FREQ=MONTHLY;BYDAY=-1FR"},
		{"2016-01-31 07:45", "FREQ=MONTHLY"},
		{"2001-02-28 12:00", "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=-1"},
		{"2012-07-31 16:00", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1,2"},
		{"2000-02-29 09:00", "FREQ=YEARLY"},
		{"2008-02-29 09:00", "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29,28"},
		{"1999-01-04 10:00", "FREQ=YEARLY;BYWEEKNO=1,20,53;BYDAY=MO,SU"},
		{"1995-01-01 10:00", "FREQ=YEARLY;BYYEARDAY=-1,100,366;INTERVAL=2"},
		{"1990-03-25 02:30", "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU;BYHOUR=2;BYMINUTE=30"},
		{"2003-06-01 10:15", "FREQ=DAILY;INTERVAL=7"},
		{"2003-06-01 10:15", "FREQ=DAILY;INTERVAL=11;BYDAY=MO,FR;BYMONTH=1,6,10"},
		{"2016-01-01 08:00", "FREQ=DAILY;COUNT=4000"},
		{"2013-09-03 15:30", "FREQ=WEEKLY;COUNT=700;BYDAY=TU,TH"},
		{"2025-12-01 08:00", "FREQ=DAILY;UNTIL=20260315T000000Z"},
		{"1904-02-29 08:00", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"},
		{"2026-03-01 09:00", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"},
		{"1960-06-15 18:00", "FREQ=YEARLY;COUNT=90"},
		{"1960-06-15 18:00", "FREQ=YEARLY;COUNT=90;INTERVAL=3;BYMONTH=6,12;BYDAY=3MO,-1FR"},
	} {
		start, err := time.ParseInLocation("2006-01-02 15:04", tc.start, loc)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ruleStarts(context.Background(), tc.rule, start, keepFrom, to, &ruleBudget{units: importSearchCost})
		if err != nil {
			t.Errorf("%s from %s: %v", tc.rule, tc.start, err)
			continue
		}
		opt, err := rrule.StrToROptionInLocation(tc.rule, loc)
		if err != nil {
			t.Fatal(err)
		}
		opt.Dtstart = start
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			t.Fatal(err)
		}
		var want []time.Time
		next := r.Iterator()
		for t, ok := next(); ok && t.Before(to); t, ok = next() {
			if t = firstOccurrence(t); !t.Before(keepFrom) {
				want = append(want, t)
			}
		}
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("%s from %s:\n got %d %v\nwant %d %v", tc.rule, tc.start, len(got), got, len(want), want)
		}
	}
}

// Findings 13 and 17: a local time in the hour that repeats in autumn is its
// first occurrence (RFC 5545 §3.3.5), a comma in SUMMARY, escaped or not,
// keeps the rest of the title, and a byte-order mark is no reason to refuse a
// file; the bookings the new absences cover are named.
func TestImportReadsWhatExportersWrite(t *testing.T) {
	f := newFixture(t, time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC))
	sv := f.Supervisor("Amina Yusuf", []string{"ar"}, booking.Window{Weekday: 1, Start: 8 * 60, End: 16 * 60}, booking.Window{Weekday: 7, Start: 0, End: 24 * 60})
	covered, err := f.S.CreateBooking(f.Ctx, f.Admin, booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: f.WpA.ID, Language: "ar",
		Purpose: "workplace_support", Start: "2027-10-31T02:40:00+01:00", End: "2027-10-31T03:30:00+01:00",
		Override: booking.OverridableRules, Overriding: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Book(sv, f.WpA, "2027-11-01 09:00", "2027-11-01 10:00"); err != nil {
		t.Fatal(err)
	}
	file := "\uFEFF" + calendarFile(
		"BEGIN:VEVENT\r\nUID:fold@example.se\r\nDTSTAMP:20270601T120000Z\r\n"+
			"DTSTART;TZID=Europe/Stockholm:20271031T021500\r\nDTEND;TZID=Europe/Stockholm:20271031T030000\r\n"+
			"SUMMARY:Konferens (Central Europe), Rum 3\r\nEND:VEVENT\r\n",
		"BEGIN:VEVENT\r\nUID:weekly-fold@example.se\r\nDTSTAMP:20270601T120000Z\r\n"+
			"DTSTART;TZID=Europe/Stockholm:20271017T023000\r\nDURATION:PT20M\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"+
			"SUMMARY:Jour\\, natt\\; \\\"larm\\\"\r\nEND:VEVENT\r\n")
	res, err := f.cal.ImportAbsences(f.Ctx, f.Admin, sv.ID, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 4 || !slices.Equal(res.AffectedBookingIDs, []int64{covered.ID}) {
		t.Errorf("import: %+v, want 4 created and booking %d affected", res, covered.ID)
	}
	list, err := f.S.Absences(f.Ctx, f.Admin, sv.ID, "2027-10-01", "2027-11-30")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range list {
		got = append(got, a.Start.UTC().Format(time.RFC3339)+" "+a.End.UTC().Format(time.RFC3339)+" "+a.Reason)
	}
	want := []string{
		"2027-10-17T00:30:00Z 2027-10-17T00:50:00Z Jour, natt; \"larm\"",
		"2027-10-24T00:30:00Z 2027-10-24T00:50:00Z Jour, natt; \"larm\"",
		// 02:15 is the first 02:15 (+02:00); 03:00 comes once (+01:00).
		"2027-10-31T00:15:00Z 2027-10-31T02:00:00Z Konferens (Central Europe), Rum 3",
		// The weekly 02:30 on the day the clocks go back: the first 02:30.
		"2027-10-31T00:30:00Z 2027-10-31T00:50:00Z Jour, natt; \"larm\"",
	}
	if !slices.Equal(got, want) {
		t.Errorf("absences:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
