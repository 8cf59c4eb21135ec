package web

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestChartTicksReadDistinct: the axis of a chart of shares or of small
// counts never labels two ticks alike (as "0 %, 1 %, 1 %" would), and every
// chart carries its figures in its text alternative and its table.
func TestChartTicksReadDistinct(t *testing.T) {
	for _, c := range []struct {
		cell   func(float64) string
		values []float64
	}{
		{percent, []float64{0, 0.0093, 0}}, {percent, []float64{0.41, 0.88}}, {count, []float64{1, 3, 0}},
		{count, []float64{0, 0}}, {count, []float64{140, 3}},
	} {
		ch := barChart("Titel", "Nyckel", []string{"a", "b", "c"}[:len(c.values)], []chartSeries{{Name: "Antal", Values: c.values}}, c.cell, true)
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(string(ch.Src), "data:image/svg+xml;base64,"))
		if err != nil || !strings.HasPrefix(string(raw), "<svg") {
			t.Fatalf("%v: no SVG: %v", c.values, err)
		}
		seen := map[string]bool{}
		for _, part := range strings.Split(string(raw), "<text")[1:] {
			text := part[strings.Index(part, ">")+1 : strings.Index(part, "</text>")]
			if strings.TrimSpace(text) == "" || strings.ContainsAny(text[:1], "abc") {
				continue
			}
			if seen[text] {
				t.Errorf("%v: the tick %q twice", c.values, text)
			}
			seen[text] = true
		}
		if len(ch.Rows) != len(c.values) || !strings.Contains(ch.Alt, "a: Antal "+c.cell(c.values[0])) {
			t.Errorf("%v: table %v, text %q", c.values, ch.Rows, ch.Alt)
		}
	}
}

func TestHoursTheReadersWay(t *testing.T) {
	for _, c := range []struct {
		l       Lang
		minutes int
		want    string
	}{{swedish, 90, "1,5"}, {english, 90, "1.5"}, {swedish, 120, "2"}, {swedish, 29760, "496"}, {swedish, 50, "0,8"}} {
		if got := hoursIn(c.l, c.minutes); got != c.want {
			t.Errorf("%s %d minutes: %q, want %q", c.l.Code, c.minutes, got, c.want)
		}
	}
	if got := percent(0.8824); got != "88 %" {
		t.Errorf("percent: %q", got)
	}
}
