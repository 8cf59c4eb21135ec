// Package generated opens the large generated pools that the benchmarks of
// the packages under booking/ share, generating each on first use into a file
// under the temporary directory. Only tests import it.
package generated

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
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
	path := cachedPath(spec)
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
	return open(b, path, now)
}

func open(b *testing.B, path string, now time.Time) *booking.Service {
	b.Helper()
	s, err := booking.Open(context.Background(), path, booking.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return now }
	return s
}

// PoolCopy is Pool for a benchmark that writes: a copy of the cached pool in
// the benchmark's temporary directory, so the cache stays as generated for
// the benchmarks that read it.
func PoolCopy(b *testing.B, spec demo.GenerateSpec, now time.Time) *booking.Service {
	b.Helper()
	cached := Pool(b, spec, now)
	cached.Close()
	path := filepath.Join(b.TempDir(), "pool.db")
	if err := copyFile(path, cachedPath(spec)); err != nil {
		b.Fatal(err)
	}
	return open(b, path, now)
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// cachedPath is where the pool of spec is kept: named by the spec and the
// schema, so a new migration generates it anew.
func cachedPath(spec demo.GenerateSpec) string {
	h := sha256.New()
	fmt.Fprintf(h, "%+v\n", spec)
	fs.WalkDir(migrations.SQLite(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			raw, _ := fs.ReadFile(migrations.SQLite(), path)
			h.Write(raw)
		}
		return nil
	})
	return filepath.Join(os.TempDir(), fmt.Sprintf("sprakpool-generated-%x.db", h.Sum(nil)[:8]))
}
