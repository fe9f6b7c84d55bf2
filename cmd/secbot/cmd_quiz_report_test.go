package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"secbot/knowledge"
	"secbot/quiz"
	"secbot/store/sqlite"
)

// answersDB stores two rounds with two answers each (one name starts with
// '=' and one is Japanese) and returns the database's path.
func answersDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "secbot.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for i, r := range []quiz.Round{
		{ID: "r1", Channel: "C0987654321", Opened: time.Date(2026, 11, 23, 10, 0, 0, 0, tokyo), Revealed: true},
		{ID: "r2", Channel: "C0987654321", Opened: time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo), Revealed: true},
	} {
		r.Question = quiz.Question{Question: "どれ？", Choices: []string{"A", "B", "C", "D"}, Answer: 1, Term: []string{"ゼロトラスト", "ランサムウェア"}[i], Kind: quiz.KindWhichTerm}
		r.Closes = r.Opened.Add(24 * time.Hour)
		if err := db.CreateRound(ctx, r); err != nil {
			t.Fatal(err)
		}
		for j, user := range []string{"U1", "U2"} {
			name := []string{"山田 花子", "=HYPERLINK(\"x\")"}[j]
			if _, _, err := db.AddAnswer(ctx, quiz.Answer{RoundID: r.ID, Channel: r.Channel, UserID: user, UserName: name,
				Choice: j, Correct: j == 1, At: r.Opened.Add(time.Duration(j+1) * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return path
}

func TestQuizExportBOM(t *testing.T) {
	vars := map[string]string{"SECBOT_DB": answersDB(t)}
	code, plain, errOut := runSecbotCmd(t, vars, "quiz", "export", "--format", "csv")
	if code != 0 || strings.HasPrefix(plain, "\ufeff") || strings.Contains(plain, "\r") {
		t.Fatalf("default export: exit %d %q %s", code, plain, errOut)
	}
	code, out, errOut := runSecbotCmd(t, vars, "quiz", "export", "--format", "csv", "--bom")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	body, ok := strings.CutPrefix(out, "\ufeff")
	if !ok {
		t.Fatalf("no BOM: %q", out[:min(len(out), 10)])
	}
	lines := strings.SplitAfter(body, "\n")
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasSuffix(l, "\r\n") {
			t.Errorf("line %q does not end with CRLF", l)
		}
	}
	if strings.ReplaceAll(body, "\r\n", "\n") != plain {
		t.Errorf("--bom changed more than the BOM and line ends:\n%q\n%q", body, plain)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 5 || rows[1][3] != "山田 花子" || rows[2][3] != `'=HYPERLINK("x")` {
		t.Errorf("rows = %q, %v", rows, err)
	}
}

func TestQuizReportCommand(t *testing.T) {
	path := answersDB(t)
	before, _ := os.ReadFile(path)
	vars := map[string]string{"SECBOT_DB": path}
	dir := t.TempDir()
	out := filepath.Join(dir, "hr.xlsx")
	code, stdout, errOut := runSecbotCmd(t, vars, "quiz", "report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"クイズ集計（2026-11-01〜2026-11-30・全チャンネル）", "ラウンド 2回・回答 4件・回答者 2人", "正解率 50%", "→ " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !slices.Equal(got, []string{"概要", "回答", "用語別", "参加者"}) {
		t.Errorf("sheets = %v", got)
	}
	if v, _ := f.GetCellValue("回答", "D3"); v != `=HYPERLINK("x")` {
		t.Errorf("回答!D3 = %q: a name is text in the workbook", v)
	}
	if v, _ := f.GetCellFormula("回答", "D3"); v != "" {
		t.Errorf("回答!D3 became a formula %q", v)
	}
	f.Close()
	if after, _ := os.ReadFile(path); !slices.Equal(before, after) {
		t.Error("the report changed the database file")
	}

	// Bad input: a clear message, exit 2 (1 for what is not a usage
	// error), and no file written.
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"quiz", "report"}, 2, "ending in .xlsx"},
		{[]string{"quiz", "report", "--out", filepath.Join(dir, "r.csv")}, 2, "ending in .xlsx"},
		{[]string{"quiz", "report", "--out", filepath.Join(dir, "a.xlsx"), "--from", "11/01"}, 2, "YYYY-MM-DD"},
		{[]string{"quiz", "report", "--out", filepath.Join(dir, "a.xlsx"), "--from", "2026-12-01", "--to", "2026-11-01"}, 2, "after"},
		{[]string{"quiz", "report", "--out", filepath.Join(dir, "no", "a.xlsx")}, 1, "no folder"},
	} {
		code, _, errOut := runSecbotCmd(t, vars, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	code, _, errOut = runSecbotCmd(t, map[string]string{"SECBOT_DB": filepath.Join(dir, "none.db")}, "quiz", "report", "--out", filepath.Join(dir, "a.xlsx"))
	if code != 1 || !strings.Contains(errOut, "no database") {
		t.Errorf("missing db: exit %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("a missing database was created")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files after the failures: %v (want only hr.xlsx)", entries)
	}
}

func TestQuizPlanCommand(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "secbot.yaml")
	os.WriteFile(cfgPath, []byte("timezone: Asia/Tokyo\nquiz:\n  schedule: \"0 10 * * 1\"\n  channels: [C0987654321]\n  season_start: \"04-01\"\n"), 0o644)
	vars := map[string]string{"SECBOT_CONFIG": cfgPath, "SECBOT_DB": filepath.Join(dir, "none.db")}
	code, out, errOut := runSecbotCmd(t, vars, "quiz", "plan", "--channel", "C0987654321", "--season", "2030", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw) == 0 {
		t.Fatalf("%v: %s", err, out)
	}
	if keys := sortedKeys(raw[0]); !reflect.DeepEqual(keys, []string{"kind", "slot", "term"}) {
		t.Errorf("keys = %v", keys)
	}
	var plan []planJSON
	json.Unmarshal([]byte(out), &plan)
	// FY2030 in Tokyo has 53 Mondays, from 2030-04-01 to 2031-03-31.
	if len(plan) != 53 || plan[0].Slot != "2030-04-01T10:00:00+09:00" || plan[52].Slot != "2031-03-31T10:00:00+09:00" {
		t.Errorf("%d slots, %s … %s", len(plan), plan[0].Slot, plan[len(plan)-1].Slot)
	}
	terms := map[string]bool{}
	for _, p := range plan {
		terms[p.Term] = true
	}
	if len(terms) != 53 {
		t.Errorf("53 rounds ask %d terms", len(terms))
	}
	if _, again, _ := runSecbotCmd(t, vars, "quiz", "plan", "--channel", "C0987654321", "--season", "2030", "--json"); again != out {
		t.Error("the plan is not reproducible")
	}
	if _, other, _ := runSecbotCmd(t, vars, "quiz", "plan", "--channel", "C0123456789", "--season", "2030", "--json"); other == out {
		t.Error("two channels get the same plan")
	}
	code, text, _ := runSecbotCmd(t, vars, "quiz", "plan", "--channel", "C0987654321", "--season", "2030")
	if code != 0 || !strings.Contains(text, "シーズン 2030（2030-04-01〜2031-03-31）") || !strings.Contains(text, "2030-04-01 (月) 10:00  "+plan[0].Term) {
		t.Errorf("text plan:\n%s", text)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"quiz", "plan"}, 2, "--channel is required"},
		{[]string{"quiz", "plan", "--channel", "C1", "--season", "FY26"}, 2, "the year the season starts in"},
		{[]string{"quiz", "plan", "--channel", "C1", "--season", "2020"}, 1, "season 2020 ended on 2021-03-31"},
	} {
		code, _, errOut := runSecbotCmd(t, vars, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// TestQuizPlanHistory: the rounds a channel had this season, read from
// SECBOT_DB, are not planned again in the cycle.
func TestQuizPlanHistory(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Now()
	season := quiz.DefaultSeasons(tokyo).At(now)
	opened := now.Add(-time.Hour)
	if !season.Contains(opened) {
		t.Skip("the season started less than an hour ago")
	}
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	first := quiz.Plan(pack, "C0987654321", season, nil, 1)[0]
	path := filepath.Join(t.TempDir(), "secbot.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	q, err := quiz.GenerateFor(pack, first.Term, first.Kind, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateRound(context.Background(), quiz.Round{ID: "r1", Channel: "C0987654321", Question: q, Opened: opened, Closes: opened.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errOut := runSecbotCmd(t, map[string]string{"SECBOT_DB": path}, "quiz", "plan", "--channel", "C0987654321", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var plan []planJSON
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	for i, p := range plan[:min(len(plan), len(quiz.Askable(pack))-1)] {
		if p.Term == first.Term {
			t.Errorf("round %d asks %q again, asked an hour ago", i, p.Term)
		}
	}
}

func TestConfigSeasonStart(t *testing.T) {
	c, err := ParseConfig("secbot.yaml", []byte("quiz:\n  season_start: \"10-01\"\n"))
	if err != nil || c.Quiz.SeasonStart != "10-01" {
		t.Errorf("season_start 10-01: %+v %v", c, err)
	}
	if d := DefaultConfig(); d.Quiz.SeasonStart != "04-01" {
		t.Errorf("default season_start = %q", d.Quiz.SeasonStart)
	}
	_, err = ParseConfig("secbot.yaml", []byte("quiz:\n  season_start: \"13-01\"\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "quiz.season_start") {
		t.Errorf("bad season_start: %v", err)
	}
	if c, err := LoadConfig(filepath.Join("..", "..", "config.example.yaml")); err != nil || c.Quiz.SeasonStart != "04-01" {
		t.Errorf("config.example.yaml: %v", err)
	}
}
