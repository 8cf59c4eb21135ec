package sqldb

import (
	"context"
	"errors"
	"fmt"
)

// ErrBackupPostgres is Backup's answer on PostgreSQL, whose own tool makes a
// consistent copy of a running database.
var ErrBackupPostgres = errors.New("the database is PostgreSQL: make the backup with pg_dump (see the README)")

// Backup writes a consistent copy of the SQLite database to the new file path
// while the pool keeps serving: VACUUM INTO reads one snapshot (WAL readers do
// not block the writer), so the copy holds every transaction committed before it
// began and none that committed later, and it is a compact, checked database.
func (db *DB) Backup(ctx context.Context, path string) error {
	if !db.SQLite {
		return ErrBackupPostgres
	}
	if err := db.Read(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}
