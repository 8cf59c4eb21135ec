// Package migrations holds the versioned SQL schema, applied by goose. The SQL
// files are the schema: nothing else creates or alters tables.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// SQLite is the schema for the embedded SQLite database.
func SQLite() fs.FS {
	sub, err := fs.Sub(files, "sqlite")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// Postgres is the schema for PostgreSQL: the same versions, tables and columns
// as SQLite's, in PostgreSQL's types, with an exclusion constraint for overlaps.
func Postgres() fs.FS {
	sub, err := fs.Sub(files, "postgres")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
