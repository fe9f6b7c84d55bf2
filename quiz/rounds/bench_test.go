package rounds_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"secbot/quiz"
	"secbot/store/sqlite"
)

// BenchmarkProgress is /quiz me over a season of weekly rounds in 20
// channels of 100 people each (2,000 people), everyone answering every
// round: 1,040 rounds and 104,000 answers in SQLite, the scale of the
// report benchmark. Progress reads the season's revealed answers once.
//
//	go test ./quiz/rounds/ -run '^$' -bench Progress -benchtime 5x
func BenchmarkProgress(b *testing.B) {
	const weeks, channels, perChannel = 52, 20, 100
	db, err := sqlite.Open(filepath.Join(b.TempDir(), "secbot.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	start := jst(2026, 4, 6, 10, 0)
	terms := []string{"IPS", "EDR", "VPN", "SOC", "WAF"}
	for w := range weeks {
		opened := start.AddDate(0, 0, 7*w)
		for c := range channels {
			ch := fmt.Sprintf("C%02d", c)
			id := fmt.Sprintf("%s-%d", ch, w)
			q := quiz.Question{Question: "q", Choices: []string{"a", "b", "c", "d"}, Term: terms[(w+c)%len(terms)]}
			if err := db.CreateRound(ctx, quiz.Round{ID: id, Channel: ch, Question: q, Opened: opened, Closes: opened.Add(24 * time.Hour)}); err != nil {
				b.Fatal(err)
			}
			for u := range perChannel {
				user := fmt.Sprintf("U%02d%03d", c, u)
				right := (u+w)%3 != 0
				if _, _, err := db.AddAnswer(ctx, quiz.Answer{RoundID: id, Channel: ch, UserID: user, UserName: user,
					Correct: right, At: opened.Add(time.Duration(u) * time.Second)}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := db.MarkRevealed(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	}
	now := start.AddDate(0, 0, 7*(weeks-1)+2) // 2027-03-31, the season's last day
	rs := seasonRounds(b, db, now)
	b.ResetTimer()
	for b.Loop() {
		p, err := rs.Progress(ctx, "U05042", now)
		if err != nil || p.Rounds != weeks || p.Rank == 0 {
			b.Fatalf("progress %+v, %v", p, err)
		}
	}
}
