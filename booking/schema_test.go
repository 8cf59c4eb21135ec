package booking

import (
	"context"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

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

// The database itself refuses an overlap the rules did not see, reading only
// the 25 hours before a booking (issue 19): a booking of the whole autumn DST
// day (25 hours) and one that begins 24 h 59 min after it still collide. And it
// refuses a booking longer than that, which is what makes the bound exact.
func TestDatabaseRefusesOverlapWithinItsBound(t *testing.T) {
	f := newFixture(t, time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC))
	sv := f.supervisor("Amina", []string{"ar"})
	insert := func(start time.Time, length time.Duration) (*Booking, error) {
		b := &Booking{UID: randomToken(8) + "@test", SupervisorID: sv.ID, WorkplaceID: f.wpA.ID, Language: "ar", Area: "childcare",
			Mode: "on_site", Purpose: "other", Status: StatusConfirmed, Start: start, End: start.Add(length),
			CreatedAt: start, UpdatedAt: start}
		return b, f.s.store.write(f.ctx, func(tx *gorm.DB) error { return tx.Create(b).Error })
	}
	day := time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC) // 2026-10-25 00:00 in Stockholm, 25 hours long
	if _, err := insert(day, 25*time.Hour); err != nil {
		t.Fatalf("the whole autumn DST day: %v", err)
	}
	if _, err := insert(day.Add(24*time.Hour+59*time.Minute), time.Hour); ErrorCode(err) != CodeConflict {
		t.Fatalf("one minute into the end of a 25-hour booking: %v, want the overlap conflict", err)
	}
	later, err := insert(day.Add(25*time.Hour), time.Hour)
	if err != nil {
		t.Fatalf("touching its end: %v", err)
	}
	// Moving the later one a minute back is refused too (the update trigger).
	err = f.s.store.write(f.ctx, func(tx *gorm.DB) error {
		return tx.Model(later).Updates(map[string]any{"start_at": later.Start.Add(-time.Minute), "end_at": later.End.Add(-time.Minute)}).Error
	})
	if ErrorCode(err) != CodeConflict {
		t.Fatalf("moved into the 25-hour booking: %v, want the overlap conflict", err)
	}
	if _, err := insert(day.Add(7*24*time.Hour), 25*time.Hour+time.Minute); err == nil || ErrorCode(err) == CodeConflict {
		t.Fatalf("a booking of 25 h 1 min: %v, want the database's refusal", err)
	} else if !strings.Contains(err.Error(), "booking_too_long") && !strings.Contains(err.Error(), "bookings_max_length") {
		t.Fatalf("a booking of 25 h 1 min: %v", err)
	}
}
