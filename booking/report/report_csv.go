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
	"github.com/sprakpool/sprakpool/booking/vocab"
)

// Tabular is a report as a table: a header of column names, then rows of
// cells, the last one the total, in "sv" or "en". CSV files (API, CLI and web
// page alike) and the CLI's text tables are written from the Swedish table, so
// they cannot disagree; English pages show the English one.
type Tabular interface {
	Table(lang string) [][]string
}

// word is a column's header or a fixed cell of a table, in Swedish and English:
// each is written once, here, beside the table that uses it.
type word [2]string

func (w word) in(lang string) string {
	if lang == "en" {
		return w[1]
	}
	return w[0]
}

// header is the names of cols in lang.
func header(lang string, cols ...word) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.in(lang)
	}
	return out
}

var (
	wordTotal        = word{"Totalt", "Total"}
	wordLabel        = word{"Benämning", "Name"}
	wordWorkplaceID  = word{"Verksamhets-id", "Workplace id"}
	wordWorkplace    = word{"Verksamhet", "Workplace"}
	wordCancelled    = word{"Avbokningar", "Cancellations"}
	wordLate         = word{"Sena avbokningar", "Late cancellations"}
	wordLateMinutes  = word{"Sent avbokade minuter", "Late cancelled minutes"}
	wordHeld         = word{"Hållna pass", "Held sessions"}
	wordPersons      = word{"Handledda personer", "Persons supervised"}
	wordReason       = word{"Orsak", "Reason"}
	wordCancelledBy  = word{"Avbokad av", "Cancelled by"}
	wordFollowups    = word{"Uppföljningar", "Follow-ups"}
	utilizationWords = []word{{"Tillgängliga minuter", "Available minutes"}, {"Bokade minuter", "Booked minutes"},
		{"Beläggningsgrad", "Utilization"}, {"Bokningar", "Bookings"}, wordCancelled, wordLate, wordPersons, wordFollowups}
)

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
	rows := t.Table("sv")
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

// utilizationKeyHeaders are the first two columns of the utilization
// report by each of its keys: the key and what it names.
var utilizationKeyHeaders = map[string][2]word{
	"supervisor": {{"Handledar-id", "Supervisor id"}, {"Handledare", "Supervisor"}},
	"workplace":  {wordWorkplaceID, wordWorkplace},
	"language":   {{"Språkkod", "Language code"}, {"Språk", "Language"}},
	"area":       {{"Områdeskod", "Area code"}, {"Område", "Area"}},
	"purpose":    {{"Syfteskod", "Purpose code"}, {"Syfte", "Purpose"}},
	"week":       {{"Vecka", "Week"}, wordLabel},
	"month":      {{"Månad", "Month"}, wordLabel},
}

// Table implements Tabular. The labels of the rows are the JSON's.
func (r *Utilization) Table(lang string) [][]string {
	h := utilizationKeyHeaders[r.By]
	out := [][]string{header(lang, append([]word{h[0], h[1]}, utilizationWords...)...)}
	cells := func(key, label string, f UtilizationFigures) []string {
		return []string{key, label, itoa(f.AvailableMinutes), itoa(f.BookedMinutes), decimal(f.Utilization, -1),
			itoa(f.Bookings), itoa(f.Cancelled), itoa(f.LateCancelled), itoa(f.PersonsSupervised), itoa(f.Followups)}
	}
	for _, row := range r.Rows {
		out = append(out, cells(row.Key, row.Label, row.UtilizationFigures))
	}
	return append(out, cells(wordTotal.in(lang), "", r.Total))
}

// Table implements Tabular: the reasons, then who cancelled, then the total,
// each by its name (a reason's words, a user's name and role), never a code.
func (r *Cancellations) Table(lang string) [][]string {
	out := [][]string{header(lang, word{"Grupp", "Group"}, wordLabel, word{"Roll", "Role"},
		wordCancelled, word{"Avbokade minuter", "Cancelled minutes"}, wordLate, wordLateMinutes)}
	cells := func(group, label, role string, f CancellationFigures) []string {
		return []string{group, label, role, itoa(f.Cancelled), itoa(f.Minutes), itoa(f.LateCancelled), itoa(f.LateMinutes)}
	}
	for _, row := range r.ByReason {
		out = append(out, cells(wordReason.in(lang), vocab.Label(vocab.VocabReason, row.Key, lang), "", row.CancellationFigures))
	}
	for _, row := range r.ByCanceller {
		out = append(out, cells(wordCancelledBy.in(lang), row.Label, vocab.Label(vocab.VocabRole, row.Role, lang), row.CancellationFigures))
	}
	return append(out, cells(wordTotal.in(lang), "", "", r.Total))
}

// Table implements Tabular: one row per workplace (by name), then the total;
// the response rate as a percentage. Reasons and comments are in the JSON
// form and on the page.
func (r *Followups) Table(lang string) [][]string {
	out := [][]string{header(lang, wordWorkplace, wordHeld, word{"Besvarade uppföljningar", "Follow-ups answered"},
		word{"Svarsfrekvens", "Response rate"}, wordPersons, word{"Personer per pass", "Persons per session"},
		word{"Medelbetyg", "Average rating"})}
	cells := func(label string, f FollowupFigures) []string {
		return []string{label, itoa(f.Held), itoa(f.Answered), percent(f.ResponseRate),
			itoa(f.PersonsSupervised), decimal(f.PersonsPerSession, -1), decimal(f.AverageRating, -1)}
	}
	for _, row := range r.Rows {
		out = append(out, cells(row.Label, row.FollowupFigures))
	}
	return append(out, cells(wordTotal.in(lang), r.Total))
}

// percent writes a share (0.8824) as people read it: "88 %"; nil is empty.
func percent(v *float64) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf("%.0f %%", *v*100)
}

// Table implements Tabular: one row per workplace and rate, then the total.
func (r *Billing) Table(lang string) [][]string {
	out := [][]string{header(lang, wordWorkplace, word{"Kostnadsställe", "Cost centre"}, word{"Från", "From"},
		word{"Till", "To"}, word{"Finansiär", "Funder"}, word{"Timpris (kr)", "Hourly rate (SEK)"}, wordHeld,
		word{"Hållna minuter", "Held minutes"}, wordLate, wordLateMinutes, word{"Debiterbara minuter", "Billable minutes"},
		word{"Debiterbara timmar", "Billable hours"}, word{"Belopp (kr)", "Amount (SEK)"}, word{"Bekräftade pass", "Confirmed sessions"},
		word{"Bekräftelsegrad", "Confirmation rate"})}
	cells := func(lead []string, rate *float64, f BillingFigures) []string {
		return append(lead, decimal(rate, 2), itoa(f.HeldSessions), itoa(f.HeldMinutes), itoa(f.LateCancelled),
			itoa(f.LateMinutes), itoa(f.BillableMinutes), decimal(&f.BillableHours, -1), decimal(&f.Amount, 2),
			itoa(f.Confirmed), percent(f.ConfirmationRate))
	}
	for _, row := range r.Rows {
		out = append(out, cells([]string{row.Workplace, row.CostCenter, row.From, row.To, row.Funder}, row.HourlyRate, row.BillingFigures))
	}
	return append(out, cells([]string{wordTotal.in(lang), "", r.From, r.To, ""}, nil, r.Total))
}
