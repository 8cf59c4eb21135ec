package booking

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/migrations"
)

// TestGenerateSmall generates a small pool and checks it against the rules; the
// reports are checked against it, booking by booking, in booking/report.
func TestGenerateSmall(t *testing.T) {
	now := mustLocal(t, "2026-07-01 12:00")
	s := newTestService(t, now)
	ctx := context.Background()
	spec := GenerateSpec{Supervisors: 6, Workplaces: 4, Bookings: 1500, Years: 1, Seed: 7, First: "2026-01-05"}
	if err := s.Generate(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := s.Generate(ctx, spec); err != ErrGenerateNotEmpty {
		t.Fatalf("second run: %v, want ErrGenerateNotEmpty", err)
	}
	db := s.store.Read(ctx)
	var n, overlaps, triggers, outside int64
	db.Raw("SELECT COUNT(*) FROM bookings").Scan(&n)
	db.Raw(`SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.supervisor_id = b.supervisor_id AND a.id < b.id
		AND a.status = 'confirmed' AND b.status = 'confirmed' AND a.start_at < b.end_at AND b.start_at < a.end_at`).Scan(&overlaps)
	if s.store.SQLite {
		db.Raw("SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'bookings' AND type = 'trigger'").Scan(&triggers)
	} else { // the exclusion constraint and its index count for the two triggers
		db.Raw("SELECT 2 * COUNT(*) FROM pg_constraint WHERE conname = 'bookings_no_overlap' AND contype = 'x'").Scan(&triggers)
	}
	if n != 1500 || overlaps != 0 || triggers != 2 {
		t.Fatalf("bookings %d (want 1500), overlaps %d, triggers %d (want 2)", n, overlaps, triggers)
	}
	admin := &User{Role: RoleAdmin}
	all, err := s.ListBookings(ctx, admin, BookingFilter{From: "2026-01-01", To: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	r := s.rules()
	for _, b := range all {
		if _, closed := ClosedDayOn(s.local(b.Start)); closed || !r.insideWindow(s.local(b.Start), s.local(b.End), []Window{{ISOWeekday(s.local(b.Start)), 480, 960}}) {
			outside++
		}
	}
	if outside > 0 {
		t.Fatalf("%d bookings outside the weekly windows or on closed days", outside)
	}

}

// benchSpec is the pool of acceptance 4: a million bookings over five years.
var benchSpec = GenerateSpec{Supervisors: 1000, Workplaces: 300, Bookings: 1_000_000, Years: 5, Seed: 1, First: "2022-01-03"}

// cachedPool opens a generated pool, generating it on first use into a file
// under the temporary directory named by the spec and the schema, so repeated
// benchmark runs skip the minutes of generating.
func cachedPool(b *testing.B, spec GenerateSpec, now time.Time) *Service {
	b.Helper()
	ctx := context.Background()
	h := sha256.New()
	fmt.Fprintf(h, "%+v\n", spec)
	fs.WalkDir(migrations.SQLite(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			raw, _ := fs.ReadFile(migrations.SQLite(), path)
			h.Write(raw)
		}
		return nil
	})
	path := filepath.Join(os.TempDir(), fmt.Sprintf("sprakpool-generated-%x.db", h.Sum(nil)[:8]))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".tmp"
		os.Remove(tmp)
		s, err := Open(ctx, tmp, DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		s.Now = func() time.Time { return now }
		started := time.Now()
		if err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		if err := s.Generate(ctx, spec); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %s in %v", path, time.Since(started).Round(time.Second))
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	s, err := Open(ctx, path, DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return now }
	return s
}
