package booking

import (
	"context"
	"io/fs"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/sprakpool/sprakpool/migrations"
	"github.com/sprakpool/sprakpool/migrations/testdb"
)

// Every SQLite migration has its PostgreSQL twin with the same version and
// name, and, when the run has a PostgreSQL server, both schemas have the same
// tables with the same columns.
func TestPostgresSchemaMirrorsSQLite(t *testing.T) {
	names := func(fsys fs.FS) []string {
		list, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	if lite, pg := names(migrations.SQLite()), names(migrations.Postgres()); !slices.Equal(lite, pg) {
		t.Fatalf("migrations differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
	if testdb.Server() == "" {
		return // the column comparison needs both databases
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	columns := func(s *Service, q string) map[string][]string {
		rows, err := s.store.Read(context.Background()).Raw(q).Rows()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][]string{}
		for rows.Next() {
			var table, column string
			if err := rows.Scan(&table, &column); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], column)
		}
		for _, cols := range out {
			slices.Sort(cols)
		}
		return out
	}
	pg := columns(newTestService(t, now), `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`)
	lite, err := Open(context.Background(), t.TempDir()+"/mirror.db", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if err := lite.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	sq := columns(lite, `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`)
	if len(sq["bookings"]) < 20 || len(pg) < 15 {
		t.Fatalf("schemas not read: sqlite %d tables, postgres %d", len(sq), len(pg))
	}
	if !maps.EqualFunc(sq, pg, slices.Equal) {
		for table := range sq {
			if !slices.Equal(sq[table], pg[table]) {
				t.Errorf("%s: sqlite %v, postgres %v", table, sq[table], pg[table])
			}
		}
		for table := range pg {
			if _, ok := sq[table]; !ok {
				t.Errorf("%s only on postgres", table)
			}
		}
	}
}
