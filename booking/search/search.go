// Package search finds free times: the quarter-hour starts at which a session
// in a language can be booked without naming a supervisor, and, when none
// fits, why not and what comes next (issue 14).
//
// It sits beside the core: it reads each candidate's schedule once for the
// whole range (booking.Service.Schedules) and checks every start with the
// core's own rules (booking.Rules.Fits), the functions a booking is checked
// with, so every time it shows can be booked.
package search

import (
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Service searches the free times of the pool it was built from.
type Service struct {
	svc *booking.Service
}

// New is the search of the pool svc.
func New(svc *booking.Service) *Service { return &Service{svc: svc} }

func forbidden(msg string) error { return &booking.Error{Code: booking.CodeForbidden, Message: msg} }

func languageName(code string) string {
	if l, ok := vocab.LanguageByCode(code); ok {
		return l.NameEN
	}
	return code
}

// startOfDay returns local midnight of t's local date.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// nextDay returns local midnight of the day after the local midnight day; DST-safe.
func nextDay(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, day.Location())
}

// startOfWeek returns local midnight of the Monday of t's ISO week.
func startOfWeek(t time.Time, loc *time.Location) time.Time {
	day := startOfDay(t, loc)
	y, m, d := day.Date()
	return time.Date(y, m, d-(booking.ISOWeekday(day)-1), 0, 0, 0, 0, loc)
}
