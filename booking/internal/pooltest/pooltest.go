// Package pooltest gives the tests of the packages under booking/ a small pool
// on a fresh database with the real migrations: a SQLite file in t.TempDir(),
// or a new PostgreSQL database when SPRAKPOOL_TEST_POSTGRES is set. Only tests
// import it.
package pooltest

import (
	"context"
	"testing"
	"time"

	_ "time/tzdata"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// NewService opens a fresh, migrated database with the clock at now.
func NewService(t testing.TB, now time.Time) *booking.Service {
	t.Helper()
	ctx := context.Background()
	s, err := booking.Open(ctx, testdb.DSN(t, "test.db"), booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return now }
	return s
}

// Fixture is a small pool: an admin, workplaces A and B, and helpers to add
// supervisors, managers and bookings.
type Fixture struct {
	T     testing.TB
	S     *booking.Service
	Ctx   context.Context
	Admin *booking.User
	WpA   *booking.Workplace
	WpB   *booking.Workplace
}

// New makes the pool with the clock at now.
func New(t testing.TB, now time.Time) *Fixture {
	t.Helper()
	s := NewService(t, now)
	f := &Fixture{T: t, S: s, Ctx: context.Background()}
	f.Admin = &booking.User{Role: booking.RoleAdmin}
	f.WpA = f.Workplace("Förskolan Solrosen", "childcare")
	f.WpB = f.Workplace("Äldreboendet Linden", "elderly_care")
	u, err := s.CreateUser(f.Ctx, booking.UserInput{Email: "admin@example.se", Name: "Admin", Role: booking.RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	f.Admin = u
	return f
}

// Workplace adds a workplace of the given kind.
func (f *Fixture) Workplace(name, kind string) *booking.Workplace {
	f.T.Helper()
	w, err := f.S.CreateWorkplace(f.Ctx, &booking.User{Role: booking.RoleAdmin}, booking.WorkplaceInput{Name: &name, Kind: &kind})
	if err != nil {
		f.T.Fatal(err)
	}
	return w
}

// Supervisor adds an active supervisor with the languages, every area, and the
// given weekly windows (Monday to Friday 08:00–16:00 when none are given).
func (f *Fixture) Supervisor(name string, langs []string, windows ...booking.Window) *booking.Supervisor {
	f.T.Helper()
	areas := append([]string(nil), booking.Areas...)
	sv, err := f.S.CreateSupervisor(f.Ctx, f.Admin, booking.SupervisorInput{Name: &name, Languages: &langs, Areas: &areas})
	if err != nil {
		f.T.Fatal(err)
	}
	if len(windows) == 0 {
		for wd := 1; wd <= 5; wd++ {
			windows = append(windows, booking.Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
		}
	}
	if _, err := f.S.SetAvailability(f.Ctx, f.Admin, sv.ID, windows); err != nil {
		f.T.Fatal(err)
	}
	return sv
}

// Manager adds a manager of the workplaces.
func (f *Fixture) Manager(email string, workplaces ...int64) *booking.User {
	f.T.Helper()
	u, err := f.S.CreateUser(f.Ctx, booking.UserInput{Email: email, Name: email, Role: booking.RoleManager, WorkplaceIDs: workplaces, Password: "secret-password"})
	if err != nil {
		f.T.Fatal(err)
	}
	return u
}

// Book creates a booking as admin for supervisor sv at workplace w, local times
// in Stockholm given as "2006-01-02 15:04".
func (f *Fixture) Book(sv *booking.Supervisor, w *booking.Workplace, start, end string) (*booking.Booking, error) {
	f.T.Helper()
	return f.S.CreateBooking(f.Ctx, f.Admin, booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: w.ID,
		Language: sv.Languages[0], Purpose: "workplace_support", Start: f.At(start), End: f.At(end)})
}

// At turns a Stockholm wall time "2006-01-02 15:04" into RFC 3339 with its offset.
func (f *Fixture) At(local string) string {
	f.T.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", local, f.S.Config().Location)
	if err != nil {
		f.T.Fatal(err)
	}
	return t.Format(time.RFC3339)
}
