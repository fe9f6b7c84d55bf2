package practice_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/quiz/practice"
	"secbot/store/sqlite"
)

var tokyo = func() *time.Location {
	l, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return l
}()

// weekdays is a tip schedule on Monday to Friday.
type weekdays struct{}

func (weekdays) IsTipDay(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

type env struct {
	t   *testing.T
	db  *sqlite.DB
	now time.Time
	p   *practice.Practice
}

func newEnv(t *testing.T, mod ...func(*practice.Config)) *env {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "secbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, db: db, now: time.Date(2026, 12, 2, 12, 0, 0, 0, tokyo)} // a Wednesday
	db.Now = func() time.Time { return e.now }
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := practice.Config{Pack: pack, Store: db, Location: tokyo, Days: weekdays{},
		Direct: func(p bot.Platform) bool { return p == bot.Slack }, Now: func() time.Time { return e.now }}
	for _, m := range mod {
		m(&cfg)
	}
	if e.p, err = practice.New(cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) say(req bot.Request) (string, error) {
	e.t.Helper()
	if req.Platform == "" {
		req.Platform = bot.Slack
	}
	req.Command = "quiz"
	r, err := e.p.Handle(context.Background(), req)
	return r.Text, err
}

// TestTurningOnAndOff: on starts with the season's misses, due tomorrow;
// off keeps them; status and /quiz me's line say where the learner stands.
func TestTurningOnAndOff(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// U1 missed ゼロトラスト in a revealed round last week.
	rd := quiz.Round{ID: "r1", Channel: "C1", Question: quiz.Question{Question: "q", Choices: []string{"a", "b", "c", "d"}, Answer: 1, Term: "ゼロトラスト"},
		Opened: e.now.AddDate(0, 0, -8), Closes: e.now.AddDate(0, 0, -7)}
	if err := e.db.CreateRound(ctx, rd); err != nil {
		t.Fatal(err)
	}
	e.db.AddAnswer(ctx, quiz.Answer{RoundID: "r1", Channel: "C1", UserID: "U1", Choice: 0, At: rd.Opened.Add(time.Hour)})
	e.db.MarkRevealed(ctx, "r1")

	if text, err := e.say(bot.Request{Text: "practice", UserID: "U1"}); err != nil || !strings.Contains(text, "復習: オフ") {
		t.Errorf("status before: %q, %v", text, err)
	}
	text, err := e.say(bot.Request{Text: "practice on", UserID: "U1", UserName: "佐藤"})
	if err != nil || !strings.Contains(text, "オンにしました") || !strings.Contains(text, "1語 を復習に加えました") ||
		!strings.Contains(text, "ボックス1 1語") || !strings.Contains(text, "次の出題 12/3(木)") {
		t.Errorf("practice on: %q, %v; want on, one missed term, next question tomorrow", text, err)
	}
	if text, _ := e.say(bot.Request{Text: "practice on", UserID: "U1"}); !strings.Contains(text, "すでにオン") {
		t.Errorf("on twice: %q", text)
	}
	if text, _ := e.say(bot.Request{Text: "practice off", UserID: "U1"}); !strings.Contains(text, "オフにしました") {
		t.Errorf("off: %q", text)
	}
	if ls, _ := e.p.Due(ctx, e.now.AddDate(0, 0, 1)); len(ls) != 0 {
		t.Errorf("due learners after off: %v; want none", ls)
	}
	if cards, _ := e.db.Cards(ctx, "U1"); len(cards) != 1 {
		t.Errorf("cards after off: %v; want kept", cards)
	}
	if _, err := e.say(bot.Request{Text: "practice sometimes", UserID: "U1"}); err == nil || !strings.Contains(err.Error(), "使い方") {
		t.Errorf("bad argument: %v; want usage", err)
	}
}

// TestRefusals: practice needs DMs and tip days; each missing piece is
// named, and nothing is stored.
func TestRefusals(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*practice.Config)
		req  bot.Request
		want string
	}{
		{"console", nil, bot.Request{Platform: bot.Shell, UserID: "console"}, "コンソール"},
		{"teams webhook", nil, bot.Request{Platform: bot.Teams, UserID: "aad-1", PublicReplies: true}, "DM を送れない"},
		{"no DMs", func(c *practice.Config) { c.Direct = nil }, bot.Request{UserID: "U1"}, "DM を送れない"},
		{"no tip schedule", func(c *practice.Config) { c.Days = nil }, bot.Request{UserID: "U1"}, "tips.schedule"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var mods []func(*practice.Config)
			if c.mod != nil {
				mods = append(mods, c.mod)
			}
			e := newEnv(t, mods...)
			c.req.Text = "practice on"
			_, err := e.say(c.req)
			var ue *bot.UserError
			if !errors.As(err, &ue) || !strings.Contains(ue.Msg, c.want) {
				t.Errorf("practice on: %v; want a message naming %q", err, c.want)
			}
			if _, ok, _ := e.db.Learner(context.Background(), c.req.UserID); ok {
				t.Error("a refused practice on was stored")
			}
		})
	}
}

// TestSendAsksTheLowestBox: of several terms due, the day's one question
// is the lowest box's; a retry sends the same question again, an answered
// one is not sent again.
func TestSendAsksTheLowestBox(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.say(bot.Request{Text: "practice on", UserID: "U1"}); err != nil {
		t.Fatal(err)
	}
	rd := quiz.Round{ID: "r2", Channel: "C1", Question: quiz.Question{Question: "q", Choices: []string{"a", "b", "c", "d"}, Answer: 1, Term: "VPN"},
		Opened: e.now.Add(-2 * time.Hour), Closes: e.now.Add(-time.Hour)}
	e.db.CreateRound(ctx, rd)
	e.db.AddAnswer(ctx, quiz.Answer{RoundID: "r2", Channel: "C1", UserID: "U1", Choice: 3, At: rd.Opened.Add(time.Minute)})
	if err := e.p.Missed(ctx, rd); err != nil {
		t.Fatal(err)
	}
	var dm recorder
	tomorrow := e.now.AddDate(0, 0, 1)
	l, _, _ := e.db.Learner(ctx, "U1")
	for range 2 {
		if err := e.p.Send(ctx, l, tomorrow, &dm, bot.PostTag{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(dm.sent) != 2 || dm.sent[0].Round.Question != dm.sent[1].Round.Question || dm.sent[0].Round.Box != 1 {
		t.Fatalf("sent %d questions %+v; want the same box-1 question twice (a retry)", len(dm.sent), dm.sent)
	}
	if !strings.Contains(dm.sent[0].Text, "復習クイズ") {
		t.Errorf("text form: %q", dm.sent[0].Text)
	}
	d, _ := e.db.Drill(ctx, "U1", "2026-12-03")
	if d.Term != "VPN" {
		t.Errorf("drill term %q; want VPN", d.Term)
	}
	e.now = tomorrow
	if _, err := e.p.Handle(ctx, bot.Request{Platform: bot.Slack, UserID: "U1", Action: &bot.Action{ID: bot.ActionPracticeAnswer, Value: bot.EncodeAnswer("2026-12-03/U1", 0)}}); err != nil {
		t.Fatal(err)
	}
	if err := e.p.Send(ctx, l, tomorrow, &dm, bot.PostTag{}); err != nil || len(dm.sent) != 2 {
		t.Errorf("Send after the answer: %v, %d sent; want nothing sent again", err, len(dm.sent))
	}
}

type recorder struct{ sent []bot.Reply }

func (r *recorder) PostDirect(_ context.Context, _ string, reply bot.Reply) error {
	r.sent = append(r.sent, reply)
	return nil
}

// TestUnreachableLearnerTurnedOff: a DM refused for good (the person left
// the workspace) turns their practice off instead of failing every day.
func TestUnreachableLearnerTurnedOff(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.say(bot.Request{Text: "practice on", UserID: "U1"}); err != nil {
		t.Fatal(err)
	}
	rd := quiz.Round{ID: "r3", Channel: "C1", Question: quiz.Question{Question: "q", Choices: []string{"a", "b", "c", "d"}, Answer: 1, Term: "VPN"},
		Opened: e.now.Add(-2 * time.Hour), Closes: e.now.Add(-time.Hour)}
	e.db.CreateRound(ctx, rd)
	e.db.AddAnswer(ctx, quiz.Answer{RoundID: "r3", Channel: "C1", UserID: "U1", Choice: 0, At: rd.Opened.Add(time.Minute)})
	if err := e.p.Missed(ctx, rd); err != nil {
		t.Fatal(err)
	}
	l, _, _ := e.db.Learner(ctx, "U1")
	err := e.p.Send(ctx, l, e.now.AddDate(0, 0, 1), refusing{}, bot.PostTag{})
	if !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("Send = %v; want the permanent error", err)
	}
	if l, _, _ := e.db.Learner(ctx, "U1"); l.On {
		t.Error("practice still on for a person who cannot be sent DMs")
	}
	if ls, _ := e.p.Due(ctx, e.now.AddDate(0, 0, 2)); len(ls) != 0 {
		t.Errorf("still due: %v", ls)
	}
}

type refusing struct{}

func (refusing) PostDirect(context.Context, string, bot.Reply) error {
	return fmt.Errorf("user_not_found: %w", bot.ErrPermanent)
}
