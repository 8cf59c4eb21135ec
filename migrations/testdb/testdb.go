// Package testdb gives each test a fresh, empty database of the kind the run
// asks for: a SQLite file in the test's temporary directory, or, when
// SPRAKPOOL_TEST_POSTGRES names a PostgreSQL server, a new database on that
// server that is dropped when the test ends. Only tests import it.
package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "github.com/mattn/go-sqlite3"    // database/sql driver "sqlite3"
)

// Env is the variable naming the PostgreSQL server the tests run against, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. Empty: SQLite.
const Env = "SPRAKPOOL_TEST_POSTGRES"

// Server returns the PostgreSQL server URL of this run, or "" for SQLite.
func Server() string { return os.Getenv(Env) }

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// DSN returns the address of a new, empty database for t: file (a SQLite file
// name) in t.TempDir(), or a new PostgreSQL database when the run uses one.
func DSN(t testing.TB, file string) string {
	t.Helper()
	server := Server()
	if server == "" {
		return filepath.Join(t.TempDir(), file)
	}
	return Create(t, server)
}

// Create makes a new database on the PostgreSQL server and drops it (and any
// connection still open to it) when t ends.
func Create(t testing.TB, server string) string {
	t.Helper()
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	name := "sprakpool_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Open opens the database dsn directly with database/sql, for checks that must
// not go through the service. It is closed when t ends.
func Open(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite3"
	if IsPostgres(dsn) {
		driver = "pgx"
	} else if !strings.Contains(dsn, "?") {
		dsn += "?_busy_timeout=15000"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OverlappingPairs counts pairs of confirmed bookings of one supervisor whose
// times overlap, comparing instants on either database (touching ends are fine).
func OverlappingPairs(t testing.TB, db *sql.DB, postgres bool) int {
	t.Helper()
	overlap := "julianday(a.start_at) < julianday(b.end_at) AND julianday(b.start_at) < julianday(a.end_at)"
	if postgres {
		overlap = "a.start_at < b.end_at AND b.start_at < a.end_at"
	}
	var n int
	err := db.QueryRow(`SELECT COUNT(*) FROM bookings a JOIN bookings b
		ON a.supervisor_id = b.supervisor_id AND a.id < b.id
		WHERE a.status = 'confirmed' AND b.status = 'confirmed' AND ` + overlap).Scan(&n)
	if err != nil {
		t.Fatalf("count overlapping bookings: %v", err)
	}
	return n
}
