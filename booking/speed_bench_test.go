package booking_test

// The benchmarks on a generated pool of a million bookings: an external test
// package, since they need booking/demo, which imports booking.

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/migrations"
)

// benchSpec is the pool of acceptance 4: a million bookings over five years.
var benchSpec = demo.GenerateSpec{Supervisors: 1000, Workplaces: 300, Bookings: 1_000_000, Years: 5, Seed: 1, First: "2022-01-03"}

// cachedPool opens a generated pool, generating it on first use into a file
// under the temporary directory named by the spec and the schema, so repeated
// benchmark runs skip the minutes of generating.
func cachedPool(b *testing.B, spec demo.GenerateSpec, now time.Time) *booking.Service {
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
		s, err := booking.Open(ctx, tmp, booking.DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		s.Now = func() time.Time { return now }
		started := time.Now()
		if err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		if err := demo.Generate(ctx, s, spec); err != nil {
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
	s, err := booking.Open(ctx, path, booking.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return now }
	return s
}

// BenchmarkReportMonth1M runs each report for one month (March 2024, with its
// DST change) over a generated pool of 1,000 supervisors, 300 workplaces and
// 1,000,000 bookings in five years. Acceptance: under one second per report.
func BenchmarkReportMonth1M(b *testing.B) {
	now := mustLocal(b, "2027-01-03 12:00")
	s := cachedPool(b, benchSpec, now)
	ctx, admin := context.Background(), &booking.User{Role: booking.RoleAdmin}
	from, to := "2024-03-01", "2024-03-31"
	for _, by := range []string{"supervisor", "week", "workplace", "language"} {
		b.Run("utilization/"+by, func(b *testing.B) {
			for b.Loop() {
				rep, err := s.UtilizationReport(ctx, admin, from, to, by)
				if err != nil || rep.Total.Bookings == 0 {
					b.Fatal(rep, err)
				}
			}
		})
	}
	b.Run("cancellations", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.CancellationReport(ctx, admin, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("followups", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.FollowupReport(ctx, admin, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("billing", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.BillingReport(ctx, admin, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("utilization-year/month", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.UtilizationReport(ctx, admin, "2024-01-01", "2024-12-31", "month"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFreeSupervisors1M searches the generated pool of 1,000 supervisors and
// 1,000,000 bookings for who is free for two hours of one language: the
// availability search of the targets (p99 under 10 ms).
func BenchmarkFreeSupervisors1M(b *testing.B) {
	now := mustLocal(b, "2026-05-01 12:00")
	s := cachedPool(b, benchSpec, now)
	ctx, admin := context.Background(), &booking.User{Role: booking.RoleAdmin}
	start := mustLocal(b, "2026-06-10 10:00")
	q := booking.FreeQuery{Language: "ar", Start: start.Format(time.RFC3339), End: start.Add(2 * time.Hour).Format(time.RFC3339)}
	free, err := s.FreeSupervisors(ctx, admin, q)
	if err != nil || len(free) == 0 {
		b.Fatalf("%d free, %v", len(free), err)
	}
	b.ReportMetric(float64(len(free)), "free")
	for b.Loop() {
		if _, err := s.FreeSupervisors(ctx, admin, q); err != nil {
			b.Fatal(err)
		}
	}
}

func mustLocal(t testing.TB, local string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
