package teamsbot

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"secbot/bot"
)

// TestPracticeQuestionInAPersonalChat: a spaced-practice question goes to
// the learner's 1:1 chat as a card whose buttons are Action.Execute with
// the practice verb; a click on one reaches the router as that action.
func TestPracticeQuestionInAPersonalChat(t *testing.T) {
	var mu sync.Mutex
	var got *bot.Action
	h := newHarness(t, func(c *Config) {
		c.Router = routerFunc(func(_ context.Context, req bot.Request) bot.Reply {
			mu.Lock()
			defer mu.Unlock()
			if req.Action != nil {
				got = req.Action
				return bot.Reply{Private: true, Text: "正解です！"}
			}
			return bot.Reply{Private: true, Text: "こんにちは"}
		})
	})
	h.send(t, h.personalMessage("act-hello", "こんにちは"), "")
	h.bf.wait(t)
	q := bot.PracticeReply(bot.RoundCard{RoundID: "2026-12-03/aad-user-2", Question: "CSIRT とは？", Choices: []string{"a", "b", "c", "d"}, Box: 1})
	q.Private = false
	if err := h.bot.PostDirect(context.Background(), "aad-user-2", q); err != nil {
		t.Fatal(err)
	}
	c := h.bf.wait(t)
	body := jsonString(c.Body)
	if c.Path != "/v3/conversations/a:personal-2/activities" || !strings.Contains(body, `"verb":"quiz.practice"`) ||
		!strings.Contains(body, `2026-12-03/aad-user-2|3`) || !strings.Contains(body, "復習クイズ") {
		t.Fatalf("DM %s %s", c.Path, body)
	}
	act := h.personalMessage("act-click-p", "")
	delete(act, "text")
	act["type"], act["name"] = "invoke", "adaptiveCard/action"
	act["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": "quiz.practice",
		"data": map[string]any{"action": "quiz.practice", "value": "2026-12-03/aad-user-2|3"}}, "trigger": "manual"}
	if status, _ := h.send(t, act, ""); status != http.StatusOK {
		t.Fatalf("click status %d", status)
	}
	mu.Lock()
	defer mu.Unlock()
	if got == nil || got.ID != bot.ActionPracticeAnswer || got.Value != "2026-12-03/aad-user-2|3" {
		t.Errorf("click routed as %+v", got)
	}
}

type routerFunc func(ctx context.Context, req bot.Request) bot.Reply

func (f routerFunc) Route(ctx context.Context, req bot.Request) bot.Reply { return f(ctx, req) }
