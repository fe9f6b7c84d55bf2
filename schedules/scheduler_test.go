package schedules_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/quiz/practice"
	"secbot/quiz/rounds"
	"secbot/schedules"
	"secbot/store/sqlite"
)

var tokyo = mustLoad("Asia/Tokyo")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a time in Tokyo: at(30, 9, 0) is Monday 2026-11-30 09:00.
func at(day, hour, min int) time.Time {
	return time.Date(2026, 11, day, hour, min, 0, 0, tokyo)
}

func testPack() *knowledge.Pack {
	p := &knowledge.Pack{Sections: []knowledge.Section{{ID: "4-3-1", Title: "経営者が重要視すべきポイント"}, {ID: "4-1-1", Title: "IT投資の現状"}}}
	for i, name := range []string{"EDR", "IPS", "VPN", "CSIRT", "BCP", "SOC"} {
		p.Terms = append(p.Terms, knowledge.Term{Name: name, Definition: fmt.Sprintf("セキュリティの仕組みその%dについての説明文です。", i+1), Refs: []string{"4-1-1"}})
	}
	for i := range 5 {
		p.Tips = append(p.Tips, knowledge.Tip{ID: fmt.Sprintf("4-3-1-%02d", i+1), Section: "4-3-1", Title: fmt.Sprintf("ヒント%d", i+1), Body: "本文。", Terms: []string{"EDR"}})
	}
	return p
}

// fakePoster records what is posted. fail, when set, decides an error per
// channel and call.
type fakePoster struct {
	mu      sync.Mutex
	posts   []post
	updates []post
	dms     []post
	fail    func(channel string, n int) error
	calls   map[string]int
}

type post struct {
	channel, id string
	reply       bot.Reply
}

var (
	_ bot.Poster       = (*fakePoster)(nil)
	_ bot.DirectPoster = (*fakePoster)(nil)
)

func (f *fakePoster) Post(_ context.Context, channel string, r bot.Reply) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[channel]++
	if f.fail != nil {
		if err := f.fail(channel, f.calls[channel]); err != nil {
			return "", err
		}
	}
	if r.Tag.Recheck {
		// Like Slack's poster: look for the post made under this tag.
		for _, p := range f.posts {
			if p.reply.Tag.ID == r.Tag.ID && p.channel == channel {
				return p.id, nil
			}
		}
	}
	id := fmt.Sprintf("ts%d", len(f.posts)+1)
	f.posts = append(f.posts, post{channel, id, r})
	return id, nil
}

func (f *fakePoster) Update(_ context.Context, channel, id string, r bot.Reply) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, post{channel, id, r})
	return nil
}

func (f *fakePoster) PostDirect(_ context.Context, user string, r bot.Reply) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dms = append(f.dms, post{user, "", r})
	return nil
}

func (f *fakePoster) snapshot() (posts, updates, dms []post) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]post(nil), f.posts...), append([]post(nil), f.updates...), append([]post(nil), f.dms...)
}

type env struct {
	t      *testing.T
	window time.Duration // the rounds' answer window (24h)
	remind time.Duration // the closing reminder (none)
	// practice wires spaced practice into the rounds and the scheduler.
	practice bool
	rounds   map[*schedules.Scheduler]*rounds.Rounds
	path     string
	// now is the injected clock: the test sets it while the rounds'
	// card goroutines read it.
	nowMu sync.Mutex
	now   time.Time
	p     *fakePoster
	log   *bytes.Buffer
	logMu sync.Mutex
}

// clock returns the injected time.
func (e *env) clock() time.Time {
	e.nowMu.Lock()
	defer e.nowMu.Unlock()
	return e.now
}

// setNow sets the injected time.
func (e *env) setNow(t time.Time) {
	e.nowMu.Lock()
	defer e.nowMu.Unlock()
	e.now = t
}

func newEnv(t *testing.T) *env {
	return &env{t: t, path: filepath.Join(t.TempDir(), "secbot.db"), p: &fakePoster{}, log: &bytes.Buffer{}}
}

func (e *env) Write(b []byte) (int, error) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.log.Write(b)
}

func (e *env) logs() string {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.log.String()
}

// open opens the store and a scheduler on it, as a process starting would.
func (e *env) open(mod ...func(*schedules.Config)) (*schedules.Scheduler, *sqlite.DB) {
	e.t.Helper()
	db, err := sqlite.Open(e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	clock := e.clock
	db.Now = clock
	cfg := schedules.Config{
		Location: tokyo, Pack: testPack(), Store: db,
		TipSpec: "0 9 * * 1-5", TipChannels: []string{"C1", "C2"},
		QuizSpec: "0 10 * * 1", QuizChannels: []string{"CQ"},
		Posters: func(string) (bot.Poster, error) { return e.p, nil },
		Direct:  func(bot.Platform) (bot.DirectPoster, bool) { return e.p, true },
		Now:     clock,
		Log:     slog.New(slog.NewTextHandler(e, nil)),
	}
	for _, m := range mod {
		m(&cfg)
	}
	var s *schedules.Scheduler
	rcfg := rounds.Config{Pack: cfg.Pack, Store: db, Posters: cfg.Posters, Location: cfg.Location,
		AnswerWindow: e.window, RemindBefore: e.remind, Now: clock, Log: cfg.Log, RunDue: func(ctx context.Context) error { return s.RunNow(ctx) }}
	if e.practice {
		spec, err := schedules.ParseSpec(cfg.TipSpec, cfg.Location)
		if err != nil {
			e.t.Fatal(err)
		}
		pr, err := practice.New(practice.Config{Pack: cfg.Pack, Store: db, Location: cfg.Location,
			Days: schedules.NewTips(cfg.Pack, spec, cfg.Location), Direct: func(bot.Platform) bool { return true }, Now: clock, Log: cfg.Log})
		if err != nil {
			e.t.Fatal(err)
		}
		rcfg.Practice, cfg.Practice = pr, pr
	}
	rs, err := rounds.New(rcfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if cfg.QuizSpec != "" || cfg.Rounds == nil {
		cfg.Rounds = rs
	}
	s, err = schedules.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if e.rounds == nil {
		e.rounds = map[*schedules.Scheduler]*rounds.Rounds{}
	}
	e.rounds[s] = rs
	return s, db
}

// roundsOf returns the rounds owner the scheduler s was opened with.
func (e *env) roundsOf(s *schedules.Scheduler) *rounds.Rounds { return e.rounds[s] }

func (e *env) run(s *schedules.Scheduler, t time.Time) {
	e.t.Helper()
	e.setNow(t)
	if err := s.RunDue(context.Background(), t); err != nil {
		e.t.Fatalf("RunDue(%s): %v", t, err)
	}
}

// updates returns the message updates the fake poster received.
func updates(e *env) []post {
	_, u, _ := e.p.snapshot()
	return u
}

func countTo(posts []post, channel string) int {
	n := 0
	for _, p := range posts {
		if p.channel == channel {
			n++
		}
	}
	return n
}

func TestTipSlotsPostedOnce(t *testing.T) {
	e := newEnv(t)
	noQuiz := func(c *schedules.Config) { c.QuizSpec = "" }
	s, db := e.open(noQuiz)
	// First start, Monday 08:59: last week's slots are too old: not
	// posted, and not called missed — nothing ran before to miss them.
	e.run(s, at(30, 8, 59))
	if posts, _, _ := e.p.snapshot(); len(posts) != 0 {
		t.Fatalf("posted before the slot: %+v", posts)
	}
	if strings.Contains(e.logs(), "missed") {
		t.Errorf("the first start warned of missed slots:\n%s", e.logs())
	}
	if cs, _ := db.Claims(context.Background(), schedules.JobTip); len(cs) != 0 {
		t.Errorf("the first start stored %d claims for slots it did not post", len(cs))
	}
	e.run(s, at(30, 9, 0))
	e.run(s, at(30, 9, 1))
	e.run(s, at(30, 12, 0))
	posts, _, _ := e.p.snapshot()
	if countTo(posts, "C1") != 1 || countTo(posts, "C2") != 1 || len(posts) != 2 {
		t.Fatalf("posts = %+v, want one tip each in C1 and C2", posts)
	}
	// What was posted is what `secbot tip --date 2026-11-30 --channel C1` shows.
	for _, p := range posts {
		want, day, err := s.Tips().TipFor(p.channel, at(30, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if p.reply.Tip == nil || p.reply.Tip.Tip.ID != want.ID || p.reply.Tip.Date != "2026-11-30" || !day.Equal(at(30, 0, 0)) {
			t.Errorf("%s got %+v, want tip %s of 2026-11-30", p.channel, p.reply.Tip, want.ID)
		}
		if p.reply.Tip.SectionTitle == "" || len(p.reply.Tip.Related) == 0 {
			t.Errorf("tip card lacks section title or related terms: %+v", p.reply.Tip)
		}
	}
	// A restart the same day posts nothing again.
	db.Close()
	s, _ = e.open(noQuiz)
	e.run(s, at(30, 9, 30))
	if posts, _, _ := e.p.snapshot(); len(posts) != 2 {
		t.Errorf("restart re-posted: %d posts", len(posts))
	}
	// Tuesday's slot.
	e.run(s, at(31, 9, 0)) // 2026-11-31 is 2026-12-01
	if posts, _, _ := e.p.snapshot(); len(posts) != 4 {
		t.Errorf("Tuesday: %d posts, want 4", len(posts))
	}
}

func TestTwoSchedulersOneStore(t *testing.T) {
	e := newEnv(t)
	s1, _ := e.open(func(c *schedules.Config) { c.Owner = "one" })
	s2, _ := e.open(func(c *schedules.Config) { c.Owner = "two" })
	e.setNow(at(30, 10, 0))
	for _, tm := range []time.Time{at(30, 9, 0), at(30, 10, 0), at(30, 10, 1), at(31, 9, 0), at(31, 10, 0)} {
		e.setNow(tm)
		var wg sync.WaitGroup
		for _, s := range []*schedules.Scheduler{s1, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.RunDue(context.Background(), tm); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	posts, updates, _ := e.p.snapshot()
	// Mon: 2 tips + 1 round; Tue: 2 tips + 1 reveal post (and one update).
	if countTo(posts, "C1") != 2 || countTo(posts, "C2") != 2 || countTo(posts, "CQ") != 2 || len(updates) != 1 {
		t.Fatalf("posts = %v, updates = %d; want each slot once", channelsOf(posts), len(updates))
	}
}

func channelsOf(ps []post) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.channel)
	}
	return out
}

func TestCatchUpWithinGrace(t *testing.T) {
	e := newEnv(t)
	s, db := e.open()
	e.run(s, at(27, 9, 0)) // Friday: posted
	db.Close()
	// Down over the weekend; back Monday 10:30, within 2h of 09:00.
	s, db = e.open()
	e.run(s, at(30, 10, 30))
	posts, _, _ := e.p.snapshot()
	if countTo(posts, "C1") != 2 {
		t.Fatalf("C1 posts = %d, want Friday's and Monday's caught up", countTo(posts, "C1"))
	}
	if !strings.Contains(e.logs(), "catching up a missed slot") {
		t.Errorf("catch-up not logged")
	}
	e.run(s, at(30, 10, 31))
	if posts, _, _ := e.p.snapshot(); countTo(posts, "C1") != 2 {
		t.Errorf("caught up twice")
	}
	// Down all Tuesday morning; back at 11:30, past the grace window.
	db.Close()
	s, _ = e.open()
	e.run(s, at(31, 11, 30))
	if posts, _, _ := e.p.snapshot(); countTo(posts, "C1") != 2 {
		t.Errorf("a slot older than the grace window was posted")
	}
	if !strings.Contains(e.logs(), "slots missed while no process ran were not posted") {
		t.Errorf("the missed slot was not logged:\n%s", e.logs())
	}
}

func TestQuizRoundSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	s, db := e.open()
	ctx := context.Background()
	e.run(s, at(30, 10, 0))
	posts, _, _ := e.p.snapshot()
	if countTo(posts, "CQ") != 1 {
		t.Fatalf("round posts = %d", countTo(posts, "CQ"))
	}
	roundMsg := posts[len(posts)-1]
	card := roundMsg.reply.Round
	if card == nil || card.Revealed || len(card.Choices) != 4 {
		t.Fatalf("round message = %+v", roundMsg.reply)
	}
	r, err := db.OpenRound(ctx, "CQ")
	if err != nil || r.MessageID != roundMsg.id || !r.Closes.Equal(at(31, 10, 0)) {
		t.Fatalf("open round = %+v, %v", r, err)
	}
	// Two people answer; one of them twice.
	h := e.roundsOf(s).Handler()
	right, wrong := r.Question.Answer, (r.Question.Answer+1)%4
	e.setNow(at(30, 11, 0))
	h.Handle(ctx, bot.Request{UserID: "U1", UserName: "sato", ChannelID: "CQ", Action: &bot.Action{ID: bot.ActionQuizAnswer, Value: bot.EncodeAnswer(r.ID, right)}})
	h.Handle(ctx, bot.Request{UserID: "U2", UserName: "suzuki", ChannelID: "CQ", Action: &bot.Action{ID: bot.ActionQuizAnswer, Value: bot.EncodeAnswer(r.ID, wrong)}})

	// The round card follows the count.
	if err := e.roundsOf(s).Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, updates, _ := e.p.snapshot(); len(updates) == 0 || updates[len(updates)-1].id != roundMsg.id ||
		updates[len(updates)-1].reply.Round.Answered != 2 || updates[len(updates)-1].reply.Round.Revealed {
		t.Fatalf("round card after two answers: %+v", updates)
	}
	cardUpdates := len(updates(e))

	// Kill the process mid-round.
	db.Close()
	s, db = e.open()
	h = e.roundsOf(s).Handler()
	reply, _ := h.Handle(ctx, bot.Request{UserID: "U2", ChannelID: "CQ", Action: &bot.Action{ID: bot.ActionQuizAnswer, Value: bot.EncodeAnswer(r.ID, right)}})
	if !reply.Private || !strings.Contains(reply.Text, "回答済み") {
		t.Errorf("second click after restart = %+v, want a private 'already answered'", reply)
	}
	e.run(s, at(31, 9, 59))
	if len(updates(e)) != cardUpdates {
		t.Fatalf("revealed early")
	}
	e.run(s, at(31, 10, 0))
	posts, all, _ := e.p.snapshot()
	if ups := all[cardUpdates:]; len(ups) != 1 || ups[0].id != roundMsg.id || !ups[0].reply.Round.Revealed {
		t.Fatalf("round message not updated to revealed: %+v", ups)
	}
	last := posts[len(posts)-1]
	rc := last.reply.Round
	if last.channel != "CQ" || rc == nil || !rc.Revealed || rc.Answered != 2 || rc.Correct != 1 || rc.Answer != right ||
		rc.Section.ID != "4-1-1" || !strings.Contains(last.reply.Text, "正解") || !strings.Contains(last.reply.Text, "50%") {
		t.Fatalf("reveal = %+v\n%s", rc, last.reply.Text)
	}
	// Answers after the close are refused; nothing is revealed twice.
	if _, err := h.Handle(ctx, bot.Request{UserID: "U3", ChannelID: "CQ", Action: &bot.Action{ID: bot.ActionQuizAnswer, Value: bot.EncodeAnswer(r.ID, right)}}); err == nil {
		t.Error("an answer after the close was taken")
	}
	db.Close()
	s, db = e.open()
	e.run(s, at(31, 10, 5))
	if posts2, updates2, _ := e.p.snapshot(); len(posts2) != len(posts) || len(updates2) != len(all) {
		t.Error("revealed again after restart")
	}
	as, _ := db.Answers(ctx, quiz.Filter{})
	if len(as) != 2 || as[0].UserID != "U1" || !as[0].Correct || as[1].Correct {
		t.Errorf("answers = %+v", as)
	}
}

func TestRoundRevealedAfterDowntime(t *testing.T) {
	e := newEnv(t)
	s, db := e.open()
	e.run(s, at(30, 10, 0))
	db.Close()
	// Down from Monday 10:00 till Tuesday 15:00: the round closed at 10:00
	// while down and is revealed at start, late rather than never.
	s, db = e.open()
	e.run(s, at(31, 15, 0))
	if _, updates, _ := e.p.snapshot(); len(updates) != 1 {
		t.Fatalf("round not revealed at start")
	}
	if _, err := db.OpenRound(context.Background(), "CQ"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("round still open: %v", err)
	}
}

func TestPostingFailures(t *testing.T) {
	e := newEnv(t)
	e.p.fail = func(channel string, n int) error {
		switch {
		case channel == "C2":
			return fmt.Errorf("slack: channel_not_found: %w", bot.ErrPermanent)
		case channel == "C1" && n <= 2:
			return errors.New("slack: 500 after retries")
		}
		return nil
	}
	s, db := e.open(func(c *schedules.Config) { c.QuizChannels = nil })
	ctx := context.Background()
	e.run(s, at(30, 9, 0))
	c1, _, _ := db.GetClaim(ctx, schedules.JobTip, "C1", at(30, 9, 0))
	c2, _, _ := db.GetClaim(ctx, schedules.JobTip, "C2", at(30, 9, 0))
	if c1.Status != schedules.StatusRetry || !c1.NextTry.Equal(at(30, 9, 1)) {
		t.Errorf("C1 claim after a transient error = %+v", c1)
	}
	if c2.Status != schedules.StatusFailed || !strings.Contains(c2.Detail, "channel_not_found") {
		t.Errorf("C2 claim after a permanent error = %+v", c2)
	}
	if !strings.Contains(e.logs(), "channel=C2") {
		t.Errorf("the permanent error was not logged with its channel:\n%s", e.logs())
	}
	e.run(s, at(30, 9, 0).Add(30*time.Second)) // not yet
	e.run(s, at(30, 9, 1))                     // attempt 2 fails: retry in 2m
	e.run(s, at(30, 9, 3))                     // attempt 3 succeeds
	e.run(s, at(30, 9, 30))
	posts, _, _ := e.p.snapshot()
	if countTo(posts, "C1") != 1 || countTo(posts, "C2") != 0 {
		t.Fatalf("posts = %v", channelsOf(posts))
	}
	if e.p.calls["C2"] != 1 {
		t.Errorf("the permanent error was retried: %d calls", e.p.calls["C2"])
	}
	c1, _, _ = db.GetClaim(ctx, schedules.JobTip, "C1", at(30, 9, 0))
	if c1.Status != schedules.StatusPosted || c1.Attempts != 3 || c1.MessageID == "" {
		t.Errorf("C1 claim = %+v", c1)
	}

	// A channel that keeps failing is given up on within the grace window.
	e.p.fail = func(channel string, n int) error { return errors.New("timeout") }
	for tm := at(31, 9, 0); !tm.After(at(31, 12, 0)); tm = tm.Add(time.Minute) {
		e.run(s, tm)
	}
	c1, _, _ = db.GetClaim(ctx, schedules.JobTip, "C1", at(31, 9, 0))
	if c1.Status != schedules.StatusFailed {
		t.Errorf("a failing slot ended as %+v, want failed", c1)
	}
	if calls := e.p.calls["C1"]; calls > 3+8 {
		t.Errorf("C1 was tried %d times", calls)
	}
}

// TestAbandonedClaimRetried: a claim whose process died mid-post (it stopped
// beating) is taken over within seconds and posted once: looked for first,
// since the post may have gone out before the process died; past the slot's
// grace window it fails loudly instead.
func TestAbandonedClaimRetried(t *testing.T) {
	e := newEnv(t)
	s, db := e.open(func(c *schedules.Config) { c.Owner = "me" })
	ctx := context.Background()
	e.setNow(at(30, 9, 0))
	slot := at(30, 9, 0)
	// Two processes claimed a slot each and died; "dead1" had posted.
	db.Beat(ctx, "dead1")
	db.Beat(ctx, "dead2")
	db.Claim(ctx, schedules.Claim{Job: schedules.JobTip, Key: "C1", Slot: slot, Status: schedules.StatusClaimed, Owner: "dead1", Attempts: 1})
	db.Claim(ctx, schedules.Claim{Job: schedules.JobTip, Key: "C2", Slot: slot, Status: schedules.StatusClaimed, Owner: "dead2", Attempts: 1})
	tag := schedules.Claim{Job: schedules.JobTip, Key: "C1", Slot: slot}.ID()
	e.p.Post(ctx, "C1", bot.Reply{Text: "tip", Tag: bot.PostTag{ID: tag}})
	db.Beat(ctx, "me")
	e.run(s, at(30, 9, 0).Add(5*time.Second))
	for _, ch := range []string{"C1", "C2"} {
		if c, _, _ := db.GetClaim(ctx, schedules.JobTip, ch, slot); c.Status != schedules.StatusClaimed {
			t.Fatalf("%s: claim taken over while its owner still beat: %+v", ch, c)
		}
	}
	e.setNow(at(30, 9, 0).Add(30 * time.Second))
	db.Beat(ctx, "me")
	e.run(s, e.clock())
	for _, ch := range []string{"C1", "C2"} {
		c, _, _ := db.GetClaim(ctx, schedules.JobTip, ch, slot)
		if c.Status != schedules.StatusPosted || c.Owner != "me" {
			t.Errorf("%s: abandoned claim = %+v, want posted by the process that took it over", ch, c)
		}
	}
	if posts, _, _ := e.p.snapshot(); countTo(posts, "C1") != 1 || countTo(posts, "C2") != 1 {
		t.Errorf("posts = %v, want one tip each: C1's was found, not posted again", channelsOf(posts))
	}
	if !strings.Contains(e.logs(), "abandoned mid-post") {
		t.Errorf("the take-over was not logged:\n%s", e.logs())
	}

	// Past the grace window an abandoned claim fails, loudly.
	late := at(31, 9, 0)
	db.Claim(ctx, schedules.Claim{Job: schedules.JobTip, Key: "C1", Slot: late, Status: schedules.StatusClaimed, Owner: "dead1", Attempts: 1})
	e.setNow(late.Add(3 * time.Hour))
	db.Beat(ctx, "me")
	e.run(s, e.clock())
	if c, _, _ := db.GetClaim(ctx, schedules.JobTip, "C1", late); c.Status != schedules.StatusFailed {
		t.Errorf("abandoned claim past its grace = %+v, want failed", c)
	}
}

func TestDigest(t *testing.T) {
	e := newEnv(t)
	s, db := e.open()
	ctx := context.Background()
	e.setNow(at(27, 18, 0))
	db.Subscribe(ctx, bot.Subscription{Platform: bot.Slack, UserID: "U1"})
	e.setNow(at(30, 9, 30))
	db.Subscribe(ctx, bot.Subscription{Platform: bot.Slack, UserID: "U2"}) // after Monday's slot
	e.run(s, at(30, 9, 30))
	e.run(s, at(30, 9, 31))
	_, _, dms := e.p.snapshot()
	if len(dms) != 1 || dms[0].channel != "U1" || dms[0].reply.Tip == nil {
		t.Fatalf("dms = %+v, want Monday's tip to U1 only", dms)
	}
	want, _, _ := s.Tips().TipFor(bot.DigestChannel, at(30, 9, 0))
	if dms[0].reply.Tip.Tip.ID != want.ID {
		t.Errorf("digest tip %s, want %s", dms[0].reply.Tip.Tip.ID, want.ID)
	}
	e.run(s, at(31, 9, 0))
	if _, _, dms := e.p.snapshot(); len(dms) != 3 {
		t.Errorf("Tuesday: %d dms, want 3", len(dms))
	}
}

func TestStartStopRound(t *testing.T) {
	e := newEnv(t)
	s, db := e.open(func(c *schedules.Config) { c.QuizSpec = "" })
	ctx := context.Background()
	e.setNow(at(30, 14, 0))
	r, err := e.roundsOf(s).Start(ctx, "CX")
	if err != nil || r.MessageID == "" || !r.Closes.Equal(at(31, 14, 0)) {
		t.Fatalf("StartRound = %+v, %v", r, err)
	}
	if _, err := e.roundsOf(s).Start(ctx, "CX"); !errors.Is(err, quiz.ErrRoundOpen) {
		t.Errorf("second StartRound = %v, want ErrRoundOpen", err)
	}
	e.setNow(at(30, 15, 0))
	if _, err := e.roundsOf(s).Stop(ctx, "CX"); err != nil {
		t.Fatal(err)
	}
	posts, updates, _ := e.p.snapshot()
	if len(posts) != 2 || !posts[1].reply.Round.Revealed || len(updates) != 1 {
		t.Fatalf("after stop: posts %d updates %d", len(posts), len(updates))
	}
	if _, err := e.roundsOf(s).Stop(ctx, "CX"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("StopRound with none open = %v", err)
	}
	// The scheduler does not reveal it a second time.
	e.run(s, at(31, 14, 0))
	if posts, _, _ := e.p.snapshot(); len(posts) != 2 {
		t.Errorf("stopped round revealed again")
	}
	_ = db
}

func TestTipsCycle(t *testing.T) {
	sched, err := schedules.ParseSpec("0 9 * * 1-5", tokyo)
	if err != nil {
		t.Fatal(err)
	}
	pack := testPack()
	tips := schedules.NewTips(pack, sched, tokyo)
	n := len(pack.Tips)
	for _, ch := range []string{"C1", "C2", bot.DigestChannel} {
		// The tips of 60 tip days from 2026-11-02.
		var seq []string
		for day := time.Date(2026, 11, 2, 0, 0, 0, 0, tokyo); len(seq) < 60; day = day.AddDate(0, 0, 1) {
			if !tips.IsTipDay(day) {
				continue
			}
			tip, err := tips.On(ch, day)
			if err != nil {
				t.Fatal(err)
			}
			seq = append(seq, tip.ID)
		}
		// Whatever day a channel starts on, its next n tips are all different.
		for start := 0; start+n <= len(seq); start++ {
			seen := map[string]bool{}
			for _, id := range seq[start : start+n] {
				if seen[id] {
					t.Fatalf("%s: from tip day %d, %s twice before all %d were seen: %v", ch, start, id, n, seq[start:start+n])
				}
				seen[id] = true
			}
		}
	}
	a, _ := tips.On("C1", at(30, 0, 0))
	b, _ := tips.On("C2", at(30, 0, 0))
	c, _ := tips.On("C1", at(31, 0, 0))
	d, _ := tips.On("C2", at(31, 0, 0))
	if a.ID == b.ID && c.ID == d.ID {
		t.Errorf("C1 and C2 follow the same order")
	}
	// Saturday shows Friday's tip; the same inputs, the same tip.
	fri, _, _ := tips.TipFor("C1", at(27, 9, 0))
	sat, day, _ := tips.TipFor("C1", at(28, 12, 0))
	again, _, _ := schedules.NewTips(testPack(), sched, tokyo).TipFor("C1", at(28, 12, 0))
	if sat.ID != fri.ID || again.ID != fri.ID || !day.Equal(at(27, 0, 0)) {
		t.Errorf("Saturday = %s (%s), Friday = %s", sat.ID, day, fri.ID)
	}
	if _, _, err := tips.TipFor("C1", time.Date(2023, 6, 1, 0, 0, 0, 0, tokyo)); err == nil {
		t.Error("a day before the epoch gave a tip")
	}
}

func TestNewRefusesBadSpec(t *testing.T) {
	_, err := schedules.New(schedules.Config{TipSpec: "*/0 * * * *", Store: &sqlite.DB{}, Pack: testPack(),
		Posters: func(string) (bot.Poster, error) { return nil, nil }})
	if err == nil {
		t.Error("New accepted a bad spec")
	}
}

func TestDigestWithoutDirectPoster(t *testing.T) {
	e := newEnv(t)
	s, db := e.open(func(c *schedules.Config) {
		c.Direct = func(p bot.Platform) (bot.DirectPoster, bool) { return e.p, p == bot.Slack }
	})
	ctx := context.Background()
	e.setNow(at(27, 18, 0))
	db.Subscribe(ctx, bot.Subscription{Platform: bot.Shell, UserID: "console"})
	db.Subscribe(ctx, bot.Subscription{Platform: bot.Slack, UserID: "U1"})
	e.run(s, at(30, 9, 0))
	if _, _, dms := e.p.snapshot(); len(dms) != 1 || dms[0].channel != "U1" {
		t.Errorf("dms = %+v", dms)
	}
	if _, ok, _ := db.GetClaim(ctx, schedules.JobTipDM, "shell:console", at(30, 9, 0)); ok {
		t.Error("a claim was made for a platform without direct messages")
	}
	if strings.Count(e.logs(), "no direct messages") != 1 {
		t.Errorf("logs:\n%s", e.logs())
	}
}

// TestStartCatchesUpAndStops: Start runs the catch-up before returning, and
// Stop ends the loop. Nothing waits on the wall clock.
func TestStartCatchesUpAndStops(t *testing.T) {
	e := newEnv(t)
	e.setNow(at(30, 10, 30)) // up again 90 minutes after the 09:00 slot
	s, _ := e.open()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-s.Stop().Done()
	posts, _, _ := e.p.snapshot()
	if countTo(posts, "C1") != 1 || countTo(posts, "C2") != 1 || countTo(posts, "CQ") != 1 {
		t.Errorf("catch-up at start posted %v", channelsOf(posts))
	}
	<-s.Stop().Done() // a second Stop is harmless
}

// TestClosingReminderOnce: with a reminder 2h before the close, two
// processes post it once, in the round's channel, before the reveal.
func TestClosingReminderOnce(t *testing.T) {
	e := newEnv(t)
	e.remind = 2 * time.Hour
	s1, _ := e.open(func(c *schedules.Config) { c.Owner = "one"; c.TipSpec = "" })
	s2, _ := e.open(func(c *schedules.Config) { c.Owner = "two"; c.TipSpec = "" })
	for _, tm := range []time.Time{at(30, 10, 0), at(31, 7, 59), at(31, 8, 0), at(31, 8, 1), at(31, 10, 0)} {
		e.setNow(tm)
		for _, s := range []*schedules.Scheduler{s1, s2} {
			if err := s.RunDue(context.Background(), tm); err != nil {
				t.Fatal(err)
			}
		}
	}
	posts, _, _ := e.p.snapshot()
	var texts []string
	for _, p := range posts {
		texts = append(texts, p.reply.Text)
	}
	n := 0
	for _, p := range posts {
		if p.channel == "CQ" && p.reply.Round == nil {
			n++
		}
	}
	if n != 1 || len(posts) != 3 {
		t.Errorf("posts = %q; want the round, one reminder, the reveal", texts)
	}
}

// TestManagersDigestOnce: each manager gets the Friday digest once, by DM,
// whichever of two processes runs the slot, built for their channels.
func TestManagersDigestOnce(t *testing.T) {
	e := newEnv(t)
	var asked [][]string
	var mu sync.Mutex
	digest := func(c *schedules.Config) {
		c.TipSpec, c.QuizSpec, c.DigestSpec = "", "", "0 17 * * 5"
		c.Managers = map[string][]string{"U0BOSS": {"CQ"}, "U0CFO": {"CQ", "C1"}}
		c.Digest = func(_ context.Context, chs []string, at time.Time) (bot.Reply, error) {
			mu.Lock()
			asked = append(asked, chs)
			mu.Unlock()
			return bot.Reply{Text: "今週のセキュリティ ダイジェスト " + strings.Join(chs, ",")}, nil
		}
	}
	s1, _ := e.open(digest, func(c *schedules.Config) { c.Owner = "one" })
	s2, _ := e.open(digest, func(c *schedules.Config) { c.Owner = "two" })
	friday := at(30, 17, 0).AddDate(0, 0, 4) // Friday 4 December, 17:00
	for _, tm := range []time.Time{friday.Add(-time.Minute), friday, friday.Add(time.Minute)} {
		e.setNow(tm)
		for _, s := range []*schedules.Scheduler{s1, s2} {
			if err := s.RunDue(context.Background(), tm); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, _, dms := e.p.snapshot()
	got := map[string]string{}
	for _, d := range dms {
		got[d.channel] += d.reply.Text
	}
	if len(dms) != 2 || !strings.HasSuffix(got["U0BOSS"], " CQ") || !strings.HasSuffix(got["U0CFO"], " CQ,C1") {
		t.Errorf("digest DMs = %v; want one each, for their channels", got)
	}
}
