package booking

import (
	"testing"
	"time"
)

// What checking a booking reads of its workplace and supervisor is kept in
// memory on PostgreSQL, and every change to them ends what is kept: made by
// plain SQL (as another instance would), when its notice arrives; made by this
// process, before the change returns. On SQLite nothing is kept and every
// change shows at once. (PostgreSQL with SPRAKPOOL_TEST_POSTGRES.)
func TestBriefsFollowEveryChange(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	amina := f.supervisor("Amina", []string{"ar"})
	sqlite := f.s.store.SQLite
	memo := f.s.briefs()
	if !sqlite {
		deadline := time.Now().Add(10 * time.Second)
		for _, live := f.s.store.Watch(poolChannel).Generation(); !live; _, live = f.s.store.Watch(poolChannel).Generation() {
			if time.Now().After(deadline) {
				t.Fatal("the pool's watch is not listening after ten seconds")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	read := func() (w, sv *brief) {
		t.Helper()
		w, sv, err := f.s.cachedBriefs(f.ctx, f.wpA.ID, amina.ID, "ar", "")
		if err != nil || w == nil || sv == nil {
			t.Fatalf("briefs: %v %v %v", w, sv, err)
		}
		return w, sv
	}
	// cached reads twice and reports whether the second came from the memo.
	cached := func() bool {
		read()
		hits := memo.Hits()
		read()
		return memo.Hits() > hits
	}
	until := func(what string, ok func(w, sv *brief) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			w, sv := read()
			if ok(w, sv) {
				return
			}
			if sqlite || time.Now().After(deadline) {
				t.Fatalf("%s: still %+v %+v", what, w, sv)
			}
		}
	}
	steps := []struct {
		what string
		sql  string
		args []any
		ok   func(w, sv *brief) bool
	}{
		{"the workplace renamed", "UPDATE workplaces SET name = ? WHERE id = ?", []any{"Förskolan Vallmon", f.wpA.ID},
			func(w, sv *brief) bool { return w.Name == "Förskolan Vallmon" }},
		{"the workplace closed", "UPDATE workplaces SET active = ? WHERE id = ?", []any{false, f.wpA.ID},
			func(w, sv *brief) bool { return !w.Active }},
		{"the supervisor gone", "UPDATE supervisors SET active = ? WHERE id = ?", []any{false, amina.ID},
			func(w, sv *brief) bool { return !sv.Active }},
		{"Arabic no longer spoken", "DELETE FROM supervisor_languages WHERE supervisor_id = ? AND language = 'ar'", []any{amina.ID},
			func(w, sv *brief) bool { return !sv.Speaks }},
		{"childcare no longer covered", "DELETE FROM supervisor_areas WHERE supervisor_id = ? AND area = 'childcare'", []any{amina.ID},
			func(w, sv *brief) bool { return !sv.Covers }},
	}
	for _, s := range steps {
		if got := cached(); got == sqlite {
			t.Fatalf("before %s: served from the memo: %v, on SQLite: %v", s.what, got, sqlite)
		}
		if err := f.s.store.Gorm().Exec(s.sql, s.args...).Error; err != nil {
			t.Fatal(err)
		}
		until(s.what, s.ok)
	}
	// A change this process makes shows at once, on both databases.
	if got := cached(); got == sqlite {
		t.Fatalf("served from the memo: %v, on SQLite: %v", got, sqlite)
	}
	open := true
	if _, err := f.s.UpdateWorkplace(f.ctx, f.admin, f.wpA.ID, WorkplaceInput{Active: &open}); err != nil {
		t.Fatal(err)
	}
	if w, _ := read(); !w.Active {
		t.Fatal("right after the workplace opened again, its brief says closed")
	}
}
