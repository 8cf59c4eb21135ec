package sqldb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Group commit on SQLite. SQLite has one writer at a time, so this process's
// write transactions go to one goroutine, the writer. It takes whatever writes
// are waiting when it is free (never waiting for more), runs them one after the
// other in one transaction, each inside a savepoint of its own, and commits once.
// Each write keeps its own verdict: one that returns an error is rolled back to
// its savepoint and gets that error; the others are kept. Each later write sees
// the earlier ones of its batch, so the rules hold as if each had its own
// transaction; and nobody hears of success before the COMMIT that makes it
// durable has returned. A batch that fails to commit fails every write in it
// that had succeeded. Batching pays for BEGIN and COMMIT once for several
// writes, and the writer runs them back to back, while a mutex handed from
// request to request waited for each holder to get a processor back from the
// other requests (a convoy).

// maxBatch bounds the writes in one transaction, so the first of a batch never
// waits long behind the others.
const maxBatch = 128

// commitInterval is the least time from one batch to the next. Every commit
// empties the page cache of every other connection (SQLite's WAL mode starts a
// read transaction that finds the database changed with an empty cache), so a
// stream of bookings committed one by one made every read fetch its pages
// again: on a pool of a million bookings a search took twice its time. A write
// waits at most this long for its batch; one after a quiet moment, not at all.
const commitInterval = 25 * time.Millisecond

// fullBatch is enough writes to commit without waiting out commitInterval: when
// that many are waiting, writes come fast enough that holding them back would
// cost their throughput more than it spares the readers.
const fullBatch = 8

// countReads keeps db.reading, the queries under way, by gorm's callbacks
// around every query.
func (db *DB) countReads() error {
	start := func(*gorm.DB) { db.reading.Add(1) }
	end := func(*gorm.DB) { db.reading.Add(-1) }
	for _, err := range []error{
		db.gorm.Callback().Query().Before("gorm:query").Register("sprakpool:read_start", start),
		db.gorm.Callback().Query().After("gorm:after_query").Register("sprakpool:read_end", end),
		db.gorm.Callback().Row().Before("gorm:row").Register("sprakpool:row_start", start),
		db.gorm.Callback().Row().After("gorm:row").Register("sprakpool:row_end", end),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// writeJob is one write transaction's work and where its verdict goes.
type writeJob struct {
	ctx  context.Context
	fn   func(tx *gorm.DB) error
	done chan writeResult
}

type writeResult struct {
	err   error
	panic any // the write panicked: the caller panics again with this value
}

// writer is the goroutine that runs the batches.
type writer struct {
	jobs    chan writeJob
	stop    chan struct{}
	stopped sync.WaitGroup
	// closing is held shared while a write is queued and exclusively to stop, so
	// nothing is queued after the writer has drained the queue for the last time.
	closing sync.RWMutex
	closed  bool
}

func (db *DB) startWriter() {
	db.writer = &writer{jobs: make(chan writeJob, 256), stop: make(chan struct{})}
	db.writer.stopped.Add(1)
	go db.runWriter()
}

// stopWriter ends the writer once it has finished the batch it runs; writes
// asked for afterwards fail with errClosed.
func (db *DB) stopWriter() {
	if db.writer == nil {
		return
	}
	db.writer.closing.Lock()
	if !db.writer.closed {
		db.writer.closed = true
		close(db.writer.stop)
	}
	db.writer.closing.Unlock()
	db.writer.stopped.Wait()
}

var errClosed = errors.New("the database is closed")

// batched runs fn as one write of the next batch and returns its verdict once
// the batch has been committed (or has failed).
func (db *DB) batched(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j := writeJob{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	db.writer.closing.RLock()
	if db.writer.closed {
		db.writer.closing.RUnlock()
		return errClosed
	}
	db.writer.jobs <- j // the writer runs until closed, so this never blocks for long
	db.writer.closing.RUnlock()
	// Wait for the verdict even when ctx ends meanwhile: once queued, the write
	// may be committed, and the caller must not report a failure for it.
	r := <-j.done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}

func (db *DB) runWriter() {
	defer db.writer.stopped.Done()
	var last time.Time // when the last batch began
	for {
		var first writeJob
		select {
		case first = <-db.writer.jobs:
		case <-db.writer.stop:
			// Refuse what is still queued; nothing of it ran.
			for {
				select {
				case j := <-db.writer.jobs:
					j.done <- writeResult{err: errClosed}
				default:
					return
				}
			}
		}
		batch := []writeJob{first}
		// While reads are under way, no batch begins sooner than commitInterval
		// after the one before (or before fullBatch writes wait): writes
		// arriving meanwhile join it. Without readers there is no cache to
		// spare, so a lone writer (an import, the demo) is never held back.
		if wait := commitInterval - time.Since(last); wait > 0 && db.reading.Load() > 0 {
			timer := time.NewTimer(wait)
		gather:
			for len(batch) < fullBatch {
				select {
				case j := <-db.writer.jobs:
					batch = append(batch, j)
				case <-timer.C:
					break gather
				}
			}
			timer.Stop()
		}
	more:
		for len(batch) < maxBatch {
			select {
			case j := <-db.writer.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		last = time.Now()
		db.runBatch(batch)
	}
}

// runBatch runs the jobs in one transaction and sends each its verdict.
func (db *DB) runBatch(batch []writeJob) {
	results := make([]writeResult, len(batch))
	ran := make([]bool, len(batch))     // the job's changes are in the transaction
	decided := make([]bool, len(batch)) // the job has its own verdict
	err := db.gorm.Transaction(func(tx *gorm.DB) error {
		for i, j := range batch {
			if err := j.ctx.Err(); err != nil {
				results[i].err, decided[i] = err, true // gave up before its turn: nothing ran
				continue
			}
			// The connection is shared by the batch: a caller's cancellation must
			// not interrupt it (the driver would abort the whole transaction).
			jtx := tx.WithContext(context.WithoutCancel(j.ctx))
			if len(batch) == 1 {
				results[i], decided[i] = runJob(j.fn, jtx), true
				ran[i] = results[i].err == nil && results[i].panic == nil
				if !ran[i] {
					return errJobFailed
				}
				continue
			}
			sp := fmt.Sprintf("w%d", i)
			if err := tx.Exec("SAVEPOINT " + sp).Error; err != nil {
				return err
			}
			results[i], decided[i] = runJob(j.fn, jtx), true
			if results[i].err != nil || results[i].panic != nil {
				// SQLite may have rolled the whole transaction back itself (a
				// full disk, say): then this fails and so does the batch.
				if err := tx.Exec("ROLLBACK TO " + sp).Error; err != nil {
					return err
				}
			}
			if err := tx.Exec("RELEASE " + sp).Error; err != nil {
				return err
			}
			ran[i] = results[i].err == nil && results[i].panic == nil
		}
		return nil
	})
	for i, j := range batch {
		r := results[i]
		if err != nil && !errors.Is(err, errJobFailed) && (ran[i] || !decided[i]) {
			r.err = err // it succeeded or never ran, and the batch was not committed
		}
		if isOverlap(r.err) {
			r.err = ErrOverlap
		}
		j.done <- r
	}
}

// errJobFailed rolls back a batch of one whose write failed (with its own error).
var errJobFailed = errors.New("the write failed")

// runJob runs one write, catching its panic for the caller.
func runJob(fn func(tx *gorm.DB) error, tx *gorm.DB) (r writeResult) {
	defer func() {
		if p := recover(); p != nil {
			r.panic = p
		}
	}()
	r.err = fn(tx)
	return r
}
