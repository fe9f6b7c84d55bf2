package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/internal/fakeslack"
)

// memInbox is an Inbox in memory; fail makes Accept refuse.
type memInbox struct {
	mu    sync.Mutex
	kept  map[string][]byte
	done  map[string]bool
	fail  bool
	tries int // Accept calls so far
}

func newMemInbox() *memInbox { return &memInbox{kept: map[string][]byte{}, done: map[string]bool{}} }

func (m *memInbox) Accept(_ context.Context, key, _ string, payload []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tries++
	if m.fail {
		return false, errors.New("database is locked")
	}
	if _, ok := m.kept[key]; ok {
		return false, nil
	}
	m.kept[key] = payload
	return true, nil
}

func (m *memInbox) Done(_ context.Context, key string) error {
	m.mu.Lock()
	m.done[key] = true
	m.mu.Unlock()
	return nil
}

// TestNothingAckedThatIsNotKept: when the store cannot keep an event, a
// slash command or a click, Slack gets an error status — so that it retries
// or shows the person a failure — and nothing runs.
func TestNothingAckedThatIsNotKept(t *testing.T) {
	inbox := newMemInbox()
	inbox.fail = true
	failing := errorRouter{err: errors.New("sqlite: add answer: database is locked")}
	h := newHarness(t, failing, func(c *Config) { c.Inbox = inbox })
	mention := map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> VPN", "ts": "1.1", "channel": "C1"}
	if st := h.event("Ev1", mention); st != http.StatusServiceUnavailable {
		t.Errorf("event the store refused: status %d, want 503", st)
	}
	if st, _, _ := h.command("/term", "VPN", "C1"); st != http.StatusServiceUnavailable {
		t.Errorf("command the store refused: status %d, want 503", st)
	}
	if st, _ := h.click("quiz.answer", "r1|1", "C1", false); st != http.StatusServiceUnavailable {
		t.Errorf("a click whose answer could not be stored: status %d, want 503", st)
	}
	h.settle()
	if n := len(h.slack.Calls("chat.postMessage")) + len(h.slack.Responses()); n != 0 {
		t.Errorf("%d messages sent for inputs that were not kept", n)
	}
}

// errorRouter fails every request as a handler whose store is down does.
type errorRouter struct{ err error }

func (e errorRouter) Route(ctx context.Context, req bot.Request) bot.Reply {
	r, _ := e.Serve(ctx, req)
	return r
}

func (e errorRouter) Serve(context.Context, bot.Request) (bot.Reply, error) {
	return bot.Reply{Private: true, Text: bot.Apology}, e.err
}

// TestInboxRecognisesRetriesAndFinishes: an event and a slash command are
// kept under Slack's own ids before the 200, answered once however often
// they are delivered, and finished once answered; the click's time travels
// with the request.
func TestInboxRecognisesRetriesAndFinishes(t *testing.T) {
	inbox := newMemInbox()
	h := newHarness(t, tableRouter(), func(c *Config) { c.Inbox = inbox })
	mention := map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> VPN", "ts": "1.1", "channel": "C1"}
	for range 3 {
		if st := h.event("Ev9", mention); st != http.StatusOK {
			t.Fatalf("event: status %d", st)
		}
	}
	form := url.Values{"command": {"/term"}, "text": {"VPN"}, "user_id": {"U1"}, "channel_id": {"C1"},
		"team_id": {"T1"}, "response_url": {h.slack.ResponseURL()}, "trigger_id": {"13345224609.8534564800.6f8ab1f53e13d0cd15f96106292d5536"}}
	for i := range 2 {
		st, body := h.post("/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()))
		if st != http.StatusOK || (i == 0) != strings.Contains(string(body), "VPN") {
			t.Errorf("command delivery %d: %d %s (a replay is acknowledged empty)", i, st, body)
		}
	}
	h.settle()
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Errorf("event delivered 3 times answered %d times, want 1", n)
	}
	for _, key := range []string{"slack:event:Ev9", "slack:command:13345224609.8534564800.6f8ab1f53e13d0cd15f96106292d5536"} {
		if _, ok := inbox.kept[key]; !ok || !inbox.done[key] {
			t.Errorf("%s: kept %v, done %v", key, ok, inbox.done[key])
		}
	}
	var env eventEnvelope
	if err := json.Unmarshal(inbox.kept["slack:event:Ev9"], &env); err != nil || env.Event == nil || env.Event.Text != "<@UBOT> VPN" {
		t.Errorf("kept payload does not hold the event: %v %+v", err, env)
	}

	// A kept event run again after a crash is answered.
	if err := h.a.Rerun(context.Background(), KindEvent, inbox.kept["slack:event:Ev9"]); err != nil {
		t.Fatal(err)
	}
	if n := len(h.slack.Calls("chat.postMessage")); n != 2 {
		t.Errorf("Rerun posted %d answers in all, want 2", n)
	}

	// The click's action_ts becomes the request's time.
	got := make(chan bot.Request, 1)
	hc := newHarness(t, routerFunc(func(_ context.Context, req bot.Request) bot.Reply { got <- req; return bot.Reply{} }))
	hc.click("quiz.answer", "r1|1", "C1", false)
	if req := <-got; !req.At.Equal(time.Unix(1700000001, 1000)) {
		t.Errorf("click time = %v, want the action_ts", req.At)
	}
}

// TestClickWithoutResponseURLUpdatesInPlace: a replacement for a clicked
// message with no response_url (some Slack clients) updates the message
// rather than posting a copy.
func TestClickWithoutResponseURLUpdatesInPlace(t *testing.T) {
	h := newHarness(t, routerFunc(func(context.Context, bot.Request) bot.Reply {
		return bot.Reply{ReplaceOriginal: true, Text: "共有しました"}
	}))
	payload, _ := json.Marshal(blockActions("term.share", "VPN", "C1", false, ""))
	h.post("/slack/interactivity", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode()))
	h.settle()
	if ups, posts := h.slack.Calls("chat.update"), h.slack.Calls("chat.postMessage"); len(ups) != 1 || len(posts) != 0 ||
		ups[0].Args.Get("ts") != "1700000000.000001" {
		t.Errorf("chat.update %d (ts %v), chat.postMessage %d; want the clicked message updated", len(ups), ups, len(posts))
	}
}

// TestChallengeEchoedOnlyWhenSane: url_verification echoes a challenge of
// Slack's shape only.
func TestChallengeEchoedOnlyWhenSane(t *testing.T) {
	h := newHarness(t, tableRouter())
	for _, c := range []string{"", strings.Repeat("a", 5000), "<script>alert(1)</script> x"} {
		body, _ := json.Marshal(map[string]string{"type": "url_verification", "challenge": c})
		if st, out := h.post("/slack/events", "application/json", body); st != http.StatusBadRequest {
			t.Errorf("challenge %.20q: %d %s, want 400", c, st, out)
		}
	}
}

var _ = fakeslack.Eventually
