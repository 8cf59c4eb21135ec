package sqldb

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// A Watch follows a PostgreSQL notification channel, for what a process keeps
// in memory of rows that other processes may change. Triggers raise the channel
// (pg_notify) in the transaction that changes the rows, so its notice arrives
// once the change has committed, on every instance. The watch's generation
// moves with every notice, and whenever listening stops or starts (notices may
// have been missed meanwhile): a value read from the database after reading the
// generation, while the watch was live, is current for as long as the watch is
// live at that same generation.
//
// The notice of a change this process commits comes back a moment after the
// commit; so that a request that follows the change never finds the value from
// before it, the watch also moves at once with every change this process makes
// through gorm to the tables it is given.
//
// On SQLite a watch is never live: other processes (the CLI) change the file
// without a word, so nothing may be kept on its strength.
type Watch struct {
	gen  atomic.Uint64
	live atomic.Bool
}

// Generation returns the watch's generation and whether it is live.
func (w *Watch) Generation() (gen uint64, live bool) {
	gen = w.gen.Load()
	return gen, w.live.Load()
}

// Holds reports whether a value read at generation gen, while live, still holds.
func (w *Watch) Holds(gen uint64) bool {
	now, live := w.Generation()
	return live && now == gen
}

// watchIdle is how long a watch waits for a notice before it asks the server
// whether the connection still stands (a silently broken connection would
// otherwise keep the watch live while notices are lost). A variable for tests.
var watchIdle = 20 * time.Second

// watchRetry is how long a watch waits before connecting again.
const watchRetry = time.Second

// watches are a DB's watches by channel, and what ends them.
type watches struct {
	mu      sync.Mutex
	byName  map[string]*Watch
	stop    context.CancelFunc
	ctx     context.Context
	stopped sync.WaitGroup
	closed  bool
}

// Watch returns the watch of channel, listening on a connection of its own
// from the first call on (PostgreSQL), that also moves with this process's
// changes to tables (those of the first call); channel is a fixed name, not
// input.
func (db *DB) Watch(channel string, tables ...string) *Watch {
	db.watches.mu.Lock()
	defer db.watches.mu.Unlock()
	if w, ok := db.watches.byName[channel]; ok {
		return w
	}
	if db.watches.byName == nil {
		db.watches.byName = map[string]*Watch{}
		db.watches.ctx, db.watches.stop = context.WithCancel(context.Background())
	}
	w := &Watch{}
	db.watches.byName[channel] = w
	if !db.SQLite && !db.watches.closed {
		watched := map[string]bool{}
		for _, t := range tables {
			watched[t] = true
		}
		bump := func(tx *gorm.DB) {
			if tx.Statement != nil && watched[tx.Statement.Table] {
				w.gen.Add(1)
			}
		}
		name := "sprakpool:watch_" + channel + "_"
		db.gorm.Callback().Create().After("gorm:create").Register(name+"create", bump)
		db.gorm.Callback().Update().After("gorm:update").Register(name+"update", bump)
		db.gorm.Callback().Delete().After("gorm:delete").Register(name+"delete", bump)
		db.watches.stopped.Add(1)
		go func() {
			defer db.watches.stopped.Done()
			db.listen(db.watches.ctx, channel, w)
		}()
	}
	return w
}

// stopWatches ends every watch and waits for their connections to close.
func (db *DB) stopWatches() {
	db.watches.mu.Lock()
	stop := db.watches.stop
	db.watches.closed = true
	db.watches.mu.Unlock()
	if stop != nil {
		stop()
	}
	db.watches.stopped.Wait()
}

// listen keeps w listening on channel until ctx ends, connecting again after
// every failure.
func (db *DB) listen(ctx context.Context, channel string, w *Watch) {
	for {
		_ = db.listenOnce(ctx, channel, w) // the watch is not live meanwhile; that is all a failure means
		w.live.Store(false)
		w.gen.Add(1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(watchRetry):
		}
	}
}

func (db *DB) listenOnce(ctx context.Context, channel string, w *Watch) error {
	cfg, err := pgx.ParseConfig(db.dsn)
	if err != nil {
		return err
	}
	// Named, so an operator sees in pg_stat_activity what the idle connection is.
	cfg.RuntimeParams["application_name"] = "sprakpool watch " + channel
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	// The watch is live once a notice of its own has come back: through a pooler
	// that hands each transaction another server connection (PgBouncer's
	// transaction mode) LISTEN succeeds and no notice ever comes, and the watch
	// must then never be live.
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, 'probe')", channel); err != nil {
		return err
	}
	probe, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, err = conn.WaitForNotification(probe)
	cancel()
	if err != nil {
		return err
	}
	w.gen.Add(1)
	w.live.Store(true)
	for {
		wait, cancel := context.WithTimeout(ctx, watchIdle)
		_, err := conn.WaitForNotification(wait)
		timedOut := wait.Err() != nil && ctx.Err() == nil
		cancel()
		switch {
		case err == nil:
			w.gen.Add(1)
		case timedOut:
			ping, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(ping)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}
