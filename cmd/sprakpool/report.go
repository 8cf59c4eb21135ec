package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/report"
)

// cmdReport prints a report for --from..--to as an aligned text table, as the
// CSV file of the API (--format csv) or as its JSON (--format json). It reads the
// database directly, with a coordinator's rights.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError{"report needs one of: " + strings.Join(report.Names(), ", ")}
	}
	kind := args[0]
	c := newCommand("report "+kind, stderr)
	from := c.fs.String("from", "", "first date (YYYY-MM-DD), included")
	to := c.fs.String("to", "", "last date (YYYY-MM-DD), included")
	format := c.fs.String("format", "text", "text, csv or json")
	k, known := report.Find(kind)
	by := new(string)
	if len(k.Keys) > 0 {
		by = c.fs.String("by", k.Keys[0], strings.Join(k.Keys, ", "))
	}
	if !known {
		return usageError{fmt.Sprintf("unknown report %q; use one of %s", kind, strings.Join(report.Names(), ", "))}
	}
	if err := c.parse(args[1:], stderr); err != nil {
		return err
	}
	if *format != "text" && *format != "csv" && *format != "json" {
		return usageError{"--format must be text, csv or json"}
	}
	svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	// The CLI acts as a coordinator: whoever runs it holds the database anyway.
	reportActor := &booking.User{Name: "sprakpool report", Role: booking.RoleAdmin}
	rep, err := report.New(svc).Report(ctx, reportActor, kind, *from, *to, *by)
	var be *booking.Error
	if errors.As(err, &be) && be.Code == booking.CodeInvalid {
		return usageError{be.Message}
	}
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "csv":
		return report.WriteCSV(stdout, rep)
	}
	return writeTextTable(stdout, rep.Table("sv"))
}

// writeTextTable aligns the cells of a report in columns, two spaces apart; an
// empty cell shows as "–" so every column stays readable.
func writeTextTable(w io.Writer, table [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range table {
		cells := make([]string, len(row))
		for i, cell := range row {
			if cell == "" {
				cell = "–"
			}
			cells[i] = cell
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
