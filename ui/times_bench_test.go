package ui_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/demo"
	"github.com/sprakpool/sprakpool/migrations"
	"github.com/sprakpool/sprakpool/ui"
)

// millionPool is the path of the generated pool of 1,000 supervisors and
// 1,000,000 bookings that booking/search's BenchmarkSlots1M generates and
// keeps under the temporary directory (the same name: spec and schema).
func millionPool(b *testing.B) string {
	spec := demo.GenerateSpec{Supervisors: 1000, Workplaces: 300, Bookings: 1_000_000, Years: 5, Seed: 1, First: "2022-01-03"}
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
		b.Skipf("no generated pool at %s: run go test ./booking/search -run '^$' -bench Slots1M -benchtime 1x first", path)
	}
	return path
}

// BenchmarkTimesPage1M measures the free-times page (/book/times, two weeks
// of one hour of Arabic for a workplace) on the pool of 1,000 supervisors and
// 1,000,000 bookings, over real HTTP with a manager's session: the page of
// issue 14, under 100 ms. It reports the 99th percentile as p99-ns.
func BenchmarkTimesPage1M(b *testing.B) {
	src := millionPool(b)
	dst := filepath.Join(b.TempDir(), "pool.db")
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	in.Close()
	out.Close()
	ctx := context.Background()
	svc, err := booking.Open(ctx, dst, booking.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close() })
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	admin := &booking.User{Role: booking.RoleAdmin}
	wps, err := svc.ListWorkplaces(ctx, admin)
	if err != nil {
		b.Fatal(err)
	}
	i := slices.IndexFunc(wps, func(w booking.Workplace) bool { return w.Active && w.Kind == "childcare" })
	if i < 0 {
		b.Fatal("no active preschool in the pool")
	}
	wp := wps[i].ID
	if _, err := svc.CreateUser(ctx, booking.UserInput{Email: "chef.bench@example.se", Name: "Chef", Role: booking.RoleManager,
		WorkplaceIDs: []int64{wp}, Password: "secret-password"}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(ui.New(svc, ui.Config{BaseURL: "http://sprakpool.test", Logger: slog.New(slog.DiscardHandler)}))
	b.Cleanup(srv.Close)
	e := &env{t: b, srv: srv, svc: svc}
	br := e.browser()
	br.login("chef.bench@example.se")
	path := fmt.Sprintf("/book/times?workplace_id=%d&language=ar&duration=60&purpose=workplace_support&mode=on_site&from=2026-06-08", wp)
	status, body := br.get(path)
	if status != 200 || !strings.Contains(body, `class="slot"`) {
		b.Fatalf("times page: %d, no free time shown", status)
	}
	var took []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if status, _ := br.get(path); status != 200 {
			b.Fatalf("status %d", status)
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100]), "p99-ns")
	b.ReportMetric(float64(len(body))/1024, "KiB/page")
}
