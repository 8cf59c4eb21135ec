package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/sprakpool/sprakpool/booking"
)

// reportKinds are the reports the CLI prints, as `sprakpool report KIND`.
var reportKinds = []string{"utilization", "cancellations", "followups", "billing"}

// cmdReport prints a report for --from..--to as an aligned text table, as the
// CSV file of the API (--format csv) or as its JSON (--format json). It reads the
// database directly, with a coordinator's rights.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageError{"report needs one of: " + strings.Join(reportKinds, ", ")}
	}
	kind := args[0]
	c := newCommand("report "+kind, stderr)
	from := c.fs.String("from", "", "first date (YYYY-MM-DD), included")
	to := c.fs.String("to", "", "last date (YYYY-MM-DD), included")
	format := c.fs.String("format", "text", "text, csv or json")
	by := new(string)
	if kind == "utilization" {
		by = c.fs.String("by", "supervisor", strings.Join(booking.UtilizationKeys, ", "))
	}
	if !slices.Contains(reportKinds, kind) {
		return usageError{fmt.Sprintf("unknown report %q; use one of %s", kind, strings.Join(reportKinds, ", "))}
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
	rep, err := computeReport(ctx, svc, kind, *from, *to, *by)
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
		return booking.WriteCSV(stdout, rep)
	}
	return writeTextTable(stdout, rep.Table())
}

func computeReport(ctx context.Context, svc *booking.Service, kind, from, to, by string) (booking.Tabular, error) {
	// The CLI acts as a coordinator: whoever runs it holds the database anyway.
	reportActor := &booking.User{Name: "sprakpool report", Role: booking.RoleAdmin}
	switch kind {
	case "utilization":
		return svc.UtilizationReport(ctx, reportActor, from, to, by)
	case "cancellations":
		return svc.CancellationReport(ctx, reportActor, from, to)
	case "followups":
		return svc.FollowupReport(ctx, reportActor, from, to)
	}
	return svc.BillingReport(ctx, reportActor, from, to)
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
