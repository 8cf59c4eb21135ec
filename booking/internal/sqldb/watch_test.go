package sqldb

import (
	"context"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// waitFor polls cond until it holds, failing the test after ten seconds: the
// notices travel through the server, asynchronously.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within ten seconds", what)
		}
	}
}

// A watch moves with each notice on its channel (and no other), and after its
// connection is cut it is not live until it listens again, at a new
// generation. On SQLite it is never live. (PostgreSQL with
// SPRAKPOOL_TEST_POSTGRES.)
func TestWatchFollowsNotices(t *testing.T) {
	ctx := context.Background()
	idle := watchIdle
	watchIdle = 20 * time.Millisecond // so the watch asks whether its connection stands, below
	defer func() { watchIdle = idle }()
	db, err := Open(ctx, testdb.DSN(t, "watch.db"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := db.Watch("sprakpool_test")
	if db.Watch("sprakpool_test") != w {
		t.Fatal("a second Watch of the channel made a second watch")
	}
	exec := func(q string) {
		t.Helper()
		if err := db.Gorm().Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if db.SQLite {
		if gen, live := w.Generation(); live || w.Holds(gen) {
			t.Fatal("a watch on SQLite is live")
		}
		return
	}
	live := func() bool { _, live := w.Generation(); return live }
	waitFor(t, "the watch listening", live)
	gen, _ := w.Generation()
	// A quiet channel: the watch waits, asks whether its connection stands,
	// and keeps it (a new connection would move the generation).
	time.Sleep(10 * watchIdle)
	if !w.Holds(gen) {
		t.Fatal("a quiet watch moved or stopped")
	}
	exec("SELECT pg_notify('sprakpool_other', '')")
	exec("SELECT pg_notify('sprakpool_test', 'one')")
	waitFor(t, "the notice", func() bool { return !w.Holds(gen) })
	if now, _ := w.Generation(); now != gen+1 {
		t.Fatalf("generation %d after one notice of the channel and one of another, want %d", now, gen+1)
	}
	gen, _ = w.Generation()
	exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'sprakpool watch sprakpool_test'`)
	waitFor(t, "the watch noticing its connection cut", func() bool { return !live() })
	if w.Holds(gen) {
		t.Fatal("a watch that lost its connection holds")
	}
	waitFor(t, "the watch listening again", live)
	again, _ := w.Generation()
	if again <= gen+1 {
		t.Fatalf("generation %d after listening again, want more than %d", again, gen+1)
	}
	exec("SELECT pg_notify('sprakpool_test', 'two')")
	waitFor(t, "a notice after listening again", func() bool { return !w.Holds(again) })
	db.Close()
	if live() {
		t.Fatal("the watch is live after Close")
	}
}
