package sqldb

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "batch.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Gorm().Exec(`CREATE TABLE claims (id INTEGER PRIMARY KEY, slot TEXT NOT NULL, job INTEGER NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	return db
}

// hold makes the writer wait inside a write until n more writes are queued
// (queued is closed then) and release is closed, so that they are run as
// batches; it returns once that write has begun.
func hold(t *testing.T, db *DB, n int) (queued chan struct{}, release chan struct{}, done chan error) {
	t.Helper()
	begun := make(chan struct{})
	queued, release, done = make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.Write(context.Background(), func(tx *gorm.DB) error {
			close(begun)
			deadline := time.Now().Add(10 * time.Second)
			for len(db.writer.jobs) < n && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			close(queued)
			<-release
			return nil
		})
	}()
	<-begun
	return queued, release, done
}

var errTaken = errors.New("slot taken")

// Writes batched into one transaction keep their own verdicts: each that fails
// or panics is undone and hears of it, the others are kept, and each sees the
// ones before it, so a check-then-insert stays exact within a batch.
func TestBatchKeepsEachVerdict(t *testing.T) {
	db := openTest(t)
	const n = 90
	_, release, held := hold(t, db, n)
	close(release)
	type verdict struct {
		err      error
		panicked any
	}
	verdicts := make([]verdict, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { verdicts[i].panicked = recover() }()
			verdicts[i].err = db.Write(context.Background(), func(tx *gorm.DB) error {
				// Every job claims the slot of its tenth; the first of each claims it.
				slot := fmt.Sprintf("slot-%d", i/10)
				var taken int64
				if err := tx.Raw("SELECT COUNT(*) FROM claims WHERE slot = ?", slot).Scan(&taken).Error; err != nil {
					return err
				}
				if err := tx.Exec("INSERT INTO claims (slot, job) VALUES (?, ?)", fmt.Sprintf("own-%d", i), i).Error; err != nil {
					return err
				}
				switch {
				case i%10 == 3:
					panic(fmt.Sprintf("job %d panics", i))
				case i%10 == 7:
					return fmt.Errorf("job %d fails", i)
				case taken > 0:
					return errTaken
				}
				return tx.Exec("INSERT INTO claims (slot, job) VALUES (?, ?)", slot, i).Error
			})
		}()
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	kept := map[int]bool{}
	rows, err := db.Gorm().Raw("SELECT job FROM claims WHERE slot LIKE 'own-%'").Rows()
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var job int
		rows.Scan(&job)
		kept[job] = true
	}
	rows.Close()
	var claimed []int64
	db.Gorm().Raw("SELECT COUNT(*) FROM claims WHERE slot LIKE 'slot-%' GROUP BY slot").Scan(&claimed)
	wins := 0
	for i, v := range verdicts {
		switch {
		case i%10 == 3:
			if v.panicked != fmt.Sprintf("job %d panics", i) || kept[i] {
				t.Errorf("job %d: panic %v, kept %v; want its panic again, nothing kept", i, v.panicked, kept[i])
			}
		case i%10 == 7:
			if v.err == nil || v.err.Error() != fmt.Sprintf("job %d fails", i) || kept[i] {
				t.Errorf("job %d: %v, kept %v; want its own error, nothing kept", i, v.err, kept[i])
			}
		case v.err == nil:
			wins++
			if !kept[i] {
				t.Errorf("job %d succeeded but its row is gone", i)
			}
		case errors.Is(v.err, errTaken):
			if kept[i] {
				t.Errorf("job %d lost its claim but its row was kept", i)
			}
		default:
			t.Errorf("job %d: %v", i, v.err)
		}
	}
	if wins != n/10 || len(claimed) != n/10 {
		t.Errorf("%d claims won over %d slots, want one a slot: %v", wins, len(claimed), claimed)
	}
	for _, c := range claimed {
		if c != 1 {
			t.Errorf("a slot claimed %d times: %v", c, claimed)
		}
	}
}

// A write whose caller gave up while it waited is not run and says so; once
// the database is closed, writes are refused.
func TestBatchCancelledAndClosed(t *testing.T) {
	db := openTest(t)
	queued, release, held := hold(t, db, 1)
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() {
		result <- db.Write(ctx, func(tx *gorm.DB) error {
			return tx.Exec("INSERT INTO claims (slot, job) VALUES ('late', 1)").Error
		})
	}()
	<-queued
	cancel()
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-result; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while queued: %v", err)
	}
	var n int64
	db.Gorm().Raw("SELECT COUNT(*) FROM claims").Scan(&n)
	if n != 0 {
		t.Fatalf("the cancelled write ran: %d rows", n)
	}
	db.Close()
	if err := db.Write(context.Background(), func(tx *gorm.DB) error { return nil }); !errors.Is(err, errClosed) {
		t.Fatalf("a write after Close: %v", err)
	}
}
