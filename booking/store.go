package booking

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/sprakpool/sprakpool/booking/internal/sqldb"
)

// store is the service's database: the handle and its write transactions come
// from sqldb; what is kept here is what the domain adds to them.
type store struct {
	*sqldb.DB
}

// IsPostgres reports whether a SPRAKPOOL_DB value names a PostgreSQL database
// rather than a SQLite file.
func IsPostgres(dsn string) bool { return sqldb.IsPostgres(dsn) }

func openStore(ctx context.Context, dsn string, now func() time.Time) (*store, error) {
	db, err := sqldb.Open(ctx, dsn, now)
	if err != nil {
		return nil, err
	}
	return &store{DB: db}, nil
}

// write runs fn in one write transaction that holds the write lock from its
// start, and turns the database's refusal of a double booking into the conflict.
func (st *store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return overlapConflict(st.Write(ctx, fn))
}

// writeFor is write for a change to bookings of the given supervisors only (see
// sqldb.DB.WriteFor).
func (st *store) writeFor(ctx context.Context, supervisorIDs []int64, fn func(tx *gorm.DB) error) error {
	return overlapConflict(st.WriteFor(ctx, supervisorIDs, fn))
}

func overlapConflict(err error) error {
	if errors.Is(err, sqldb.ErrOverlap) {
		return &Error{Code: CodeConflict, Message: "the supervisor is already booked at that time",
			Details: []Violation{{Rule: RuleOverlap}}}
	}
	return err
}

func isNotFound(err error) bool { return sqldb.IsNotFound(err) }
