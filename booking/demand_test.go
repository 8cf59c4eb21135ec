package booking_test

import (
	"errors"
	"testing"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/internal/pooltest"
	"github.com/sprakpool/sprakpool/booking/request"
)

// demandPool: Amina and Bilal speak Arabic (weekdays 08–18 and 08–12), and a
// manager of Solrosen; the clock on Monday 22 March 2027 at 10:07.
type demandPool struct {
	*pooltest.Fixture
	amina, bilal *booking.Supervisor
	manager      *booking.User
}

func newDemandPool(t *testing.T) *demandPool {
	t.Helper()
	weekdays := func(start, end int) []booking.Window {
		var ws []booking.Window
		for wd := 1; wd <= 5; wd++ {
			ws = append(ws, booking.Window{Weekday: wd, Start: start, End: end})
		}
		return ws
	}
	f := pooltest.New(t, mustLocal(t, "2027-03-22 10:07"))
	return &demandPool{Fixture: f,
		amina:   f.Supervisor("Amina", []string{"ar"}, weekdays(8*60, 18*60)...),
		bilal:   f.Supervisor("Bilal", []string{"ar"}, weekdays(8*60, 12*60)...),
		manager: f.Manager("chef@example.se", f.WpA.ID)}
}

func (p *demandPool) book(sv *booking.Supervisor, w *booking.Workplace, start, end string) {
	p.T.Helper()
	if _, err := p.Book(sv, w, start, end); err != nil {
		p.T.Fatalf("book %s %s–%s: %v", sv.Name, start, end, err)
	}
}

// Every booking without a supervisor answered no_free_supervisor is kept as
// demand, in a write of its own after the booking's rolled back; a booking for
// a named supervisor that collides, or one that succeeds, is not.
func TestUnmetAttemptsAreKept(t *testing.T) {
	t.Parallel()
	p := newDemandPool(t)
	p.book(p.amina, p.WpA, "2027-03-23 09:00", "2027-03-23 10:00")
	p.book(p.bilal, p.WpA, "2027-03-23 09:00", "2027-03-23 10:00")
	ask := func(sv *int64, lang, start, end string) error {
		_, err := p.S.CreateBooking(p.Ctx, p.manager, booking.BookingInput{SupervisorID: sv, WorkplaceID: p.WpA.ID,
			Language: lang, Purpose: "parent_information", Mode: "phone", Start: p.At(start), End: p.At(end)})
		return err
	}
	// Nobody free, and nobody who speaks Wolof: two unmet attempts.
	for _, c := range []struct{ lang, start, end string }{
		{"ar", "2027-03-23 09:15", "2027-03-23 09:45"},
		{"wo", "2027-03-24 10:00", "2027-03-24 11:00"},
	} {
		vs, ok := conflictRules(ask(nil, c.lang, c.start, c.end))
		if !ok || len(vs) != 1 || vs[0] != booking.RuleNoFreeSupervisor {
			t.Fatalf("%s: want no_free_supervisor, got %v", c.lang, vs)
		}
	}
	// Not demand: a named supervisor who is taken, a booking that is made, bad input.
	if vs, ok := conflictRules(ask(&p.amina.ID, "ar", "2027-03-23 09:15", "2027-03-23 09:45")); !ok || vs[0] != booking.RuleOverlap {
		t.Fatalf("want overlap, got %v", vs)
	}
	if err := ask(nil, "ar", "2027-03-23 10:00", "2027-03-23 11:00"); err != nil {
		t.Fatal(err)
	}
	if err := ask(nil, "xx", "2027-03-23 10:00", "2027-03-23 11:00"); booking.ErrorCode(err) != booking.CodeInvalid {
		t.Fatalf("want invalid, got %v", err)
	}
	list, err := request.New(p.S).UnmetAttempts(p.Ctx, p.Admin, "2027-03-01", "2027-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("%d unmet attempts, want 2: %+v", len(list), list)
	}
	u := list[0]
	if u.Kind != booking.UnmetBooking || u.Language != "ar" || u.WorkplaceID != p.WpA.ID || u.Area != "childcare" ||
		u.Mode != "phone" || u.Purpose != "parent_information" || !u.Start.Equal(mustLocal(t, "2027-03-23 09:15")) ||
		!u.End.Equal(mustLocal(t, "2027-03-23 09:45")) || u.CreatedBy == nil || *u.CreatedBy != p.manager.ID ||
		!u.CreatedAt.Equal(mustLocal(t, "2027-03-22 10:07")) {
		t.Errorf("unmet attempt %+v", u)
	}
	if list[1].Language != "wo" {
		t.Errorf("second attempt %+v", list[1])
	}
	if _, err := request.New(p.S).UnmetAttempts(p.Ctx, p.manager, "2027-03-01", "2027-03-31"); booking.ErrorCode(err) != booking.CodeForbidden {
		t.Errorf("manager: %v, want forbidden", err)
	}
}

// conflictRules returns the rules of a conflict's details.
func conflictRules(err error) ([]string, bool) {
	var e *booking.Error
	if !errors.As(err, &e) || e.Code != booking.CodeConflict {
		return nil, false
	}
	var out []string
	for _, v := range e.Details.([]booking.Violation) {
		out = append(out, v.Rule)
	}
	return out, true
}
