package calendar

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
)

// Fuzz targets of the calendars (issue 8). `go test` runs their seeds (the
// f.Add calls and the files under testdata/fuzz/) as ordinary tests; .ci/test
// runs each with -fuzz for a few seconds. Every state a target needs is built
// once per fuzz process, outside f.Fuzz, so iterations stay fast.

// FuzzICalText: whatever text a booking holds (notes, a workplace's name and
// address, a supervisor's name, phone and e-mail), its feed event parses back
// with go-ical to exactly the text the event was built from after icalText's
// documented normalisation (CRLF and bare CR become LF, invalid UTF-8 becomes
// U+FFFD, other control characters are dropped); every line is at most 75
// octets and every line is valid UTF-8 on its own (folding never splits a
// character). A CN parameter made by paramText parses back the same, too.
func FuzzICalText(f *testing.F) {
	for _, v := range []string{"", "Rad ett,\nrad två;\r\nrad tre\\slut", longNote, "a\rb", "\xff\xfe", "\x00\x01\x7f",
		strings.Repeat("å", 80) + "𝄞", "\"quoted\"; name: x, y", "\\n\\,\\;", " leading and trailing ", "\t\n\r\n"} {
		f.Add(v)
	}
	s := New(pooltest.NewService(f, calNow))
	f.Fuzz(func(t *testing.T, v string) {
		uid := "fuzz@sprakpool.test"
		b := &booking.Booking{ID: 1, UID: uid, Language: "ar", Area: "childcare", Mode: "on_site", Purpose: "other",
			Start: calNow.Add(time.Hour), End: calNow.Add(2 * time.Hour), Status: booking.StatusConfirmed, Notes: v,
			CreatedAt: calNow, UpdatedAt: calNow}
		e := &calendarEntry{Booking: b, Supervisor: &booking.Supervisor{Name: v, Phone: v, Email: v},
			Workplace: &booking.Workplace{Name: v, Address: v}, Managers: []booking.User{{Name: v, Email: "m@example.se"}}}
		cal := s.newCalendar()
		ev := s.vevent(e)
		cn := ical.NewProp(ical.PropAttendee)
		cn.Params.Set(ical.ParamCommonName, paramText(v))
		cn.Value = "mailto:m@example.se"
		ev.Props.Add(cn)
		cal.Children = append(cal.Children, ev.Component)
		body, err := encodeCalendar(cal)
		if err != nil {
			t.Fatalf("encode %q: %v", v, err)
		}
		for i, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n")) {
			if len(line) > 75 {
				t.Fatalf("line %d is %d octets: %q", i, len(line), line)
			}
			if !utf8.Valid(line) {
				t.Fatalf("line %d is not valid UTF-8 alone (a split character): %q", i, line)
			}
			if bytes.ContainsAny(line, "\r\n") {
				t.Fatalf("line %d holds a bare line break: %q", i, line)
			}
		}
		back, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
		if err != nil {
			t.Fatalf("decode of the feed for %q: %v\n%s", v, err, body)
		}
		evs := back.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events", len(evs))
		}
		for prop, want := range map[string]string{
			ical.PropSummary:     eventSummary(b, e.Workplace),
			ical.PropLocation:    s.eventLocation(e),
			ical.PropDescription: s.eventDescription(e, s.bookingURL(b)),
			ical.PropUID:         uid,
		} {
			if p := evs[0].Props.Get(prop); p == nil && icalText(want) != "" {
				t.Fatalf("%s missing for %q", prop, v)
			} else if p != nil {
				got, err := p.Text()
				if err != nil || got != icalText(want) {
					t.Fatalf("%s of %q: parsed back %q (%v), want %q", prop, v, got, err, icalText(want))
				}
			}
		}
		if got := evs[0].Props.Get(ical.PropAttendee).Params.Get(ical.ParamCommonName); got != paramText(v) {
			t.Fatalf("CN of %q: parsed back %q, want %q", v, got, paramText(v))
		}
		if n := icalText(v); icalText(n) != n || !utf8.ValidString(n) {
			t.Fatalf("icalText(%q) = %q is not normal", v, n)
		}
	})
}

// FuzzImportICS: any file given to the .ics import never panics; it either
// fails with the domain's invalid error, or creates absences that end after
// they start and lie within the import's window (from now to ImportHorizon
// months ahead), each of which the store reads back unchanged.
func FuzzImportICS(f *testing.F) {
	const head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
	const tail = "END:VCALENDAR\r\n"
	for _, v := range []string{
		outlookExport, "", "hello", head + tail,
		head + "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:00000101\r\nEND:VEVENT\r\n" + tail,
		head + "BEGIN:VEVENT\r\nUID:b\r\nDTSTART:99991231T230000Z\r\nDTEND:99991231T235900Z\r\nEND:VEVENT\r\n" + tail,
		head + "BEGIN:VEVENT\r\nUID:c\r\nDTSTART:20260329T023000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n" + tail,
		head + "BEGIN:VEVENT\r\nUID:d\r\nDTSTART;TZID=Europe/Stockholm:20261025T023000\r\nDURATION:-P1D\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n" + tail,
		head + "BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20260301T090000Z\r\nDTEND:20260301T100000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n" + tail,
		head + "BEGIN:VEVENT\r\nUID:f\r\nDTSTART:20260401T090000Z\r\nRECURRENCE-ID:x\r\nEND:VEVENT\r\n" + tail,
		head + "BEGIN:VEVENT\r\nUID:g\r\nDTSTART:20260401T090000Z\r\nRDATE:20260402T090000Z,,junk\r\nDURATION:PT1H\r\nEND:VEVENT\r\n" + tail,
		// Finding 2: rules whose search rrule-go does not bound.
		head + "BEGIN:VEVENT\r\nUID:h\r\nDTSTART:20260301T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT\r\n" + tail,
		head + "BEGIN:VEVENT\r\nUID:i\r\nDTSTART:20260301T030000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=HOURLY;INTERVAL=24;BYHOUR=5\r\nEND:VEVENT\r\n" + tail,
		head + "BEGIN:VEVENT\r\nUID:j\r\nDTSTART:19000301T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=YEARLY;COUNT=9;BYMONTH=2;BYDAY=-53MO\r\nEND:VEVENT\r\n" + tail,
	} {
		f.Add([]byte(v))
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fx := newFixture(f, now)
	sv := fx.Supervisor("Amina Yusuf", []string{"ar"})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, file []byte) {
		if err := fx.S.DB().Gorm().Exec("DELETE FROM absences").Error; err != nil {
			t.Fatal(err)
		}
		res, err := fx.cal.ImportAbsences(ctx, fx.Admin, sv.ID, bytes.NewReader(file))
		if err != nil {
			if booking.ErrorCode(err) != booking.CodeInvalid {
				t.Fatalf("import failed with %v, not the invalid error", err)
			}
			return
		}
		var list []booking.Absence
		if err := fx.S.DB().Gorm().Where("supervisor_id = ?", sv.ID).Find(&list).Error; err != nil {
			t.Fatalf("the imported absences cannot be read back: %v", err)
		}
		if len(list) != res.Created {
			t.Fatalf("%d absences stored, %d reported created", len(list), res.Created)
		}
		horizon := now.AddDate(0, ImportHorizon, 0)
		for _, a := range list {
			if !a.End.After(a.Start) || !a.End.After(now) || !a.Start.Before(horizon) {
				t.Fatalf("absence %v–%v is outside %v–%v or empty", a.Start, a.End, now, horizon)
			}
			if !utf8.ValidString(a.Reason) || utf8.RuneCountInString(a.Reason) > 500 {
				t.Fatalf("absence reason %q", a.Reason)
			}
		}
	})
}
