package schedules_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/quiz"
	"secbot/schedules"
	"secbot/store/sqlite"
)

// practiceDMs returns the practice questions DMed to user so far.
func practiceDMs(e *env, user string) []bot.Reply {
	_, _, dms := e.p.snapshot()
	var out []bot.Reply
	for _, d := range dms {
		if d.channel == user && d.reply.Round != nil && d.reply.Round.Practice {
			out = append(out, d.reply)
		}
	}
	return out
}

// rightChoice is the index of the right answer of user's question of day.
func rightChoice(t *testing.T, db *sqlite.DB, user, day string) int {
	t.Helper()
	d, err := db.Drill(context.Background(), user, day)
	if err != nil {
		t.Fatalf("Drill(%s, %s): %v", user, day, err)
	}
	var q quiz.Question
	if err := json.Unmarshal([]byte(d.Question), &q); err != nil {
		t.Fatal(err)
	}
	return q.Answer
}

// TestSpacedPractice follows a learner through the Leitner boxes with an
// injected clock, across restarts, with two processes on one store: a term
// missed in a round comes back by DM the next tip day, then 3, 7 and 14
// days after each right answer (on the first tip day on or after, never on
// a weekend), back to box 1 after a wrong answer, learned after box 4; each
// learner gets at most one question a day, exactly once.
func TestSpacedPractice(t *testing.T) {
	e := newEnv(t)
	e.practice = true
	one := func(c *schedules.Config) { c.Owner = "one" }
	two := func(c *schedules.Config) { c.Owner = "two" }
	s1, db := e.open(one)
	s2, _ := e.open(two)
	ctx := context.Background()
	route := func(s *schedules.Scheduler, req bot.Request) bot.Reply {
		t.Helper()
		req.Platform, req.Command = bot.Slack, "quiz"
		reply, err := e.roundsOf(s).Handler().Handle(ctx, req)
		if err != nil {
			t.Fatalf("/quiz %s %v: %v", req.Text, req.Action, err)
		}
		return reply
	}
	e.setNow(at(30, 8, 0))
	for _, u := range []string{"U1", "U2"} {
		if r := route(s1, bot.Request{Text: "practice on", UserID: u}); !strings.Contains(r.Text, "復習をオンにしました") {
			t.Fatalf("practice on: %q", r.Text)
		}
	}
	// Monday's round: U1 and U3 (not a learner) answer wrong, U2 right.
	e.run(s1, at(30, 10, 0))
	rd, err := db.OpenRound(ctx, "CQ")
	if err != nil {
		t.Fatal(err)
	}
	wrong := (rd.Question.Answer + 1) % len(rd.Question.Choices)
	for u, c := range map[string]int{"U1": wrong, "U2": rd.Question.Answer, "U3": wrong} {
		route(s2, bot.Request{UserID: u, ChannelID: "CQ", Action: &bot.Action{ID: bot.ActionQuizAnswer, Value: bot.EncodeAnswer(rd.ID, c)}})
	}

	day := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, tokyo) }
	// Tuesday: the reveal files U1's miss, due Wednesday; nothing is sent
	// on Tuesday.
	e.run(s2, day(2026, 12, 1, 9))
	e.run(s2, day(2026, 12, 1, 10))
	if n := len(practiceDMs(e, "U1")); n != 0 {
		t.Fatalf("%d practice DMs on the day of the reveal; want none", n)
	}

	// sendDay runs both processes at 9:00 (and a restarted one at 9:05)
	// and returns the DMs U1 got that day.
	sent := 0
	sendDay := func(d time.Time) []bot.Reply {
		t.Helper()
		var wg sync.WaitGroup
		e.setNow(d)
		for _, s := range []*schedules.Scheduler{s1, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.RunDue(ctx, d); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		// A process started later that morning sends nothing again.
		s3, _ := e.open(func(c *schedules.Config) { c.Owner = "three-" + d.Format("0102") })
		e.run(s3, d.Add(5*time.Minute))
		got := practiceDMs(e, "U1")[sent:]
		sent += len(got)
		return got
	}
	answer := func(d time.Time, right bool) string {
		t.Helper()
		e.setNow(d.Add(time.Hour))
		key := d.Format(time.DateOnly)
		c := rightChoice(t, db, "U1", key)
		if !right {
			c = (c + 1) % 4
		}
		click := bot.Request{UserID: "U1", ChannelID: "D1", At: e.clock(), Action: &bot.Action{ID: bot.ActionPracticeAnswer, Value: bot.EncodeAnswer(key+"/U1", c)}}
		r := route(s1, click)
		if r.Round == nil || !r.Round.Revealed || !r.ReplaceOriginal || len(r.Also) != 1 {
			t.Fatalf("answer reply = %+v; want the question with its answer in place of the one clicked, and a message", r)
		}
		// A second click changes nothing.
		if again := route(s2, click); !strings.Contains(again.Also[0].Text, "回答済み") {
			t.Errorf("second click: %q; want 回答済み", again.Also[0].Text)
		}
		return r.Also[0].Text
	}
	expect := func(d time.Time, n int) {
		t.Helper()
		if got := sendDay(d); len(got) != n {
			t.Fatalf("%s: U1 got %d practice DMs; want %d", d.Format("Mon 01-02"), len(got), n)
		} else if n == 1 {
			c := got[0].Round
			if c.Revealed || len(c.Choices) != 4 || c.RoundID != d.Format(time.DateOnly)+"/U1" || c.ButtonAction() != bot.ActionPracticeAnswer {
				t.Errorf("%s: the DM's card = %+v; want an open practice question with four buttons", d.Format("01-02"), c)
			}
		}
	}

	expect(day(2026, 12, 2, 9), 1) // Wed: box 1, a day after the miss
	if _, _, dms := e.p.snapshot(); len(dms) != 1 {
		t.Fatalf("DMs on Wednesday: %d; want only U1's (U2 was right, U3 does not practise)", len(dms))
	}
	// Someone else cannot answer U1's question.
	other := bot.Request{Platform: bot.Slack, Command: "quiz", UserID: "U2", Action: &bot.Action{ID: bot.ActionPracticeAnswer, Value: bot.EncodeAnswer("2026-12-02/U1", 0)}}
	if _, err := e.roundsOf(s1).Handler().Handle(ctx, other); err == nil || !strings.Contains(err.Error(), "別の人宛て") {
		t.Errorf("U2 answering U1's question: %v; want refused", err)
	}
	if msg := answer(day(2026, 12, 2, 9), true); !strings.Contains(msg, "ボックス2") || !strings.Contains(msg, "12/7(月)") {
		t.Errorf("right in box 1: %q; want box 2, back on Monday 12/7 (12/5 is a Saturday)", msg)
	}
	expect(day(2026, 12, 3, 9), 0)
	expect(day(2026, 12, 4, 9), 0)
	expect(day(2026, 12, 7, 9), 1) // Mon: box 2
	if msg := answer(day(2026, 12, 7, 9), false); !strings.Contains(msg, "ボックス1") || !strings.Contains(msg, "12/8(火)") {
		t.Errorf("wrong in box 2: %q; want back to box 1, tomorrow", msg)
	}
	expect(day(2026, 12, 8, 9), 1) // Tue: box 1 again
	answer(day(2026, 12, 8, 9), true)
	expect(day(2026, 12, 10, 9), 0)
	expect(day(2026, 12, 11, 9), 1) // Fri: box 2, 3 days on
	answer(day(2026, 12, 11, 9), true)
	expect(day(2026, 12, 17, 9), 0)
	expect(day(2026, 12, 18, 9), 1) // Fri: box 3, 7 days on
	answer(day(2026, 12, 18, 9), true)
	expect(day(2026, 12, 31, 9), 0)
	expect(day(2027, 1, 1, 9), 1) // Fri: box 4, 14 days on
	if msg := answer(day(2027, 1, 1, 9), true); !strings.Contains(msg, "覚えた用語") {
		t.Errorf("right in box 4: %q; want learned", msg)
	}
	expect(day(2027, 1, 4, 9), 0)
	expect(day(2027, 1, 15, 9), 0)

	// /quiz me (privately) shows the progress.
	me := route(s2, bot.Request{Text: "me", UserID: "U1", Direct: true})
	if !strings.Contains(me.Text, "復習: オン") || !strings.Contains(me.Text, "覚えた用語 1語") {
		t.Errorf("/quiz me: %q; want practice on with one term learned", me.Text)
	}
	if strings.Contains(e.logs(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", e.logs())
	}
}
