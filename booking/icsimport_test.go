package booking

import (
	"strings"
	"testing"
	"time"
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
	sv := f.supervisor("Amina Yusuf", []string{"ar"})
	res, err := f.s.ImportAbsences(f.ctx, f.admin, sv.ID, strings.NewReader(outlookExport))
	if err != nil {
		t.Fatal(err)
	}
	// 4 weekly + 3 Tuesdays (one excluded, one moved) + 1 vacation + 52 Fridays.
	if res.Created != 60 || res.Skipped != 2 {
		t.Errorf("first import: %+v, want 60 created, 2 skipped", res)
	}
	again, err := f.s.ImportAbsences(f.ctx, f.admin, sv.ID, strings.NewReader(outlookExport))
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 0 || again.Skipped != 62 {
		t.Errorf("second import: %+v, want 0 created, 62 skipped", again)
	}
	list, err := f.s.Absences(f.ctx, f.admin, sv.ID, "2026-03-01", "2027-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 60 {
		t.Fatalf("%d absences, want 60", len(list))
	}
	bySource := map[string][]Absence{}
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
	if _, err := f.book(sv, f.wpA, "2026-03-30 09:30", "2026-03-30 10:30"); ErrorCode(err) != CodeConflict {
		t.Errorf("booking inside an imported absence: %v", err)
	}
}

func TestImportAbsencesRefuses(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	sv := f.supervisor("Amina Yusuf", []string{"ar"})
	other := f.supervisor("Omar Ali", []string{"ar"})
	if _, err := f.s.ImportAbsences(f.ctx, f.admin, sv.ID, strings.NewReader("hello")); ErrorCode(err) != CodeInvalid {
		t.Errorf("not a calendar: %v", err)
	}
	u, err := f.s.CreateUser(f.ctx, UserInput{Email: "omar@example.se", Name: "Omar", Role: RoleSupervisor, SupervisorID: &other.ID, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ImportAbsences(f.ctx, u, sv.ID, strings.NewReader(outlookExport)); ErrorCode(err) != CodeForbidden {
		t.Errorf("another supervisor: %v", err)
	}
	if _, err := f.s.ImportAbsences(f.ctx, f.admin, 9999, strings.NewReader(outlookExport)); ErrorCode(err) != CodeNotFound {
		t.Errorf("unknown supervisor: %v", err)
	}
}
