package rounds_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/quiz/rounds"
	"secbot/store/sqlite"
)

// poster records what Rounds posts and updates; Update may be slow, and
// counts how many updates of one message run at once.
type poster struct {
	mu       sync.Mutex
	posts    []bot.Reply
	updates  map[string][]bot.Reply // message id → updates, in order
	inFlight map[string]int
	maxIn    int
	slow     time.Duration
	refuse   map[string]bool // channels secbot is not in
}

func newPoster() *poster {
	return &poster{updates: map[string][]bot.Reply{}, inFlight: map[string]int{}, refuse: map[string]bool{}}
}

func (p *poster) Post(_ context.Context, ch string, r bot.Reply) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refuse[ch] {
		return "", fmt.Errorf("post: not_in_channel: %w", bot.ErrPermanent)
	}
	p.posts = append(p.posts, r)
	return fmt.Sprintf("ts%d", len(p.posts)), nil
}

func (p *poster) Update(_ context.Context, _, id string, r bot.Reply) error {
	p.mu.Lock()
	p.inFlight[id]++
	p.maxIn = max(p.maxIn, p.inFlight[id])
	p.mu.Unlock()
	time.Sleep(p.slow)
	p.mu.Lock()
	p.inFlight[id]--
	p.updates[id] = append(p.updates[id], r)
	p.mu.Unlock()
	return nil
}

type env struct {
	t   *testing.T
	db  *sqlite.DB
	p   *poster
	rs  *rounds.Rounds
	mu  sync.Mutex
	now time.Time
}

var pack = &knowledge.Pack{
	Sections: []knowledge.Section{{ID: "4-1-1", Title: "IT投資の現状"}},
	Terms: []knowledge.Term{
		{Name: "IPS", Definition: "不正侵入防止システム。通信を監視し、不正な侵入を検知して遮断する。", Refs: []string{"4-1-1"}},
		{Name: "EDR", Definition: "端末の挙動を監視して脅威を検知・対応する仕組み。", Refs: []string{"4-1-1"}},
		{Name: "VPN", Definition: "インターネット上に仮想的な専用線を作る技術。", Refs: []string{"4-1-1"}},
		{Name: "SOC", Definition: "セキュリティ監視を専門に行う組織。", Refs: []string{"4-1-1"}},
		{Name: "WAF", Definition: "Webアプリケーションへの攻撃を防ぐファイアウォール。", Refs: []string{"4-1-1"}},
	},
}

func newEnv(t *testing.T, mod ...func(*rounds.Config)) *env {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "secbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{t: t, db: db, p: newPoster(), now: time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)}
	db.Now = e.clock
	cfg := rounds.Config{
		Pack: pack, Store: db, Location: time.UTC, Now: e.clock, UpdateEvery: 20 * time.Millisecond,
		Posters: func(string) (bot.Poster, error) { return e.p, nil },
		// What the scheduler would do for /quiz stop: reveal what is due.
		RunDue: func(ctx context.Context) error {
			due, err := db.DueRounds(ctx, e.clock())
			for _, r := range due {
				if _, err := e.rs.Reveal(ctx, r.ID, bot.PostTag{}); err != nil {
					return err
				}
			}
			return err
		},
	}
	for _, m := range mod {
		m(&cfg)
	}
	if e.rs, err = rounds.New(cfg); err != nil {
		t.Fatal(err)
	}
	// Card updates in flight finish before the store closes.
	t.Cleanup(func() { e.rs.Close(context.Background()) })
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// open posts a scheduled round in channel and returns it as stored.
func (e *env) open(channel string) quiz.Round {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.rs.OpenScheduled(ctx, channel, e.clock(), bot.PostTag{ID: "quiz/" + channel}); err != nil {
		e.t.Fatal(err)
	}
	r, err := e.db.OpenRound(ctx, channel)
	if err != nil || r.MessageID == "" {
		e.t.Fatalf("open round = %+v, %v", r, err)
	}
	return r
}

func (e *env) route(req bot.Request) bot.Reply {
	r := bot.NewRouter()
	r.Admins = map[string]bool{"UADMIN": true}
	r.Handle("quiz", e.rs.Handler(), rounds.Usage...)
	return r.Route(context.Background(), req)
}

func click(r quiz.Round, user string, choice int) bot.Request {
	return bot.Request{Platform: bot.Slack, UserID: user, UserName: user, ChannelID: r.Channel,
		Action: &bot.Action{ID: bot.ActionQuizAnswer, Value: bot.EncodeAnswer(r.ID, choice)}}
}

func TestAnswers(t *testing.T) {
	e := newEnv(t)
	r := e.open("C1")
	right, wrong := r.Question.Answer, (r.Question.Answer+1)%4

	// A right click: the asker learns privately that they were right; the
	// round card follows with the count.
	reply := e.route(click(r, "U1", right))
	if !reply.Private || reply.ReplaceOriginal || !strings.Contains(reply.Text, "正解です") {
		t.Fatalf("first click = %+v", reply)
	}
	if reply = e.route(click(r, "U2", wrong)); !strings.Contains(reply.Text, "不正解") {
		t.Errorf("wrong click = %q", reply.Text)
	}
	// A later click by U1: ignored, told so privately.
	reply = e.route(click(r, "U1", wrong))
	if !reply.Private || !strings.Contains(reply.Text, "回答済み") || !strings.Contains(reply.Text, quiz.ChoiceLetter(right)) {
		t.Errorf("second click = %+v", reply)
	}
	// Teams' "answer X" (Router.Normalize makes it /quiz answer X).
	letter := strings.ToLower(quiz.ChoiceLetter(right))
	reply = e.route(bot.Request{Platform: bot.Teams, UserID: "U3", ChannelID: "C1", Text: "answer " + letter})
	if !reply.Private || !strings.Contains(reply.Text, "正解です") {
		t.Errorf("text answer = %+v", reply)
	}
	// In a Teams channel everyone reads the reply: it must not tell
	// whether the answer was right, or the first answer would reveal it.
	reply = e.route(bot.Request{Platform: bot.Teams, PublicReplies: true, UserID: "U6", UserName: "Aiko", ChannelID: "C1", Text: "answer B"})
	if strings.Contains(reply.Text, "正解です") || strings.Contains(reply.Text, "不正解") || !strings.Contains(reply.Text, "Aiko さんの回答（B）を記録しました") {
		t.Errorf("public text answer = %q, want a receipt that keeps the answer secret", reply.Text)
	}
	if reply = e.route(bot.Request{UserID: "U4", ChannelID: "C1", Text: "answer Z"}); !strings.Contains(reply.Text, "A〜D") {
		t.Errorf("bad letter = %q", reply.Text)
	}
	if err := e.rs.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	ups := e.p.updates[r.MessageID]
	if len(ups) == 0 || ups[len(ups)-1].Round == nil || ups[len(ups)-1].Round.Answered != 4 || ups[len(ups)-1].Round.Revealed {
		t.Errorf("round card after 4 answers: %+v", ups)
	}
	// /quiz shows the open round privately.
	reply = e.route(bot.Request{UserID: "U4", ChannelID: "C1", Text: "/quiz"})
	if !reply.Private || reply.Round == nil || reply.Round.Answered != 4 || reply.Round.RoundID != r.ID {
		t.Errorf("/quiz = %+v", reply)
	}
	if reply = e.route(bot.Request{UserID: "U4", ChannelID: "C9", Text: "/quiz"}); !strings.Contains(reply.Text, "開催中のクイズはありません") {
		t.Errorf("/quiz with no round = %q", reply.Text)
	}
	// A button naming another channel's round: refused, nothing recorded.
	other := click(r, "U7", right)
	other.ChannelID = "C2"
	if reply = e.route(other); !strings.Contains(reply.Text, "このチャンネルのクイズのものではありません") {
		t.Errorf("click with another channel's round = %q", reply.Text)
	}
	// After the close, answers are refused.
	e.advance(25 * time.Hour)
	if reply = e.route(click(r, "U5", right)); !strings.Contains(reply.Text, "締め切られました") {
		t.Errorf("late click = %q", reply.Text)
	}
	bad := click(r, "U5", 0)
	bad.Action.Value = "garbage"
	if reply = e.route(bad); !strings.Contains(reply.Text, "読み取れません") {
		t.Errorf("garbage button = %q", reply.Text)
	}
	as, _ := e.db.Answers(context.Background(), quiz.Filter{})
	if len(as) != 4 {
		t.Errorf("answers = %+v, want U1, U2, U3, U6 once each", as)
	}
}

// TestEarliestAnswerCounts: deliveries of one person's clicks may arrive
// out of order; the click made first counts.
func TestEarliestAnswerCounts(t *testing.T) {
	e := newEnv(t)
	r := e.open("C1")
	first, second := click(r, "U1", 2), click(r, "U1", 3)
	first.At, second.At = e.clock().Add(time.Second), e.clock().Add(2*time.Second)
	e.advance(5 * time.Second)
	e.route(second) // delivered first
	e.route(first)
	as, _ := e.db.Answers(context.Background(), quiz.Filter{})
	if len(as) != 1 || as[0].Choice != 2 {
		t.Errorf("answers = %+v, want the first click's choice (C)", as)
	}
}

// TestCardUpdatesCoalesced: a burst of clicks on one round updates its card
// at most once per UpdateEvery, one update at a time, and the card ends
// showing the stored count.
func TestCardUpdatesCoalesced(t *testing.T) {
	const every = 50 * time.Millisecond
	e := newEnv(t, func(c *rounds.Config) { c.UpdateEvery, c.Now = every, time.Now })
	e.p.slow = 30 * time.Millisecond
	e.now = time.Now()
	r := e.open("C1")
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range 600 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if reply := e.route(click(r, fmt.Sprintf("U%03d", i), i%4)); !reply.Private || reply.Text == bot.Apology {
				t.Errorf("click %d = %q", i, reply.Text)
			}
		}()
	}
	wg.Wait()
	if err := e.rs.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	ups := e.p.updates[r.MessageID]
	if limit := int(elapsed/every) + 2; len(ups) > limit {
		t.Errorf("%d card updates in %s, want at most %d (one per %s)", len(ups), elapsed, limit, every)
	}
	if e.p.maxIn != 1 {
		t.Errorf("%d updates of one card ran at once, want 1", e.p.maxIn)
	}
	tally, _ := e.db.Tally(context.Background(), r.ID)
	if last := ups[len(ups)-1]; last.Round.Answered != tally.Answered || tally.Answered != 600 {
		t.Errorf("card shows %d answered, store has %d; want 600", last.Round.Answered, tally.Answered)
	}
}

func TestLeaderboard(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r1 := e.open("C1")
	e.route(click(r1, "sato", r1.Question.Answer))
	e.route(click(r1, "suzuki", (r1.Question.Answer+1)%4))
	e.advance(25 * time.Hour)
	if _, err := e.rs.Reveal(ctx, r1.ID, bot.PostTag{}); err != nil {
		t.Fatal(err)
	}
	r2 := e.open("C2")
	e.route(click(r2, "suzuki", r2.Question.Answer))
	e.route(click(r2, "tanaka", r2.Question.Answer)) // open round: not counted yet
	for _, tt := range []struct {
		text, title, first string
		rows               int
	}{
		{"leaderboard", "今週", "sato", 2},
		{"leaderboard all", "通算", "sato", 2},
		{"ranking channel", "このチャンネル", "sato", 2},
	} {
		reply := e.route(bot.Request{UserID: "U9", ChannelID: "C1", Command: "quiz", Text: tt.text})
		if reply.Board == nil || !strings.Contains(reply.Board.Title, tt.title) || len(reply.Board.Rows) != tt.rows ||
			reply.Board.Rows[0].UserID != tt.first || !reply.Private {
			t.Errorf("/quiz %s = %+v", tt.text, reply.Board)
		}
		if strings.Contains(reply.Text, "tanaka") {
			t.Errorf("/quiz %s shows an open round's answers:\n%s", tt.text, reply.Text)
		}
	}
}

func TestAdminCommands(t *testing.T) {
	e := newEnv(t)
	for _, text := range []string{"/quiz start", "/quiz stop"} {
		if reply := e.route(bot.Request{UserID: "U1", ChannelID: "C1", Text: text}); !strings.Contains(reply.Text, "管理者だけ") {
			t.Errorf("%s by a non-admin = %q", text, reply.Text)
		}
	}
	if len(e.p.posts) != 0 {
		t.Fatalf("a non-admin posted a round: %+v", e.p.posts)
	}
	reply := e.route(bot.Request{UserID: "UADMIN", ChannelID: "C1", Text: "/quiz start"})
	if !strings.Contains(reply.Text, "開始しました") || len(e.p.posts) != 1 || e.p.posts[0].Round == nil {
		t.Fatalf("admin start = %q, posts %+v", reply.Text, e.p.posts)
	}
	if reply = e.route(bot.Request{UserID: "UADMIN", ChannelID: "C1", Text: "/quiz start"}); !strings.Contains(reply.Text, "すでにクイズを開催中") {
		t.Errorf("second start = %q", reply.Text)
	}
	reply = e.route(bot.Request{UserID: "UADMIN", ChannelID: "C1", Text: "/quiz stop"})
	if !strings.Contains(reply.Text, "締め切り") || len(e.p.posts) != 2 || !e.p.posts[1].Round.Revealed {
		t.Errorf("admin stop = %q; posts %+v, want the reveal posted", reply.Text, e.p.posts)
	}
	if reply = e.route(bot.Request{UserID: "UADMIN", ChannelID: "C1", Text: "/quiz stop"}); !strings.Contains(reply.Text, "開催中のクイズはありません") {
		t.Errorf("admin stop with none open = %q", reply.Text)
	}
	if reply = e.route(bot.Request{UserID: "U1", ChannelID: "C1", Text: "/quiz frobnicate"}); !strings.Contains(reply.Text, "使い方") {
		t.Errorf("unknown subcommand = %q", reply.Text)
	}
	// Where secbot is not invited: an invitation hint, not the apology,
	// and no round left open.
	e.p.refuse["CNOTIN"] = true
	reply = e.route(bot.Request{UserID: "UADMIN", ChannelID: "CNOTIN", Text: "/quiz start"})
	if !strings.Contains(reply.Text, "/invite @secbot") || reply.Text == bot.Apology {
		t.Errorf("/quiz start where secbot is not invited = %q", reply.Text)
	}
	if _, err := e.db.OpenRound(context.Background(), "CNOTIN"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("a round that could not be posted stays open: %v", err)
	}
}

// TestScheduledRoundsFollowTheCurriculum: a channel's weekly rounds ask what
// `secbot quiz plan` says they will, every askable term before any comes
// back.
func TestScheduledRoundsFollowTheCurriculum(t *testing.T) {
	full, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *rounds.Config) { c.Pack = full })
	ctx := context.Background()
	seasons := quiz.DefaultSeasons(time.UTC)
	// Seventeen Mondays from 2026-11-30 stay within the fiscal year 2026.
	plan := quiz.Plan(full, "C1", seasons.At(e.clock()), nil, 17)
	seen := map[string]bool{}
	for i, want := range plan {
		slot := e.clock()
		if _, err := e.rs.OpenScheduled(ctx, "C1", slot, bot.PostTag{}); err != nil {
			t.Fatal(err)
		}
		r, err := e.db.Round(ctx, e.rs.ScheduledID("C1", slot))
		if err != nil {
			t.Fatal(err)
		}
		if r.Question.Term != want.Term {
			t.Errorf("round %d asks %s, the plan said %s", i+1, r.Question.Term, want.Term)
		}
		if seen[r.Question.Term] {
			t.Errorf("round %d asks %s again before the others", i+1, r.Question.Term)
		}
		seen[r.Question.Term] = true
		e.advance(7 * 24 * time.Hour)
		if _, err := e.rs.Reveal(ctx, r.ID, bot.PostTag{}); err != nil {
			t.Fatal(err)
		}
	}
}

// counting is a poster that can tell a channel's member count.
type counting struct {
	*poster
	n int
}

func (c counting) Members(context.Context, string) (int, error) { return c.n, nil }

// TestRoundRecordsMembers: a round posted where the platform tells the
// channel's member count keeps it, for HR's participation rate.
func TestRoundRecordsMembers(t *testing.T) {
	e := newEnv(t)
	withCount := counting{e.p, 37}
	rs, err := rounds.New(rounds.Config{Pack: pack, Store: e.db, Location: time.UTC, Now: e.clock,
		Posters: func(string) (bot.Poster, error) { return withCount, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.OpenScheduled(context.Background(), "C7", e.clock(), bot.PostTag{}); err != nil {
		t.Fatal(err)
	}
	got, err := e.db.RoundMembers(context.Background(), quiz.Filter{Channel: "C7"})
	if err != nil || got[rs.ScheduledID("C7", e.clock())] != 37 {
		t.Errorf("RoundMembers = %v, %v; want 37", got, err)
	}
}
