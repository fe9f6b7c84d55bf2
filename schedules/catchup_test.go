package schedules_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/quiz"
	"secbot/schedules"
)

// minutely runs tips every minute and the quiz every two minutes with a
// one-minute answer window: the reviewer's reproduction.
func (e *env) minutely(c *schedules.Config) {
	c.TipSpec, c.QuizSpec, e.window = "* * * * *", "*/2 * * * *", time.Minute
}

// TestCatchUpLatestSlotOnly: a process starting after downtime posts only
// the latest missed slot of each job and channel; the older ones inside the
// grace window are recorded as skipped and logged once per job and channel.
func TestCatchUpLatestSlotOnly(t *testing.T) {
	e := newEnv(t)
	s1, db := e.open(e.minutely, func(c *schedules.Config) { c.Owner = "one" })
	s2, _ := e.open(e.minutely, func(c *schedules.Config) { c.Owner = "two" })
	start := at(30, 10, 0).Add(30 * time.Second) // two processes start together
	e.setNow(start)
	var wg sync.WaitGroup
	for _, s := range []*schedules.Scheduler{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.RunDue(context.Background(), start); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	posts, _, _ := e.p.snapshot()
	if countTo(posts, "C1") != 1 || countTo(posts, "C2") != 1 || countTo(posts, "CQ") != 1 {
		t.Fatalf("start-up posted %d tips to C1, %d to C2, %d rounds; want 1 each", countTo(posts, "C1"), countTo(posts, "C2"), countTo(posts, "CQ"))
	}
	ctx := context.Background()
	if c, _, _ := db.GetClaim(ctx, schedules.JobTip, "C1", at(30, 10, 0)); c.Status != schedules.StatusPosted {
		t.Errorf("latest slot claim = %+v, want posted", c)
	}
	if c, ok, _ := db.GetClaim(ctx, schedules.JobTip, "C1", at(30, 9, 59)); ok {
		t.Errorf("older slot within grace = %+v, want no row (missed slots are not stored one by one)", c)
	}
	r, err := db.OpenRound(ctx, "CQ")
	if err != nil || !r.Opened.Equal(at(30, 10, 0)) {
		t.Errorf("open round = %+v, %v; want the 10:00 slot's", r, err)
	}
	// A first start has missed nothing: no warning.
	if strings.Contains(e.logs(), "missed") {
		t.Errorf("the first start warned of missed slots:\n%s", e.logs())
	}
	// The next minute posts the next slot, once.
	e.setNow(at(30, 10, 1))
	for _, s := range []*schedules.Scheduler{s1, s2} {
		if err := s.RunDue(ctx, e.clock()); err != nil {
			t.Fatal(err)
		}
	}
	if posts, _, _ := e.p.snapshot(); countTo(posts, "C1") != 2 {
		t.Errorf("C1 posts after 10:01 = %d, want 2", countTo(posts, "C1"))
	}
	// Down from 10:02 to 10:30: one line per job and channel counts the
	// slots missed (in one or both processes, which share the work), and
	// only the latest is posted.
	e.setNow(at(30, 10, 30).Add(10 * time.Second))
	for _, s := range []*schedules.Scheduler{s1, s2} {
		if err := s.RunDue(ctx, e.clock()); err != nil {
			t.Fatal(err)
		}
	}
	if posts, _, _ := e.p.snapshot(); countTo(posts, "C1") != 3 {
		t.Errorf("C1 posts after the downtime = %d, want 3", countTo(posts, "C1"))
	}
	for _, jk := range []string{"job=tip key=C1 ", "job=tip key=C2 "} {
		n := 0
		for _, line := range strings.Split(e.logs(), "\n") {
			if strings.Contains(line, "slots missed while no process ran") && strings.Contains(line, jk) && strings.Contains(line, "count=28") {
				n++
			}
		}
		if n < 1 || n > 2 {
			t.Errorf("%d missed-slot lines for %s with count=28, want 1 or 2:\n%s", n, jk, e.logs())
		}
	}
}

// TestQuizRoundOpenIsPermanent: when the channel's open round cannot be
// closed for the slot (another process holds its reveal), the slot fails
// once, loudly, instead of retrying for the rest of the grace window.
func TestQuizRoundOpenIsPermanent(t *testing.T) {
	e := newEnv(t)
	s, db := e.open(e.minutely, func(c *schedules.Config) { c.TipSpec = "" })
	ctx := context.Background()
	e.setNow(at(30, 10, 0)) // the claims below are fresh: inside their lease
	old := quiz.Round{ID: "old-CQ", Channel: "CQ", Question: quiz.Question{Question: "?", Choices: []string{"a", "b", "c", "d"}},
		Opened: at(30, 8, 0), Closes: at(30, 11, 0), MessageID: "ts0"}
	if err := db.CreateRound(ctx, old); err != nil {
		t.Fatal(err)
	}
	// Another process is revealing it, for ever as far as we can tell.
	for _, slot := range []time.Time{at(30, 11, 0), at(30, 10, 0)} {
		db.Claim(ctx, schedules.Claim{Job: schedules.JobReveal, Key: old.ID, Slot: slot, Status: schedules.StatusClaimed, Owner: "other", Attempts: 1})
	}
	e.run(s, at(30, 10, 0))
	c, _, _ := db.GetClaim(ctx, schedules.JobQuiz, "CQ", at(30, 10, 0))
	if c.Status != schedules.StatusFailed && c.Status != schedules.StatusSkipped {
		t.Fatalf("quiz claim with the channel's round still open = %+v, want failed or skipped", c)
	}
	if !strings.Contains(e.logs(), "open round") {
		t.Errorf("not logged:\n%s", e.logs())
	}
	for tm := at(30, 10, 0); tm.Before(at(30, 10, 9)); tm = tm.Add(30 * time.Second) {
		e.run(s, tm)
	}
	if posts, _, _ := e.p.snapshot(); countTo(posts, "CQ") != 0 {
		t.Errorf("posted %d rounds beside the open one", countTo(posts, "CQ"))
	}
}

// TestQuizNeverPostsClosedRound: a retry of a quiz slot whose answer window
// has already ended is skipped, not posted.
func TestQuizNeverPostsClosedRound(t *testing.T) {
	e := newEnv(t)
	s, db := e.open(e.minutely, func(c *schedules.Config) { c.TipSpec = "" })
	ctx := context.Background()
	e.setNow(at(30, 10, 0))
	slot := at(30, 9, 0)
	db.Claim(ctx, schedules.Claim{Job: schedules.JobQuiz, Key: "CQ", Slot: slot, Status: schedules.StatusRetry, Owner: "other", Attempts: 1, NextTry: slot.Add(time.Minute)})
	e.run(s, at(30, 10, 0).Add(30*time.Second))
	posts, _, _ := e.p.snapshot()
	for _, p := range posts {
		if p.reply.Round != nil && p.reply.Round.RoundID != "" && strings.HasPrefix(p.reply.Round.RoundID, "20261130T0900") {
			t.Errorf("posted the 09:00 round, closed since 09:01: %+v", p.reply.Round)
		}
	}
	c, _, _ := db.GetClaim(ctx, schedules.JobQuiz, "CQ", slot)
	if c.Status == schedules.StatusPosted || c.Status == schedules.StatusRetry {
		t.Errorf("stale quiz claim = %+v, want skipped", c)
	}
	if !strings.Contains(e.logs(), "already closed") {
		t.Errorf("not logged:\n%s", e.logs())
	}
}

// hookPoster runs before on each post, outside any lock, then posts.
type hookPoster struct {
	*fakePoster
	before func(channel string)
}

func (h hookPoster) Post(ctx context.Context, channel string, r bot.Reply) (string, error) {
	if h.before != nil {
		h.before(channel)
	}
	return h.fakePoster.Post(ctx, channel, r)
}

// TestRoundStoppedWhilePosting: /quiz stop (here from another process)
// while the round message is being posted must not reopen the round.
func TestRoundStoppedWhilePosting(t *testing.T) {
	e := newEnv(t)
	noTips := func(c *schedules.Config) { c.TipSpec = "" }
	other, db := e.open(noTips, func(c *schedules.Config) { c.Owner = "other" })
	ctx := context.Background()
	stopped := false
	hook := hookPoster{fakePoster: e.p, before: func(channel string) {
		if channel == "CQ" && !stopped {
			stopped = true
			if _, err := e.roundsOf(other).Stop(ctx, "CQ"); err != nil {
				t.Errorf("StopRound: %v", err)
			}
		}
	}}
	s, _ := e.open(noTips, func(c *schedules.Config) {
		c.Posters = func(string) (bot.Poster, error) { return hook, nil }
	})
	e.run(s, at(30, 10, 0))
	if !stopped {
		t.Fatal("the round was not posted")
	}
	if r, err := db.OpenRound(ctx, "CQ"); !errors.Is(err, quiz.ErrNotFound) {
		t.Fatalf("stopped round reopened: %+v, %v", r, err)
	}
	before, _, _ := e.p.snapshot()
	e.run(s, at(31, 10, 0).Add(-time.Minute))
	e.run(other, at(31, 10, 0).Add(-time.Minute))
	if after, _, _ := e.p.snapshot(); len(after) != len(before) {
		t.Errorf("revealed twice: %d posts, then %d", len(before), len(after))
	}
}

// TestStartStopStartSameSecond: /quiz start, stop, start within one second.
func TestStartStopStartSameSecond(t *testing.T) {
	e := newEnv(t)
	s, _ := e.open(func(c *schedules.Config) { c.QuizSpec = "" })
	ctx := context.Background()
	e.setNow(at(30, 14, 0).Add(123 * time.Millisecond))
	r1, err := e.roundsOf(s).Start(ctx, "CX")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.roundsOf(s).Stop(ctx, "CX"); err != nil {
		t.Fatal(err)
	}
	r2, err := e.roundsOf(s).Start(ctx, "CX")
	if err != nil {
		t.Fatalf("second start in the same second: %v", err)
	}
	if r1.ID == r2.ID || strings.Contains(r2.ID, "|") || r2.MessageID == "" {
		t.Errorf("ids %q and %q", r1.ID, r2.ID)
	}
}
