package booking

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// openProcesses opens n services on one new database, as n processes of a
// cluster would, with their clocks at now.
func openProcesses(t *testing.T, n int, now time.Time) []*Service {
	t.Helper()
	ctx := context.Background()
	dsn := testdb.DSN(t, "cluster.db")
	var out []*Service
	for i := range n {
		s, err := Open(ctx, dsn, DefaultConfig())
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
		out = append(out, s)
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
		if err := procs[0].QueueMail(t.Context(), MailInput{Key: fmt.Sprintf("k%d", i), Kind: MailInvite,
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
				got, err := s.ClaimMail(t.Context(), now, time.Hour, 7)
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
	claim := func(s *Service, job string, at time.Time) bool {
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

// Bookings of different supervisors are written in parallel on PostgreSQL (each
// takes its supervisor's lock), so the rules must still hold where two writes
// meet: many processes moving one booking to different supervisors at once
// lose no update (each move that succeeded raised the sequence once; the others
// heard that it changed meanwhile), and many
// booking the same supervisor's overlapping slots leave exactly one booking.
func TestConcurrentWritesOfOneSupervisor(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	procs := openProcesses(t, 2, now)
	f := &fixture{t: t, s: procs[0], ctx: context.Background(), admin: &User{Role: RoleAdmin}}
	f.wpA = f.workplace("Förskolan Solrosen", "childcare")
	u, err := f.s.CreateUser(f.ctx, UserInput{Email: "admin@example.se", Name: "Admin", Role: RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = u
	var svs []*Supervisor
	for i := range 6 {
		svs = append(svs, f.supervisor(fmt.Sprintf("Handledare %d", i), []string{"ar"}))
	}
	b, err := f.book(svs[0], f.wpA, "2026-03-10 09:00", "2026-03-10 10:00")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	moved := 0
	for i := 1; i < len(svs); i++ {
		wg.Go(func() {
			id := svs[i].ID
			_, err := procs[i%2].UpdateBooking(f.ctx, f.admin, b.ID, BookingPatch{SupervisorID: &id})
			switch {
			case err == nil:
				mu.Lock()
				moved++
				mu.Unlock()
			case ErrorCode(err) != CodeConflict:
				t.Errorf("move to supervisor %d: %v", id, err)
			}
		})
	}
	wg.Wait()
	events, err := f.s.Events(f.ctx, f.admin, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	for _, e := range events {
		if e.Kind == EventChanged {
			changes++
		}
	}
	// A move that read the booking after another committed is a move of its own;
	// a lost update would be a success that raised no sequence.
	got, err := f.s.Booking(f.ctx, f.admin, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved == 0 || changes != moved || got.Sequence != moved {
		t.Errorf("%d moves succeeded, %d were logged, the sequence is %d: want them equal", moved, changes, got.Sequence)
	}

	created := 0
	for i := range 12 {
		wg.Go(func() {
			start := time.Date(2026, 3, 11, 8, 0, 0, 0, f.s.cfg.Location).Add(time.Duration(i%4) * 15 * time.Minute)
			_, err := procs[i%2].CreateBooking(f.ctx, f.admin, BookingInput{SupervisorID: &svs[5].ID, WorkplaceID: f.wpA.ID,
				Language: "ar", Purpose: "workplace_support", Start: start.Format(time.RFC3339), End: start.Add(time.Hour).Format(time.RFC3339)})
			switch {
			case err == nil:
				mu.Lock()
				created++
				mu.Unlock()
			case ErrorCode(err) != CodeConflict:
				t.Errorf("booking %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if created != 1 {
		t.Errorf("%d overlapping bookings of one supervisor were created, want 1", created)
	}
}
