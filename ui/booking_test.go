package ui_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/sprakpool/sprakpool/migrations/testdb"
)

var march = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestCreateAndReadBookingOverHTTP(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, wpB := e.pool(1)
	mgr := e.user("chef@example.se", "manager", []int64{wpA}, nil)
	other := e.user("chef.b@example.se", "manager", []int64{wpB}, nil)
	var b map[string]any
	// The end is sent in UTC and must come back in the pool's zone.
	e.must(201, "POST", "/api/v1/bookings", mgr, bookingBody(sups[0], wpA, "2026-03-30T09:00:00+02:00", "2026-03-30T09:00:00Z"), &b)
	if b["start"] != "2026-03-30T09:00:00+02:00" || b["end"] != "2026-03-30T11:00:00+02:00" {
		t.Fatalf("times not in the pool's zone: %v %v", b["start"], b["end"])
	}
	if b["status"] != "confirmed" || b["area"] != "childcare" || b["mode"] != "on_site" || b["sequence"] != 0.0 {
		t.Fatalf("unexpected booking: %v", b)
	}
	path := fmt.Sprintf("/api/v1/bookings/%v", b["id"])
	e.must(200, "GET", path, mgr, nil, nil)
	// Another workplace's manager does not see it: 404, not 403.
	status, raw := e.do("GET", path, other, nil)
	if status != 404 || decodeErr(t, raw).Error.Code != "not_found" {
		t.Fatalf("other manager: %d %s", status, raw)
	}
	var list []map[string]any
	e.must(200, "GET", "/api/v1/bookings?from=2026-03-01&to=2026-03-31", other, nil, &list)
	if len(list) != 0 {
		t.Fatalf("other manager lists %d bookings", len(list))
	}
	e.must(200, "GET", "/api/v1/bookings?from=2026-03-30&to=2026-03-30", mgr, nil, &list)
	if len(list) != 1 {
		t.Fatalf("manager lists %d bookings, want 1", len(list))
	}
}

func TestConcurrentSameSlotOneWins(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, _ := e.pool(1)
	const n = 64
	statuses := make([]int, n)
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i], bodies[i] = e.do("POST", "/api/v1/bookings", e.admin,
				bookingBody(sups[0], wpA, e.at("2026-03-30 10:00"), e.at("2026-03-30 11:00")))
		}()
	}
	close(start)
	wg.Wait()
	created, overlaps := 0, 0
	for i, st := range statuses {
		switch st {
		case 201:
			created++
		case 409:
			eb := decodeErr(t, bodies[i])
			var d struct{ Rule string }
			if len(eb.Error.Details) > 0 && json.Unmarshal(eb.Error.Details[0], &d) == nil && d.Rule == "overlap" {
				overlaps++
			}
		default:
			t.Errorf("request %d: status %d: %s", i, st, bodies[i])
		}
	}
	if created != 1 || overlaps != n-1 {
		t.Fatalf("created %d, overlap conflicts %d; want 1 and %d", created, overlaps, n-1)
	}
}

func TestConcurrentRandomBookingsNeverOverlap(t *testing.T) {
	e := newEnv(t, march)
	sups, wpA, wpB := e.pool(20)
	const total, workers = 2000, 32
	jobs := make(chan int)
	var mu sync.Mutex
	counts := map[int]int{}
	var failures []string
	var wg sync.WaitGroup
	began := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for range jobs {
				sup := sups[rng.IntN(len(sups))]
				wp := []int64{wpA, wpB}[rng.IntN(2)]
				day := time.Date(2026, 3, 30+rng.IntN(5), 0, 0, 0, 0, e.loc) // Mon 30 Mar – Fri 3 Apr
				start := day.Add(8*time.Hour + time.Duration(rng.IntN(28))*15*time.Minute)
				end := start.Add(time.Duration(1+rng.IntN(8)) * 15 * time.Minute)
				status, raw := e.do("POST", "/api/v1/bookings", e.admin, bookingBody(sup, wp, start.Format(time.RFC3339), end.Format(time.RFC3339)))
				mu.Lock()
				counts[status]++
				if status >= 500 || strings.Contains(string(raw), "locked") || (status != 201 && status != 409) {
					failures = append(failures, fmt.Sprintf("%d %s", status, raw))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range total {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	t.Logf("%d concurrent bookings over %d supervisors in %s: %v", total, len(sups), time.Since(began).Round(time.Millisecond), counts)
	if len(failures) > 0 {
		t.Fatalf("%d requests failed, first: %s", len(failures), failures[0])
	}
	if counts[201] == 0 || counts[409] == 0 {
		t.Fatalf("expected both successes and conflicts: %v", counts)
	}
	db := testdb.Open(t, e.dbPath)
	var confirmed int
	overlaps := testdb.OverlappingPairs(t, db, testdb.IsPostgres(e.dbPath))
	if err := db.QueryRow(`SELECT COUNT(*) FROM bookings WHERE status = 'confirmed'`).Scan(&confirmed); err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Fatalf("%d overlapping pairs of confirmed bookings", overlaps)
	}
	if confirmed != counts[201] {
		t.Fatalf("%d confirmed bookings stored, %d answered 201", confirmed, counts[201])
	}
}
