// Package sqldb is the database handle of the booking packages: it opens SQLite
// or PostgreSQL through gorm, applies the migrations, and runs write transactions
// behind the locks that keep the booking rules true under concurrency. It knows
// SQL dialects, not the domain. Being internal, nothing outside booking/ can
// import it, so gorm never leaves booking/.
package sqldb

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/sprakpool/sprakpool/migrations"
)

// ErrOverlap is what a write transaction returns when the database itself refused
// a double booking (SQLite's trigger, PostgreSQL's exclusion constraint).
var ErrOverlap = errors.New("the supervisor is already booked at that time")

// DB owns the database handle.
type DB struct {
	gorm   *gorm.DB
	SQLite bool
	// writer runs this process's write transactions on SQLite, which has one
	// writer at a time anyway, in batches (batch.go); other processes wait on
	// BEGIN IMMEDIATE's busy timeout.
	writer *writer
	// reading counts the queries under way (SQLite; batch.go).
	reading atomic.Int64
	// reads is the handle of reads on SQLite, with prepared statements kept.
	reads *gorm.DB
	// dsn is the PostgreSQL URL, for the connections of the watches (watch.go).
	dsn     string
	watches watches
}

// sqliteDSN adds the settings every connection needs: an immediate write lock at
// BEGIN (a deferred one fails with "database is locked" under concurrency), WAL, a
// busy timeout and foreign keys. PRAGMAs via Exec would reach one pooled connection only.
func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "_txlock=immediate&_journal_mode=WAL&_busy_timeout=15000&_foreign_keys=on&_synchronous=NORMAL"
}

// IsPostgres reports whether a SPRAKPOOL_DB value names a PostgreSQL database
// rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn (a SQLite file path or a postgres:// URL) without
// migrating it. now is the clock gorm stamps updated_at with.
func Open(ctx context.Context, dsn string, now func() time.Time) (*DB, error) {
	cfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, TranslateError: false, NowFunc: now}
	if IsPostgres(dsn) {
		g, err := gorm.Open(postgres.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("open database: %w", redactDSN(err, dsn))
		}
		db := &DB{gorm: g, dsn: dsn}
		if sqlDB, err := g.DB(); err == nil {
			sqlDB.SetMaxOpenConns(32)
			sqlDB.SetMaxIdleConns(32)
		}
		if err := db.Ping(ctx); err != nil {
			return nil, fmt.Errorf("open database: %w", redactDSN(err, dsn))
		}
		return db, nil
	}
	cfg.PrepareStmtMaxSize = 128 // for reads (below)
	g, err := gorm.Open(sqlite.Open(sqliteDSN(dsn)), cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	// Reads keep their prepared statements per connection (the most used 128):
	// preparing a statement parses it against the whole schema, an eighth of
	// the CPU of a mixed load on a large pool (issue 19). Writes do not: in a
	// transaction database/sql prepares a kept statement again on the
	// transaction's connection and closes it at the end, which cost a third of
	// the bookings a second. PostgreSQL's driver (pgx) keeps its own.
	db := &DB{gorm: g, SQLite: true, reads: g.Session(&gorm.Session{PrepareStmt: true})}
	if sqlDB, err := g.DB(); err == nil {
		// Keep the connections of a busy moment open: database/sql keeps two idle
		// ones by default, and opening one again runs its PRAGMAs and parses
		// the whole schema at its first statement (a tenth of the CPU of a mixed
		// load went to that).
		sqlDB.SetMaxIdleConns(32)
		sqlDB.SetMaxOpenConns(64)
	}
	if err := db.Ping(ctx); err != nil {
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	if err := db.countReads(); err != nil {
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	db.startWriter()
	return db, nil
}

// Gorm is the handle itself, for callbacks and tests; queries go through Read
// and the write methods.
func (db *DB) Gorm() *gorm.DB { return db.gorm }

// Migrate applies every pending migration.
func (db *DB) Migrate(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var p *goose.Provider
	if db.SQLite {
		p, err = goose.NewProvider(goose.DialectSQLite3, sqlDB, migrations.SQLite())
	} else {
		// A session lock, so instances starting together apply each migration once.
		var locker lock.SessionLocker
		if locker, err = lock.NewPostgresSessionLocker(); err == nil {
			p, err = goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.Postgres(), goose.WithSessionLocker(locker))
		}
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close releases the database.
func (db *DB) Close() error {
	db.stopWriter()
	db.stopWatches()
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Read returns a handle for queries outside a transaction. On SQLite its
// queries run to their end even when ctx is cancelled: the driver
// (mattn/go-sqlite3) watches a cancellable context by running every step of a
// statement, each row, in a goroutine of its own, which cost more than the
// queries themselves (a search reads hundreds of rows); and no query of the
// service runs for long (the longest, a year's evaluation of a pool of a million
// bookings, takes half a second).
func (db *DB) Read(ctx context.Context) *gorm.DB {
	if db.SQLite {
		return db.reads.WithContext(context.WithoutCancel(ctx))
	}
	return db.gorm.WithContext(ctx)
}

// writeLockKey is the PostgreSQL advisory lock every write transaction takes
// first: the rules beyond overlap (travel buffer, daily limit, ...) are checked by
// reading, so writes are serialised across all instances, as SQLite serialises
// them with BEGIN IMMEDIATE. The exclusion constraint stays the last guard.
const writeLockKey = 0x5370726b // "Sprk"

// Write runs fn in one write transaction that holds the write lock from its start.
// fn must use only tx: the outer handle inside a transaction deadlocks on SQLite.
func (db *DB) Write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.locked(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", writeLockKey).Error; err != nil {
			return fmt.Errorf("take the write lock: %w", err)
		}
		return nil
	}, fn)
}

// supervisorLockBase puts the per-supervisor advisory locks in a key range of
// their own ("Sv" in the top bits), apart from writeLockKey.
const supervisorLockBase = int64(0x5376) << 48

// WriteFor is Write for a change to bookings of the given supervisors only (a new
// or moved booking whose supervisor is known). On PostgreSQL it takes the write
// lock shared and each supervisor's lock exclusively, in id order: bookings of
// different supervisors are written in parallel, while every other write (which
// takes the write lock exclusively: availability, absences, cancellations, a
// booking whose supervisor the pool picks) still waits for them and they for it.
// The rules read only the supervisor's own bookings, availability and absences.
func (db *DB) WriteFor(ctx context.Context, supervisorIDs []int64, fn func(tx *gorm.DB) error) error {
	ids := slices.Clone(supervisorIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	// One statement takes them all, in the order of its select list (one round
	// trip, not one a lock).
	q, args := "SELECT pg_advisory_xact_lock_shared(?)", []any{int64(writeLockKey)}
	for _, id := range ids {
		q += ", pg_advisory_xact_lock(?)"
		args = append(args, supervisorLockBase|id)
	}
	return db.locked(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(q, args...).Error; err != nil {
			return fmt.Errorf("take the write lock and the locks of supervisors %v: %w", ids, err)
		}
		return nil
	}, fn)
}

// locked runs fn in a write transaction: on SQLite in a batch of this process's
// writer (batch.go), under BEGIN IMMEDIATE; on PostgreSQL after lock has taken
// its advisory locks.
func (db *DB) locked(ctx context.Context, lock, fn func(tx *gorm.DB) error) error {
	if db.SQLite {
		return db.batched(ctx, fn)
	}
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx); err != nil {
			return err
		}
		return fn(tx)
	})
	if isOverlap(err) {
		return ErrOverlap
	}
	return err
}

// WriteRows runs fn in one write transaction without the pool-wide PostgreSQL
// advisory lock, for writes whose safety rests on row locks and unique keys alone
// (the outbox: claims with FOR UPDATE SKIP LOCKED, inserts with ON CONFLICT DO
// NOTHING, updates of one claimed row). On SQLite it is Write: one writer anyway.
// Keeping mail off the advisory lock means sending never waits behind bookings.
func (db *DB) WriteRows(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if db.SQLite {
		return db.Write(ctx, fn)
	}
	return db.gorm.WithContext(ctx).Transaction(fn)
}

// SkipLocked makes a SELECT in a WriteRows transaction take its rows with FOR
// UPDATE SKIP LOCKED on PostgreSQL, so processes claiming at once each get other
// rows instead of waiting for each other. SQLite has no row locks and needs none:
// its write transaction already holds the whole database.
func (db *DB) SkipLocked(q *gorm.DB) *gorm.DB {
	if db.SQLite {
		return q
	}
	return q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
}

// ForUpdate makes a read in a WriteRows transaction lock its row on PostgreSQL,
// for a read-then-update of one row; on SQLite the transaction holds the database.
func (db *DB) ForUpdate(q *gorm.DB) *gorm.DB {
	if db.SQLite {
		return q
	}
	return q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
}

// isOverlap reports whether the database refused a double booking: SQLite's
// trigger raises booking_overlap; PostgreSQL's exclusion constraint fails with
// SQLSTATE 23P01 (exclusion_violation), which gorm does not translate.
func isOverlap(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23P01"
	}
	return strings.Contains(err.Error(), "booking_overlap")
}

// redactDSN keeps a password in a PostgreSQL URL out of error messages.
func redactDSN(err error, dsn string) error {
	u, perr := url.Parse(dsn)
	if perr != nil || u.User == nil {
		return err
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		return errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
	}
	return err
}

// MillisBetween is the SQL for the whole milliseconds from instant column a to
// b: SQLite's julianday counts days as a float, PostgreSQL subtracts timestamps.
func (db *DB) MillisBetween(a, b string) string {
	if db.SQLite {
		return "ROUND((julianday(" + b + ") - julianday(" + a + ")) * 86400000)"
	}
	return "ROUND(EXTRACT(EPOCH FROM (" + b + " - " + a + ")) * 1000)"
}

// IndexedBy names the index SQLite is to read a table through, where its
// planner, without statistics, would choose another: " INDEXED BY index" after
// the table's name. PostgreSQL's planner has statistics, so there it is empty.
func (db *DB) IndexedBy(index string) string {
	if db.SQLite {
		return " INDEXED BY " + index
	}
	return ""
}

// NoFlatten ends a subquery so the planner keeps it whole instead of merging it
// into the outer query: LIMIT -1 on SQLite, OFFSET 0 on PostgreSQL.
func (db *DB) NoFlatten() string {
	if db.SQLite {
		return "LIMIT -1"
	}
	return "OFFSET 0"
}

// IsNotFound reports whether a query found no row.
func IsNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }
