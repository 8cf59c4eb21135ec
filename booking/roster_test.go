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
