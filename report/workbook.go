package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"secbot/quiz"
)

// Sheet names, in the workbook's order.
const (
	SheetSummary = "概要"
	SheetAnswers = "回答"
	SheetTerms   = "用語別"
	SheetPeople  = "参加者"
)

// Column headers of each sheet.
var (
	// SummaryHeader heads the per channel and week table of 概要 (A–G).
	SummaryHeader = []string{"チャンネル", "週（月曜）", "ラウンド数", "回答者数", "メンバー数", "参加率", "正解率"}
	// WeekHeader heads the all-channels weekly table of 概要 (I–P, below
	// the participation chart, which plots it). 週 is the week as text
	// (4/6〜): a date axis would draw each week's column one day wide.
	WeekHeader = []string{"週", "開始日（月曜）", "ラウンド数", "回答者数", "回答数", "メンバー数", "参加率", "正解率"}
	// AnswersHeader heads 回答: the columns of `secbot quiz export`, then the
	// term. 正誤 is 1 or 0 shown as 正解 or 不正解, so that a SUM counts the
	// right answers (Excel would show a boolean as TRUE/FALSE whatever
	// its format).
	AnswersHeader = []string{"ラウンド", "チャンネル", "ユーザーID", "名前", "選択", "正誤", "回答日時", "用語"}
	// TermsHeader heads 用語別.
	TermsHeader = []string{"順位", "用語", "出題回数", "回答数", "正解数", "正解率", "最終出題日"}
	// PeopleHeader heads 参加者.
	PeopleHeader = []string{"名前", "ユーザーID", "チャンネル", "回答ラウンド数", "正解数", "正解率", "連続正解", "最終回答日時"}
)

// headerRow is the row of 概要's headers; rows above it hold the title.
// The weekly table starts at weekRow, below the chart beside the first.
const (
	headerRow = 4
	weekRow   = headerRow + 19
)

// maxRows is how many rows an Excel sheet holds; 回答 goes on in 回答(2)….
// A variable so that a test can overflow it.
var maxRows = excelize.TotalRows

// styles are the workbook's cell styles.
type styles struct {
	title, note, header, date, datetime, percent, number, correct int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	mk := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	dateFmt, timeFmt, pctFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0.0%"
	mk(&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	mk(&s.note, &excelize.Style{Font: &excelize.Font{Color: "555555"}})
	mk(&s.header, &excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2F5597"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	mk(&s.date, &excelize.Style{CustomNumFmt: &dateFmt})
	mk(&s.datetime, &excelize.Style{CustomNumFmt: &timeFmt})
	mk(&s.percent, &excelize.Style{CustomNumFmt: &pctFmt})
	mk(&s.number, &excelize.Style{NumFmt: 3}) // #,##0
	correctFmt := `"正解";"";"不正解"`
	mk(&s.correct, &excelize.Style{CustomNumFmt: &correctFmt, Alignment: &excelize.Alignment{Horizontal: "center"}})
	return s, err
}

// WriteXLSX writes the report as an Excel workbook.
func (r *Report) WriteXLSX(w io.Writer) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("report: write workbook: %w", err)
		}
	}()
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	for _, name := range []string{SheetAnswers, SheetTerms, SheetPeople} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	// Before the streamed sheets are written: a stream writer takes the
	// sheet's settings when it starts.
	for _, sh := range f.GetSheetList() {
		if err := printSetup(f, sh); err != nil {
			return err
		}
	}
	for _, step := range []func(*excelize.File, styles) error{r.writeSummary, r.writeAnswers, r.writeTerms, r.writePeople} {
		if err := step(f, st); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetDocProps(&excelize.DocProperties{Title: "セキュリティ用語クイズ 集計", Creator: "secbot",
		Created: r.Generated.UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// excelTime is t's wall clock in loc as Excel shows it: Excel times have
// no zone, and excelize writes a time.Time's UTC clock.
func excelTime(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// rateCell is a rate for a percent cell, or empty when unknown.
func rateCell(v float64, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

// countCell is a count, or empty when 0 means unknown.
func countCell(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// Period describes the report's period and channel in Japanese.
func (r *Report) Period() string {
	day := func(t time.Time) string { return t.In(r.Location).Format("2006-01-02") }
	var p string
	switch {
	case r.From.IsZero() && r.To.IsZero():
		p = "全期間"
	case r.To.IsZero():
		p = day(r.From) + "〜"
	case r.From.IsZero():
		p = "〜" + day(r.To.Add(-time.Nanosecond))
	default:
		p = day(r.From) + "〜" + day(r.To.Add(-time.Nanosecond))
	}
	if r.Channel != "" {
		return p + "・チャンネル " + r.Channel
	}
	return p + "・全チャンネル"
}

func (r *Report) writeSummary(f *excelize.File, st styles) error {
	sh := SheetSummary
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sh, cell, cell, style)
		}
		return nil
	}
	gen := ""
	if !r.Generated.IsZero() {
		gen = "　作成 " + r.Generated.In(r.Location).Format("2006-01-02 15:04")
	}
	if err := set("A1", "セキュリティ用語クイズ 集計", st.title); err != nil {
		return err
	}
	if err := set("A2", "期間 "+r.Period()+gen+"（週は月曜始まり、"+r.Location.String()+"）", st.note); err != nil {
		return err
	}
	if err := set("A3", strings.ReplaceAll(r.headline(), "\n", "　"), st.note); err != nil {
		return err
	}
	if err := writeHeader(f, sh, "A", headerRow, SummaryHeader, st); err != nil {
		return err
	}
	if err := writeHeader(f, sh, "I", weekRow, WeekHeader, st); err != nil {
		return err
	}
	for i, w := range r.Weeks {
		row := headerRow + 1 + i
		p, pok := w.Participation()
		c, cok := w.CorrectRate()
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", row), &[]any{w.Channel, excelTime(w.Start, r.Location),
			w.Rounds, w.Answerers, countCell(w.Members), rateCell(p, pok), rateCell(c, cok)}); err != nil {
			return err
		}
	}
	label := "1/2〜"
	if n := len(r.WeekTotals); n > 0 && r.WeekTotals[n-1].Start.Sub(r.WeekTotals[0].Start) > 300*24*time.Hour {
		label = "2006/1/2〜"
	}
	for i, w := range r.WeekTotals {
		row := weekRow + 1 + i
		p, pok := w.Participation()
		c, cok := w.CorrectRate()
		if err := f.SetSheetRow(sh, fmt.Sprintf("I%d", row), &[]any{w.Start.In(r.Location).Format(label), excelTime(w.Start, r.Location),
			w.Rounds, w.Answerers, w.Answers, countCell(w.Members), rateCell(p, pok), rateCell(c, cok)}); err != nil {
			return err
		}
	}
	if n := len(r.Weeks); n > 0 {
		last := headerRow + n
		for _, c := range []struct {
			from, to string
			style    int
		}{{"B", "B", st.date}, {"C", "E", st.number}, {"F", "G", st.percent}} {
			if err := f.SetCellStyle(sh, fmt.Sprintf("%s%d", c.from, headerRow+1), fmt.Sprintf("%s%d", c.to, last), c.style); err != nil {
				return err
			}
		}
	}
	if n := len(r.WeekTotals); n > 0 {
		last := weekRow + n
		for _, c := range []struct {
			from, to string
			style    int
		}{{"J", "J", st.date}, {"K", "N", st.number}, {"O", "P", st.percent}} {
			if err := f.SetCellStyle(sh, fmt.Sprintf("%s%d", c.from, weekRow+1), fmt.Sprintf("%s%d", c.to, last), c.style); err != nil {
				return err
			}
		}
	}
	for _, c := range []struct {
		col   string
		width float64
	}{{"A", 16}, {"B", 12}, {"C", 10}, {"D", 10}, {"E", 11}, {"F", 9}, {"G", 9}, {"H", 3},
		{"I", 11}, {"J", 14}, {"K", 10}, {"L", 10}, {"M", 9}, {"N", 11}, {"O", 9}, {"P", 9}} {
		if err := f.SetColWidth(sh, c.col, c.col, c.width); err != nil {
			return err
		}
	}
	if err := freeze(f, sh, headerRow); err != nil {
		return err
	}
	return r.participationChart(f)
}

func (r *Report) writeTerms(f *excelize.File, st styles) error {
	sh := SheetTerms
	if err := writeHeader(f, sh, "A", 1, TermsHeader, st); err != nil {
		return err
	}
	for i, t := range r.Terms {
		c, ok := t.CorrectRate()
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", i+2), &[]any{i + 1, t.Term, t.Asked, t.Answers, t.Correct,
			rateCell(c, ok), excelTime(WeekDay(t.Last, r.Location), r.Location)}); err != nil {
			return err
		}
	}
	if n := len(r.Terms); n > 0 {
		for _, c := range []struct {
			from, to string
			style    int
		}{{"A", "A", st.number}, {"C", "E", st.number}, {"F", "F", st.percent}, {"G", "G", st.date}} {
			if err := f.SetCellStyle(sh, c.from+"2", fmt.Sprintf("%s%d", c.to, n+1), c.style); err != nil {
				return err
			}
		}
	}
	for _, c := range []struct {
		col   string
		width float64
	}{{"A", 6}, {"B", 38}, {"C", 10}, {"D", 9}, {"E", 9}, {"F", 9}, {"G", 12}} {
		if err := f.SetColWidth(sh, c.col, c.col, c.width); err != nil {
			return err
		}
	}
	if err := freeze(f, sh, 1); err != nil {
		return err
	}
	return r.weakestChart(f)
}

// WeekDay returns the day t falls on, 00:00 in loc (zero for zero).
func WeekDay(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// writeAnswers streams every answer; past Excel's row limit it goes on in
// 回答(2), 回答(3)….
func (r *Report) writeAnswers(f *excelize.File, st styles) error {
	answers := r.answers
	for part := 1; part == 1 || len(answers) > 0; part++ {
		sh := SheetAnswers
		if part > 1 {
			sh = fmt.Sprintf("%s(%d)", SheetAnswers, part)
			if _, err := f.NewSheet(sh); err != nil {
				return err
			}
			if err := printSetup(f, sh); err != nil {
				return err
			}
		}
		chunk := answers[:min(len(answers), maxRows-1)]
		answers = answers[len(chunk):]
		sw, err := newStream(f, sh, AnswersHeader, []float64{24, 16, 14, 18, 6, 8, 17, 30}, st)
		if err != nil {
			return err
		}
		row := make([]any, len(AnswersHeader))
		cells := make([]excelize.Cell, len(AnswersHeader))
		for i, a := range chunk {
			cells[0].Value, cells[1].Value, cells[2].Value, cells[3].Value = a.RoundID, a.Channel, a.UserID, a.UserName
			cells[4].Value = quiz.ChoiceLetter(a.Choice)
			cells[5] = excelize.Cell{StyleID: st.correct, Value: 0}
			if a.Correct {
				cells[5].Value = 1
			}
			cells[6] = excelize.Cell{StyleID: st.datetime, Value: excelTime(a.At, r.Location)}
			cells[7].Value = r.TermOf(a.RoundID)
			for j := range cells {
				row[j] = cells[j]
			}
			if err := sw.SetRow(cellName(1, i+2), row); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func (r *Report) writePeople(f *excelize.File, st styles) error {
	sw, err := newStream(f, SheetPeople, PeopleHeader, []float64{18, 14, 16, 12, 8, 8, 9, 17}, st)
	if err != nil {
		return err
	}
	row := make([]any, len(PeopleHeader))
	for i, p := range r.People {
		c, ok := p.CorrectRate()
		row[0], row[1], row[2] = p.UserName, p.UserID, strings.Join(p.Channels, ", ")
		row[3] = excelize.Cell{StyleID: st.number, Value: p.Rounds}
		row[4] = excelize.Cell{StyleID: st.number, Value: p.Correct}
		row[5] = excelize.Cell{StyleID: st.percent, Value: rateCell(c, ok)}
		row[6] = excelize.Cell{StyleID: st.number, Value: p.Streak}
		row[7] = excelize.Cell{StyleID: st.datetime, Value: excelTime(p.Last, r.Location)}
		if err := sw.SetRow(cellName(1, i+2), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// newStream starts a streamed sheet: widths, a frozen header row, the header.
func newStream(f *excelize.File, sh string, header []string, widths []float64, st styles) (*excelize.StreamWriter, error) {
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return nil, err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{Height: 20}); err != nil {
		return nil, err
	}
	return sw, nil
}

// writeHeader writes a styled header row starting at col.
func writeHeader(f *excelize.File, sh, col string, row int, header []string, st styles) error {
	start := fmt.Sprintf("%s%d", col, row)
	if err := f.SetSheetRow(sh, start, &header); err != nil {
		return err
	}
	c, _ := excelize.ColumnNameToNumber(col)
	end := cellName(c+len(header)-1, row)
	if err := f.SetCellStyle(sh, start, end, st.header); err != nil {
		return err
	}
	return f.SetRowHeight(sh, row, 20)
}

// printSetup prints a sheet on A4 landscape, one page wide, repeating its
// header rows on every page.
func printSetup(f *excelize.File, sh string) error {
	size, landscape, wide, tall := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	rows := 1
	if sh == SheetSummary {
		rows = headerRow
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", sh, rows), Scope: sh})
}

// freeze keeps the first rows of a sheet in view.
func freeze(f *excelize.File, sh string, rows int) error {
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: rows, TopLeftCell: cellName(1, rows+1), ActivePane: "bottomLeft"})
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}
