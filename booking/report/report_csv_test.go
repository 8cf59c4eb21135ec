package report

import (
	"bytes"
	"encoding/csv"
	"testing"
)

type table [][]string

func (t table) Table(string) [][]string { return t }

// TestCSVCellsAreNotFormulas: a name or reason that a spreadsheet would run as
// a formula is written as text; numbers, negative ones too, stay numbers.
func TestCSVCellsAreNotFormulas(t *testing.T) {
	in := table{{"Namn", "Timmar"}, {"=HYPERLINK(\"http://x\")", "-1,5"}, {"+46 70", "@SUM(A1)"}, {"-sjuk", "12"}, {"\tx", "Förskolan Solen"}}
	want := [][]string{{"Namn", "Timmar"}, {"'=HYPERLINK(\"http://x\")", "-1,5"}, {"'+46 70", "'@SUM(A1)"}, {"'-sjuk", "12"}, {"'\tx", "Förskolan Solen"}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, in); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(buf.Bytes()[len(utf8BOM):]))
	r.Comma = ';'
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("rows: got %d, want %d", len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("cell %d,%d: got %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
}
