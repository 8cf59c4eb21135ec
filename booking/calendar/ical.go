package calendar

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"
	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// This file turns bookings into iCalendar (RFC 5545) for the feeds and into
// iTIP (RFC 5546) invitations for mail. Phones and Outlook cache what they were
// given and compare UID, SEQUENCE and DTSTAMP, so every value that identifies an
// event comes from the booking itself, never from the clock at rendering time.

// prodID names the producer in every calendar.
const prodID = "-//Språkpool//Språkpool//SV"

// calendarEntry is a booking with what its event shows: who, where, and who to call.
type calendarEntry struct {
	Booking    *booking.Booking
	Supervisor *booking.Supervisor
	Workplace  *booking.Workplace
	Managers   []booking.User
}

// Invitation renders the iTIP invitation for a booking: METHOD:REQUEST while it is
// confirmed, METHOD:CANCEL once cancelled. ORGANIZER is organizer (an e-mail
// address, the pool's sender); ATTENDEEs are the supervisor and the booking's
// managers. The event carries the same UID and SEQUENCE as the feeds, so a client
// that has both merges them into one entry. It returns the .ics bytes and the
// method, which the mail's Content-Type must repeat (Outlook ignores a mismatch).
func (s *Service) Invitation(ctx context.Context, bookingID int64, organizer string) ([]byte, string, error) {
	db := s.db.Read(ctx)
	b, err := bookingByID(db, bookingID)
	if err != nil {
		return nil, "", fmt.Errorf("invitation for booking %d: %w", bookingID, err)
	}
	entries, err := s.calendarEntries(db, []booking.Booking{*b})
	if err != nil {
		return nil, "", fmt.Errorf("invitation for booking %d: %w", bookingID, err)
	}
	method := "REQUEST"
	if b.Status == booking.StatusCancelled {
		method = "CANCEL"
	}
	cal := s.newCalendar()
	cal.Props.SetText(ical.PropMethod, method)
	ev := s.vevent(&entries[0])
	if err := s.occurrenceOf(db, b, ev); err != nil {
		return nil, "", fmt.Errorf("invitation for booking %d: %w", bookingID, err)
	}
	ev.Props.Set(organizerProp(organizer))
	for _, a := range entries[0].attendees() {
		ev.Props.Add(a.prop())
	}
	cal.Children = append(cal.Children, ev.Component)
	body, err := encodeCalendar(cal)
	if err != nil {
		return nil, "", fmt.Errorf("invitation for booking %d: %w", bookingID, err)
	}
	return body, method, nil
}

// Removal renders the iTIP message for someone a change took off a booking (a
// supervisor replaced by another, a manager of the workplace it left):
// METHOD:CANCEL with the booking's UID and its new, higher SEQUENCE, and that
// person as the only ATTENDEE, so their calendar drops the event while those
// who remain get a REQUEST. As RFC 5546 §3.2.5 asks when attendees are
// uninvited, and as sabre/dav's iTIP broker and Exchange write it, it has no
// STATUS: the event goes on, without them.
func (s *Service) Removal(ctx context.Context, bookingID int64, organizer, email, name string) ([]byte, error) {
	db := s.db.Read(ctx)
	b, err := bookingByID(db, bookingID)
	if err != nil {
		return nil, fmt.Errorf("removal from booking %d: %w", bookingID, err)
	}
	entries, err := s.calendarEntries(db, []booking.Booking{*b})
	if err != nil {
		return nil, fmt.Errorf("removal from booking %d: %w", bookingID, err)
	}
	cal := s.newCalendar()
	cal.Props.SetText(ical.PropMethod, "CANCEL")
	full := s.vevent(&entries[0])
	if err := s.occurrenceOf(db, b, full); err != nil {
		return nil, fmt.Errorf("removal from booking %d: %w", bookingID, err)
	}
	ev := ical.NewEvent()
	for _, name := range []string{ical.PropUID, ical.PropDateTimeStamp, ical.PropSequence, ical.PropRecurrenceID, ical.PropDateTimeStart,
		ical.PropDateTimeEnd, ical.PropSummary} {
		if len(full.Props[name]) > 0 {
			ev.Props[name] = full.Props[name]
		}
	}
	ev.Props.Set(organizerProp(organizer))
	ev.Props.Add(attendee{name: name, email: strings.ToLower(strings.TrimSpace(email)), role: "REQ-PARTICIPANT"}.prop())
	cal.Children = append(cal.Children, ev.Component)
	body, err := encodeCalendar(cal)
	if err != nil {
		return nil, fmt.Errorf("removal from booking %d: %w", bookingID, err)
	}
	return body, nil
}

// organizerProp names the pool, at its sender address, as the organizer.
func organizerProp(organizer string) *ical.Prop {
	org := ical.NewProp(ical.PropOrganizer)
	org.Params.Set(ical.ParamCommonName, "Språkpool")
	org.Value = "mailto:" + strings.TrimPrefix(strings.TrimSpace(organizer), "mailto:")
	return org
}

// bookingByID reads one booking for its calendar event.
func bookingByID(db *gorm.DB, id int64) (*booking.Booking, error) {
	var b booking.Booking
	err := db.First(&b, id).Error
	if sqldb.IsNotFound(err) {
		return nil, notFound("booking")
	}
	if err != nil {
		return nil, fmt.Errorf("booking %d: %w", id, err)
	}
	return &b, nil
}

// calendarEntries loads, in a few queries, the supervisors, workplaces and
// managers the bookings' events name.
func (s *Service) calendarEntries(db *gorm.DB, list []booking.Booking) ([]calendarEntry, error) {
	var svIDs, wpIDs []int64
	for i := range list {
		svIDs = append(svIDs, list[i].SupervisorID)
		wpIDs = append(wpIDs, list[i].WorkplaceID)
	}
	slices.Sort(svIDs)
	svIDs = slices.Compact(svIDs)
	slices.Sort(wpIDs)
	wpIDs = slices.Compact(wpIDs)
	sups := map[int64]*booking.Supervisor{}
	wps := map[int64]*booking.Workplace{}
	if len(list) > 0 {
		var svs []booking.Supervisor
		if err := db.Where("id IN ?", svIDs).Find(&svs).Error; err != nil {
			return nil, fmt.Errorf("load supervisors: %w", err)
		}
		for i := range svs {
			sups[svs[i].ID] = &svs[i]
		}
		var ws []booking.Workplace
		if err := db.Where("id IN ?", wpIDs).Find(&ws).Error; err != nil {
			return nil, fmt.Errorf("load workplaces: %w", err)
		}
		for i := range ws {
			wps[ws[i].ID] = &ws[i]
		}
	}
	managers, err := booking.ManagersOf(db, wpIDs)
	if err != nil {
		return nil, err
	}
	out := make([]calendarEntry, len(list))
	for i := range list {
		b := &list[i]
		sv, w := sups[b.SupervisorID], wps[b.WorkplaceID]
		if sv == nil || w == nil {
			return nil, fmt.Errorf("booking %d: supervisor or workplace missing", b.ID)
		}
		out[i] = calendarEntry{Booking: b, Supervisor: sv, Workplace: w, Managers: managers[b.WorkplaceID]}
	}
	return out, nil
}

type attendee struct{ name, email, role string }

// prop is the ATTENDEE property of a.
func (a attendee) prop() *ical.Prop {
	p := ical.NewProp(ical.PropAttendee)
	if a.name != "" {
		p.Params.Set(ical.ParamCommonName, paramText(a.name))
	}
	p.Params.Set(ical.ParamCalendarUserType, "INDIVIDUAL")
	p.Params.Set(ical.ParamRole, a.role)
	// The pool decides; nobody is asked to answer, so no client sends replies
	// to the sender address.
	p.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
	p.Params.Set(ical.ParamRSVP, "FALSE")
	p.Value = "mailto:" + a.email
	return p
}

// attendees are the supervisor (who gives the session) and the managers (who
// booked it), each once, those without an address left out.
func (e *calendarEntry) attendees() []attendee {
	var out []attendee
	seen := map[string]bool{}
	add := func(name, email, role string) {
		email = strings.ToLower(strings.TrimSpace(email))
		if email == "" || seen[email] || strings.ContainsAny(email, " \r\n\"") {
			return
		}
		seen[email] = true
		out = append(out, attendee{name: name, email: email, role: role})
	}
	add(e.Supervisor.Name, e.Supervisor.Email, "REQ-PARTICIPANT")
	for _, m := range e.Managers {
		add(m.Name, m.Email, "OPT-PARTICIPANT")
	}
	return out
}

// newCalendar starts a calendar with the pool's one VTIMEZONE. go-ical refuses a
// calendar with no component, so an empty feed is still a valid calendar.
func (s *Service) newCalendar() *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, prodID)
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Children = append(cal.Children, vtimezone(s.cfg.Location, s.now().Year()))
	return cal
}

// vevent is the booking's event, the same in feeds and invitations.
func (s *Service) vevent(e *calendarEntry) *ical.Event {
	b := e.Booking
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, b.UID)
	// DTSTAMP is the booking's last change: a feed rendered twice without a change
	// is byte for byte the same, and clients see a new revision only after one.
	ev.Props.SetDateTime(ical.PropDateTimeStamp, b.UpdatedAt.UTC())
	ev.Props.SetDateTime(ical.PropCreated, b.CreatedAt.UTC())
	ev.Props.SetDateTime(ical.PropLastModified, b.UpdatedAt.UTC())
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(b.Sequence)
	ev.Props.Set(seq)
	start, end := b.Start.In(s.cfg.Location), b.End.In(s.cfg.Location)
	if booking.InRepeatedHour(start, s.cfg.Location) || booking.InRepeatedHour(end, s.cfg.Location) {
		// A local time in the hour that repeats in autumn names two instants,
		// and RFC 5545 reads it as the first: in UTC it is unambiguous. Both
		// ends, so that no client has to mix the two forms in one event.
		start, end = start.UTC(), end.UTC()
	}
	ev.Props.SetDateTime(ical.PropDateTimeStart, start)
	ev.Props.SetDateTime(ical.PropDateTimeEnd, end)
	summary := eventSummary(b, e.Workplace)
	if b.Status == booking.StatusCancelled {
		// Some clients (Google's subscriptions among them) show a cancelled event
		// anyway; the title then says so.
		summary = "Inställd: " + summary
		ev.Props.SetText(ical.PropStatus, "CANCELLED")
		ev.Props.SetText(ical.PropTransparency, "TRANSPARENT")
	} else {
		ev.Props.SetText(ical.PropStatus, "CONFIRMED")
		ev.Props.SetText(ical.PropTransparency, "OPAQUE")
	}
	ev.Props.SetText(ical.PropSummary, icalText(summary))
	if loc := s.eventLocation(e); loc != "" {
		ev.Props.SetText(ical.PropLocation, icalText(loc))
	}
	if b.Mode == "video" && b.MeetingURL != nil {
		// RFC 7986's way to name a meeting link; LOCATION holds it too, for the
		// clients that show only that.
		conf := ical.NewProp(ical.PropConference)
		conf.Params.Set(ical.ParamValue, "URI")
		conf.Params.Set(ical.ParamFeature, "VIDEO")
		conf.Params.Set(ical.ParamLabel, "Möteslänk")
		conf.Value = *b.MeetingURL
		ev.Props.Set(conf)
	}
	link := s.bookingURL(b)
	ev.Props.SetText(ical.PropDescription, icalText(s.eventDescription(e, link)))
	u := ical.NewProp(ical.PropURL)
	u.SetValueType(ical.ValueURI)
	u.Value = link
	if b.Mode == "video" && b.MeetingURL != nil {
		// A video session's URL is where to join it (issue 9: LOCATION and URL);
		// the booking's page is still in the description.
		u.Value = *b.MeetingURL
	}
	ev.Props.Set(u)
	ev.Props.SetText(ical.PropClass, "PUBLIC")
	return ev
}

// bookingURL is the booking's page in the web app.
func (s *Service) bookingURL(b *booking.Booking) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + "/bookings/" + strconv.FormatInt(b.ID, 10)
}

// eventSummary says what and where: "Språkstöd arabiska – Förskolan Solrosen".
func eventSummary(b *booking.Booking, w *booking.Workplace) string {
	lang := languageNameSV(b.Language)
	what := "Språkstöd " + lang
	if b.Purpose != "workplace_support" {
		what = vocab.Capitalize(vocab.Label(vocab.VocabPurpose, b.Purpose, "sv")) + " på " + lang
	}
	return what + " – " + w.Name
}

// eventLocation is where to go: the address for a session on site, the meeting
// link for video, "Telefon" for a call.
func (s *Service) eventLocation(e *calendarEntry) string {
	switch e.Booking.Mode {
	case "phone":
		return vocab.Capitalize(vocab.Label(vocab.VocabMode, "phone", "sv"))
	case "video":
		if e.Booking.MeetingURL != nil {
			return *e.Booking.MeetingURL
		}
		return vocab.Capitalize(vocab.Label(vocab.VocabMode, "video", "sv"))
	}
	if e.Workplace.Address != "" {
		return e.Workplace.Name + ", " + e.Workplace.Address
	}
	return e.Workplace.Name
}

// eventDescription is the event's text in Swedish: purpose, language,
// participants, the people involved and how to reach them, and the booking's page.
func (s *Service) eventDescription(e *calendarEntry, link string) string {
	b := e.Booking
	var lines []string
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	if b.Status == booking.StatusCancelled {
		reason := vocab.Label(vocab.VocabReason, deref(b.CancelReasonCode), "sv")
		if r := strings.TrimSpace(deref(b.CancelReason)); r != "" {
			reason += " – " + r
		}
		add("INSTÄLLD", reason)
	}
	add("Syfte", vocab.Capitalize(vocab.Label(vocab.VocabPurpose, b.Purpose, "sv")))
	add("Språk", languageNameSV(b.Language))
	add("Område", vocab.Label(vocab.VocabArea, b.Area, "sv"))
	add("Form", vocab.Label(vocab.VocabMode, b.Mode, "sv"))
	if b.Mode == "video" && b.MeetingURL != nil {
		add("Möteslänk", *b.MeetingURL)
	}
	if b.ParticipantsExpected > 0 {
		add("Deltagare", strconv.Itoa(b.ParticipantsExpected)+" väntas")
	}
	add("Språkstödshandledare", joinNonEmpty(", ", e.Supervisor.Name, e.Supervisor.Phone, e.Supervisor.Email))
	add("Verksamhet", joinNonEmpty(", ", e.Workplace.Name, e.Workplace.Address))
	var contacts []string
	for _, m := range e.Managers {
		contacts = append(contacts, joinNonEmpty(" ", m.Name, "<"+m.Email+">"))
	}
	add("Kontakt", strings.Join(contacts, "; "))
	add("Anteckningar", b.Notes)
	add("Bokningen", link)
	return strings.Join(lines, "\n")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && p != "<>" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func languageNameSV(code string) string {
	if l, ok := vocab.LanguageByCode(code); ok {
		return l.NameSV
	}
	return code
}

// icalText makes free text encodable: go-ical escapes backslashes, commas,
// semicolons and newlines but refuses a carriage return, and control characters
// have no place in a calendar.
func icalText(v string) string {
	v = strings.ReplaceAll(v, "\r\n", "\n")
	v = strings.ReplaceAll(v, "\r", "\n")
	v = strings.ToValidUTF8(v, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, v)
}

// paramText makes a name usable as a parameter value (CN): no double quotes, no
// line breaks; go-ical quotes it when it holds ; : or ,.
func paramText(v string) string {
	v = icalText(v)
	return strings.NewReplacer("\"", "'", "\n", " ", "\t", " ").Replace(v)
}

// vtimezone describes loc for the year by its rules: one STANDARD and one DAYLIGHT
// component with yearly RRULEs, as Outlook, Google and Apple write them. go-ical
// cannot build one, and a TZID without its VTIMEZONE is floating time to some
// clients.
func vtimezone(loc *time.Location, year int) *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, loc.String())
	xlic := ical.NewProp("X-LIC-LOCATION")
	xlic.Value = loc.String()
	tz.Props.Set(xlic)
	transitions := zoneTransitions(loc, year)
	if len(transitions) != 2 {
		// No daylight saving time (or rules too odd to say yearly): the offset
		// of the year's start, for good.
		name, off := time.Date(year, 1, 1, 12, 0, 0, 0, loc).Zone()
		std := ical.NewComponent(ical.CompTimezoneStandard)
		setOnset(std, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), off, off, name, "")
		tz.Children = append(tz.Children, std)
		return tz
	}
	for _, tr := range transitions {
		kind := ical.CompTimezoneStandard
		if tr.isDST {
			kind = ical.CompTimezoneDaylight
		}
		c := ical.NewComponent(kind)
		wall := tr.at.In(time.FixedZone("", tr.from))
		nth := (wall.Day()-1)/7 + 1
		byday := strconv.Itoa(nth) + weekdayCode[wall.Weekday()]
		if wall.Day()+7 > daysIn(wall.Year(), wall.Month()) {
			nth, byday = -1, "-1"+weekdayCode[wall.Weekday()]
		}
		first := nthWeekday(1970, wall.Month(), wall.Weekday(), nth)
		onset := time.Date(1970, wall.Month(), first, wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC)
		setOnset(c, onset, tr.from, tr.to, tr.name, fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%s", int(wall.Month()), byday))
		tz.Children = append(tz.Children, c)
	}
	return tz
}

func setOnset(c *ical.Component, onset time.Time, from, to int, name, rrule string) {
	start := ical.NewProp(ical.PropDateTimeStart)
	start.Value = onset.Format("20060102T150405")
	c.Props.Set(start)
	for prop, off := range map[string]int{ical.PropTimezoneOffsetFrom: from, ical.PropTimezoneOffsetTo: to} {
		p := ical.NewProp(prop)
		p.Value = utcOffset(off)
		c.Props.Set(p)
	}
	if name != "" {
		c.Props.SetText(ical.PropTimezoneName, name)
	}
	if rrule != "" {
		p := ical.NewProp(ical.PropRecurrenceRule)
		p.Value = rrule
		c.Props.Set(p)
	}
}

var weekdayCode = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

type transition struct {
	at       time.Time
	from, to int
	name     string
	isDST    bool
}

// zoneTransitions finds the instants in the year at which loc changes its offset.
func zoneTransitions(loc *time.Location, year int) []transition {
	var out []transition
	day := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	for ; day.Before(end); day = day.Add(24 * time.Hour) {
		_, a := day.In(loc).Zone()
		_, b := day.Add(24 * time.Hour).In(loc).Zone()
		if a == b {
			continue
		}
		lo, hi := day, day.Add(24*time.Hour) // offset(lo) = a, offset(hi) = b
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if _, o := mid.In(loc).Zone(); o == a {
				lo = mid
			} else {
				hi = mid
			}
		}
		name, _ := hi.In(loc).Zone()
		out = append(out, transition{at: hi, from: a, to: b, name: name, isDST: hi.In(loc).IsDST()})
	}
	return out
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// nthWeekday returns the day of month of the nth weekday wd (-1: the last).
func nthWeekday(year int, m time.Month, wd time.Weekday, nth int) int {
	if nth < 0 {
		last := daysIn(year, m)
		lw := time.Date(year, m, last, 0, 0, 0, 0, time.UTC).Weekday()
		return last - (int(lw)-int(wd)+7)%7
	}
	first := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC).Weekday()
	return 1 + (int(wd)-int(first)+7)%7 + 7*(nth-1)
}

func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// encodeCalendar writes cal with lines folded at 75 octets, as RFC 5545 §3.1
// asks: go-ical writes each line whole.
func encodeCalendar(cal *ical.Calendar) ([]byte, error) {
	var buf bytes.Buffer
	fw := &foldingWriter{w: &buf}
	if err := ical.NewEncoder(fw).Encode(cal); err != nil {
		return nil, fmt.Errorf("encode calendar: %w", err)
	}
	if err := fw.Close(); err != nil {
		return nil, fmt.Errorf("encode calendar: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeComponent encodes one component (an event) as encodeCalendar would
// within its calendar.
func encodeComponent(c *ical.Component) ([]byte, error) {
	return encodeCalendar(&ical.Calendar{Component: c})
}

// foldingWriter folds every CRLF-terminated line written through it at 75 octets
// (74 after the leading space of a continuation), never inside a UTF-8 character.
type foldingWriter struct {
	w    io.Writer
	line []byte
	out  []byte
}

func (f *foldingWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			f.line = append(f.line, p...)
			break
		}
		f.line = append(f.line, p[:i+1]...)
		p = p[i+1:]
		if err := f.flush(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// Close writes a last line that had no line break.
func (f *foldingWriter) Close() error {
	if len(f.line) == 0 {
		return nil
	}
	return f.flush()
}

func (f *foldingWriter) flush() error {
	line := bytes.TrimRight(f.line, "\r\n")
	out := f.out[:0]
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		out = append(out, line[:cut]...)
		out = append(out, "\r\n "...)
		line = line[cut:]
		limit = 74
	}
	out = append(out, line...)
	out = append(out, "\r\n"...)
	f.line, f.out = f.line[:0], out
	_, err := f.w.Write(out)
	return err
}
