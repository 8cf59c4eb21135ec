package calendar

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/emersion/go-ical"
	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking"
)

// A series travels in mail as one recurring event (RFC 5545 §3.8.5): the
// first occurrence with RRULE:FREQ=WEEKLY;INTERVAL=n;COUNT=c at its local
// time and TZID, so every client expands 10:00 as 10:00 across DST; EXDATE
// for each occurrence that is not held (a skipped closed day, a cancelled
// occurrence); and for each occurrence moved alone an override with
// RECURRENCE-ID, its planned start. Feeds are not touched: there each
// occurrence stays its own event with the booking's UID.

// SeriesInvitation renders the iTIP message of a series as it stands:
// METHOD:REQUEST while an occurrence is confirmed, METHOD:CANCEL (the whole
// series) once none is. It returns the .ics and the method, which the mail's
// Content-Type must repeat.
func (s *Service) SeriesInvitation(ctx context.Context, seriesID int64, organizer string) ([]byte, string, error) {
	db := s.db.Read(ctx)
	sr, err := s.svc.SeriesTx(db, seriesID)
	if err != nil {
		return nil, "", fmt.Errorf("invitation for series %d: %w", seriesID, err)
	}
	master := booking.Booking{ID: sr.Bookings[0].ID, UID: sr.UID, SupervisorID: sr.SupervisorID, WorkplaceID: sr.WorkplaceID,
		Language: sr.Language, Area: sr.Area, Mode: sr.Mode, MeetingURL: sr.MeetingURL, Start: sr.Start, End: sr.End,
		Purpose: sr.Purpose, ParticipantsExpected: sr.ParticipantsExpected, Notes: sr.Notes,
		Status: booking.StatusCancelled, Sequence: sr.Sequence, CreatedAt: sr.CreatedAt, UpdatedAt: sr.UpdatedAt}
	var moved []booking.Booking
	var exdates []time.Time
	for _, sk := range sr.Skipped {
		exdates = append(exdates, sk.Start)
	}
	for _, b := range sr.Bookings {
		planned := b.Start
		if b.SeriesStart != nil {
			planned = *b.SeriesStart
		}
		switch {
		case b.Status != booking.StatusConfirmed:
			exdates = append(exdates, planned)
		case !planned.Equal(b.Start) || b.SupervisorID != sr.SupervisorID || b.WorkplaceID != sr.WorkplaceID:
			master.Status = booking.StatusConfirmed
			moved = append(moved, b)
		default:
			master.Status = booking.StatusConfirmed
		}
		if b.UpdatedAt.After(master.UpdatedAt) {
			master.UpdatedAt = b.UpdatedAt
		}
	}
	method := "REQUEST"
	if master.Status == booking.StatusCancelled {
		method = "CANCEL"
		exdates = nil
	}
	entries, err := s.calendarEntries(db, append([]booking.Booking{master}, moved...))
	if err != nil {
		return nil, "", fmt.Errorf("invitation for series %d: %w", seriesID, err)
	}
	cal := s.newCalendar()
	cal.Props.SetText(ical.PropMethod, method)
	ev := s.vevent(&entries[0])
	rule := ical.NewProp(ical.PropRecurrenceRule)
	rule.Value = fmt.Sprintf("FREQ=WEEKLY;INTERVAL=%d;COUNT=%d", sr.EveryWeeks, sr.Occurrences)
	ev.Props.Set(rule)
	// The series' page, where every occurrence is listed, rather than the first booking's.
	link := ical.NewProp(ical.PropURL)
	link.Value = fmt.Sprintf("%s/series/%d", s.cfg.BaseURL, sr.ID)
	ev.Props.Set(link)
	for _, t := range exdates {
		p := ical.NewProp(ical.PropExceptionDates)
		p.SetDateTime(t.In(s.cfg.Location))
		ev.Props.Add(p)
	}
	s.addPeople(ev, &entries[0], organizer)
	cal.Children = append(cal.Children, ev.Component)
	for i := range moved {
		o := s.vevent(&entries[i+1])
		s.asOccurrence(o, sr, &moved[i])
		s.addPeople(o, &entries[i+1], organizer)
		cal.Children = append(cal.Children, o.Component)
	}
	body, err := encodeCalendar(cal)
	if err != nil {
		return nil, "", fmt.Errorf("invitation for series %d: %w", seriesID, err)
	}
	return body, method, nil
}

func (s *Service) addPeople(ev *ical.Event, e *calendarEntry, organizer string) {
	ev.Props.Set(organizerProp(organizer))
	for _, a := range e.attendees() {
		ev.Props.Add(a.prop())
	}
}

// asOccurrence turns a booking's event into its series' override: the
// series' UID and RECURRENCE-ID, the start the series planned for it. The
// SEQUENCE is at least the series': an override never looks older than the
// series it changes.
func (s *Service) asOccurrence(ev *ical.Event, sr *booking.Series, b *booking.Booking) {
	ev.Props.SetText(ical.PropUID, sr.UID)
	planned := b.Start
	if b.SeriesStart != nil {
		planned = *b.SeriesStart
	}
	rid := ical.NewProp(ical.PropRecurrenceID)
	rid.SetDateTime(planned.In(s.cfg.Location))
	ev.Props.Set(rid)
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(max(b.Sequence, sr.Sequence))
	ev.Props.Set(seq)
}

// occurrenceOf makes the invitation of a booking that is part of a series an
// override of the series' recurring event, so a client that holds the series
// moves or cancels that one occurrence.
func (s *Service) occurrenceOf(db *gorm.DB, b *booking.Booking, ev *ical.Event) error {
	if b.SeriesID == nil {
		return nil
	}
	sr, err := s.svc.SeriesTx(db, *b.SeriesID)
	if err != nil {
		return err
	}
	s.asOccurrence(ev, sr, b)
	return nil
}
