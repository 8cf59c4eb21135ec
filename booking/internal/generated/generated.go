// Package generated opens the large generated pools that the benchmarks of
// the packages under booking/ share, generating each on first use into a file
// under the temporary directory. Only tests import it.
package generated

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

// Million is the pool of acceptance 4: a million bookings over five years.
var Million = demo.GenerateSpec{Supervisors: 1000, Workplaces: 300, Bookings: 1_000_000, Years: 5, Seed: 1, First: "2022-01-03"}

// Pool opens a generated pool, generating it on first use into a file
// under the temporary directory named by the spec and the schema, so repeated
// benchmark runs skip the minutes of generating.
func Pool(b *testing.B, spec demo.GenerateSpec, now time.Time) *booking.Service {
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
