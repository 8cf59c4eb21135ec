package booking

import (
	"testing"
	"time"
)

// The roster kept in memory follows every change to who is active, their
// languages, areas and windows, also one made by plain SQL behind the
// service's back (another instance, a script): the database's triggers raise
// its version.
func TestRosterFollowsEveryChange(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	amina := f.supervisor("Amina", []string{"ar"})
	hodan := f.supervisor("Hodan", []string{"so"})
	free := func(lang string) []int64 {
		t.Helper()
		list, err := f.s.FreeSupervisors(f.ctx, f.admin, FreeQuery{Language: lang, Start: f.at("2026-03-30 10:00"), End: f.at("2026-03-30 11:00")})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, sv := range list {
			ids = append(ids, sv.Supervisor.ID)
		}
		return ids
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if err := f.s.store.Gorm().Exec(q, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	if got := free("ar"); len(got) != 1 || got[0] != amina.ID {
		t.Fatalf("free for ar: %v, want Amina", got)
	}
	exec("INSERT INTO supervisor_languages (supervisor_id, language, note) VALUES (?, 'ar', '')", hodan.ID)
	if got := free("ar"); len(got) != 2 {
		t.Fatalf("after Hodan learnt Arabic: %v", got)
	}
	exec("UPDATE supervisors SET active = ? WHERE id = ?", false, amina.ID)
	if got := free("ar"); len(got) != 1 || got[0] != hodan.ID {
		t.Fatalf("after Amina left: %v, want Hodan", got)
	}
	exec("DELETE FROM availability WHERE supervisor_id = ? AND weekday = 1", hodan.ID)
	if got := free("ar"); len(got) != 0 {
		t.Fatalf("Hodan no longer works Mondays: %v", got)
	}
	sv, err := f.s.Supervisor(f.ctx, f.admin, hodan.ID)
	if err != nil || len(sv.Languages) != 2 {
		t.Fatalf("Hodan's languages: %v %v", sv, err)
	}
	exec("DELETE FROM supervisor_areas WHERE supervisor_id = ? AND area = 'kitchen'", hodan.ID)
	if sv, err = f.s.Supervisor(f.ctx, f.admin, hodan.ID); err != nil || len(sv.Areas) != len(Areas)-1 {
		t.Fatalf("Hodan's areas: %v %v", sv.Areas, err)
	}
}

// A pool that only books (one supervisor at a time) reads the rows of that
// supervisor while the roster is stale, and the whole roster again after
// stalePasses such reads, so the roster does not stay stale for good.
func TestRosterIsReadAgainAfterSmallReads(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	amina := f.supervisor("Amina", []string{"ar"})
	if err := f.s.store.Gorm().Exec("DELETE FROM availability WHERE supervisor_id = ? AND weekday = 1", amina.ID).Error; err != nil {
		t.Fatal(err)
	}
	kept := func() int64 {
		f.s.rosters.mu.Lock()
		defer f.s.rosters.mu.Unlock()
		if f.s.rosters.r == nil {
			return -1
		}
		return f.s.rosters.r.version
	}
	var current int64
	if err := f.s.store.Gorm().Raw("SELECT version FROM roster_version WHERE id = 1").Row().Scan(&current); err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= stalePasses; i++ {
		scheds, err := f.s.loadSchedules(f.s.store.Gorm(), []int64{amina.ID}, time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range scheds[amina.ID].Windows {
			if w.Weekday == 1 {
				t.Fatalf("read %d: Amina's Monday window is still there: %+v", i, scheds[amina.ID].Windows)
			}
		}
		if len(scheds[amina.ID].Windows) == 0 {
			t.Fatalf("read %d: Amina has no windows left", i)
		}
		if i == 0 && kept() == current {
			t.Fatal("the first small read after a change read the whole roster")
		}
	}
	if kept() != current {
		t.Fatalf("after %d small reads the kept roster is version %d, want %d", stalePasses+1, kept(), current)
	}
}
