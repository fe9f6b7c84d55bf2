package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"secbot/knowledge"
	"secbot/quiz"
)

// fakeQuizStore is an in-memory QuizStore.
type fakeQuizStore struct {
	rounds  map[string]quiz.Round
	answers []quiz.Answer
}

var _ QuizStore = (*fakeQuizStore)(nil)

func (f *fakeQuizStore) OpenRound(_ context.Context, ch string) (quiz.Round, error) {
	for _, r := range f.rounds {
		if r.Channel == ch && !r.Revealed {
			return r, nil
		}
	}
	return quiz.Round{}, quiz.ErrNotFound
}

func (f *fakeQuizStore) Round(_ context.Context, id string) (quiz.Round, error) {
	r, ok := f.rounds[id]
	if !ok {
		return r, quiz.ErrNotFound
	}
	return r, nil
}

func (f *fakeQuizStore) AddAnswer(_ context.Context, a quiz.Answer) (quiz.Answer, bool, error) {
	for _, b := range f.answers {
		if b.RoundID == a.RoundID && b.UserID == a.UserID {
			return b, false, nil
		}
	}
	f.answers = append(f.answers, a)
	return a, true, nil
}

func (f *fakeQuizStore) Tally(_ context.Context, id string) (quiz.Tally, error) {
	var t quiz.Tally
	for _, a := range f.answers {
		if a.RoundID == id {
			t.Answered++
			if a.Correct {
				t.Correct++
			}
		}
	}
	return t, nil
}

func (f *fakeQuizStore) Answers(_ context.Context, flt quiz.Filter) ([]quiz.Answer, error) {
	var out []quiz.Answer
	for _, a := range f.answers {
		if flt.Channel != "" && a.Channel != flt.Channel || !flt.From.IsZero() && a.At.Before(flt.From) ||
			flt.Revealed && !f.rounds[a.RoundID].Revealed {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

type fakeControl struct {
	started, stopped []string
	startErr         error
}

var _ RoundControl = (*fakeControl)(nil)

func (f *fakeControl) StartRound(_ context.Context, ch string) (quiz.Round, error) {
	f.started = append(f.started, ch)
	if f.startErr != nil {
		return quiz.Round{}, f.startErr
	}
	return quiz.Round{ID: "m1", Channel: ch, Closes: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}, nil
}

func (f *fakeControl) StopRound(_ context.Context, ch string) (quiz.Round, error) {
	f.stopped = append(f.stopped, ch)
	return quiz.Round{}, quiz.ErrNotFound
}

func TestEncodeDecodeAnswer(t *testing.T) {
	for _, id := range []string{"r1", "20261130T1000-C0987654321", "20261130T1000-teams:exec"} {
		v := EncodeAnswer(id, 3)
		gotID, choice, err := DecodeAnswer(v)
		if err != nil || gotID != id || choice != 3 {
			t.Errorf("DecodeAnswer(EncodeAnswer(%q, 3)) = %q %d %v", id, gotID, choice, err)
		}
	}
	if v := EncodeAnswer("r1", 2); v != "r1|2" {
		t.Errorf("EncodeAnswer = %q, want r1|2 (the Slack adapter's format)", v)
	}
	for _, bad := range []string{"", "r1", "|2", "r1|x", "r1|-1"} {
		if _, _, err := DecodeAnswer(bad); err == nil {
			t.Errorf("DecodeAnswer(%q) succeeded", bad)
		}
	}
}

func newQuizRouter(st *fakeQuizStore, ctl *fakeControl, now *time.Time) *Router {
	r := NewRouter()
	r.Admins = map[string]bool{"UADMIN": true}
	r.Handle("quiz", NewQuizHandler(QuizConfig{
		Pack:  &knowledge.Pack{Sections: []knowledge.Section{{ID: "4-1-1", Title: "IT投資の現状"}}},
		Store: st, Control: ctl, Location: time.UTC, Now: func() time.Time { return *now },
	}), QuizUsage...)
	return r
}

func TestQuizAnswers(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	q := quiz.Question{Question: "どれ？", Choices: []string{"EDR", "IPS", "VPN", "SOC"}, Answer: 1, Term: "IPS", Explanation: "「IPS」：…", Section: "4-1-1"}
	st := &fakeQuizStore{rounds: map[string]quiz.Round{
		"r1": {ID: "r1", Channel: "C1", Question: q, Opened: now.Add(-time.Hour), Closes: now.Add(time.Hour), MessageID: "ts1"},
	}}
	r := newQuizRouter(st, &fakeControl{}, &now)
	click := func(user string, choice int) Reply {
		return r.Route(ctx, Request{Platform: Slack, UserID: user, UserName: user, ChannelID: "C1",
			Action: &Action{ID: ActionQuizAnswer, Value: EncodeAnswer("r1", choice)}})
	}

	// A right click: the round message is replaced with the new count, and
	// the asker learns privately that they were right.
	reply := click("U1", 1)
	if !reply.ReplaceOriginal || reply.Private || reply.Round == nil || reply.Round.Answered != 1 || reply.Round.Revealed {
		t.Fatalf("first click = %+v", reply)
	}
	if len(reply.Also) != 1 || !reply.Also[0].Private || !strings.Contains(reply.Also[0].Text, "正解です") {
		t.Errorf("first click's private note = %+v", reply.Also)
	}
	// A wrong one.
	reply = click("U2", 0)
	if reply.Round.Answered != 2 || !strings.Contains(reply.Also[0].Text, "不正解") {
		t.Errorf("wrong click = %+v", reply)
	}
	// A later click by U1: ignored, told so privately, nothing replaced.
	reply = click("U1", 3)
	if !reply.Private || reply.ReplaceOriginal || !strings.Contains(reply.Text, "回答済み") || !strings.Contains(reply.Text, "B") {
		t.Errorf("second click = %+v", reply)
	}
	// Teams' "answer C" (Router.Normalize makes it /quiz answer C).
	reply = r.Route(ctx, Request{Platform: Teams, UserID: "U3", ChannelID: "C1", Text: "answer ｂ"})
	if !reply.Private || !strings.Contains(reply.Text, "正解です") {
		t.Errorf("text answer = %+v", reply)
	}
	// In a Teams channel everyone reads the reply: it must not tell
	// whether the answer was right, or the first answer would reveal it.
	reply = r.Route(ctx, Request{Platform: Teams, PublicReplies: true, UserID: "U6", UserName: "Aiko", ChannelID: "C1", Text: "answer B"})
	if strings.Contains(reply.Text, "正解です") || strings.Contains(reply.Text, "不正解") || !strings.Contains(reply.Text, "Aiko さんの回答（B）を記録しました") {
		t.Errorf("public text answer = %q, want a receipt that keeps the answer secret", reply.Text)
	}
	if len(st.answers) != 4 || st.answers[0].Choice != 1 || !st.answers[0].Correct {
		t.Errorf("answers = %+v", st.answers)
	}
	reply = r.Route(ctx, Request{UserID: "U4", ChannelID: "C1", Text: "answer Z"})
	if !strings.Contains(reply.Text, "A〜D") {
		t.Errorf("bad letter = %q", reply.Text)
	}
	// /quiz shows the open round privately.
	reply = r.Route(ctx, Request{UserID: "U4", ChannelID: "C1", Text: "/quiz"})
	if !reply.Private || reply.Round == nil || reply.Round.Answered != 4 || reply.Round.RoundID != "r1" {
		t.Errorf("/quiz = %+v", reply)
	}
	reply = r.Route(ctx, Request{UserID: "U4", ChannelID: "C9", Text: "/quiz"})
	if !strings.Contains(reply.Text, "開催中のクイズはありません") {
		t.Errorf("/quiz with no round = %q", reply.Text)
	}
	// After the close, answers are refused.
	now = now.Add(2 * time.Hour)
	reply = click("U5", 1)
	if !reply.Private || !strings.Contains(reply.Text, "締め切られました") {
		t.Errorf("late click = %+v", reply)
	}
	reply = r.Route(ctx, Request{UserID: "U5", ChannelID: "C1", Action: &Action{ID: ActionQuizAnswer, Value: "garbage"}})
	if !strings.Contains(reply.Text, "読み取れません") {
		t.Errorf("garbage button = %q", reply.Text)
	}
}

func TestQuizLeaderboard(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC) // Wednesday
	st := &fakeQuizStore{rounds: map[string]quiz.Round{
		"old":  {ID: "old", Channel: "C1", Revealed: true},
		"new":  {ID: "new", Channel: "C2", Revealed: true},
		"open": {ID: "open", Channel: "C1"},
	}, answers: []quiz.Answer{
		{RoundID: "old", Channel: "C1", UserID: "U1", UserName: "sato", Correct: true, At: now.AddDate(0, 0, -10)},
		{RoundID: "new", Channel: "C2", UserID: "U2", UserName: "suzuki", Correct: true, At: now.AddDate(0, 0, -1)},
		{RoundID: "new", Channel: "C2", UserID: "U1", UserName: "sato", Correct: false, At: now.AddDate(0, 0, -1)},
		{RoundID: "open", Channel: "C1", UserID: "U3", UserName: "tanaka", Correct: true, At: now},
	}}
	r := newQuizRouter(st, &fakeControl{}, &now)
	tests := []struct {
		text  string
		title string
		first string
		rows  int
	}{
		{"leaderboard", "今週", "suzuki", 2},
		{"leaderboard all", "通算", "suzuki", 2},
		{"ranking channel", "このチャンネル", "sato", 1},
	}
	for _, tt := range tests {
		reply := r.Route(ctx, Request{UserID: "U9", ChannelID: "C1", Command: "quiz", Text: tt.text})
		if reply.Board == nil || !strings.Contains(reply.Board.Title, tt.title) || len(reply.Board.Rows) != tt.rows ||
			reply.Board.Rows[0].UserName != tt.first || !reply.Private {
			t.Errorf("/quiz %s = %+v", tt.text, reply.Board)
		}
		if strings.Contains(reply.Text, "tanaka") {
			t.Errorf("/quiz %s shows an open round's answers:\n%s", tt.text, reply.Text)
		}
	}
}

func TestQuizAdminCommands(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	ctl := &fakeControl{}
	r := newQuizRouter(&fakeQuizStore{rounds: map[string]quiz.Round{}}, ctl, &now)
	for _, text := range []string{"/quiz start", "/quiz stop"} {
		reply := r.Route(ctx, Request{UserID: "U1", ChannelID: "C1", Text: text})
		if !reply.Private || !strings.Contains(reply.Text, "管理者だけ") {
			t.Errorf("%s by a non-admin = %q", text, reply.Text)
		}
	}
	if len(ctl.started)+len(ctl.stopped) != 0 {
		t.Fatalf("a non-admin reached the control: %+v", ctl)
	}
	reply := r.Route(ctx, Request{UserID: "UADMIN", ChannelID: "C1", Text: "/quiz start"})
	if !strings.Contains(reply.Text, "開始しました") || len(ctl.started) != 1 {
		t.Errorf("admin start = %q", reply.Text)
	}
	reply = r.Route(ctx, Request{UserID: "UADMIN", ChannelID: "C1", Text: "/quiz stop"})
	if !strings.Contains(reply.Text, "開催中のクイズはありません") {
		t.Errorf("admin stop with none open = %q", reply.Text)
	}
	reply = r.Route(ctx, Request{UserID: "U1", ChannelID: "C1", Text: "/quiz frobnicate"})
	if !strings.Contains(reply.Text, "使い方") {
		t.Errorf("unknown subcommand = %q", reply.Text)
	}
}

func TestRoundReply(t *testing.T) {
	q := quiz.Question{Question: "どれ？", Choices: []string{"EDR", "IPS", "VPN", "SOC"}, Answer: 1, Explanation: "「IPS」：不正侵入防止", Section: "4-1-1"}
	pack := &knowledge.Pack{Sections: []knowledge.Section{{ID: "4-1-1", Title: "IT投資の現状"}}}
	r := quiz.Round{ID: "r1", Question: q, Closes: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}
	open := RoundReply(NewRoundCard(pack, r, quiz.Tally{Answered: 3, Correct: 2}, time.UTC))
	if open.Round.Revealed || open.Round.Correct != 0 || strings.Contains(open.Text, "正解") || !strings.Contains(open.Text, "回答済み: 3人") {
		t.Errorf("open round leaks or miscounts: %+v\n%s", open.Round, open.Text)
	}
	r.Revealed = true
	rev := RoundReply(NewRoundCard(pack, r, quiz.Tally{Answered: 3, Correct: 2}, time.UTC))
	for _, want := range []string{"正解: B. IPS", "不正侵入防止", "4-1-1 IT投資の現状", "66%"} {
		if !strings.Contains(rev.Text, want) {
			t.Errorf("reveal lacks %q:\n%s", want, rev.Text)
		}
	}
}

// TestQuizStartWhereSecbotCannotPost: a channel secbot is not in gets an
// invitation hint, not the internal-error apology.
func TestQuizStartWhereSecbotCannotPost(t *testing.T) {
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	ctl := &fakeControl{startErr: fmt.Errorf("post round: not_in_channel: %w", ErrPermanent)}
	r := newQuizRouter(&fakeQuizStore{rounds: map[string]quiz.Round{}}, ctl, &now)
	reply := r.Route(context.Background(), Request{UserID: "UADMIN", ChannelID: "CNOTIN", Text: "/quiz start"})
	if !reply.Private || !strings.Contains(reply.Text, "/invite @secbot") || reply.Text == Apology {
		t.Errorf("/quiz start where secbot is not invited = %q", reply.Text)
	}
}
