package digest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"secbot/digest"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/schedules"
	"secbot/store/sqlite"
)

// TestDigest: a manager's Friday digest has the week's tips, each followed
// channel's people and correct rate against the week before, and the
// questions secbot could not answer this week.
func TestDigest(t *testing.T) {
	ctx := context.Background()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	friday := time.Date(2026, 12, 4, 17, 0, 0, 0, tokyo)
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "secbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := friday.Add(-8 * 24 * time.Hour)
	db.Now = func() time.Time { return now }
	round := func(id string, opened time.Time) {
		q := quiz.Question{Question: "どれ？", Choices: []string{"A", "B", "C", "D"}, Answer: 1, Term: "VPN"}
		if err := db.CreateRound(ctx, quiz.Round{ID: id, Channel: "C0QUIZ", Question: q, Opened: opened, Closes: opened.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	answer := func(id, user string, right bool, at time.Time) {
		if _, _, err := db.AddAnswer(ctx, quiz.Answer{RoundID: id, Channel: "C0QUIZ", UserID: user, Correct: right, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	lastMonday, monday := time.Date(2026, 11, 23, 10, 0, 0, 0, tokyo), time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo)
	round("last", lastMonday)
	answer("last", "U1", true, lastMonday.Add(time.Hour))
	db.MarkRevealed(ctx, "last")
	round("this", monday)
	answer("this", "U1", true, monday.Add(time.Hour))
	answer("this", "U2", false, monday.Add(2*time.Hour))
	answer("this", "U3", true, monday.Add(3*time.Hour))
	now = friday.Add(-40 * time.Hour)
	db.RecordGap(ctx, "経費精算の締め日")
	db.RecordGap(ctx, "経費精算の締め日")

	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := schedules.ParseSpec("0 9 * * 1-5", tokyo)
	b := &digest.Builder{Store: db, Tips: schedules.NewTips(pack, spec, tokyo), Location: tokyo}
	reply, err := b.Build(ctx, []string{"C0QUIZ"}, friday)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"11/30〜12/4", "■ 今週のヒント", "<#C0QUIZ>: 回答 3人（先週 1人）、正答率 66%（先週 100%）", "経費精算の締め日（2回）"} {
		if !strings.Contains(reply.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, reply.Text)
		}
	}
	if n := strings.Count(reply.Text, "\n・") - 2; n != 5 {
		t.Errorf("%d tips listed, want the week's 5:\n%s", n, reply.Text)
	}
}
