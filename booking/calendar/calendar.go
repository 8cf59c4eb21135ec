// Package calendar is the pool's calendars: the feeds that phones and Outlook
// poll (a supervisor's, a workplace's and the whole pool's bookings), kept while
// what they show is unchanged; the iTIP invitations and removals that mail
// carries; and the import of a supervisor's absences from their own .ics file.
// A feed's token, and its note that a booking left it, are written by booking
// in its own transactions; calendar reads them.
package calendar

import (
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// Service renders the feeds and invitations and imports absences, over the
// booking service's database and clock.
type Service struct {
	svc *booking.Service
	db  *sqldb.DB
	// cfg is the pool's configuration: its zone and base URL.
	cfg booking.Config
	// feeds keeps rendered feeds ("supervisors:17") while their data is
	// unchanged, and events each booking's rendered event (feedcache.go);
	// people counts changes to what they show of people.
	feeds  *kept[string, *Feed]
	events *kept[int64, renderedEvent]
	people *people
}

// New builds the calendars of the pool that svc serves. It watches svc's
// database for changes to the people a feed shows, so it is built once, before
// serving, and shared.
func New(svc *booking.Service) *Service {
	s := &Service{svc: svc, db: svc.DB(), cfg: svc.Config(), people: &people{},
		feeds:  newKept[string](feedCacheBytes, func(f *Feed) int { return len(f.Body) }),
		events: newKept[int64](eventCacheBytes, func(e renderedEvent) int { return len(e.body) })}
	s.people.watch(s.db.Gorm())
	return s
}

// now is the service's clock, in UTC.
func (s *Service) now() time.Time { return s.svc.Clock() }

func notFound(what string) error {
	return &booking.Error{Code: booking.CodeNotFound, Message: what + " not found"}
}

func forbidden(msg string) error { return &booking.Error{Code: booking.CodeForbidden, Message: msg} }

func deref[T any](p *T) T {
	var zero T
	if p != nil {
		return *p
	}
	return zero
}
