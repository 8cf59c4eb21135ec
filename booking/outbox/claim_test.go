package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/outbox"
	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// openProcesses opens n services on one new database, as n processes of a
// cluster would, with their clocks at now.
func openProcesses(t *testing.T, n int, now time.Time) []*outbox.Service {
	t.Helper()
	ctx := context.Background()
	dsn := testdb.DSN(t, "cluster.db")
	var out []*outbox.Service
	for i := range n {
		s, err := booking.Open(ctx, dsn, booking.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if i == 0 {
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		s.Now = func() time.Time { return now }
		out = append(out, outbox.New(s))
	}
	return out
}

// Processes claiming the outbox at the same moment each get other messages:
// every message is claimed exactly once, none twice, none left over.
func TestClaimMailConcurrently(t *testing.T) {
	now := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
	procs := openProcesses(t, 3, now)
	const total = 240
	for i := range total {
		if err := procs[0].Queue(t.Context(), outbox.Input{Key: fmt.Sprintf("k%d", i), Kind: outbox.KindInvite,
			Recipient: fmt.Sprintf("p%d@example.se", i), Payload: map[string]any{"link": "x"}}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	claims := map[int64]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 3 * len(procs) {
		s := procs[i%len(procs)]
		wg.Go(func() {
			<-start
			for {
				got, err := s.Claim(t.Context(), now, time.Hour, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					claims[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	for id, n := range claims {
		if n != 1 {
			t.Errorf("mail %d claimed %d times", id, n)
		}
	}
	if len(claims) != total {
		t.Errorf("%d of %d messages claimed", len(claims), total)
	}
}

// A scheduled job's minute goes to one process of the cluster: of many asking
// at once, one wins; a later minute can be won again, an earlier one never.
func TestClaimJobTickOncePerMinute(t *testing.T) {
	tick := time.Date(2026, 9, 1, 6, 0, 0, 0, time.UTC)
	procs := openProcesses(t, 2, tick)
	claim := func(s *outbox.Service, job string, at time.Time) bool {
		t.Helper()
		won, err := s.ClaimJobTick(t.Context(), job, at)
		if err != nil {
			t.Fatal(err)
		}
		return won
	}
	var wins sync.Map
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			// Clocks a few seconds apart within one minute.
			if won, err := procs[i%2].ClaimJobTick(t.Context(), "reminders", tick.Add(time.Duration(i)*time.Second)); err != nil {
				t.Error(err)
			} else if won {
				wins.Store(i, true)
			}
		})
	}
	wg.Wait()
	n := 0
	wins.Range(func(any, any) bool { n++; return true })
	if n != 1 {
		t.Fatalf("%d processes won the minute, want 1", n)
	}
	if claim(procs[1], "reminders", tick.Add(59*time.Second)) {
		t.Error("the same minute was won twice")
	}
	if !claim(procs[0], "dayplan", tick) {
		t.Error("another job's minute was taken by reminders")
	}
	if !claim(procs[1], "reminders", tick.Add(time.Minute)) {
		t.Error("the next minute was not won")
	}
	if claim(procs[0], "reminders", tick) {
		t.Error("an earlier minute was won after a later one")
	}
}
