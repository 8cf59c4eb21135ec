package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-analyze/charts"
)

// A chart is a picture of a small table, drawn as SVG on the server by
// github.com/go-analyze/charts (maintained, pure Go, no JavaScript): the page
// embeds it as a data: image, which the strict CSP already allows (img-src
// data:) and which prints as it shows. Every chart carries its text
// alternative (Alt, a sentence with every figure) and the table it was drawn
// from, which the page shows beside it.
type chart struct {
	Title string
	Alt   string
	Src   template.URL
	Head  []string
	Rows  [][]string
}

// chartSeries is one set of bars: its name (the legend, the table's column)
// and a value per label.
type chartSeries struct {
	Name   string
	Values []float64
}

// barChart draws series as bars over labels; cell formats a value for the
// table, the alternative text and the axis ("12", "45 %", "1,5 h").
// Horizontal bars suit long labels (purposes, languages).
func barChart(title, keyHead string, labels []string, series []chartSeries, cell func(float64) string, horizontal bool) chart {
	c := chart{Title: title, Head: []string{keyHead}}
	for _, s := range series {
		c.Head = append(c.Head, s.Name)
	}
	var alt []string
	for i, label := range labels {
		row := []string{label}
		var parts []string
		for _, s := range series {
			row = append(row, cell(s.Values[i]))
			parts = append(parts, strings.TrimSpace(s.Name+" "+cell(s.Values[i])))
		}
		c.Rows = append(c.Rows, row)
		alt = append(alt, label+": "+strings.Join(parts, ", "))
	}
	c.Alt = title + ". " + strings.Join(alt, "; ") + "."
	if len(labels) == 0 {
		return c
	}
	values := make([][]float64, len(series))
	names := make([]string, len(series))
	for i, s := range series {
		values[i], names[i] = s.Values, s.Name
	}
	height := 340
	if horizontal {
		height = max(180, 70+38*len(labels)*len(series))
	}
	font := charts.FontStyle{FontSize: 15, FontColor: charts.ColorBlack}
	value := charts.ValueAxisOption{Min: charts.Ptr(0.0), ValueFormatter: axisFormat(cell), LabelFontStyle: font}
	if top := maxValue(values); isCount(cell) && top <= 10 {
		// Small counts: a tick at every whole number, none between.
		top = max(1, math.Ceil(top))
		value.Max, value.LabelCount = charts.Ptr(top), int(top)+1
	}
	if !isCount(cell) {
		// Shares: at most five ticks on whole percents of a round step, so
		// the wider labels never run into each other.
		top := maxValue(values) * 100
		for _, step := range []float64{1, 2, 5, 10, 20, 25, 50, 100} {
			if n := math.Max(1, math.Ceil(top/step)); n <= 4 || step == 100 {
				value.Max, value.LabelCount = charts.Ptr(n*step/100), int(n)+1
				break
			}
		}
	}
	labels = slices.Clone(labels)
	if horizontal {
		// Bars are drawn from the bottom up: reverse them, so the picture
		// reads top down in the order of its table.
		slices.Reverse(labels)
		for i := range values {
			values[i] = slices.Clone(values[i])
			slices.Reverse(values[i])
		}
	}
	opt := charts.NewBarChartOptionWithData(values)
	opt.Horizontal, opt.Padding = horizontal, charts.NewBoxEqual(16)
	opt.Theme = charts.GetTheme(charts.ThemeLight)
	opt.ValueAxis = []charts.ValueAxisOption{value}
	// The library measures labels in Roboto, which an image cannot load;
	// browsers draw them in a wider sans-serif. Trailing spaces (not drawn)
	// make the measured room a third wider, so no label runs into the bars.
	padded := make([]string, len(labels))
	for i, l := range labels {
		padded[i] = l + strings.Repeat(" ", utf8.RuneCountInString(l)/3+1)
	}
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: padded, LabelFontStyle: font}
	if len(series) > 1 {
		opt.Legend = charts.LegendOption{SeriesNames: names, FontStyle: font}
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: chartWidth, Height: height})
	if err := p.BarChart(opt); err != nil {
		return c // the table and the text still say it all
	}
	svg, err := p.Bytes()
	if err != nil {
		return c
	}
	// The library measures text in Roboto, which an image cannot load: name
	// the narrow fonts every system has before the wide default sans-serif,
	// so labels keep to the room measured for them.
	svg = bytes.ReplaceAll(svg, []byte("font-family:'Roboto Medium',sans-serif"),
		[]byte("font-family:'Roboto Medium',Roboto,Arial,'Liberation Sans',Helvetica,sans-serif"))
	c.Src = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg))
	return c
}

// chartWidth is the drawing's width: the picture scales to its column, and at
// this width its text stays legible on a 375 px phone.
const chartWidth = 560

func maxValue(values [][]float64) float64 {
	top := 0.0
	for _, vs := range values {
		for _, v := range vs {
			top = max(top, v)
		}
	}
	return top
}

// isCount reports whether cell writes whole numbers (count).
func isCount(cell func(float64) string) bool { return cell(2.5) == "3" || cell(2.5) == "2" }

// axisFormat writes an axis tick like its cells, but with a decimal where the
// ticks fall between whole numbers or whole percents, so no two read alike.
func axisFormat(cell func(float64) string) func(float64) string {
	return func(v float64) string {
		switch {
		case isCount(cell):
			if v == math.Round(v) {
				return cell(v)
			}
			return strings.Replace(strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64), ".", ",", 1)
		case cell(0.5) == percent(0.5):
			return strings.Replace(strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64), ".", ",", 1) + " %"
		}
		return cell(v)
	}
}

// count is a whole number for a table.
func count(v float64) string { return strconv.Itoa(int(math.Round(v))) }

// percent is a share (0.8824) as Swedish and English pages write it: "88 %".
func percent(v float64) string { return fmt.Sprintf("%.0f %%", v*100) }

// hoursIn writes minutes as hours to one decimal, the way a reader of l
// writes them: "1,5" in Swedish, "1.5" in English (the column says "h").
func hoursIn(l Lang, minutes int) string {
	h := strconv.FormatFloat(math.Round(float64(minutes)/6)/10, 'f', -1, 64)
	if l.Code == "en" {
		return h
	}
	return strings.Replace(h, ".", ",", 1)
}
