package calendar

import (
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
)

// fixture is pooltest's small pool with the calendars of its service.
type fixture struct {
	*pooltest.Fixture
	cal *Service
}

func newFixture(t testing.TB, now time.Time) *fixture {
	t.Helper()
	f := pooltest.New(t, now)
	return &fixture{Fixture: f, cal: New(f.S)}
}
