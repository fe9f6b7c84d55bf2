package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"secbot/quiz"
)

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "secbot.db")
	db := openTest(t, path)
	q := quiz.Question{Question: "?", Choices: []string{"a", "b", "c", "d"}, Answer: 2, Term: "EDR", Kind: quiz.KindReading}
	for i, r := range []quiz.Round{
		{ID: "r1", Channel: "CA", Question: q, Opened: t0, Closes: t0.Add(time.Hour), Revealed: true},
		{ID: "r2", Channel: "CA", Question: q, Opened: t0.Add(7 * 24 * time.Hour), Closes: t0.Add(8 * 24 * time.Hour)},
		{ID: "r3", Channel: "CB", Question: q, Opened: t0.Add(24 * time.Hour), Closes: t0.Add(25 * time.Hour)},
	} {
		if err := db.CreateRound(ctx, r); err != nil {
			t.Fatal(i, err)
		}
	}
	for _, a := range []quiz.Answer{{RoundID: "r1", Channel: "CA", UserID: "U1", Choice: 2, Correct: true}, {RoundID: "r1", Channel: "CA", UserID: "U2", Choice: 1}} {
		if _, _, err := db.AddAnswer(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	// A writer keeps the file open (WAL) while the reader reads.
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rounds, err := ro.ListRounds(ctx, quiz.Filter{Channel: "CA"})
	if err != nil || len(rounds) != 2 || rounds[0].ID != "r1" || rounds[0].Question.Term != "EDR" || !rounds[0].Revealed {
		t.Errorf("ListRounds = %+v, %v", rounds, err)
	}
	if rounds, _ := ro.ListRounds(ctx, quiz.Filter{From: t0.Add(time.Hour), To: t0.Add(48 * time.Hour)}); len(rounds) != 1 || rounds[0].ID != "r3" {
		t.Errorf("ListRounds in a period = %+v", rounds)
	}
	hist, err := ro.History(ctx, "CA", t0, t0.Add(30*24*time.Hour))
	if err != nil || len(hist) != 2 || hist[0] != (quiz.Asked{Term: "EDR", Kind: quiz.KindReading, At: t0, Answers: 2, Correct: 1}) || hist[1].Answers != 0 {
		t.Errorf("History = %+v, %v", hist, err)
	}
	if err := ro.CreateRound(ctx, quiz.Round{ID: "r9", Channel: "CC", Question: q, Opened: t0, Closes: t0}); err == nil {
		t.Error("a write through the read-only handle succeeded")
	}
	if _, err := ro.Round(ctx, "r9"); err == nil {
		t.Error("the write happened")
	}

	missing := filepath.Join(dir, "none.db")
	if _, err := OpenReadOnly(missing); err == nil {
		t.Error("a missing database opened")
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("OpenReadOnly created the file")
	}
	if _, err := OpenReadOnly(dir); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("a folder: %v", err)
	}
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	if _, err := OpenReadOnly(empty); err == nil || !strings.Contains(err.Error(), "not a secbot database") {
		t.Errorf("an empty file: %v", err)
	}
}
