package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// participationChart plots, by week over all channels, the people who
// answered (columns) and the participation rate (a line on the right axis)
// when member counts are known, else the correct rate.
func (r *Report) participationChart(f *excelize.File) error {
	n := len(r.WeekTotals)
	if n == 0 {
		return nil
	}
	sh, first, last := SheetSummary, weekRow+1, weekRow+n
	ref := func(col string) string { return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sh, col, first, col, last) }
	// Series names are references to the header cells: excelize writes a
	// name as a formula.
	name := func(col string) string { return fmt.Sprintf("'%s'!$%s$%d", sh, col, weekRow) }
	lineCol := "P" // 正解率
	if r.Totals.Members > 0 {
		lineCol = "O" // 参加率
	}
	no := false
	cols := &excelize.Chart{
		Type:       excelize.Col,
		Series:     []excelize.ChartSeries{{Name: name("L"), Categories: ref("I"), Values: ref("L"), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4472C4"}}}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "週別の参加（全チャンネル）"}}},
		Legend:     excelize.ChartLegend{Position: "bottom"},
		VaryColors: &no,
		XAxis:      excelize.ChartAxis{TickLabelSkip: max(1, (n+12)/13), Font: axisFont},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, Font: axisFont, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "回答者数"}}}},
		Format:     excelize.GraphicOptions{ScaleX: 1, ScaleY: 1, OffsetX: 10, OffsetY: 10},
		Dimension:  excelize.ChartDimension{Width: 720, Height: 320},
	}
	one := 1.0
	zero := 0.0
	line := &excelize.Chart{
		Type:   excelize.Line,
		Series: []excelize.ChartSeries{{Name: name(lineCol), Categories: ref("I"), Values: ref(lineCol), Line: excelize.LineOptions{Width: 2.25}, Marker: excelize.ChartMarker{Symbol: "circle", Size: 5}}},
		YAxis:  excelize.ChartAxis{Secondary: true, Font: axisFont, Maximum: &one, Minimum: &zero, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
	}
	return f.AddChart(sh, "I4", cols, line)
}

// axisFont is dark enough to read on paper (excelize's default is light grey).
var axisFont = excelize.Font{Color: "404040", Size: 9}

// weakestChart plots the correct rate of the ten weakest terms, weakest on top.
func (r *Report) weakestChart(f *excelize.File) error {
	n := 0
	for _, t := range r.Terms {
		if _, ok := t.CorrectRate(); ok && n < 10 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	sh, no := SheetTerms, false
	ref := func(col string) string { return fmt.Sprintf("'%s'!$%s$2:$%s$%d", sh, col, col, n+1) }
	one := 1.0
	zero := 0.0
	return f.AddChart(sh, "I2", &excelize.Chart{
		Type:       excelize.Bar,
		Series:     []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$F$1", sh), Categories: ref("B"), Values: ref("F"), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C55A11"}}}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "正解率の低い用語（下位10）"}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		VaryColors: &no,
		XAxis:      excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, Font: axisFont, Maximum: &one, Minimum: &zero, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		PlotArea:   excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
		Format:     excelize.GraphicOptions{ScaleX: 1, ScaleY: 1, OffsetX: 10, OffsetY: 10},
		Dimension:  excelize.ChartDimension{Width: 640, Height: 400},
	})
}
