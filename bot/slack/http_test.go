package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"secbot/bot"
	"secbot/internal/fakeslack"
)

func TestSignatureChecks(t *testing.T) {
	form := url.Values{"command": {"/term"}, "text": {"VPN"}, "user_id": {"U1"}, "channel_id": {"C1"}, "response_url": {"http://127.0.0.1:1/never"}}
	body := []byte(form.Encode())
	for _, tc := range []struct {
		name   string
		edit   func(h *harness, r *http.Request, body []byte)
		status int
	}{
		{"good", func(*harness, *http.Request, []byte) {}, http.StatusOK},
		{"missing signature", func(_ *harness, r *http.Request, _ []byte) { r.Header.Del("X-Slack-Signature") }, http.StatusUnauthorized},
		{"missing timestamp", func(_ *harness, r *http.Request, _ []byte) { r.Header.Del("X-Slack-Request-Timestamp") }, http.StatusUnauthorized},
		{"wrong signature", func(h *harness, r *http.Request, body []byte) {
			r.Header.Set("X-Slack-Signature", fakeslack.Sign("another secret", h.clock.Now(), body))
		}, http.StatusUnauthorized},
		{"not v0", func(_ *harness, r *http.Request, _ []byte) {
			r.Header.Set("X-Slack-Signature", "v1="+strings.TrimPrefix(r.Header.Get("X-Slack-Signature"), "v0="))
		}, http.StatusUnauthorized},
		{"body changed", func(_ *harness, r *http.Request, _ []byte) {
			r.Body = http.NoBody
			r.ContentLength = 0
		}, http.StatusUnauthorized},
		{"stale timestamp", func(h *harness, r *http.Request, body []byte) {
			old := h.clock.Now().Add(-5*time.Minute - time.Second)
			r.Header.Set("X-Slack-Request-Timestamp", formatUnix(old))
			r.Header.Set("X-Slack-Signature", fakeslack.Sign(testSecret, old, body))
		}, http.StatusUnauthorized},
		{"future timestamp", func(h *harness, r *http.Request, body []byte) {
			later := h.clock.Now().Add(6 * time.Minute)
			r.Header.Set("X-Slack-Request-Timestamp", formatUnix(later))
			r.Header.Set("X-Slack-Signature", fakeslack.Sign(testSecret, later, body))
		}, http.StatusUnauthorized},
		{"four minutes old", func(h *harness, r *http.Request, body []byte) {
			old := h.clock.Now().Add(-4 * time.Minute)
			r.Header.Set("X-Slack-Request-Timestamp", formatUnix(old))
			r.Header.Set("X-Slack-Signature", fakeslack.Sign(testSecret, old, body))
		}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tableRouter())
			for _, path := range []string{"/slack/commands", "/slack/events", "/slack/interactivity"} {
				b := body
				if path == "/slack/events" {
					b, _ = json.Marshal(eventCallback("Ev1"+path, map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> VPN", "ts": "1.1", "channel": "C1"}))
				}
				req := fakeslack.SignedRequest(h.srv.URL+path, "application/x-www-form-urlencoded", testSecret, h.clock.Now(), b)
				tc.edit(h, req, b)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				want := tc.status
				if path == "/slack/interactivity" && want == http.StatusOK {
					want = http.StatusBadRequest // the body is a command, not a payload
				}
				if resp.StatusCode != want {
					t.Errorf("%s: status %d, want %d", path, resp.StatusCode, want)
				}
			}
			h.settle()
			if tc.status == http.StatusUnauthorized {
				if n := len(h.router.requests()); n != 0 {
					t.Errorf("router called %d times for a refused request", n)
				}
				if calls := h.slack.Calls(""); len(calls) != 0 {
					t.Errorf("Web API called for a refused request: %v", calls)
				}
			} else if n := len(h.router.requests()); n != 2 {
				t.Errorf("router called %d times, want 2 (command, event)", n)
			}
		})
	}
}

func formatUnix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestNoSigningSecretRefusesEverything(t *testing.T) {
	h := newHarness(t, tableRouter(), func(c *Config) { c.SigningSecret = "" })
	status, _, _ := h.command("/term", "VPN", "C1")
	if status != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", status)
	}
}

func TestBodyOverOneMegabyteRefused(t *testing.T) {
	h := newHarness(t, tableRouter())
	big := []byte("text=" + strings.Repeat("a", MaxBodyBytes))
	for _, chunked := range []bool{false, true} {
		req := fakeslack.SignedRequest(h.srv.URL+"/slack/commands", "application/x-www-form-urlencoded", testSecret, h.clock.Now(), big)
		if chunked {
			req.ContentLength = -1 // no Content-Length: MaxBytesReader stops it
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked=%v: status %d, want 413", chunked, resp.StatusCode)
		}
	}
	if n := len(h.router.requests()); n != 0 {
		t.Errorf("router called %d times", n)
	}
}

func TestSlashTermAnsweredInline(t *testing.T) {
	h := newHarness(t, tableRouter())
	status, body, _ := h.command("/term", "ゼロトラスト", "C1")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if raw["response_type"] != "ephemeral" {
		t.Errorf("response_type %v, want ephemeral", raw["response_type"])
	}
	for _, want := range []string{`"ゼロトラスト（ぜろとらすと）"`, `"term.share"`, `"term.open"`, `4-1-3`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("answer lacks %s: %s", want, body)
		}
	}
	h.settle()
	reqs := h.router.requests()
	if len(reqs) != 1 || reqs[0].Command != "term" || reqs[0].Text != "ゼロトラスト" || reqs[0].UserID != "U1" || reqs[0].UserName != "taro" || reqs[0].Platform != bot.Slack {
		t.Errorf("routed %+v", reqs)
	}
	if n := len(h.slack.Responses()); n != 0 {
		t.Errorf("%d response_url posts for an inline answer", n)
	}
}

func TestSlashCommandMapping(t *testing.T) {
	for _, tc := range []struct{ cmd, text, wantCmd, wantText string }{
		{"/term", "VPN", "term", "VPN"},
		{"/tip", "", "tip", ""},
		{"/quiz", "start", "quiz", "start"},
		{"/help", "", "help", ""},
		{"/secbot", "term CSIRT", "term", "CSIRT"},
		{"/secbot", "term　ゼロトラスト", "term", "ゼロトラスト"},
		{"/secbot", "", "help", ""},
		{"/secbot", "2025年の崖って何？", "", "2025年の崖って何？"},
		{"/TERM", "&lt;VPN&gt;", "term", "<VPN>"},
	} {
		req := commandRequest(slackCommand(tc.cmd, tc.text))
		if req.Command != tc.wantCmd || req.Text != tc.wantText {
			t.Errorf("%s %q → (%q, %q), want (%q, %q)", tc.cmd, tc.text, req.Command, req.Text, tc.wantCmd, tc.wantText)
		}
	}
}

func TestSlowSlashCommandGoesThroughResponseURL(t *testing.T) {
	release := make(chan struct{})
	slow := routerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
		<-release
		return tableRouter().Route(ctx, req)
	})
	h := newHarness(t, slow, func(c *Config) { c.AckTimeout = 20 * time.Millisecond })
	status, body, responseURL := h.command("/term", "CSIRT", "C1")
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("ack: status %d body %q, want 200 and empty", status, body)
	}
	close(release)
	h.settle()
	rs := h.responsesTo(responseURL)
	if len(rs) != 1 {
		t.Fatalf("%d response_url posts, want 1", len(rs))
	}
	if rs[0].Body["response_type"] != "ephemeral" || !strings.Contains(string(rs[0].Raw), "シーサート") {
		t.Errorf("response_url got %s", rs[0].Raw)
	}
}

func TestURLVerification(t *testing.T) {
	h := newHarness(t, tableRouter())
	status, body := h.post("/slack/events", "application/json", []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`))
	if status != http.StatusOK || !strings.Contains(string(body), `"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"`) {
		t.Errorf("status %d body %s", status, body)
	}
}

func TestMentionAnsweredInThread(t *testing.T) {
	h := newHarness(t, tableRouter())
	status := h.event("Ev1", map[string]any{
		"type": "app_mention", "user": "U1", "text": "<@UBOT> 2025年の崖って何？", "ts": "1700000100.000200", "channel": "C1", "event_ts": "1700000100.000200",
	})
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	h.settle()
	posts := h.slack.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	p := posts[0]
	if p.Args.Get("channel") != "C1" || p.Args.Get("thread_ts") != "1700000100.000200" || p.Token != "xoxb-test" {
		t.Errorf("posted %v", p.Args)
	}
	if !strings.Contains(p.Args.Get("blocks"), "2025年の崖") || p.Args.Get("text") == "" {
		t.Errorf("blocks %s text %q", p.Args.Get("blocks"), p.Args.Get("text"))
	}
	reqs := h.router.requests()
	if len(reqs) != 1 || reqs[0].Text != "2025年の崖って何？" || reqs[0].Direct {
		t.Errorf("routed %+v", reqs)
	}
}

func TestMentionInThreadRepliesToThatThread(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.event("Ev1", map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> VPN", "ts": "1700000100.000300", "thread_ts": "1700000000.000100", "channel": "C1"})
	h.settle()
	posts := h.slack.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("thread_ts") != "1700000000.000100" {
		t.Fatalf("posts %v", posts)
	}
}

func TestPrivateReplyToMentionIsEphemeral(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.event("Ev1", map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> /term VPN", "ts": "1700000100.000300", "channel": "C1"})
	h.settle()
	if n := len(h.slack.Calls("chat.postMessage")); n != 0 {
		t.Errorf("%d public posts", n)
	}
	// A mention at the top level has no thread yet, and Slack hides an
	// ephemeral message sent to a thread that does not exist: it goes to
	// the channel.
	eph := h.slack.Calls("chat.postEphemeral")
	if len(eph) != 1 || eph[0].Args.Get("user") != "U1" || eph[0].Args.Get("channel") != "C1" || eph[0].Args.Get("thread_ts") != "" {
		t.Fatalf("ephemeral %v", eph)
	}
	if !strings.Contains(eph[0].Args.Get("blocks"), "term.share") {
		t.Errorf("no share button: %s", eph[0].Args.Get("blocks"))
	}

	// A mention inside a thread gets its private reply in that thread.
	h.event("Ev2", map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> /term VPN", "ts": "1700000100.000500", "thread_ts": "1700000000.000100", "channel": "C1"})
	h.settle()
	eph = h.slack.Calls("chat.postEphemeral")
	if len(eph) != 2 || eph[1].Args.Get("thread_ts") != "1700000000.000100" {
		t.Fatalf("ephemeral in a thread %v", eph)
	}
}

func TestDirectMessageAnswered(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.event("Ev1", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "text": "ゼロトラストって何？", "ts": "1700000100.000400", "channel": "D1"})
	h.settle()
	posts := h.slack.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("channel") != "D1" || posts[0].Args.Get("thread_ts") != "1700000100.000400" {
		t.Fatalf("posts %v", posts)
	}
	if strings.Contains(posts[0].Args.Get("blocks"), "term.share") {
		t.Error("share button in a DM")
	}
	if reqs := h.router.requests(); len(reqs) != 1 || !reqs[0].Direct {
		t.Errorf("routed %+v", reqs)
	}
}

func TestRetriedEventAnsweredOnce(t *testing.T) {
	h := newHarness(t, tableRouter())
	ev := map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> VPN", "ts": "1700000100.000500", "channel": "C1"}
	h.event("Ev42", ev)
	for i := 1; i <= 3; i++ {
		status := h.event("Ev42", ev, func(r *http.Request) {
			r.Header.Set("X-Slack-Retry-Num", itoa(int64(i)))
			r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		})
		if status != http.StatusOK {
			t.Errorf("retry %d: status %d", i, status)
		}
	}
	h.event("Ev43", ev) // another event is answered
	h.settle()
	if n := len(h.slack.Calls("chat.postMessage")); n != 2 {
		t.Errorf("%d posts, want 2", n)
	}
}

func TestBotsAreNotAnswered(t *testing.T) {
	h := newHarness(t, tableRouter())
	for i, ev := range []map[string]any{
		{"type": "message", "channel_type": "im", "user": fakeslack.BotUserID, "text": "VPN", "ts": "1.1", "channel": "D1"},
		{"type": "message", "channel_type": "im", "bot_id": "B9", "user": "U9", "text": "VPN", "ts": "1.2", "channel": "D1"},
		{"type": "message", "channel_type": "im", "subtype": "bot_message", "bot_id": "B9", "text": "VPN", "ts": "1.3", "channel": "D1"},
		{"type": "app_mention", "bot_id": "B9", "user": "U9", "text": "<@UBOT> VPN", "ts": "1.4", "channel": "C1"},
		{"type": "app_mention", "user": fakeslack.BotUserID, "text": "<@UBOT> VPN", "ts": "1.5", "channel": "C1"},
		{"type": "message", "channel_type": "im", "subtype": "message_changed", "text": "VPN", "ts": "1.6", "channel": "D1"},
		{"type": "message", "channel_type": "channel", "user": "U1", "text": "VPN", "ts": "1.7", "channel": "C1"},
	} {
		h.event("EvBot"+itoa(int64(i)), ev)
	}
	h.settle()
	if calls := h.slack.Calls("chat.postMessage"); len(calls) != 0 {
		t.Errorf("answered a bot: %v", calls)
	}
	if n := len(h.router.requests()); n != 0 {
		t.Errorf("routed %d bot messages", n)
	}
}

func TestShareButtonPostsInChannelAndDeletesPrivateCard(t *testing.T) {
	h := newHarness(t, tableRouter())
	status, responseURL := h.click("term.share", "ゼロトラスト", "C1", true)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	h.settle()
	rs := h.responsesTo(responseURL)
	if len(rs) != 2 {
		t.Fatalf("%d response_url posts, want 2", len(rs))
	}
	if rs[0].Body["response_type"] != "in_channel" || rs[0].Body["replace_original"] != false || !strings.Contains(string(rs[0].Raw), "ゼロトラスト（ぜろとらすと）") {
		t.Errorf("share: %s", rs[0].Raw)
	}
	if strings.Contains(string(rs[0].Raw), "term.share") {
		t.Errorf("the shared card still has a share button: %s", rs[0].Raw)
	}
	if rs[1].Body["delete_original"] != true {
		t.Errorf("second post does not delete the private card: %s", rs[1].Raw)
	}
	reqs := h.router.requests()
	if len(reqs) != 1 || reqs[0].Action == nil || reqs[0].Action.ID != bot.ActionShareTerm || reqs[0].UserID != "U2" || reqs[0].UserName != "hanako" {
		t.Errorf("routed %+v", reqs)
	}
}

func TestRelatedTermButtonOpensPrivateCard(t *testing.T) {
	h := newHarness(t, tableRouter())
	_, responseURL := h.click("term.open#2", "CSIRT", "C1", false)
	h.settle()
	rs := h.responsesTo(responseURL)
	if len(rs) != 1 || rs[0].Body["response_type"] != "ephemeral" || !strings.Contains(string(rs[0].Raw), "シーサート") {
		t.Fatalf("responses %v", rs)
	}
	if reqs := h.router.requests(); len(reqs) != 1 || reqs[0].Action.ID != bot.ActionOpenTerm || reqs[0].Action.Value != "CSIRT" {
		t.Errorf("routed %+v", reqs)
	}
}

func TestQuizAnswerReplacesRoundAndConfirmsPrivately(t *testing.T) {
	var got bot.Action
	quiz := routerFunc(func(_ context.Context, req bot.Request) bot.Reply {
		got = *req.Action
		return bot.Reply{ReplaceOriginal: true, Text: "クイズ", Round: &bot.RoundCard{RoundID: "r1", Question: "Q", Choices: []string{"a", "b"}, Answered: 1},
			Also: []bot.Reply{{Private: true, Text: "B と回答しました。"}}}
	})
	h := newHarness(t, quiz)
	_, responseURL := h.click("quiz.answer#2", "r1|1", "C1", false)
	h.settle()
	if got.ID != bot.ActionQuizAnswer || got.Value != "r1|1" {
		t.Errorf("action %+v", got)
	}
	rs := h.responsesTo(responseURL)
	if len(rs) != 2 {
		t.Fatalf("%d response_url posts, want 2", len(rs))
	}
	if rs[0].Body["replace_original"] != true || !strings.Contains(string(rs[0].Raw), "回答済み: 1人") {
		t.Errorf("round update %s", rs[0].Raw)
	}
	if rs[1].Body["response_type"] != "ephemeral" || rs[1].Body["replace_original"] != false {
		t.Errorf("confirmation %s", rs[1].Raw)
	}
}

func TestWebAPIErrorLoggedAndUserGetsApology(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.slack.Fail("chat.postMessage", fakeslack.Failure{Error: "invalid_blocks"})
	h.event("Ev1", map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> 2025年の崖", "ts": "1.1", "channel": "C1"})
	h.settle()
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d postMessage calls: a permanent error was retried", n)
	}
	eph := h.slack.Calls("chat.postEphemeral")
	if len(eph) != 1 || eph[0].Args.Get("text") != bot.Apology || eph[0].Args.Get("user") != "U1" {
		t.Fatalf("apology %v", eph)
	}
	if logs := h.logs.String(); !strings.Contains(logs, "slack_error=invalid_blocks") {
		t.Errorf("log lacks the Slack error code:\n%s", logs)
	}
	for _, c := range eph {
		if strings.Contains(c.Args.Get("blocks"), "invalid_blocks") || strings.Contains(c.Args.Get("text"), "goroutine") {
			t.Errorf("internal error shown to the user: %v", c.Args)
		}
	}
}

func TestResponseURLFailureLogged(t *testing.T) {
	h := newHarness(t, tableRouter())
	// A response_url that answers 404 expired_url.
	h.a.respond(context.Background(), h.srv.URL+"/nowhere", bot.Reply{Text: "x"}, false, "")
	if logs := h.logs.String(); !strings.Contains(logs, "slack_error=") {
		t.Errorf("log lacks the error code:\n%s", logs)
	}
}

func slackCommand(cmd, text string) slack.SlashCommand {
	return slack.SlashCommand{Command: cmd, Text: text, UserID: "U1", ChannelID: "C1"}
}

func TestCloseWaitsForDeliveriesInFlight(t *testing.T) {
	release := make(chan struct{})
	slow := routerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
		<-release
		return tableRouter().Route(ctx, req)
	})
	h := newHarness(t, slow)
	h.event("Ev1", map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> VPN", "ts": "1.1", "channel": "C1"})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := h.a.Close(ctx); err == nil {
		t.Fatal("Close returned while an answer was still being prepared")
	}
	close(release)
	h.settle()
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d posts after Close, want the answer in flight delivered", n)
	}
}

func TestSSLCheckIsNotRouted(t *testing.T) {
	h := newHarness(t, tableRouter())
	status, body := h.post("/slack/commands", "application/x-www-form-urlencoded", []byte("ssl_check=1&token=x"))
	h.settle()
	if status != http.StatusOK || len(body) != 0 || len(h.router.requests()) != 0 {
		t.Errorf("status %d body %q routed %d", status, body, len(h.router.requests()))
	}
}

func TestAuthTestFailureStillIgnoresBotsAndRetriesLater(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.slack.Fail("auth.test", fakeslack.Failure{Status: 503}, fakeslack.Failure{Status: 503}, fakeslack.Failure{Status: 503}, fakeslack.Failure{Status: 503})
	h.event("Ev1", map[string]any{"type": "message", "channel_type": "im", "bot_id": fakeslack.BotID, "user": fakeslack.BotUserID, "text": "echo", "ts": "1.1", "channel": "D1"})
	h.event("Ev2", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "text": "VPN", "ts": "1.2", "channel": "D1"})
	h.settle()
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d posts, want 1 (the person's DM only)", n)
	}
	calls := len(h.slack.Calls("auth.test"))
	h.event("Ev3", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "text": "VPN", "ts": "1.3", "channel": "D1"})
	h.settle()
	if n := len(h.slack.Calls("auth.test")); n != calls {
		t.Errorf("auth.test asked again within the minute")
	}
	h.clock.Sleep(context.Background(), time.Minute)
	h.event("Ev4", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "text": "VPN", "ts": "1.4", "channel": "D1"})
	h.settle()
	if n := len(h.slack.Calls("auth.test")); n != calls+1 {
		t.Errorf("auth.test calls %d, want %d", n, calls+1)
	}
}

// TestSlashQuestionIsPrivate: a question asked with /secbot is shown to the
// asker first, like /term, with a button to share the passages.
func TestSlashQuestionIsPrivate(t *testing.T) {
	h := newHarness(t, tableRouter())
	status, body, _ := h.command("/secbot", "2025年の崖って何？", "C1")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if raw["response_type"] != "ephemeral" || !strings.Contains(string(body), `"term.share"`) {
		t.Errorf("/secbot question answered %s, want ephemeral with a share button", body)
	}
}
