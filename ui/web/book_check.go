package web

import (
	"context"
	"strconv"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/search"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Errors where they happen (issue 14): everything the booking's first screen
// can know is checked there, before any supervisor is shown, so that nothing
// sends the manager back from the confirm screen. The rules that need a
// supervisor (collisions, limits) stay on the confirm screen.

// neverFits: no other day or week would help; the request is the way on.
func neverFits(reason string) bool {
	return reason == search.NoSlotNoSupervisor || reason == search.NoSlotNoSupervisorInArea || reason == search.NoSlotTooLong
}

// checkStep1 checks the session's own fields as the service will (mode and
// link, purpose, participants, notes), that it has not begun and that the
// date is no closed day, and marks each field that fails in f. The fields
// are read from f, so that they are checked even when the form's time could
// not be read (parsed false: in is empty).
func (s *Server) checkStep1(f *form, l Lang, in booking.BookingInput, parsed bool) bool {
	var p booking.Problems
	mode, link := f.V("mode"), (*string)(nil)
	if v := f.V("meeting_url"); v != "" {
		link = &v
	}
	booking.CheckMode(&p, &mode, &link)
	n, _ := strconv.Atoi(f.V("participants_expected"))
	booking.CheckSession(&p, f.V("purpose"), n, f.V("notes"))
	failFrom(f, l, p.Err(), nil)
	if !parsed {
		return false
	}
	start, err := time.Parse(time.RFC3339, in.Start)
	if err != nil {
		return f.OK()
	}
	s.checkWhen(f, l, start)
	return f.OK()
}

// checkWhen marks a start that has passed (at the date, or at the start time
// when it is today) or falls on a closed day.
func (s *Server) checkWhen(f *form, l Lang, start time.Time) {
	start = start.In(s.loc)
	switch cd, closed := vocab.ClosedDayOn(start); {
	case start.Before(s.svc.Now()):
		if start.Format(time.DateOnly) < s.svc.Now().In(s.loc).Format(time.DateOnly) {
			f.Fail("date", l.T("err.date_past"))
		} else {
			f.Fail("start", l.T("err.start_past"))
		}
	case closed:
		name := cd.NameSV
		if l.Code == "en" {
			name = cd.NameEN
		}
		f.Fail("date", l.T("err.date_closed", name))
	}
}

// whyNoneFree asks the free-times search why nobody is free at the form's
// time and, when no supervisor could ever take it that day (nobody speaks
// the language, a weekend nobody works, a session longer than any day),
// marks the field to change. It reports whether it marked one; otherwise
// next holds the first free times from that day on (one a day, at most five),
// for the confirm screen to offer.
func (s *Server) whyNoneFree(ctx context.Context, u *booking.User, f *form, l Lang, in booking.BookingInput) (marked bool, next []search.Slot, err error) {
	start, err1 := time.Parse(time.RFC3339, in.Start)
	end, err2 := time.Parse(time.RFC3339, in.End)
	if err1 != nil || err2 != nil {
		return false, nil, nil
	}
	minutes := int(end.Sub(start)/time.Minute+14) / 15 * 15
	if minutes < 15 || minutes > 600 {
		return false, nil, nil
	}
	day := start.In(s.loc).Format(time.DateOnly)
	wid := in.WorkplaceID
	q := search.SlotQuery{Language: in.Language, From: day, To: day, DurationMinutes: minutes, Mode: in.Mode, WorkplaceID: &wid}
	why, err := s.cfg.Search.NoSlotReason(ctx, u, q)
	if booking.ErrorCode(err) == booking.CodeInvalid {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, err
	}
	switch why.Reason {
	case search.NoSlotNoSupervisor, search.NoSlotNoSupervisorInArea:
		f.Fail("language", l.T("err.language_nobody"))
	case search.NoSlotWeekend:
		f.Fail("date", l.T("err.date_weekend"))
	case search.NoSlotTooLong:
		f.Fail("end", l.T("err.end_too_long"))
	default:
		q.To = start.In(s.loc).AddDate(0, 0, timesDays-1).Format(time.DateOnly)
		slots, err := s.cfg.Search.Slots(ctx, u, q)
		if err != nil {
			return false, nil, err
		}
		var last string
		for _, sl := range slots {
			if d := sl.Start.In(s.loc).Format(time.DateOnly); d != last && len(next) < search.MaxNextSlots {
				next, last = append(next, sl), d
			}
		}
		return false, next, nil
	}
	return true, nil, nil
}
