package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

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
	height := 320
	if horizontal {
		height = max(160, 60+34*len(labels)*len(series))
	}
	font := charts.FontStyle{FontSize: 13, FontColor: charts.ColorBlack}
	axis := func(v float64) string { return cell(v) }
	opts := []charts.OptionFunc{charts.SVGOutputOptionFunc(), charts.DimensionsOptionFunc(720, height),
		charts.PaddingOptionFunc(charts.NewBoxEqual(16)), charts.ThemeNameOptionFunc(charts.ThemeLight)}
	if len(series) > 1 {
		opts = append(opts, charts.LegendOptionFunc(charts.LegendOption{SeriesNames: names, FontStyle: font}))
	}
	value := charts.YAxisOption{Min: charts.Ptr(0.0), ValueFormatter: axis, LabelFontStyle: font}
	var p *charts.Painter
	var err error
	if horizontal {
		opts = append(opts, charts.YAxisOptionFunc(charts.YAxisOption{Labels: labels, LabelFontStyle: font}),
			charts.XAxisOptionFunc(charts.XAxisOption{ValueFormatter: axis, LabelFontStyle: font}))
		p, err = charts.HorizontalBarRender(values, opts...)
	} else {
		opts = append(opts, charts.XAxisOptionFunc(charts.XAxisOption{Labels: labels, LabelFontStyle: font}),
			charts.YAxisOptionFunc(value))
		p, err = charts.BarRender(values, opts...)
	}
	if err != nil {
		return c // the table and the text still say it all
	}
	svg, err := p.Bytes()
	if err != nil {
		return c
	}
	c.Src = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg))
	return c
}

// count is a whole number for a table.
func count(v float64) string { return strconv.Itoa(int(math.Round(v))) }

// percent is a share (0.8824) as Swedish and English pages write it: "88 %".
func percent(v float64) string { return fmt.Sprintf("%.0f %%", v*100) }

// hoursSV is hours with a decimal comma: "1,5 h".
func hoursSV(v float64) string {
	return strings.Replace(strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64), ".", ",", 1) + " h"
}
