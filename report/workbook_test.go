package report_test

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"secbot/knowledge"
	"secbot/quiz"
	"secbot/report"
)

var sample = flag.String("sample", "", "also write a sample workbook (12 weeks × 3 channels × 120 people) to this file")

func TestWorkbook(t *testing.T) {
	s := season(2026)
	r := makeReport(t, fixture(t), report.Query{From: s.From, To: s.To})
	path := filepath.Join(t.TempDir(), "report.xlsx")
	name, data, err := r.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	if name != "secbot-quiz-report-20270413.xlsx" {
		t.Errorf("file name = %q", name)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"概要", "回答", "用語別", "参加者"}; !slices.Equal(got, want) {
		t.Errorf("sheets = %v, want %v", got, want)
	}
	headers := []struct {
		sheet string
		row   int
		col   string
		want  []string
	}{
		{report.SheetSummary, 4, "A", report.SummaryHeader},
		{report.SheetSummary, 23, "I", report.WeekHeader},
		{report.SheetAnswers, 1, "A", report.AnswersHeader},
		{report.SheetTerms, 1, "A", report.TermsHeader},
		{report.SheetPeople, 1, "A", report.PeopleHeader},
	}
	for _, h := range headers {
		c, _ := excelize.ColumnNameToNumber(h.col)
		for i, want := range h.want {
			cell, _ := excelize.CoordinatesToCellName(c+i, h.row)
			if got, _ := f.GetCellValue(h.sheet, cell); got != want {
				t.Errorf("%s!%s = %q, want %q", h.sheet, cell, got, want)
			}
		}
	}
	// Values, as Excel shows them, and their types.
	cells := []struct{ sheet, cell, want string }{
		{"概要", "A5", "CA"},
		{"概要", "B5", "2027-03-22"},
		{"概要", "D5", "3"},
		{"概要", "E5", "4"},
		{"概要", "F5", "75.0%"},
		{"概要", "G6", "66.7%"},
		{"概要", "A7", "CB"},
		{"概要", "I24", "3/22〜"},
		{"概要", "J25", "2027-03-29"},
		{"概要", "L25", "4"},
		{"概要", "O25", "57.1%"},
		{"用語別", "B2", "EDR"},
		{"用語別", "F2", "0.0%"},
		{"用語別", "B4", "ゼロトラスト"},
		{"用語別", "F4", "100.0%"},
		{"回答", "A2", "r1"},
		{"回答", "D2", "名前U1"},
		{"回答", "E2", "B"},
		{"回答", "F2", "正解"},
		{"回答", "G2", "2027-03-22 10:01"},
		{"回答", "H2", "ゼロトラスト"},
		{"参加者", "B2", "U1"},
		{"参加者", "G2", "2"},
	}
	for _, c := range cells {
		if got, err := f.GetCellValue(c.sheet, c.cell); err != nil || got != c.want {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, got, err, c.want)
		}
	}
	for _, c := range []struct{ sheet, cell, raw string }{{"概要", "F5", "0.75"}, {"概要", "B5", "46468"}, {"参加者", "D2", "2"}, {"回答", "F6", "0"}} {
		if got, _ := f.GetCellValue(c.sheet, c.cell, excelize.Options{RawCellValue: true}); got != c.raw {
			t.Errorf("%s!%s raw = %q, want the number %s", c.sheet, c.cell, got, c.raw)
		}
	}
	if raw, _ := f.GetCellValue("回答", "F2", excelize.Options{RawCellValue: true}); raw != "1" {
		t.Errorf("回答!F2 raw = %q, want 1 (正解 is a format)", raw)
	}
	// (excelize shows 0 in the format "正解";"";"不正解" as 正解;
	// LibreOffice and Excel show 不正解: see docs/hr.md.)
	if rows, _ := f.GetRows("回答"); len(rows) != 8 {
		t.Errorf("回答 has %d rows, want the header and 7 answers", len(rows))
	}
	for _, sh := range f.GetSheetList() {
		panes, err := f.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit < 1 {
			t.Errorf("%s: header rows not frozen: %+v %v", sh, panes, err)
		}
	}
	// The two native charts.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/") || strings.HasPrefix(zf.Name, "xl/drawings/") {
			rc, _ := zf.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			parts[zf.Name] = html.UnescapeString(b.String())
		}
	}
	for name, want := range map[string][]string{
		"xl/charts/chart1.xml": {"<barChart>", `<barDir val="col">`, "<lineChart>", "週別の参加", "<f>'概要'!$I$24:$I$25</f>", "<f>'概要'!$L$24:$L$25</f>", "<f>'概要'!$O$24:$O$25</f>", "<f>'概要'!$L$23</f>"},
		"xl/charts/chart2.xml": {"<barChart>", `<barDir val="bar">`, "正解率の低い用語", "<f>'用語別'!$B$2:$B$4</f>", "<f>'用語別'!$F$2:$F$4</f>"},
	} {
		for _, w := range want {
			if !strings.Contains(parts[name], w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
	if len(parts) < 4 {
		t.Errorf("chart and drawing parts = %v", slices.Sorted(mapKeys(parts)))
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestSampleWorkbook writes a realistic workbook for people to look at
// (go test ./report/ -run Sample -sample /tmp/sample.xlsx).
func TestSampleWorkbook(t *testing.T) {
	if *sample == "" {
		t.Skip("no -sample FILE")
	}
	d := generate(t, 12, 3, 120, 0.75)
	r := report.Compute(d)
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*sample, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes\n%s", *sample, buf.Len(), r.Summary())
}

// generate makes a season's data in memory: weekly rounds (Mondays 10:00
// JST from 2026-04-06) in each channel about real glossary terms, people
// spread evenly over the channels, each answering a round with probability
// turnout, right more often on easy terms and when skilled.
func generate(t testing.TB, weeks, channels, people int, turnout float64) report.Data {
	t.Helper()
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	terms := quiz.Askable(pack)
	rng := rand.New(rand.NewPCG(12, 2026))
	difficulty := make([]float64, len(terms))
	for i := range difficulty {
		difficulty[i] = 0.35 + 0.6*rng.Float64()
	}
	skill := make([]float64, people)
	for i := range skill {
		skill[i] = 0.7 + 0.3*rng.Float64()
	}
	start := jst(2026, 4, 6, 10, 0)
	d := report.Data{From: jst(2026, 4, 1, 0, 0), To: jst(2027, 4, 1, 0, 0), Location: tokyo, Generated: start.AddDate(0, 0, 7*weeks)}
	perChannel := people / channels
	d.Answers = make([]quiz.Answer, 0, int(float64(weeks*people)*turnout)+people)
	for w := range weeks {
		opened := start.AddDate(0, 0, 7*w)
		for c := range channels {
			ch := fmt.Sprintf("C%02dTRAINING", c+1)
			id := fmt.Sprintf("%s-%s", ch, opened.Format("20060102"))
			term := (w*7 + c*13) % len(terms)
			d.Rounds = append(d.Rounds, report.Round{ID: id, Channel: ch, Term: terms[term], Kind: quiz.KindWhichTerm,
				Opened: opened, Revealed: true, Members: perChannel + 5})
			// Turnout drifts: channels differ, and fades a little mid-season.
			p := turnout * (1 - 0.05*float64(c)) * (1 - 0.15*float64(min(w, weeks-w))/float64(weeks))
			if turnout >= 1 {
				p = 1
			}
			for u := c * perChannel; u < (c+1)*perChannel; u++ {
				if rng.Float64() >= p {
					continue
				}
				right := rng.Float64() < difficulty[term]*skill[u]+0.1
				choice := 0
				if right {
					choice = 1
				}
				d.Answers = append(d.Answers, quiz.Answer{RoundID: id, Channel: ch, UserID: fmt.Sprintf("U%05d", u),
					UserName: fmt.Sprintf("社員%04d", u), Choice: choice, Correct: right,
					At: opened.Add(time.Duration(1+rng.IntN(600)) * time.Minute)})
			}
		}
	}
	slices.SortFunc(d.Answers, func(a, b quiz.Answer) int { return a.At.Compare(b.At) })
	return d
}

// TestWorkbookOverflow: answers past a sheet's rows go on in 回答(2)….
func TestWorkbookOverflow(t *testing.T) {
	defer report.SetMaxRows(4)() // a header and 3 answers a sheet
	s := season(2026)
	r := makeReport(t, fixture(t), report.Query{From: s.From, To: s.To}) // 7 answers
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"概要", "回答", "用語別", "参加者", "回答(2)", "回答(3)"}; !slices.Equal(got, want) {
		t.Errorf("sheets = %v, want %v", got, want)
	}
	n := 0
	for _, sh := range []string{"回答", "回答(2)", "回答(3)"} {
		rows, _ := f.GetRows(sh)
		if len(rows) == 0 || rows[0][0] != "ラウンド" {
			t.Errorf("%s has no header: %q", sh, rows)
			continue
		}
		n += len(rows) - 1
	}
	if n != 7 {
		t.Errorf("%d answers over the sheets, want 7", n)
	}
}
