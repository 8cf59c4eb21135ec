package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sprakpool/sprakpool/booking"
)

// cmdBackup writes a consistent copy of the SQLite database to a new file while
// the server runs. PostgreSQL has pg_dump for that: bad usage here (exit 2).
// The file comes first or last: sprakpool backup FILE [flags], or [flags] FILE.
func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var file string
	switch {
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		file, args = args[0], args[1:]
	case len(args) > 0 && !strings.HasPrefix(args[len(args)-1], "-"):
		file, args = args[len(args)-1], args[:len(args)-1]
	}
	c := newCommand("backup", stderr)
	if err := c.parse(args, stderr); err != nil {
		return err
	}
	if file == "" {
		return usageError{"backup: name the file to write: sprakpool backup FILE"}
	}
	if booking.IsPostgres(c.cfg.DB) {
		return usageError{"backup: " + booking.ErrBackupPostgres.Error()}
	}
	if _, err := os.Stat(file); err == nil {
		return usageError{fmt.Sprintf("backup: %s already exists; name a new file", file)}
	}
	// No migration: the copy is of the database as it is.
	svc, err := booking.Open(ctx, c.cfg.DB, c.cfg.bookingConfig())
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.Backup(ctx, file); err != nil {
		return err
	}
	c.log.Info("backup written", "db", c.cfg.DB, "file", file)
	return nil
}
