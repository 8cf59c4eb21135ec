package calendar

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sprakpool/sprakpool/booking"
)

// Absences from a calendar file: a supervisor's vacation exported from Outlook,
// Google or a phone becomes absences, so nobody books them while they are away.

// MaxImportBytes is the largest .ics file accepted.
const MaxImportBytes = 1 << 20

// ImportHorizon is how far ahead recurring events are expanded.
const ImportHorizon = 12 // months

// maxImportOccurrences bounds what one file can create.
const maxImportOccurrences = 5000

// importDeadline bounds the work of one import, so that it answers within
// the contract's 10 seconds whatever a file holds (reading and storing it take
// the rest).
const importDeadline = 8 * time.Second

// ImportResult counts what an import did: absences created, and events or
// occurrences skipped (free time, cancelled, already imported, outside the
// horizon); and the confirmed bookings of the supervisor that the new absences
// cover, which the coordinator must now see to.
type ImportResult struct {
	Created            int     `json:"created"`
	Skipped            int     `json:"skipped"`
	AffectedBookingIDs []int64 `json:"affected_booking_ids"`
}

// ImportAbsences reads an iCalendar file and records each busy event as an
// absence of the supervisor. Recurring events are expanded from now over the next
// ImportHorizon months, in the event's own time zone, so a weekly 09:00 stays
// 09:00 across a DST change. Each absence remembers the event's UID; importing
// the same file again creates nothing new. The work stops when ctx ends (the
// client went away) and after importDeadline, which answers "too complex".
func (s *Service) ImportAbsences(ctx context.Context, actor *booking.User, supervisorID int64, r io.Reader) (*ImportResult, error) {
	return s.importAbsences(ctx, actor, supervisorID, r, false)
}

// PreviewAbsences is ImportAbsences that writes nothing: what an import of the
// file would create and skip, and which bookings it would leave without the
// supervisor, for the page that asks before it saves (issue 16).
func (s *Service) PreviewAbsences(ctx context.Context, actor *booking.User, supervisorID int64, r io.Reader) (*ImportResult, error) {
	return s.importAbsences(ctx, actor, supervisorID, r, true)
}

// errPreview undoes a preview's transaction once it has counted.
var errPreview = errors.New("preview only")

func (s *Service) importAbsences(ctx context.Context, actor *booking.User, supervisorID int64, r io.Reader, preview bool) (*ImportResult, error) {
	if !actor.IsAdmin() && !actor.Is(supervisorID) {
		return nil, forbidden("only coordinators and the supervisor may record absences")
	}
	if _, err := s.svc.Supervisor(ctx, actor, supervisorID); err != nil {
		return nil, err
	}
	cal, err := decodeICS(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, invalidICS("the file is not an iCalendar (.ics) file: %v", err)
	}
	now := s.now()
	work, cancel := context.WithTimeout(ctx, importDeadline)
	defer cancel()
	spans, skipped, err := s.busySpans(work, cal, now, now.AddDate(0, ImportHorizon, 0))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("import absences of supervisor %d: %w", supervisorID, ctx.Err())
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, tooComplex("it takes longer than %s to read", importDeadline)
		}
		return nil, err
	}
	res := &ImportResult{Skipped: skipped, AffectedBookingIDs: []int64{}}
	err = s.db.Write(ctx, func(tx *gorm.DB) error {
		var created []busySpan
		for _, sp := range spans {
			uid := sp.uid
			a := &booking.Absence{SupervisorID: supervisorID, Start: sp.start.UTC(), End: sp.end.UTC(), Reason: sp.reason,
				SourceUID: &uid, CreatedAt: now}
			q := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(a)
			if q.Error != nil {
				return q.Error
			}
			if q.RowsAffected == 1 {
				res.Created++
				created = append(created, sp)
			} else {
				res.Skipped++
			}
		}
		ids, err := bookingsCovered(tx, supervisorID, created)
		if err != nil {
			return err
		}
		res.AffectedBookingIDs = ids
		if preview {
			return errPreview
		}
		// One message to the coordinators for the whole file, not one per absence.
		return s.svc.NoteAttention(tx, supervisorID, "absence", fmt.Sprintf("import:%d:%d", supervisorID, now.UnixNano()), ids)
	})
	if err != nil && !errors.Is(err, errPreview) {
		return nil, fmt.Errorf("import absences of supervisor %d: %w", supervisorID, err)
	}
	return res, nil
}

// bookingsCovered returns, by start, the supervisor's confirmed bookings that
// overlap any of the spans.
func bookingsCovered(db *gorm.DB, supervisorID int64, spans []busySpan) ([]int64, error) {
	out := []int64{}
	if len(spans) == 0 {
		return out, nil
	}
	lo, hi := spans[0].start, spans[0].end
	for _, sp := range spans {
		lo, hi = earliest(lo, sp.start), latest(hi, sp.end)
	}
	var list []booking.Booking
	if err := db.Select("id, start_at, end_at").Where("supervisor_id = ? AND status = ? AND start_at < ? AND end_at > ?",
		supervisorID, booking.StatusConfirmed, hi.UTC(), lo.UTC()).Order("start_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("bookings covered by the import: %w", err)
	}
	for _, b := range list {
		for _, sp := range spans {
			if b.Start.Before(sp.end) && b.End.After(sp.start) {
				out = append(out, b.ID)
				break
			}
		}
	}
	return out, nil
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// decodeICS parses a calendar. go-ical panics on some malformed lines (a
// parameter with nothing after "=" at the end of a line, found by fuzzing);
// such a file is just not a calendar.
// A UTF-8 byte-order mark before BEGIN:VCALENDAR, as some Windows tools
// write, is skipped.
func decodeICS(r io.Reader) (cal *ical.Calendar, err error) {
	defer func() {
		if v := recover(); v != nil {
			cal, err = nil, fmt.Errorf("malformed line: %v", v)
		}
	}()
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	return ical.NewDecoder(br).Decode()
}

func invalidICS(format string, args ...any) error {
	var p booking.Problems
	p.Add("body", "ics_file", format, args...)
	return p.Err()
}

// busySpan is one absence to be: an event, or one occurrence of a recurring one.
type busySpan struct {
	uid        string
	start, end time.Time
	reason     string
}

// busySpans turns the calendar's VEVENTs into spans: the events, and the
// occurrences of recurring ones, that end after from and start before to. RECURRENCE-ID overrides replace their occurrence.
func (s *Service) busySpans(ctx context.Context, cal *ical.Calendar, from, to time.Time) ([]busySpan, int, error) {
	type series struct {
		master    *ical.Component
		overrides []*ical.Component
	}
	byUID := map[string]*series{}
	var order []string
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		uid := propText(c, ical.PropUID)
		if uid == "" {
			// No UID: one made from the content, so a re-import still matches.
			sum := sha256.Sum256([]byte(propValue(c, ical.PropDateTimeStart) + "|" + propValue(c, ical.PropDateTimeEnd) + "|" + propValue(c, ical.PropSummary)))
			uid = "import-" + hex.EncodeToString(sum[:12])
		}
		sr := byUID[uid]
		if sr == nil {
			sr = &series{}
			byUID[uid] = sr
			order = append(order, uid)
		}
		if c.Props.Get(ical.PropRecurrenceID) != nil {
			sr.overrides = append(sr.overrides, c)
		} else {
			sr.master = c
		}
	}
	recurring := 0
	for _, sr := range byUID {
		if sr.master != nil && sr.master.Props.Get(ical.PropRecurrenceRule) != nil {
			recurring++
		}
	}
	if recurring > maxRecurringEvents {
		return nil, 0, tooComplex("it holds %d recurring events; at most %d are taken", recurring, maxRecurringEvents)
	}
	var out []busySpan
	skipped := 0
	budget := &ruleBudget{units: importSearchCost}
	for _, uid := range order {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		sr := byUID[uid]
		replaced := map[int64]bool{}
		for _, o := range sr.overrides {
			rid, _, err := s.icsTime(o.Props.Get(ical.PropRecurrenceID))
			if err != nil {
				return nil, 0, invalidICS("event %s: RECURRENCE-ID: %v", uid, err)
			}
			replaced[rid.Unix()] = true
			sp, ok, err := s.eventSpan(uid, o)
			if err != nil {
				return nil, 0, err
			}
			if !ok || !sp.end.After(from) || !sp.start.Before(to) {
				skipped++
				continue
			}
			out = append(out, sp)
		}
		if sr.master == nil {
			continue
		}
		spans, n, err := s.expandEvent(ctx, uid, sr.master, from, to, replaced, budget)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, spans...)
		skipped += n
		if len(out) > maxImportOccurrences {
			return nil, 0, invalidICS("the file holds more than %d absences", maxImportOccurrences)
		}
	}
	return out, skipped, nil
}

// eventSpan reads one VEVENT's times; ok is false for events that do not make
// one busy (free time, cancelled).
func (s *Service) eventSpan(uid string, c *ical.Component) (busySpan, bool, error) {
	if isFree(c) {
		return busySpan{}, false, nil
	}
	start, allDay, err := s.icsTime(c.Props.Get(ical.PropDateTimeStart))
	if err != nil {
		return busySpan{}, false, invalidICS("event %s: DTSTART: %v", uid, err)
	}
	end, err := s.eventEnd(c, start, allDay)
	if err != nil {
		return busySpan{}, false, invalidICS("event %s: %v", uid, err)
	}
	if !end.After(start) {
		return busySpan{}, false, nil
	}
	return busySpan{uid: uid, start: start, end: end, reason: absenceReason(c)}, true, nil
}

// expandEvent returns the event itself, or its occurrences in from..to.
func (s *Service) expandEvent(ctx context.Context, uid string, c *ical.Component, from, to time.Time, replaced map[int64]bool, budget *ruleBudget) ([]busySpan, int, error) {
	first, ok, err := s.eventSpan(uid, c)
	if err != nil || !ok {
		return nil, 1, err
	}
	if c.Props.Get(ical.PropRecurrenceRule) == nil && c.Props.Get(ical.PropRecurrenceDates) == nil {
		// A single event counts in the same window as an occurrence: one of
		// years ago (or in year 0) blocks nothing a booking could want.
		if !first.end.After(from) || !first.start.Before(to) {
			return nil, 1, nil
		}
		return []busySpan{first}, 0, nil
	}
	// Expand in the zone of DTSTART, so wall-clock times survive DST changes;
	// the length of an occurrence is kept as wall-clock time too (an all-day
	// event stays a day long on a 23-hour day).
	length := wallLength(first.start, first.end)
	// An occurrence that began before from may still go on: start looking a
	// day before the longest an occurrence can last.
	keepFrom := from.AddDate(0, 0, -length.days-2).Add(-length.clock)
	var starts []time.Time
	if p := c.Props.Get(ical.PropRecurrenceRule); p != nil {
		starts, err = ruleStarts(ctx, p.Value, first.start, keepFrom, to, budget)
		switch {
		case errors.Is(err, errTooComplex):
			return nil, 0, tooComplex("event %s: its RRULE searches too far", uid)
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return nil, 0, err
		case err != nil:
			return nil, 0, invalidICS("event %s: RRULE: %v", uid, err)
		}
	}
	excluded := map[int64]bool{}
	for _, name := range []string{ical.PropRecurrenceDates, ical.PropExceptionDates} {
		for i := range c.Props[name] {
			p := &c.Props[name][i]
			for _, v := range strings.Split(p.Value, ",") {
				one := *p
				one.Value = strings.TrimSpace(v)
				t, _, err := s.icsTime(&one)
				if err != nil {
					return nil, 0, invalidICS("event %s: %s: %v", uid, name, err)
				}
				if name == ical.PropExceptionDates {
					excluded[t.Unix()] = true
				} else if !t.Before(keepFrom) && t.Before(to) {
					starts = append(starts, t.In(first.start.Location()))
				}
			}
		}
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	var out []busySpan
	skipped := 0
	for i, t := range starts {
		// A moved occurrence (RECURRENCE-ID) replaces this one; an RDATE may
		// repeat one the rule makes.
		if excluded[t.Unix()] || replaced[t.Unix()] || (i > 0 && t.Equal(starts[i-1])) {
			continue
		}
		end := addWall(t, length)
		if !end.After(from) {
			continue
		}
		out = append(out, busySpan{uid: uid, start: t, end: end, reason: first.reason})
		if len(out) > maxImportOccurrences {
			return nil, 0, invalidICS("event %s repeats more than %d times in %d months", uid, maxImportOccurrences, ImportHorizon)
		}
	}
	if len(out) == 0 {
		skipped++
	}
	return out, skipped, nil
}

// wallDuration is a length in calendar days and clock time.
type wallDuration struct {
	days  int
	clock time.Duration
}

func wallLength(start, end time.Time) wallDuration {
	loc := start.Location()
	end = end.In(loc)
	sd := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	ed := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	days := int(ed.Sub(sd).Hours() / 24)
	clock := time.Duration(end.Hour()-start.Hour())*time.Hour + time.Duration(end.Minute()-start.Minute())*time.Minute +
		time.Duration(end.Second()-start.Second())*time.Second
	return wallDuration{days: days, clock: clock}
}

func addWall(t time.Time, d wallDuration) time.Time {
	if d.days == 0 {
		return t.Add(d.clock)
	}
	day := t.AddDate(0, 0, d.days)
	return firstOccurrence(time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), t.Second(), 0, t.Location())).Add(d.clock)
}

// isFree reports events that do not block time: free (TRANSP:TRANSPARENT, or
// Outlook's busy status FREE) or cancelled.
func isFree(c *ical.Component) bool {
	return strings.EqualFold(propText(c, ical.PropTransparency), "TRANSPARENT") ||
		strings.EqualFold(propText(c, ical.PropStatus), "CANCELLED") ||
		strings.EqualFold(propText(c, "X-MICROSOFT-CDO-BUSYSTATUS"), "FREE")
}

// absenceReason is the event's title, unless the event is private.
func absenceReason(c *ical.Component) string {
	switch strings.ToUpper(propText(c, ical.PropClass)) {
	case "PRIVATE", "CONFIDENTIAL":
		return "Upptagen (importerad)"
	}
	r := strings.TrimSpace(icalText(propText(c, ical.PropSummary)))
	if r == "" {
		return "Importerad från kalender"
	}
	if rs := []rune(r); len(rs) > 500 {
		r = string(rs[:500])
	}
	return r
}

func propValue(c *ical.Component, name string) string {
	if p := c.Props.Get(name); p != nil {
		return p.Value
	}
	return ""
}

// propText reads a text value whole: go-ical's Text keeps only what comes
// before the first unescaped comma (the first of a list), but exporters write
// titles such as "Möte (Central Europe), Rum 3" unescaped, and a title is one
// text. An unknown escape keeps its character.
func propText(c *ical.Component, name string) string {
	p := c.Props.Get(name)
	if p == nil {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(p.Value); i++ {
		ch := p.Value[i]
		if ch != '\\' || i == len(p.Value)-1 {
			b.WriteByte(ch)
			continue
		}
		i++
		switch p.Value[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(p.Value[i])
		}
	}
	return b.String()
}

// eventEnd is DTEND, else DTSTART plus DURATION, else the end of the day for an
// all-day event (RFC 5545 §3.6.1).
func (s *Service) eventEnd(c *ical.Component, start time.Time, allDay bool) (time.Time, error) {
	if p := c.Props.Get(ical.PropDateTimeEnd); p != nil {
		end, _, err := s.icsTime(p)
		if err != nil {
			return time.Time{}, fmt.Errorf("DTEND: %v", err)
		}
		return end, nil
	}
	if p := c.Props.Get(ical.PropDuration); p != nil {
		d, err := p.Duration()
		if err != nil {
			return time.Time{}, fmt.Errorf("DURATION: %v", err)
		}
		days := d / (24 * time.Hour)
		return addWall(start, wallDuration{days: int(days), clock: d - days*24*time.Hour}), nil
	}
	if allDay {
		return start.AddDate(0, 0, 1), nil
	}
	return start, nil
}

// icsTime reads a DATE or DATE-TIME value: UTC, with a TZID, or floating (then
// the pool's zone). A date is local midnight in the pool's zone.
func (s *Service) icsTime(p *ical.Prop) (time.Time, bool, error) {
	if p == nil {
		return time.Time{}, false, errors.New("missing")
	}
	v := strings.TrimSpace(p.Value)
	if strings.EqualFold(p.Params.Get(ical.ParamValue), "DATE") || len(v) == 8 {
		t, err := time.ParseInLocation("20060102", v, s.cfg.Location)
		return t, true, err
	}
	if strings.HasSuffix(v, "Z") {
		t, err := time.ParseInLocation("20060102T150405Z", v, time.UTC)
		return t, false, err
	}
	loc := s.cfg.Location
	if tzid := p.Params.Get(ical.ParamTimezoneID); tzid != "" {
		loc = s.zoneByID(tzid)
	}
	t, err := time.ParseInLocation("20060102T150405", v, loc)
	// A local time in the hour that repeats when summer time ends is its first
	// occurrence (RFC 5545 §3.3.5); Go picks the second.
	return firstOccurrence(t), false, err
}

// firstOccurrence returns, for a time whose wall clock repeats in its zone, the
// first instant with that wall clock, as RFC 5545 §3.3.5 reads a local time;
// time.Date and time.ParseInLocation pick the second.
func firstOccurrence(t time.Time) time.Time {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, off := t.Zone()
	_, prev := start.Add(-time.Second).Zone()
	if d := time.Duration(prev-off) * time.Second; d > 0 && t.Sub(start) < d {
		return t.Add(-d)
	}
	return t
}

// zoneByID resolves a TZID: an IANA name (also inside Mozilla's
// "/mozilla.org/…/Europe/Stockholm" form), one of Outlook's Windows names, or,
// failing those, the pool's zone, which is where a Swedish supervisor's
// calendar lives.
func (s *Service) zoneByID(tzid string) *time.Location {
	tzid = strings.Trim(tzid, `"`)
	if loc, err := time.LoadLocation(tzid); err == nil && tzid != "Local" && tzid != "" {
		return loc
	}
	if name, ok := windowsZones[tzid]; ok {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	parts := strings.Split(tzid, "/")
	for i := range parts {
		if loc, err := time.LoadLocation(strings.Join(parts[i:], "/")); err == nil && i < len(parts)-1 {
			return loc
		}
	}
	return s.cfg.Location
}

// windowsZones maps Outlook's zone names of Europe (and UTC) to IANA names.
var windowsZones = map[string]string{
	"W. Europe Standard Time":        "Europe/Stockholm",
	"Central Europe Standard Time":   "Europe/Budapest",
	"Central European Standard Time": "Europe/Warsaw",
	"Romance Standard Time":          "Europe/Paris",
	"GMT Standard Time":              "Europe/London",
	"Greenwich Standard Time":        "Atlantic/Reykjavik",
	"FLE Standard Time":              "Europe/Helsinki",
	"E. Europe Standard Time":        "Europe/Chisinau",
	"GTB Standard Time":              "Europe/Bucharest",
	"Turkey Standard Time":           "Europe/Istanbul",
	"Russian Standard Time":          "Europe/Moscow",
	"UTC":                            "UTC",
	"Coordinated Universal Time":     "UTC",
}
