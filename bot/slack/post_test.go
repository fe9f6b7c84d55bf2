package slack

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/internal/fakeslack"
	"secbot/knowledge"
)

func tipReply() bot.Reply {
	return bot.Reply{Text: "今日のヒント", Tip: &bot.TipCard{
		Tip: knowledge.Tip{ID: "t1", Section: "4-3-2", Title: "経営者の責任", Body: "対策は経営者の責任である。"}, SectionTitle: "経営者が果たすべき責任"}}
}

func TestPostSendsBlocksAndReturnsTS(t *testing.T) {
	h := newHarness(t, tableRouter())
	ts, err := h.a.Post(context.Background(), "C1", tipReply())
	if err != nil {
		t.Fatal(err)
	}
	posts := h.slack.Calls("chat.postMessage")
	if len(posts) != 1 || ts == "" {
		t.Fatalf("ts %q posts %v", ts, posts)
	}
	if posts[0].Args.Get("text") != "今日のヒント" || !strings.Contains(posts[0].Args.Get("blocks"), "経営者の責任") || posts[0].Args.Get("thread_ts") != "" {
		t.Errorf("posted %v", posts[0].Args)
	}
}

func TestPostWaitsOutRateLimitAndIsNotLost(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.slack.Fail("chat.postMessage", fakeslack.Failure{Status: 429, RetryAfter: 3}, fakeslack.Failure{Status: 429, RetryAfter: 1})
	start := h.clock.Now()
	ts, err := h.a.Post(context.Background(), "C1", tipReply())
	if err != nil || ts == "" {
		t.Fatalf("Post: %q, %v", ts, err)
	}
	if n := len(h.slack.Calls("chat.postMessage")); n != 3 {
		t.Errorf("%d calls, want 3 (429, 429, posted)", n)
	}
	if waited := h.clock.Now().Sub(start); waited < 4*time.Second {
		t.Errorf("waited %v, want at least the 3 s + 1 s Slack asked for", waited)
	}
	if !strings.Contains(h.logs.String(), "slack_error=ratelimited") {
		t.Errorf("429 not logged:\n%s", h.logs)
	}
}

func TestPostPermanentErrorNotRetried(t *testing.T) {
	for _, code := range []string{"channel_not_found", "not_in_channel", "is_archived", "invalid_auth"} {
		t.Run(code, func(t *testing.T) {
			h := newHarness(t, tableRouter())
			h.slack.Fail("chat.postMessage", fakeslack.Failure{Error: code})
			_, err := h.a.Post(context.Background(), "C404", tipReply())
			if !errors.Is(err, bot.ErrPermanent) {
				t.Fatalf("err %v, want bot.ErrPermanent", err)
			}
			if !strings.Contains(err.Error(), code) {
				t.Errorf("err %q lacks %s", err, code)
			}
			if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
				t.Errorf("%d calls, want 1", n)
			}
			if !strings.Contains(h.logs.String(), "slack_error="+code) {
				t.Errorf("log lacks the code:\n%s", h.logs)
			}
		})
	}
}

func TestPostRetriesTransientErrors(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.slack.Fail("chat.postMessage", fakeslack.Failure{Status: 503}, fakeslack.Failure{Error: "internal_error"})
	if _, err := h.a.Post(context.Background(), "C1", tipReply()); err != nil {
		t.Fatal(err)
	}
	if n := len(h.slack.Calls("chat.postMessage")); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestPostGivesUpAfterMaxAttempts(t *testing.T) {
	h := newHarness(t, tableRouter(), func(c *Config) { c.MaxAttempts = 3 })
	h.slack.Fail("chat.postMessage", fakeslack.Failure{Status: 500}, fakeslack.Failure{Status: 502}, fakeslack.Failure{Status: 503}, fakeslack.Failure{Status: 504})
	_, err := h.a.Post(context.Background(), "C1", tipReply())
	if err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("err %v, want a transient error", err)
	}
	if n := len(h.slack.Calls("chat.postMessage")); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestPostSpacesMessagesPerChannel(t *testing.T) {
	h := newHarness(t, tableRouter())
	ctx := context.Background()
	start := h.clock.Now()
	for range 3 {
		if _, err := h.a.Post(ctx, "C1", tipReply()); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.clock.Now().Sub(start); got != 2*time.Second {
		t.Errorf("three posts to one channel took %v of clock, want 2s", got)
	}
	before := h.clock.Now()
	if _, err := h.a.Post(ctx, "C2", tipReply()); err != nil {
		t.Fatal(err)
	}
	if got := h.clock.Now().Sub(before); got != 0 {
		t.Errorf("another channel waited %v", got)
	}
}

func TestConcurrentPostsAllDelivered(t *testing.T) {
	h := newHarness(t, tableRouter())
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := h.a.Post(context.Background(), "C1", tipReply()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(h.slack.Calls("chat.postMessage")); n != 20 {
		t.Errorf("%d posts, want 20", n)
	}
}

func TestUpdate(t *testing.T) {
	h := newHarness(t, tableRouter())
	r := bot.Reply{Text: "答え", Round: &bot.RoundCard{RoundID: "r1", Question: "Q", Choices: []string{"a", "b"}, Revealed: true, Answer: 1, Answered: 2, Correct: 1}}
	if err := h.a.Update(context.Background(), "C1", "1700000000.000001", r); err != nil {
		t.Fatal(err)
	}
	up := h.slack.Calls("chat.update")
	if len(up) != 1 || up[0].Args.Get("ts") != "1700000000.000001" || up[0].Args.Get("channel") != "C1" || !strings.Contains(up[0].Args.Get("blocks"), "正解: B. b") {
		t.Fatalf("update %v", up)
	}
	h.slack.Fail("chat.update", fakeslack.Failure{Error: "message_not_found"})
	if err := h.a.Update(context.Background(), "C1", "1", r); !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("err %v, want ErrPermanent", err)
	}
}

func TestPostDirectOpensConversation(t *testing.T) {
	h := newHarness(t, tableRouter())
	if err := h.a.PostDirect(context.Background(), "U77", tipReply()); err != nil {
		t.Fatal(err)
	}
	open := h.slack.Calls("conversations.open")
	posts := h.slack.Calls("chat.postMessage")
	if len(open) != 1 || open[0].Args.Get("users") != "U77" || len(posts) != 1 || posts[0].Args.Get("channel") != "D77" {
		t.Fatalf("open %v posts %v", open, posts)
	}
	h.slack.Fail("conversations.open", fakeslack.Failure{Error: "user_not_found"})
	if err := h.a.PostDirect(context.Background(), "U404", tipReply()); !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("err %v, want ErrPermanent", err)
	}
}

// TestPracticeQuestionByDM: a practice question goes to the learner's DM
// with one button a choice, each carrying the practice action and the
// drill; a click on one reaches the router as that action.
func TestPracticeQuestionByDM(t *testing.T) {
	var got bot.Action
	h := newHarness(t, routerFunc(func(_ context.Context, req bot.Request) bot.Reply {
		got = *req.Action
		return bot.Reply{Private: true, Text: "正解です！"}
	}))
	q := bot.PracticeReply(bot.RoundCard{RoundID: "2026-12-03/U77", Question: "Q", Choices: []string{"a", "b", "c", "d"}, Box: 1})
	q.Private = false
	if err := h.a.PostDirect(context.Background(), "U77", q); err != nil {
		t.Fatal(err)
	}
	posts := h.slack.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("channel") != "D77" {
		t.Fatalf("posts %v; want one in D77", posts)
	}
	blocks := posts[0].Args.Get("blocks")
	for i := range 4 {
		if want := `"value":"2026-12-03/U77|` + strconv.Itoa(i) + `"`; !strings.Contains(blocks, want) || !strings.Contains(blocks, `"action_id":"quiz.practice`) {
			t.Errorf("blocks lack the practice button %s: %s", want, blocks)
		}
	}
	h.click("quiz.practice#2", "2026-12-03/U77|2", "D77", false)
	h.settle()
	if got.ID != bot.ActionPracticeAnswer || got.Value != "2026-12-03/U77|2" {
		t.Errorf("click routed as %+v", got)
	}
}

func TestPostSkipsPrivateAlso(t *testing.T) {
	h := newHarness(t, tableRouter())
	r := tipReply()
	r.Also = []bot.Reply{{Private: true, Text: "only you"}, {Text: "everyone"}}
	if _, err := h.a.Post(context.Background(), "C1", r); err != nil {
		t.Fatal(err)
	}
	posts := h.slack.Calls("chat.postMessage")
	if len(posts) != 2 || posts[1].Args.Get("text") != "everyone" {
		t.Errorf("posts %v", posts)
	}
}

func TestPostStopsWhenContextEnds(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.slack.Fail("chat.postMessage", fakeslack.Failure{Status: 429, RetryAfter: 30})
	ctx, cancel := context.WithCancel(context.Background())
	h.a.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	if _, err := h.a.Post(ctx, "C1", tipReply()); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}
