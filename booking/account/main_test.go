package account

import (
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
)

// fixture is pooltest's small pool with the sign-in of its service.
type fixture struct {
	*pooltest.Fixture
	acct *Service
}

func newFixture(t testing.TB, now time.Time) *fixture {
	t.Helper()
	f := pooltest.New(t, now)
	return &fixture{Fixture: f, acct: New(f.S)}
}
