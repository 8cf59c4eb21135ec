package booking

import (
	"testing"
	"time"
)

func TestSmokeCreateBooking(t *testing.T) {
	f := newFixture(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	sv := f.supervisor("Amina Yusuf", []string{"ar", "so"})
	b, err := f.book(sv, f.wpA, "2026-03-30 08:00", "2026-03-30 10:00")
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == 0 || b.UID == "" || b.Area != "childcare" {
		t.Fatalf("bad booking %+v", b)
	}
	_, err = f.book(sv, f.wpA, "2026-03-30 09:59", "2026-03-30 11:00")
	if got := rulesOf(err); len(got) != 1 || got[0] != RuleOverlap {
		t.Fatalf("want overlap, got %v (%v)", got, err)
	}
	e := err.(*Error)
	if len(e.Alternatives) == 0 {
		t.Fatalf("want alternatives")
	}
	t.Logf("alternatives: %+v", e.Alternatives)
}
