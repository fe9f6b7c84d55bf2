package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"secbot/quiz"
	"secbot/store/sqlite"
)

func TestQuizSeed(t *testing.T) {
	code, a, errOut := runSecbotCmd(t, nil, "quiz", "--json", "--seed", "7")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, b, _ := runSecbotCmd(t, nil, "quiz", "--json", "--seed", "7")
	if a != b {
		t.Errorf("seed 7 twice:\n%s\n%s", a, b)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a), &raw); err != nil {
		t.Fatal(err)
	}
	if keys := sortedKeys(raw); !reflect.DeepEqual(keys, []string{"answer", "choices", "explanation", "question", "term"}) {
		t.Errorf("keys = %v", keys)
	}
	var q quizJSON
	json.Unmarshal([]byte(a), &q)
	if len(q.Choices) != 4 || q.Answer < 0 || q.Answer > 3 || q.Term == "" {
		t.Errorf("question = %+v", q)
	}
	code, text, _ := runSecbotCmd(t, nil, "quiz")
	if code != 0 || !strings.Contains(text, "正解: ") || !strings.Contains(text, "(seed ") {
		t.Errorf("secbot quiz = %q", text)
	}
}

func TestQuizExport(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "secbot.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	q := quiz.Question{Question: "どれ？", Choices: []string{"A", "B", "C", "D"}, Answer: 1}
	for i, r := range []quiz.Round{
		{ID: "r1", Channel: "C0123456789", Question: q, Opened: time.Date(2026, 11, 23, 10, 0, 0, 0, tokyo), Closes: time.Date(2026, 11, 24, 10, 0, 0, 0, tokyo), Revealed: true},
		{ID: "r2", Channel: "C0123456789", Question: q, Opened: time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo), Closes: time.Date(2026, 12, 1, 10, 0, 0, 0, tokyo)},
		{ID: "r3", Channel: "C0987654321", Question: q, Opened: time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo), Closes: time.Date(2026, 12, 1, 10, 0, 0, 0, tokyo)},
	} {
		if err := db.CreateRound(ctx, r); err != nil {
			t.Fatal(i, err)
		}
		for j, user := range []string{"U1", "U2"} {
			db.AddAnswer(ctx, quiz.Answer{RoundID: r.ID, Channel: r.Channel, UserID: user, UserName: "name " + user, Choice: j, Correct: j == 1,
				At: r.Opened.Add(time.Duration(j+1) * time.Minute)})
		}
	}
	db.Close()
	vars := map[string]string{"SECBOT_DB": path}
	code, out, errOut := runSecbotCmd(t, vars, "quiz", "export", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 || !reflect.DeepEqual(rows[0], quiz.CSVHeader) {
		t.Fatalf("rows = %q", rows)
	}
	if want := []string{"r1", "C0123456789", "U2", "name U2", "B", "true", "2026-11-23T10:02:00+09:00"}; !reflect.DeepEqual(rows[2], want) {
		t.Errorf("row 2 = %q, want %q", rows[2], want)
	}
	_, out, _ = runSecbotCmd(t, vars, "quiz", "export", "--format", "csv", "--from", "2026-11-30", "--to", "2026-11-30", "--channel", "C0123456789")
	rows, _ = csv.NewReader(strings.NewReader(out)).ReadAll()
	if len(rows) != 3 || rows[1][0] != "r2" || rows[2][0] != "r2" {
		t.Errorf("filtered rows = %q", rows)
	}
	_, out, _ = runSecbotCmd(t, vars, "quiz", "export", "--to", "2026-11-29")
	if rows, _ = csv.NewReader(strings.NewReader(out)).ReadAll(); len(rows) != 3 {
		t.Errorf("--to rows = %q", rows)
	}
	for _, args := range [][]string{
		{"quiz", "export", "--format", "xlsx"},
		{"quiz", "export", "--from", "yesterday"},
		{"quiz", "export", "--from", "2026-12-01", "--to", "2026-11-01"},
	} {
		if code, _, _ := runSecbotCmd(t, vars, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	code, _, errOut = runSecbotCmd(t, map[string]string{"SECBOT_DB": filepath.Join(t.TempDir(), "none.db")}, "quiz", "export")
	if code != 1 || !strings.Contains(errOut, "no database") {
		t.Errorf("missing db: exit %d %q", code, errOut)
	}
}
