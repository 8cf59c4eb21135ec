package calendar

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"github.com/sprakpool/sprakpool/booking"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// calFixture is a pool whose calendars are the same on every run: a fixed clock,
// and bookings whose UIDs are set to stable values.
type calFixture struct {
	*fixture
	sv       *booking.Supervisor
	bookings map[string]*booking.Booking
}

// The clock of the calendar tests: before every booking but the first.
var calNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

const longNote = "Språkstöd under hela förmiddagen; föräldrarna kommer kl. 09:00, barnen äter lunch 11:15. " +
	"Ta med bildstöd, ordlistor och appen för översättning, men helst inte papperslappar. " +
	"Vid frågor: ring förskolechefen först; annars kocken (kök, ingång B) eller vaktmästaren. Tack för hjälpen – Åsa, Örjan & Ängla!"

func newCalFixture(t testing.TB) *calFixture {
	t.Helper()
	f := newFixture(t, calNow)
	addr := "Solrosvägen 12, 123 45 Storstad; ingång B"
	if _, err := f.S.UpdateWorkplace(f.Ctx, f.Admin, f.WpA.ID, booking.WorkplaceInput{Address: &addr}); err != nil {
		t.Fatal(err)
	}
	sv := f.Supervisor("Amina Yusuf", []string{"ar", "so"})
	email, phone := "amina.yusuf@example.se", "070-123 45 67"
	if _, err := f.S.UpdateSupervisor(f.Ctx, f.Admin, sv.ID, booking.SupervisorInput{Email: &email, Phone: &phone}); err != nil {
		t.Fatal(err)
	}
	mgr, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: "maria.ostlund@example.se", Name: "Maria Östlund, förskolechef",
		Role: booking.RoleManager, WorkplaceIDs: []int64{f.WpA.ID}, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	_ = mgr
	cf := &calFixture{fixture: f, sv: sv, bookings: map[string]*booking.Booking{}}
	video := "https://meet.example.se/j/123?pwd=a,b;c"
	for _, bk := range []struct {
		name, start, end, mode, purpose, notes string
	}{
		{"winter-0900", "2026-02-20 09:00", "2026-02-20 10:00", "on_site", "workplace_support", "Vanlig förmiddag."},
		{"friday-before-spring", "2026-03-27 09:00", "2026-03-27 11:00", "on_site", "parent_information", longNote},
		{"monday-after-spring", "2026-03-30 09:00", "2026-03-30 11:00", "phone", "substitute_intro", "Rad ett,\nrad två;\r\nrad tre\\slut"},
		{"summer-0900", "2026-06-15 09:00", "2026-06-15 10:30", "video", "information_meeting", ""},
		{"friday-before-autumn", "2026-10-23 13:00", "2026-10-23 15:00", "on_site", "workplace_support", "Ät: ärtsoppa, pannkaka; sylt."},
		{"monday-after-autumn", "2026-10-26 13:00", "2026-10-26 15:00", "on_site", "other", ""},
		{"cancelled", "2026-11-09 09:00", "2026-11-09 12:00", "on_site", "workplace_support", "Ställs in."},
	} {
		in := booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: f.WpA.ID, Language: "ar", Mode: bk.mode,
			Purpose: bk.purpose, Start: f.At(bk.start), End: f.At(bk.end), Notes: bk.notes, ParticipantsExpected: 12}
		if bk.mode == "video" {
			in.MeetingURL = &video
		}
		b, err := f.S.CreateBooking(f.Ctx, f.Admin, in)
		if err != nil {
			t.Fatalf("%s: %v", bk.name, err)
		}
		// Stable UIDs for the golden files.
		uid := bk.name + "@sprakpool.test"
		if err := f.S.DB().Gorm().Model(&booking.Booking{}).Where("id = ?", b.ID).UpdateColumn("uid", uid).Error; err != nil {
			t.Fatal(err)
		}
		cf.bookings[bk.name] = b
	}
	later := calNow.Add(90 * time.Minute)
	f.S.Now = func() time.Time { return later }
	if _, err := f.S.CancelBooking(f.Ctx, f.Admin, cf.bookings["cancelled"].ID, "illness", "Handledaren är sjuk, tyvärr."); err != nil {
		t.Fatal(err)
	}
	f.S.Now = func() time.Time { return calNow }
	for name, b := range cf.bookings {
		fresh, err := bookingByID(f.S.DB().Gorm(), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		cf.bookings[name] = fresh
	}
	return cf
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -run %s -update rewrites it):\n--- got\n%s\n--- want\n%s", name, t.Name(), got, want)
	}
}

// checkWellFormed checks what RFC 5545 asks of the bytes themselves: CRLF line
// ends, no line over 75 octets, folds that split no UTF-8 character, and a text
// that go-ical reads back.
func checkWellFormed(t *testing.T, name string, body []byte) *ical.Calendar {
	t.Helper()
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Errorf("%s: does not end with CRLF", name)
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > 75 {
			t.Errorf("%s line %d: %d octets: %q", name, i+1, len(line), line)
		}
		if !utf8.Valid(line) {
			t.Errorf("%s line %d: a fold splits a UTF-8 character: %q", name, i+1, line)
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("%s line %d: bare CR or LF", name, i+1)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("%s: go-ical cannot read it back: %v", name, err)
	}
	return cal
}

// span is an event's start and end as UTC instants, as the parsers print them.
type span struct{ Start, End string }

func spanOf(start, end time.Time) span {
	return span{start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339)}
}

func TestICalGolden(t *testing.T) {
	if n := utf8.RuneCountInString(longNote); n < 300 {
		t.Fatalf("the long note has %d characters; the golden files need one of 300", n)
	}
	cf := newCalFixture(t)
	s, ctx := cf.cal, cf.Ctx
	sv, err := cf.S.Supervisor(ctx, cf.Admin, cf.sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := s.SupervisorFeed(ctx, sv.FeedToken)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := s.WorkplaceFeed(ctx, cf.WpB.FeedToken)
	if err != nil {
		t.Fatal(err)
	}
	request, method, err := s.Invitation(ctx, cf.bookings["friday-before-spring"].ID, "sprakpool@kommun.example.se")
	if err != nil || method != "REQUEST" {
		t.Fatalf("invitation: %q %v", method, err)
	}
	cancel, method, err := s.Invitation(ctx, cf.bookings["cancelled"].ID, "sprakpool@kommun.example.se")
	if err != nil || method != "CANCEL" {
		t.Fatalf("cancel invitation: %q %v", method, err)
	}
	phone, _, err := s.Invitation(ctx, cf.bookings["monday-after-spring"].ID, "sprakpool@kommun.example.se")
	if err != nil {
		t.Fatalf("phone invitation: %v", err)
	}
	video, _, err := s.Invitation(ctx, cf.bookings["summer-0900"].ID, "sprakpool@kommun.example.se")
	if err != nil {
		t.Fatalf("video invitation: %v", err)
	}
	files := map[string][]byte{"feed_supervisor.ics": feed.Body, "feed_empty.ics": empty.Body,
		"invitation_request.ics": request, "invitation_cancel.ics": cancel,
		"invitation_phone.ics": phone, "invitation_video.ics": video}
	for name, body := range files {
		checkWellFormed(t, name, body)
		golden(t, name, body)
	}

	// What the golden files must say, checked here so that -update cannot bless
	// a regression.
	text := string(unfold(feed.Body))
	for _, want := range []string{
		"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", "X-PUBLISHED-TTL:PT1H\r\n", "X-WR-CALNAME:Språkpool – Amina Yusuf\r\n",
		"DTSTART;TZID=Europe/Stockholm:20260327T090000\r\n", "DTSTART;TZID=Europe/Stockholm:20260330T090000\r\n",
		"SUMMARY:Föräldrainformation på arabiska – Förskolan Solrosen\r\n",
		"SUMMARY:Språkstöd arabiska – Förskolan Solrosen\r\n",
		"LOCATION:Förskolan Solrosen\\, Solrosvägen 12\\, 123 45 Storstad\\; ingång B\r\n",
		"LOCATION:Telefon\r\n", "LOCATION:https://meet.example.se/j/123?pwd=a\\,b\\;c\r\n",
		"Anteckningar: Rad ett\\,\\nrad två\\;\\nrad tre\\\\slut",
		"URL:http://127.0.0.1:8080/bookings/",
		"STATUS:CANCELLED\r\n", "SUMMARY:Inställd: Språkstöd arabiska – Förskolan Solrosen\r\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if strings.Contains(text, "METHOD:") {
		t.Error("a feed must not have a METHOD")
	}
	if n := strings.Count(text, "BEGIN:VTIMEZONE"); n != 1 {
		t.Errorf("%d VTIMEZONEs, want 1", n)
	}
	inv := string(unfold(request))
	for _, want := range []string{"METHOD:REQUEST\r\n", "ORGANIZER;CN=Språkpool:mailto:sprakpool@kommun.example.se\r\n",
		"mailto:amina.yusuf@example.se\r\n", "ATTENDEE;CN=\"Maria Östlund, förskolechef\"", "mailto:maria.ostlund@example.se\r\n",
		"UID:friday-before-spring@sprakpool.test\r\n", "SEQUENCE:0\r\n", "STATUS:CONFIRMED\r\n"} {
		if !strings.Contains(inv, want) {
			t.Errorf("REQUEST lacks %q", want)
		}
	}
	// Where, per mode (issue 9): the address on site, "Telefon" for a call, the
	// meeting link in LOCATION and URL for video.
	const meet = "https://meet.example.se/j/123?pwd=a,b;c"
	for name, body := range map[string][]byte{"invitation_phone.ics": phone, "invitation_video.ics": video} {
		inv := string(unfold(body))
		wants := map[string][]string{
			"invitation_phone.ics": {"UID:monday-after-spring@sprakpool.test\r\n", "LOCATION:Telefon\r\n", "URL:http://127.0.0.1:8080/bookings/"},
			"invitation_video.ics": {"UID:summer-0900@sprakpool.test\r\n", "LOCATION:https://meet.example.se/j/123?pwd=a\\,b\\;c\r\n",
				"URL:" + meet + "\r\n", "CONFERENCE;", ":" + meet + "\r\n"},
		}[name]
		for _, want := range append(wants, "METHOD:REQUEST\r\n") {
			if !strings.Contains(inv, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
	}
	can := string(unfold(cancel))
	for _, want := range []string{"METHOD:CANCEL\r\n", "UID:cancelled@sprakpool.test\r\n", "SEQUENCE:1\r\n", "STATUS:CANCELLED\r\n"} {
		if !strings.Contains(can, want) {
			t.Errorf("CANCEL lacks %q", want)
		}
	}

	// Two independent parsers agree with the bookings on every instant.
	want := map[string]map[string]span{}
	all := map[string]span{}
	for name, b := range cf.bookings {
		all[name+"@sprakpool.test"] = spanOf(b.Start, b.End)
	}
	dir := t.TempDir()
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		switch name {
		case "feed_supervisor.ics":
			want[p] = all
		case "feed_empty.ics":
			want[p] = map[string]span{}
		case "invitation_request.ics":
			want[p] = map[string]span{"friday-before-spring@sprakpool.test": all["friday-before-spring@sprakpool.test"]}
		case "invitation_cancel.ics":
			want[p] = map[string]span{"cancelled@sprakpool.test": all["cancelled@sprakpool.test"]}
		case "invitation_phone.ics":
			want[p] = map[string]span{"monday-after-spring@sprakpool.test": all["monday-after-spring@sprakpool.test"]}
		case "invitation_video.ics":
			want[p] = map[string]span{"summer-0900@sprakpool.test": all["summer-0900@sprakpool.test"]}
		}
	}
	// The instants the DST tests are about, spelt out.
	for uid, utc := range map[string]string{"friday-before-spring": "2026-03-27T08:00:00Z", "monday-after-spring": "2026-03-30T07:00:00Z",
		"friday-before-autumn": "2026-10-23T11:00:00Z", "monday-after-autumn": "2026-10-26T12:00:00Z",
		"winter-0900": "2026-02-20T08:00:00Z", "summer-0900": "2026-06-15T07:00:00Z"} {
		if got := all[uid+"@sprakpool.test"].Start; got != utc {
			t.Errorf("%s starts %s, want %s", uid, got, utc)
		}
	}
	// And what both parsers read as the place, per mode, wherever the event is.
	page := func(name string) string {
		return fmt.Sprintf("http://127.0.0.1:8080/bookings/%d", cf.bookings[name].ID)
	}
	places := map[string]place{
		"friday-before-spring@sprakpool.test": {"Förskolan Solrosen, Solrosvägen 12, 123 45 Storstad; ingång B", page("friday-before-spring")},
		"monday-after-spring@sprakpool.test":  {"Telefon", page("monday-after-spring")},
		"summer-0900@sprakpool.test":          {meet, meet},
	}
	checkParsers(t, paths, want, places)
}

// place is an event's LOCATION and URL as a parser reads them.
type place struct{ Location, URL string }

// unfold undoes line folding.
func unfold(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n "), nil) }

// parsedFile is what the parser scripts print for one file.
type parsedFile struct {
	Method string                 `json:"method"`
	Events map[string]parsedEvent `json:"events"`
}

type parsedEvent struct {
	Start, End, Summary, Status, Location, Description, Error, URL string
	Sequence                                                       int
}

// independentParsers returns the parser commands, each taking file paths:
// Python's icalendar and Mozilla's ical.js. Missing ones fail the test under
// CI=true and skip it elsewhere.
func independentParsers(t *testing.T, testdata, nodeModules string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	var missing []string
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import icalendar").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		missing = append(missing, "python3 with icalendar (apt-get install python3-icalendar)")
	} else {
		out["python-icalendar"] = []string{python, filepath.Join(testdata, "parse_ics.py")}
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	} else if _, err := os.Stat(filepath.Join(nodeModules, "ical.js", "package.json")); err != nil {
		missing = append(missing, "ical.js in "+nodeModules+" (bash .ci/test installs it)")
	} else {
		out["ical.js"] = []string{"node", filepath.Join(testdata, "parse_ics.mjs"), nodeModules}
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("independent parsers missing: %s", strings.Join(missing, "; "))
		}
		t.Skipf("independent parsers missing: %s", strings.Join(missing, "; "))
	}
	return out
}

// checkParsers runs both parsers on the files and requires, per file, exactly
// the wanted UIDs with the wanted UTC start and end, and for the UIDs in places
// that LOCATION and URL.
func checkParsers(t *testing.T, paths []string, want map[string]map[string]span, places map[string]place) {
	t.Helper()
	for name, cmd := range independentParsers(t, "testdata", filepath.Join("..", "..", ".ci", "node_modules")) {
		got := runParser(t, name, cmd, paths)
		for _, p := range paths {
			pf, ok := got[p]
			if !ok {
				t.Errorf("%s: no result for %s", name, p)
				continue
			}
			for uid, ev := range pf.Events {
				if ev.Error != "" {
					t.Errorf("%s: %s: %s: %s", name, filepath.Base(p), uid, ev.Error)
				}
				w, ok := want[p][uid]
				if !ok {
					t.Errorf("%s: %s: unexpected event %s", name, filepath.Base(p), uid)
					continue
				}
				if (span{ev.Start, ev.End}) != w {
					t.Errorf("%s: %s: %s is %s–%s, the API says %s–%s", name, filepath.Base(p), uid, ev.Start, ev.End, w.Start, w.End)
				}
				if pl, ok := places[uid]; ok && (place{ev.Location, ev.URL}) != pl {
					t.Errorf("%s: %s: %s is at %+v, want %+v", name, filepath.Base(p), uid, place{ev.Location, ev.URL}, pl)
				}
			}
			if len(pf.Events) != len(want[p]) {
				t.Errorf("%s: %s: %d events, want %d", name, filepath.Base(p), len(pf.Events), len(want[p]))
			}
		}
	}
}

func runParser(t *testing.T, name string, cmd, paths []string) map[string]parsedFile {
	t.Helper()
	c := exec.Command(cmd[0], append(slices.Clone(cmd[1:]), paths...)...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	raw, err := c.Output()
	if err != nil {
		t.Fatalf("%s: %v: %s", name, err, stderr.String())
	}
	var got map[string]parsedFile
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%s: %v: %s", name, err, raw)
	}
	return got
}

func TestFoldingNeverSplitsUTF8(t *testing.T) {
	for n := 60; n < 160; n++ {
		text := strings.Repeat("å", n) + "ö€𝄞" + strings.Repeat("a", n%7)
		cal := ical.NewCalendar()
		cal.Props.SetText(ical.PropVersion, "2.0")
		cal.Props.SetText(ical.PropProductID, prodID)
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, "x")
		ev.Props.SetDateTime(ical.PropDateTimeStamp, calNow)
		ev.Props.SetText(ical.PropDescription, text)
		cal.Children = append(cal.Children, ev.Component)
		body, err := encodeCalendar(cal)
		if err != nil {
			t.Fatal(err)
		}
		back := checkWellFormed(t, fmt.Sprint(n), body)
		got, err := back.Events()[0].Props.Text(ical.PropDescription)
		if err != nil || got != text {
			t.Fatalf("%d: round trip gave %q, %v", n, got, err)
		}
	}
}

func TestVTimezoneRules(t *testing.T) {
	for _, tc := range []struct{ zone, want string }{
		{"Europe/Stockholm", "BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZNAME:CEST\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n" +
			"BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"},
		{"America/New_York", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZNAME:EDT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"},
		{"Asia/Tokyo", "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZNAME:JST\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\n"},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		cal := ical.NewCalendar()
		cal.Props.SetText(ical.PropVersion, "2.0")
		cal.Props.SetText(ical.PropProductID, prodID)
		cal.Children = append(cal.Children, vtimezone(loc, 2026))
		body, err := encodeCalendar(cal)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), tc.want) {
			t.Errorf("%s:\n%s\nlacks\n%s", tc.zone, body, tc.want)
		}
	}
}

func TestInvitationFollowsTheBooking(t *testing.T) {
	cf := newCalFixture(t)
	b := cf.bookings["summer-0900"]
	start, end := cf.At("2026-06-16 10:00"), cf.At("2026-06-16 11:00")
	if _, err := cf.S.UpdateBooking(cf.Ctx, cf.Admin, b.ID, booking.BookingPatch{Start: &start, End: &end}); err != nil {
		t.Fatal(err)
	}
	body, method, err := cf.cal.Invitation(cf.Ctx, b.ID, "mailto:sprakpool@kommun.example.se")
	if err != nil || method != "REQUEST" {
		t.Fatal(method, err)
	}
	cal := checkWellFormed(t, "moved", body)
	ev := cal.Events()[0]
	seq, _ := ev.Props.Get(ical.PropSequence).Int()
	uid, _ := ev.Props.Text(ical.PropUID)
	got, _ := ev.DateTimeStart(nil)
	if seq != 1 || uid != "summer-0900@sprakpool.test" || !got.Equal(time.Date(2026, 6, 16, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("moved invitation: seq %d uid %s start %s", seq, uid, got)
	}
	if org := ev.Props.Get(ical.PropOrganizer).Value; org != "mailto:sprakpool@kommun.example.se" {
		t.Errorf("ORGANIZER %q", org)
	}
	ms, err := cf.S.BookingManagers(cf.Ctx, b.ID)
	if err != nil || len(ms) != 1 || ms[0].Email != "maria.ostlund@example.se" {
		t.Errorf("BookingManagers: %v %v", ms, err)
	}
	if _, _, err := cf.cal.Invitation(cf.Ctx, 99999, "x@example.se"); booking.ErrorCode(err) != booking.CodeNotFound {
		t.Errorf("unknown booking: %v", err)
	}
}

// BenchmarkFeed2000 serves a supervisor's feed of 2,000 bookings, kept.
func BenchmarkFeed2000(b *testing.B) {
	f, token := feed2000(b)
	ctx := context.Background()
	for b.Loop() {
		feed, err := f.cal.SupervisorFeed(ctx, token)
		if err != nil {
			b.Fatal(err)
		}
		if n := bytes.Count(feed.Body, []byte("BEGIN:VEVENT")); n != 2000 {
			b.Fatalf("%d events", n)
		}
		b.SetBytes(int64(len(feed.Body)))
	}
}

// feed2000 is a pool whose supervisor has 2,000 bookings in the feed's window,
// and the token of that supervisor's feed.
func feed2000(b *testing.B) (*fixture, string) {
	f := newFixture(b, calNow)
	sv := f.Supervisor("Amina Yusuf", []string{"ar"})
	f.Manager("chef@example.se", f.WpA.ID)
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, f.S.Config().Location)
	for i := range 2000 {
		d := day.AddDate(0, 0, i/4)
		start := time.Date(d.Year(), d.Month(), d.Day(), 8+2*(i%4), 0, 0, 0, f.S.Config().Location)
		bk := &booking.Booking{UID: fmt.Sprintf("b%d@bench", i), SupervisorID: sv.ID, WorkplaceID: f.WpA.ID, Language: "ar",
			Area: "childcare", Mode: "on_site", Start: start.UTC(), End: start.Add(90 * time.Minute).UTC(),
			Purpose: "workplace_support", ParticipantsExpected: 5, Notes: longNote, Status: booking.StatusConfirmed,
			CreatedAt: calNow, UpdatedAt: calNow}
		if err := f.S.DB().Gorm().Create(bk).Error; err != nil {
			b.Fatal(err)
		}
	}
	full, err := f.S.Supervisor(context.Background(), f.Admin, sv.ID)
	if err != nil {
		b.Fatal(err)
	}
	return f, full.FeedToken
}

// Finding 13: an instant in the hour that repeats when summer time ends has no
// unambiguous local form, so feeds and invitations write it in UTC; every
// parser then reads the booking's own length (before: a zero-length event, and
// 45 minutes read as 1 h 45).
func TestRepeatedHourWrittenInUTC(t *testing.T) {
	f := newFixture(t, time.Date(2027, 10, 1, 9, 0, 0, 0, time.UTC))
	amina := f.Supervisor("Amina Yusuf", []string{"ar"})
	fatima := f.Supervisor("Fatima Ali", []string{"ar"})
	book := func(sv *booking.Supervisor, start, end string) *booking.Booking {
		t.Helper()
		b, err := f.S.CreateBooking(f.Ctx, f.Admin, booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: f.WpA.ID, Language: "ar",
			Purpose: "workplace_support", Start: start, End: end, Override: booking.OverridableRules, Overriding: true})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	bookings := map[string]*booking.Booking{
		// 02:30 summer time to 02:30 winter time: one hour.
		"first-to-second": book(amina, "2027-10-31T02:30:00+02:00", "2027-10-31T02:30:00+01:00"),
		// The second 02:15 to 03:00: 45 minutes.
		"second-0215": book(fatima, "2027-10-31T02:15:00+01:00", "2027-10-31T03:00:00+01:00"),
		// Outside the repeated hour nothing changes.
		"saturday": book(amina, "2027-10-30T09:00:00+02:00", "2027-10-30T10:00:00+02:00"),
	}
	token, err := f.S.PoolFeedToken(f.Ctx, f.Admin)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := f.cal.PoolFeed(f.Ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"pool.ics": feed.Body}
	for name, b := range bookings {
		inv, _, err := f.cal.Invitation(f.Ctx, b.ID, "sprakpool@kommun.example.se")
		if err != nil {
			t.Fatal(err)
		}
		files[name+".ics"] = inv
	}
	text := string(unfold(feed.Body))
	for _, want := range []string{
		"DTSTART:20271031T003000Z\r\n", "DTEND:20271031T013000Z\r\n", "DTSTART:20271031T011500Z\r\n", "DTEND:20271031T020000Z\r\n",
		"DTSTART;TZID=Europe/Stockholm:20271030T090000\r\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the pool feed lacks %q", want)
		}
	}
	all := map[string]span{}
	for _, b := range bookings {
		all[b.UID] = spanOf(b.Start, b.End)
	}
	if all[bookings["first-to-second"].UID] != (span{"2027-10-31T00:30:00Z", "2027-10-31T01:30:00Z"}) ||
		all[bookings["second-0215"].UID] != (span{"2027-10-31T01:15:00Z", "2027-10-31T02:00:00Z"}) {
		t.Fatalf("the bookings are not the instants the test is about: %v", all)
	}
	dir := t.TempDir()
	want := map[string]map[string]span{}
	var paths []string
	for name, body := range files {
		checkWellFormed(t, name, body)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		if b, ok := bookings[strings.TrimSuffix(name, ".ics")]; ok {
			want[p] = map[string]span{b.UID: all[b.UID]}
		} else {
			want[p] = all
		}
	}
	checkParsers(t, paths, want, nil)
}
