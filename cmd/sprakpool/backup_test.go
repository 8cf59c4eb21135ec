package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// TestBackupDuringBookings backs the database up with the CLI while bookings are
// being made: the copy passes SQLite's integrity check and holds every booking
// that was confirmed before the backup started.
func TestBackupDuringBookings(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	path := filepath.Join(dir, "pool.db")
	svc, err := booking.Open(ctx, path, booking.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if err := svc.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.CreateUser(ctx, booking.UserInput{Email: "admin@example.se", Name: "Admin", Role: booking.RoleAdmin, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	name, kind := "Förskolan Solrosen", "childcare"
	wp, err := svc.CreateWorkplace(ctx, admin, booking.WorkplaceInput{Name: &name, Kind: &kind})
	if err != nil {
		t.Fatal(err)
	}
	loc := svc.Config().Location
	var days []time.Time
	for d := time.Now().In(loc).AddDate(0, 0, 14); len(days) < 40; d = d.AddDate(0, 0, 1) {
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		if _, closed := vocab.ClosedDayOn(day); !closed && booking.ISOWeekday(day) <= 5 {
			days = append(days, day)
		}
	}

	// Four writers, one supervisor each, book hour after hour until stopped.
	var mu sync.Mutex
	var done []int64 // confirmed: CreateBooking has returned
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		svName, langs, areas := fmt.Sprintf("Handledare %d", w), []string{"ar"}, []string{"childcare"}
		sv, err := svc.CreateSupervisor(ctx, admin, booking.SupervisorInput{Name: &svName, Languages: &langs, Areas: &areas})
		if err != nil {
			t.Fatal(err)
		}
		var week []booking.Window
		for wd := 1; wd <= 5; wd++ {
			week = append(week, booking.Window{Weekday: wd, Start: 8 * 60, End: 16 * 60})
		}
		if _, err := svc.SetAvailability(ctx, admin, sv.ID, week); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < len(days)*8 && ctx.Err() == nil; k++ {
				start := days[k/8].Add(time.Duration(8+k%8) * time.Hour)
				b, err := svc.CreateBooking(ctx, admin, booking.BookingInput{SupervisorID: &sv.ID, WorkplaceID: wp.ID,
					Language: "ar", Purpose: "workplace_support", Start: start.Format(time.RFC3339),
					End: start.Add(time.Hour).Format(time.RFC3339)})
				if err != nil {
					if ctx.Err() == nil {
						errs <- err
					}
					return
				}
				mu.Lock()
				done = append(done, b.ID)
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		n := len(done)
		mu.Unlock()
		if n >= 40 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	before := append([]int64(nil), done...)
	mu.Unlock()
	file := filepath.Join(dir, "copy.db")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"backup", file, "--db", path}, nil, &out, &errb); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errb.String())
	}
	mu.Lock()
	after := len(done)
	mu.Unlock()
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("booking during the backup: %v", err)
	}
	if after == len(before) {
		t.Logf("no booking completed during the backup")
	}

	db, err := sql.Open("sqlite3", file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	var missing []int64
	for _, id := range before {
		var status string
		if err := db.QueryRow("SELECT status FROM bookings WHERE id = ?", id).Scan(&status); err != nil || status != "confirmed" {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d bookings confirmed before the backup are not in it: %v", len(missing), len(before), missing)
	}
	var total int
	db.QueryRow("SELECT COUNT(*) FROM bookings").Scan(&total)
	t.Logf("%d bookings confirmed before the backup, %d in the copy, %d made by its end", len(before), total, after)

	// A second backup to the same file is refused; nothing is overwritten.
	errb.Reset()
	if code := run(context.Background(), []string{"backup", file, "--db", path}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "exists") {
		t.Fatalf("backup over an existing file: exit %d: %s", code, errb.String())
	}
}

// On PostgreSQL the command says to use pg_dump, as bad usage, before connecting.
func TestBackupPostgresSaysPgDump(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"backup", filepath.Join(t.TempDir(), "x.sql"),
		"--db", "postgres://nobody@127.0.0.1:1/none?sslmode=disable"}, nil, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "pg_dump") || strings.Count(errb.String(), "\n") != 1 {
		t.Fatalf("exit %d: %q", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"backup"}, nil, &out, &errb); code != 2 {
		t.Fatalf("backup without a file: exit %d: %s", code, errb.String())
	}
}
