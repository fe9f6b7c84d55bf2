package teamsbot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
)

// quizRouter counts each person's first answer to a round, as the quiz
// handler does through its store, and answers as it does: the updated
// round (ReplaceOriginal) with a private receipt.
type quizRouter struct {
	mu      sync.Mutex
	calls   int
	answers map[string]string // user → choice value
}

func (q *quizRouter) Route(ctx context.Context, req bot.Request) bot.Reply {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls++
	if req.Action == nil || req.Action.ID != bot.ActionQuizAnswer {
		return bot.Reply{Private: true, Text: "?"}
	}
	if prev, ok := q.answers[req.UserID]; ok {
		return bot.Reply{Private: true, Text: "回答済みです（あなたの回答: " + prev + "）"}
	}
	q.answers[req.UserID] = req.Action.Value
	msg := "B と回答しました。正解です！"
	if req.PublicReplies {
		msg = "回答を記録しました。"
	}
	round := bot.RoundReply(bot.RoundCard{RoundID: "r1", Question: "CSIRT とは？", Choices: []string{"営業", "インシデント対応チーム"}, Answered: len(q.answers)})
	round.ReplaceOriginal = true
	round.Also = []bot.Reply{{Private: true, Text: msg}}
	return round
}

func (h *harness) quizClick(id, value string) map[string]any {
	act := h.channelMessage(id, "")
	delete(act, "text")
	delete(act, "entities")
	act["type"], act["name"] = "invoke", "adaptiveCard/action"
	act["replyToId"] = "round-msg-1"
	act["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": "quiz.answer",
		"data": map[string]any{"action": "quiz.answer", "value": value}}, "trigger": "manual"}
	return act
}

func TestQuizClickCountsOnceAcrossRetryAndRestart(t *testing.T) {
	q := &quizRouter{answers: map[string]string{}}
	h := newHarness(t, func(c *Config) { c.Router = q })
	click := h.quizClick("act-click-1", "r1|1")
	status, body := h.send(t, click, "")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var resp actionResponse
	json.Unmarshal(body, &resp)
	if resp.StatusCode != 200 || resp.Type != typeMessage || resp.Value != "B と回答しました。正解です！" {
		t.Errorf("invoke answer %s", body)
	}
	// The round card is rewritten for everyone with the count.
	c := h.bf.wait(t)
	if c.Method != http.MethodPut || c.Path != "/v3/conversations/19:exec@thread.tacv2/activities/round-msg-1" {
		t.Errorf("update %s %s", c.Method, c.Path)
	}
	if c.Body["id"] != "round-msg-1" || !strings.Contains(jsonString(c.Body), "回答済み: 1人") {
		t.Errorf("updated card %s", jsonString(c.Body))
	}
	// Teams retries the same activity: acknowledged, not run again.
	if status, _ := h.send(t, click, ""); status != http.StatusOK {
		t.Errorf("retry status %d", status)
	}
	// A restart: a new Bot with the same durable inbox.
	b2, err := New(h.bot.cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	b2.Register(mux)
	h.srv.Config.Handler = mux
	if status, _ := h.send(t, click, ""); status != http.StatusOK {
		t.Errorf("retry after restart: status %d", status)
	}
	h.bf.none(t)
	if q.calls != 1 {
		t.Errorf("router called %d times, want 1", q.calls)
	}
}

func TestSubmitFallbackUpdatesCardAndRepliesPublicly(t *testing.T) {
	q := &quizRouter{answers: map[string]string{}}
	h := newHarness(t, func(c *Config) { c.Router = q })
	act := h.channelMessage("act-submit", "")
	delete(act, "text")
	act["replyToId"] = "round-msg-1"
	act["value"] = map[string]any{"action": "quiz.answer", "value": "r1|0"}
	if status, _ := h.send(t, act, ""); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	got := map[string]call{}
	for range 2 {
		c := h.bf.wait(t)
		got[c.Method] = c
	}
	if !strings.Contains(jsonString(got["PUT"].Body), "回答済み: 1人") {
		t.Errorf("no card update: %v", got)
	}
	if post := got["POST"]; post.Body["text"] != "回答を記録しました。" {
		t.Errorf("public receipt %v (must not say right or wrong)", post.Body)
	}
}

func TestProactivePosts(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	// Before the bot is added anywhere, there is nothing to post to.
	if _, err := h.bot.Post(ctx, "teams:exec", bot.Reply{Text: "tip"}); !errors.Is(err, ErrNoConversation) || !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("post without a conversation: %v", err)
	}
	// The bot is added to the team: conversationUpdate in General.
	added := h.channelMessage("act-added", "")
	added["type"] = "conversationUpdate"
	added["conversation"] = map[string]any{"id": "19:general@thread.tacv2", "conversationType": "channel", "tenantId": "tenant-1"}
	added["channelData"] = map[string]any{"tenant": map[string]any{"id": "tenant-1"},
		"team": map[string]any{"id": "19:general@thread.tacv2"}, "eventType": "teamMemberAdded"}
	added["membersAdded"] = []any{map[string]any{"id": "28:" + testAppID}}
	if status, _ := h.send(t, added, ""); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	h.bot.wg.Wait() // the activity is handled
	// The bot says hello with the help.
	if c := h.bf.wait(t); c.Path != "/v3/conversations/19:general@thread.tacv2/activities" || len(h.router.requests()) != 1 || h.router.requests()[0].Command != "help" {
		t.Errorf("welcome posted to %s after %+v", c.Path, h.router.requests())
	}
	id, err := h.bot.Post(ctx, "19:general@thread.tacv2", bot.TipReply(bot.TipCard{Tip: knowledge.Tip{Title: "経営者の役割", Body: "…"}}))
	if err != nil {
		t.Fatal(err)
	}
	c := h.bf.wait(t)
	if c.Path != "/v3/conversations/19:general@thread.tacv2/activities" || id == "" {
		t.Errorf("tip posted to %s, id %q", c.Path, id)
	}
	// A message in the exec channel teaches the bot that channel (the
	// config's teams:exec) and its sender.
	h.send(t, h.channelMessage("act-exec", "hi"), "")
	h.bf.wait(t)
	if _, err := h.bot.Post(ctx, "teams:exec", bot.Reply{Text: "round"}); err != nil {
		t.Fatal(err)
	}
	if c := h.bf.wait(t); c.Path != "/v3/conversations/19:exec@thread.tacv2/activities" {
		t.Errorf("round posted to %s", c.Path)
	}
	if err := h.bot.Update(ctx, "teams:exec", "msg-9", bot.Reply{Text: "closed"}); err != nil {
		t.Fatal(err)
	}
	if c := h.bf.wait(t); c.Method != http.MethodPut || c.Path != "/v3/conversations/19:exec@thread.tacv2/activities/msg-9" {
		t.Errorf("update %s %s", c.Method, c.Path)
	}
	// A DM to someone seen in a channel opens a 1:1 chat first.
	if err := h.bot.PostDirect(ctx, "aad-user-1", bot.Reply{Text: "digest"}); err != nil {
		t.Fatal(err)
	}
	c = h.bf.wait(t)
	if c.Path != "/v3/conversations" || !strings.Contains(jsonString(c.Body), `"29:user-1"`) {
		t.Errorf("create conversation %s %s", c.Path, jsonString(c.Body))
	}
	c = h.bf.wait(t)
	if !strings.HasPrefix(c.Path, "/v3/conversations/a:new-chat-") || c.Body["text"] != "digest" {
		t.Errorf("DM posted to %s: %v", c.Path, c.Body)
	}
	// The next DM reuses the chat.
	h.bot.PostDirect(ctx, "aad-user-1", bot.Reply{Text: "digest 2"})
	if c := h.bf.wait(t); !strings.HasPrefix(c.Path, "/v3/conversations/a:new-chat-") {
		t.Errorf("second DM to %s", c.Path)
	}
	// Someone the bot never saw cannot get a DM.
	if err := h.bot.PostDirect(ctx, "aad-stranger", bot.Reply{Text: "x"}); !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("DM to a stranger: %v", err)
	}
	// Or falls back to another poster for channels the bot does not know.
	fb := &recordPoster{}
	p := h.bot.Or(fb)
	p.Post(ctx, "teams:other", bot.Reply{Text: "x"})
	p.Post(ctx, "teams:exec", bot.Reply{Text: "y"})
	h.bf.wait(t)
	if len(fb.channels) != 1 || fb.channels[0] != "teams:other" {
		t.Errorf("fallback got %v", fb.channels)
	}
}

type recordPoster struct{ channels []string }

func (p *recordPoster) Post(ctx context.Context, channel string, r bot.Reply) (string, error) {
	p.channels = append(p.channels, channel)
	return "wf", nil
}
func (p *recordPoster) Update(ctx context.Context, channel, id string, r bot.Reply) error { return nil }

func TestConnectorRetries(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.store.SaveConversation(ctx, Conversation{ID: "19:exec@thread.tacv2", ServiceURL: h.bf.srv.URL, Type: Channel})
	// 429 with Retry-After, then a 503: waited out, then posted.
	h.bf.mu.Lock()
	h.bf.fail, h.bf.retryAfter = []int{429, 503}, "7"
	h.bf.mu.Unlock()
	if _, err := h.bot.Post(ctx, "teams:exec", bot.Reply{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	h.bf.wait(t)
	h.mu.Lock()
	sleeps := append([]time.Duration(nil), h.sleeps...)
	h.mu.Unlock()
	if len(sleeps) != 2 || sleeps[0] != 7*time.Second {
		t.Errorf("waits %v, want [7s 7s]", sleeps)
	}
	// A 401 (the token was revoked): a new token, once.
	h.bf.mu.Lock()
	h.bf.rejectTokens["tok-1"] = true
	h.bf.mu.Unlock()
	if _, err := h.bot.Post(ctx, "teams:exec", bot.Reply{Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if c := h.bf.wait(t); c.Auth != "Bearer tok-2" {
		t.Errorf("posted with %q", c.Auth)
	}
	// A 403 (the bot was removed) is permanent.
	h.bf.mu.Lock()
	h.bf.fail = []int{403}
	h.bf.mu.Unlock()
	if _, err := h.bot.Post(ctx, "teams:exec", bot.Reply{Text: "z"}); !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("403: %v", err)
	}
	// 5xx until the tries run out.
	h.bf.mu.Lock()
	h.bf.fail = []int{500, 500, 500, 500, 500}
	h.bf.mu.Unlock()
	if _, err := h.bot.Post(ctx, "teams:exec", bot.Reply{Text: "z"}); err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Errorf("5xx: %v", err)
	}
}

func TestComposeExtensionReturnsTermCards(t *testing.T) {
	terms := map[string]knowledge.Term{
		"ゼロトラスト": {Name: "ゼロトラスト", Definition: "何も信頼しないことを前提にする考え方。"},
		"VPN":    {Name: "VPN", Definition: "仮想的な専用線。"},
	}
	r := &fakeRouter{answer: func(req bot.Request) bot.Reply {
		if req.Command != "term" {
			return bot.Reply{Text: "?"}
		}
		t, ok := terms[req.Text]
		if !ok {
			return bot.Reply{Private: true, Text: "見つかりません", Answer: &knowledge.Answer{Query: req.Text, Kind: knowledge.KindNone}}
		}
		return bot.Reply{Private: true, Text: t.Name, Answer: &knowledge.Answer{Query: req.Text, Kind: knowledge.KindTerm, Term: &t, Related: []string{"VPN", "ゼロトラスト"}}}
	}}
	h := newHarness(t, func(c *Config) { c.Router = r })
	q := h.personalMessage("act-q", "")
	q["type"], q["name"] = "invoke", "composeExtension/query"
	q["value"] = map[string]any{"commandId": "searchTerm", "parameters": []any{map[string]any{"name": "query", "value": "ゼロトラスト"}},
		"queryOptions": map[string]any{"skip": 0, "count": 25}}
	status, body := h.send(t, q, "")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var resp struct {
		ComposeExtension struct {
			Type        string
			Attachments []struct {
				ContentType string
				Content     map[string]any
				Preview     struct{ Content struct{ Title string } }
			}
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	ce := resp.ComposeExtension
	if ce.Type != "result" || len(ce.Attachments) != 2 {
		t.Fatalf("response %s", body)
	}
	if ce.Attachments[0].Preview.Content.Title != "ゼロトラスト" || ce.Attachments[1].Preview.Content.Title != "VPN" {
		t.Errorf("results %s", body)
	}
	for _, a := range ce.Attachments {
		if a.ContentType != typeCard {
			t.Errorf("content type %q", a.ContentType)
		}
		if err := validateCard(a.Content); err != nil {
			t.Error(err)
		}
	}
	// Nothing typed yet: a hint, not an error.
	q["id"] = "act-q2"
	q["value"] = map[string]any{"commandId": "searchTerm", "parameters": []any{map[string]any{"name": "initialRun", "value": "true"}}}
	_, body = h.send(t, q, "")
	if !strings.Contains(string(body), `"type":"message"`) {
		t.Errorf("initial run %s", body)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestTermButtonAnswersTheClickerWithACard(t *testing.T) {
	r := &fakeRouter{answer: func(req bot.Request) bot.Reply {
		if req.Action == nil || req.Action.ID != bot.ActionOpenTerm {
			return bot.Reply{Text: "?"}
		}
		term := knowledge.Term{Name: req.Action.Value, Definition: "仮想的な専用線。"}
		return bot.Reply{Private: true, Text: term.Name, Answer: &knowledge.Answer{Query: term.Name, Kind: knowledge.KindTerm, Term: &term}}
	}}
	h := newHarness(t, func(c *Config) { c.Router = r })
	click := h.quizClick("act-term", "VPN")
	click["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": "term.open",
		"data": map[string]any{"action": "term.open", "value": "VPN"}}}
	status, body := h.send(t, click, "")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var resp struct {
		StatusCode int
		Type       string
		Value      map[string]any
	}
	json.Unmarshal(body, &resp)
	if resp.Type != typeCard || resp.StatusCode != 200 {
		t.Fatalf("answer %s", body)
	}
	if err := validateCard(resp.Value); err != nil {
		t.Error(err)
	}
	if !strings.Contains(string(body), "仮想的な専用線") {
		t.Errorf("card %s", body)
	}
	if got := r.requests()[0]; got.PublicReplies || got.Action.Value != "VPN" || got.ChannelID != "teams:exec" {
		t.Errorf("request %+v", got)
	}
	h.bf.none(t) // nothing posted for everyone
}

func TestRequests(t *testing.T) {
	h := newHarness(t, nil)
	group := h.personalMessage("g", "")
	group["conversation"] = map[string]any{"id": "19:chat-1@thread.v2", "conversationType": "groupChat", "isGroup": true}
	tests := []struct {
		name string
		act  map[string]any
		text string
		want bot.Request
	}{
		{"channel mention", h.channelMessage("a", ""), "<at>secbot</at> <p>ゼロトラスト&nbsp;とは</p>",
			bot.Request{Text: "ゼロトラスト とは", ChannelID: "teams:exec", PublicReplies: true}},
		{"renamed bot", h.channelMessage("a", ""), "<at>セキュボ</at> quiz leaderboard",
			bot.Request{Text: "/quiz leaderboard", ChannelID: "teams:exec", PublicReplies: true}},
		{"1:1 with another mention", h.personalMessage("b", ""), "<at>田中</at> さんに聞かれた VPN",
			bot.Request{Text: "田中 さんに聞かれた VPN", ChannelID: "a:personal-2", Direct: true}},
		{"1:1 command word", h.personalMessage("b", ""), "term CSIRT",
			bot.Request{Text: "/term CSIRT", ChannelID: "a:personal-2", Direct: true}},
		{"Japanese command", h.personalMessage("b", ""), "ヒント 登録",
			bot.Request{Text: "/tip 登録", ChannelID: "a:personal-2", Direct: true}},
		{"group chat", group, "<at>secbot</at> 2025年の崖",
			bot.Request{Text: "2025年の崖", ChannelID: "19:chat-1@thread.v2", PublicReplies: true}},
	}
	for _, tt := range tests {
		tt.act["text"] = tt.text
		if strings.HasPrefix(tt.text, "<at>") && !strings.HasPrefix(tt.text, "<at>田中") {
			name := strings.TrimSuffix(strings.TrimPrefix(strings.Fields(tt.text)[0], "<at>"), "</at>")
			tt.act["entities"] = []any{map[string]any{"type": "mention", "text": "<at>" + name + "</at>",
				"mentioned": map[string]any{"id": "28:" + testAppID, "name": name}}}
		}
		b, _ := json.Marshal(tt.act)
		var act activity
		json.Unmarshal(b, &act)
		got := h.bot.request(&act)
		got.Platform, got.UserID, got.UserName = "", "", ""
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestRoundUpdatesAreCoalesced(t *testing.T) {
	q := &quizRouter{answers: map[string]string{}}
	gate := make(chan struct{})
	h := newHarness(t, func(c *Config) {
		c.Router = q
		c.UpdateDelay = time.Hour
		c.Sleep = func(ctx context.Context, d time.Duration) error {
			if d == time.Hour {
				<-gate
			}
			return nil
		}
	})
	for i, user := range []string{"aad-a", "aad-b", "aad-c"} {
		click := h.quizClick("act-c-"+user, "r1|"+string(rune('0'+i%2)))
		click["from"] = map[string]any{"id": "29:" + user, "aadObjectId": user}
		if status, _ := h.send(t, click, ""); status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
	}
	h.bf.none(t)
	close(gate)
	c := h.bf.wait(t)
	if c.Method != http.MethodPut || !strings.Contains(jsonString(c.Body), "回答済み: 3人") {
		t.Errorf("update %s %s", c.Method, jsonString(c.Body))
	}
	h.bf.none(t)
}

func TestDirectPostToAPersonalChat(t *testing.T) {
	h := newHarness(t, nil)
	// The person installed the app and wrote to it once.
	h.send(t, h.personalMessage("act-hello", "こんにちは"), "")
	h.bf.wait(t)
	tip := bot.TipReply(bot.TipCard{Tip: knowledge.Tip{Title: "経営者の役割", Body: "経営者がリーダーシップを。"}})
	if err := h.bot.PostDirect(context.Background(), "aad-user-2", tip); err != nil {
		t.Fatal(err)
	}
	c := h.bf.wait(t)
	if c.Method != http.MethodPost || c.Path != "/v3/conversations/a:personal-2/activities" {
		t.Errorf("DM %s %s", c.Method, c.Path)
	}
	if !strings.Contains(jsonString(c.Body), "経営者の役割") {
		t.Errorf("DM body %s", jsonString(c.Body))
	}
}

func TestProcessRunsAKeptClick(t *testing.T) {
	q := &quizRouter{answers: map[string]string{}}
	h := newHarness(t, func(c *Config) { c.Router = q })
	body, _ := json.Marshal(h.quizClick("act-kept-click", "r1|1"))
	// Kept, then the process stopped before answering: the worker runs it.
	h.inbox.Accept(context.Background(), Key("act-kept-click", body), Kind, body)
	if err := h.bot.Process(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	if c := h.bf.wait(t); c.Method != http.MethodPut {
		t.Errorf("round card not updated: %s %s", c.Method, c.Path)
	}
	if q.answers["aad-user-1"] != "r1|1" || !h.inbox.done[Key("act-kept-click", body)] {
		t.Errorf("answer %v, done %v", q.answers, h.inbox.done)
	}
	// Teams' own retry of the click is then a duplicate.
	h.send(t, h.quizClick("act-kept-click", "r1|1"), "")
	if q.calls != 1 {
		t.Errorf("router called %d times", q.calls)
	}
}
