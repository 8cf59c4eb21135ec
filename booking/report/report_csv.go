package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sprakpool/sprakpool/booking"
)

// Tabular is a report as a table: a header of Swedish column names, then rows
// of cells, the last one the total. CSV files (API, CLI and web page alike) and
// the CLI's text tables are written from it, so they cannot disagree.
type Tabular interface {
	Table() [][]string
}

// utf8BOM makes Excel read the file as UTF-8, so å, ä and ö survive.
const utf8BOM = "\ufeff"

// WriteCSV writes a report the way Excel in a Swedish locale opens it as
// columns: UTF-8 with a byte-order mark, semicolons between fields, CRLF line
// ends; numbers already carry decimal commas.
func WriteCSV(w io.Writer, t Tabular) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	rows := t.Table()
	for _, row := range rows {
		for i, cell := range row {
			row[i] = inertCell(cell)
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// inertCell keeps a spreadsheet from running text as a formula: a text cell
// that starts with = + - @ or a tab or carriage return (a name, a reason) gets
// a leading apostrophe, as OWASP advises; numbers such as "-1,5" stay numbers.
func inertCell(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if _, err := strconv.ParseFloat(strings.Replace(cell, ",", ".", 1), 64); err == nil {
		return cell
	}
	return "'" + cell
}

// UtilizationCSV is the utilization report as a CSV file, for mail attachments
// and downloads.
func (s *Service) UtilizationCSV(ctx context.Context, actor *booking.User, from, to, by string) ([]byte, error) {
	rep, err := s.Utilization(ctx, actor, from, to, by)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rep); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decimal writes a number with a decimal comma, as Swedish spreadsheets read it;
// nil is an empty cell. places < 0 gives the fewest digits that are exact.
func decimal(v *float64, places int) string {
	if v == nil {
		return ""
	}
	return strings.Replace(strconv.FormatFloat(*v, 'f', places, 64), ".", ",", 1)
}

func itoa(n int) string { return strconv.Itoa(n) }

var utilizationKeyHeaders = map[string][2]string{
	"supervisor": {"Handledar-id", "Handledare"},
	"workplace":  {"Verksamhets-id", "Verksamhet"},
	"language":   {"Språkkod", "Språk"},
	"area":       {"Områdeskod", "Område"},
	"purpose":    {"Syfteskod", "Syfte"},
	"week":       {"Vecka", "Benämning"},
	"month":      {"Månad", "Benämning"},
}

// Table implements Tabular.
func (r *Utilization) Table() [][]string {
	h := utilizationKeyHeaders[r.By]
	out := [][]string{{h[0], h[1], "Tillgängliga minuter", "Bokade minuter", "Beläggningsgrad", "Bokningar",
		"Avbokningar", "Sena avbokningar", "Handledda personer", "Uppföljningar"}}
	cells := func(key, label string, f UtilizationFigures) []string {
		return []string{key, label, itoa(f.AvailableMinutes), itoa(f.BookedMinutes), decimal(f.Utilization, -1),
			itoa(f.Bookings), itoa(f.Cancelled), itoa(f.LateCancelled), itoa(f.PersonsSupervised), itoa(f.Followups)}
	}
	for _, row := range r.Rows {
		out = append(out, cells(row.Key, row.Label, row.UtilizationFigures))
	}
	return append(out, cells("Totalt", "", r.Total))
}

// Table implements Tabular: the reasons, then who cancelled, then the total.
func (r *Cancellations) Table() [][]string {
	out := [][]string{{"Grupp", "Nyckel", "Benämning", "Roll", "Avbokningar", "Avbokade minuter",
		"Sena avbokningar", "Sent avbokade minuter"}}
	cells := func(group, key, label, role string, f CancellationFigures) []string {
		return []string{group, key, label, labelSV[role], itoa(f.Cancelled), itoa(f.Minutes), itoa(f.LateCancelled), itoa(f.LateMinutes)}
	}
	for _, row := range r.ByReason {
		out = append(out, cells("Orsak", row.Key, row.Label, "", row.CancellationFigures))
	}
	for _, row := range r.ByCanceller {
		out = append(out, cells("Avbokad av", row.Key, row.Label, row.Role, row.CancellationFigures))
	}
	return append(out, cells("Totalt", "", "", "", r.Total))
}

// Table implements Tabular: one row per workplace, then the total. Reasons and
// comments are in the JSON form.
func (r *Followups) Table() [][]string {
	out := [][]string{{"Verksamhets-id", "Verksamhet", "Hållna pass", "Besvarade uppföljningar", "Svarsfrekvens",
		"Handledda personer", "Personer per pass", "Medelbetyg"}}
	cells := func(key, label string, f FollowupFigures) []string {
		return []string{key, label, itoa(f.Held), itoa(f.Answered), decimal(f.ResponseRate, -1),
			itoa(f.PersonsSupervised), decimal(f.PersonsPerSession, -1), decimal(f.AverageRating, -1)}
	}
	for _, row := range r.Rows {
		out = append(out, cells(row.Key, row.Label, row.FollowupFigures))
	}
	return append(out, cells("Totalt", "", r.Total))
}

// Table implements Tabular: one row per workplace and rate, then the total.
func (r *Billing) Table() [][]string {
	out := [][]string{{"Verksamhets-id", "Verksamhet", "Kostnadsställe", "Från", "Till", "Finansiär", "Timpris (kr)",
		"Hållna pass", "Hållna minuter", "Sena avbokningar", "Sent avbokade minuter", "Debiterbara minuter",
		"Debiterbara timmar", "Belopp (kr)", "Bekräftade pass", "Bekräftelsegrad"}}
	cells := func(lead []string, rate *float64, f BillingFigures) []string {
		return append(lead, decimal(rate, 2), itoa(f.HeldSessions), itoa(f.HeldMinutes), itoa(f.LateCancelled),
			itoa(f.LateMinutes), itoa(f.BillableMinutes), decimal(&f.BillableHours, -1), decimal(&f.Amount, 2),
			itoa(f.Confirmed), decimal(f.ConfirmationRate, -1))
	}
	for _, row := range r.Rows {
		out = append(out, cells([]string{strconv.FormatInt(row.WorkplaceID, 10), row.Workplace, row.CostCenter,
			row.From, row.To, row.Funder}, row.HourlyRate, row.BillingFigures))
	}
	return append(out, cells([]string{"Totalt", "", "", r.From, r.To, ""}, nil, r.Total))
}
