package booking

import (
	"context"
	"testing"
	"time"

	_ "time/tzdata"

	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// newTestService opens a fresh database with the real migrations (a SQLite file
// in t.TempDir(), or a new PostgreSQL database when SPRAKPOOL_TEST_POSTGRES is
// set), and sets the clock to now.
func newTestService(t testing.TB, now time.Time) *Service {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, testdb.DSN(t, "test.db"), DefaultConfig())
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

// fixture is a small pool for tests: an admin, workplaces A and B, and helpers
// to add supervisors and managers.
type fixture struct {
	t     testing.TB
	s     *Service
	ctx   context.Context
	admin *User
	wpA   *Workplace
	wpB   *Workplace
}

func newFixture(t testing.TB, now time.Time) *fixture {
	t.Helper()
	s := newTestService(t, now)
	f := &fixture{t: t, s: s, ctx: context.Background()}
	f.admin = &User{ID: 0, Role: RoleAdmin}
	f.wpA = f.workplace("Förskolan Solrosen", "childcare")
	f.wpB = f.workplace("Äldreboendet Linden", "elderly_care")
	u, err := s.CreateUser(f.ctx, UserInput{Email: "admin@example.se", Name: "Admin", Role: RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = u
	return f
}

func (f *fixture) workplace(name, kind string) *Workplace {
	f.t.Helper()
	w, err := f.s.CreateWorkplace(f.ctx, &User{Role: RoleAdmin}, WorkplaceInput{Name: &name, Kind: &kind})
	if err != nil {
		f.t.Fatal(err)
	}
	return w
}

// supervisor adds an active supervisor with the languages, every area, and the
// given weekly windows (Monday to Friday 08:00–16:00 when none are given).
func (f *fixture) supervisor(name string, langs []string, windows ...Window) *Supervisor {
	f.t.Helper()
	areas := append([]string(nil), Areas...)
	sv, err := f.s.CreateSupervisor(f.ctx, f.admin, SupervisorInput{Name: &name, Languages: &langs, Areas: &areas})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(windows) == 0 {
		for wd := 1; wd <= 5; wd++ {
			windows = append(windows, Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
		}
	}
	if _, err := f.s.SetAvailability(f.ctx, f.admin, sv.ID, windows); err != nil {
		f.t.Fatal(err)
	}
	return sv
}

func (f *fixture) manager(email string, workplaces ...int64) *User {
	f.t.Helper()
	u, err := f.s.CreateUser(f.ctx, UserInput{Email: email, Name: email, Role: RoleManager, WorkplaceIDs: workplaces, Password: "secret-password"})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// book creates a booking as admin for supervisor sv at workplace w, local times
// in Stockholm given as "2006-01-02 15:04".
func (f *fixture) book(sv *Supervisor, w *Workplace, start, end string) (*Booking, error) {
	f.t.Helper()
	return f.s.CreateBooking(f.ctx, f.admin, BookingInput{SupervisorID: &sv.ID, WorkplaceID: w.ID,
		Language: sv.Languages[0], Purpose: "workplace_support", Start: f.at(start), End: f.at(end)})
}

// at turns a Stockholm wall time "2006-01-02 15:04" into RFC 3339 with its offset.
func (f *fixture) at(local string) string {
	f.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", local, f.s.cfg.Location)
	if err != nil {
		f.t.Fatal(err)
	}
	return t.Format(time.RFC3339)
}

// rules returns the names of the rules a conflict error names, in order.
func rulesOf(err error) []string {
	e, ok := err.(*Error)
	if !ok || e.Code != CodeConflict {
		return nil
	}
	vs, _ := e.Details.([]Violation)
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Rule)
	}
	return out
}
