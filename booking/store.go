package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/pressly/goose/v3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/sprakpool/sprakpool/migrations"
)

// store owns the database handle; gorm never leaves this package.
type store struct {
	db     *gorm.DB
	sqlite bool
	// writeMu serialises this process's write transactions on SQLite, which has one
	// writer at a time anyway; other processes wait on BEGIN IMMEDIATE's busy timeout.
	writeMu sync.Mutex
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

func openStore(ctx context.Context, dsn string) (*store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return nil, fmt.Errorf("open database: PostgreSQL is not supported yet")
	}
	db, err := gorm.Open(sqlite.Open(sqliteDSN(dsn)), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		TranslateError:         false,
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	st := &store{db: db, sqlite: true}
	if err := st.ping(ctx); err != nil {
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	return st, nil
}

func (st *store) migrate(ctx context.Context) error {
	sqlDB, err := st.db.DB()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, sqlDB, migrations.SQLite())
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func (st *store) close() error {
	sqlDB, err := st.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func (st *store) ping(ctx context.Context) error {
	sqlDB, err := st.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// read returns a handle for queries outside a transaction.
func (st *store) read(ctx context.Context) *gorm.DB { return st.db.WithContext(ctx) }

// write runs fn in one write transaction that holds the write lock from its start.
// fn must use only tx: the outer handle inside a transaction deadlocks on SQLite.
func (st *store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if st.sqlite {
		st.writeMu.Lock()
		defer st.writeMu.Unlock()
	}
	err := st.db.WithContext(ctx).Transaction(fn)
	if err != nil && strings.Contains(err.Error(), "booking_overlap") {
		return &Error{Code: CodeConflict, Message: "the supervisor is already booked at that time",
			Details: []Violation{{Rule: RuleOverlap}}}
	}
	return err
}

func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// empty reports whether the pool has no workplace, supervisor or user yet.
func (st *store) empty(ctx context.Context) (bool, error) {
	for _, model := range []any{&Workplace{}, &Supervisor{}, &User{}} {
		var n int64
		if err := st.read(ctx).Model(model).Limit(1).Count(&n).Error; err != nil {
			return false, fmt.Errorf("check for an empty database: %w", err)
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}
