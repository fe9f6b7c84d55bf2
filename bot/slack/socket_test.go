package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"secbot/bot"
	"secbot/internal/fakeslack"
	"secbot/knowledge"
)

// runSocket starts RunSocketMode against the fake and returns a stop
// function that ends it and checks it returned nil.
func runSocket(t *testing.T, h *harness) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.RunSocketMode(ctx) }()
	fakeslack.Eventually(t, "the socket-mode connection", h.slack.Connected)
	return func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("RunSocketMode: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("RunSocketMode did not return after cancel")
		}
	}
}

// ackOf waits for the ack of envelope id.
func ackOf(t *testing.T, s *fakeslack.Server, id string) fakeslack.Ack {
	t.Helper()
	var got fakeslack.Ack
	fakeslack.Eventually(t, "the ack of "+id, func() bool {
		for _, a := range s.Acks() {
			if a.EnvelopeID == id {
				got = a
				return true
			}
		}
		return false
	})
	return got
}

func TestSocketMode(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.slack.AppToken = "xapp-test"
	stop := runSocket(t, h)
	defer stop()

	if calls := h.slack.Calls("apps.connections.open"); len(calls) == 0 || calls[0].Token != "xapp-test" {
		t.Fatalf("apps.connections.open calls %v", calls)
	}

	t.Run("slash command answered in the ack", func(t *testing.T) {
		id, err := h.slack.Envelope("slash_commands", map[string]any{
			"command": "/term", "text": "ゼロトラスト", "user_id": "U1", "user_name": "taro", "channel_id": "C1",
			"response_url": h.slack.ResponseURL(), "team_id": "T1",
		})
		if err != nil {
			t.Fatal(err)
		}
		ack := ackOf(t, h.slack, id)
		if ack.Size >= 20*1024 {
			t.Errorf("ack of %d bytes: Slack drops acks of 20 KB or more", ack.Size)
		}
		var payload map[string]any
		if err := json.Unmarshal(ack.Payload, &payload); err != nil {
			t.Fatalf("ack payload %s: %v", ack.Payload, err)
		}
		if payload["response_type"] != "ephemeral" || !strings.Contains(string(ack.Payload), "ゼロトラスト（ぜろとらすと）") {
			t.Errorf("ack payload %s", ack.Payload)
		}
	})

	t.Run("event acked then answered in thread", func(t *testing.T) {
		id, err := h.slack.Envelope("events_api", eventCallback("EvS1", map[string]any{
			"type": "app_mention", "user": "U1", "text": "<@UBOT> CSIRT", "ts": "1700000200.000100", "channel": "C9",
		}))
		if err != nil {
			t.Fatal(err)
		}
		if ack := ackOf(t, h.slack, id); len(ack.Payload) != 0 {
			t.Errorf("event ack carries %s", ack.Payload)
		}
		fakeslack.Eventually(t, "the thread reply", func() bool {
			for _, c := range h.slack.Calls("chat.postMessage") {
				if c.Args.Get("channel") == "C9" && c.Args.Get("thread_ts") == "1700000200.000100" {
					return true
				}
			}
			return false
		})
		// Slack re-sends an envelope it thinks was lost: answered once.
		id2, _ := h.slack.Envelope("events_api", eventCallback("EvS1", map[string]any{
			"type": "app_mention", "user": "U1", "text": "<@UBOT> CSIRT", "ts": "1700000200.000100", "channel": "C9",
		}))
		ackOf(t, h.slack, id2)
		h.settle()
		n := 0
		for _, c := range h.slack.Calls("chat.postMessage") {
			if c.Args.Get("channel") == "C9" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d replies, want 1", n)
		}
	})

	t.Run("button click acked then answered via response_url", func(t *testing.T) {
		responseURL := h.slack.ResponseURL()
		id, err := h.slack.Envelope("interactive", blockActions("term.open", "VPN", "C1", true, responseURL))
		if err != nil {
			t.Fatal(err)
		}
		ackOf(t, h.slack, id)
		fakeslack.Eventually(t, "the response_url post", func() bool { return len(h.responsesTo(responseURL)) == 1 })
		if r := h.responsesTo(responseURL)[0]; r.Body["response_type"] != "ephemeral" || !strings.Contains(string(r.Raw), "VPN") {
			t.Errorf("response %s", r.Raw)
		}
	})
}

func TestSocketModeBigAnswerGoesThroughResponseURL(t *testing.T) {
	big := routerFunc(func(context.Context, bot.Request) bot.Reply {
		var ps []knowledge.Passage
		for range 30 {
			ps = append(ps, knowledge.Passage{Section: "4-2-1", Title: "長い節", Text: strings.Repeat("投資としてのセキュリティ。", 60)})
		}
		return bot.AnswerReply(knowledge.Answer{Query: "投資", Kind: knowledge.KindPassage, Passages: ps}, testPack)
	})
	h := newHarness(t, big)
	stop := runSocket(t, h)
	defer stop()
	responseURL := h.slack.ResponseURL()
	id, _ := h.slack.Envelope("slash_commands", map[string]any{
		"command": "/secbot", "text": "投資", "user_id": "U1", "channel_id": "C1", "response_url": responseURL,
	})
	ack := ackOf(t, h.slack, id)
	if len(ack.Payload) != 0 || ack.Size >= 20*1024 {
		t.Errorf("ack of %d bytes with payload %d bytes, want a bare ack", ack.Size, len(ack.Payload))
	}
	fakeslack.Eventually(t, "the response_url post", func() bool { return len(h.responsesTo(responseURL)) == 1 })
	if r := h.responsesTo(responseURL)[0]; len(r.Raw) < 20*1024 {
		t.Errorf("response of %d bytes; the test wants one too big for an ack", len(r.Raw))
	}
}

func TestSocketModeBadAppToken(t *testing.T) {
	h := newHarness(t, tableRouter())
	h.slack.AppToken = "xapp-right"
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := h.a.RunSocketMode(ctx)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("err %v, want invalid_auth", err)
	}
}

func TestSocketModeNeedsAppToken(t *testing.T) {
	h := newHarness(t, tableRouter(), func(c *Config) { c.AppToken = "" })
	if err := h.a.RunSocketMode(context.Background()); err == nil {
		t.Error("no error without an app token")
	}
}

func TestSocketModeReconnectsWhenSlackAsks(t *testing.T) {
	h := newHarness(t, tableRouter())
	stop := runSocket(t, h)
	defer stop()
	if err := h.slack.Disconnect(); err != nil {
		t.Fatal(err)
	}
	fakeslack.Eventually(t, "a second connection", func() bool { return h.slack.Connections() == 2 })
	if n := len(h.slack.Calls("apps.connections.open")); n != 2 {
		t.Errorf("%d apps.connections.open calls, want 2", n)
	}
	id, err := h.slack.Envelope("slash_commands", map[string]any{"command": "/help", "user_id": "U1", "channel_id": "C1", "response_url": h.slack.ResponseURL()})
	if err != nil {
		t.Fatal(err)
	}
	if ack := ackOf(t, h.slack, id); !strings.Contains(string(ack.Payload), "secbot の使い方") {
		t.Errorf("ack on the new connection: %s", ack.Payload)
	}
}

// TestSocketModeAcksOnlyWhatIsKept: over Socket Mode an envelope the store
// could not keep is not acknowledged (Slack sends it again, or tells the
// person it failed); once the store is back, the next delivery is acked and
// answered, once.
func TestSocketModeAcksOnlyWhatIsKept(t *testing.T) {
	inbox := newMemInbox()
	inbox.fail = true
	h := newHarness(t, tableRouter(), func(c *Config) { c.Inbox = inbox })
	stop := runSocket(t, h)
	defer stop()
	mention := map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> VPN", "ts": "1.1", "channel": "C1"}
	refused, _ := h.slack.Envelope("events_api", eventCallback("EvK1", mention))
	cmd, _ := h.slack.Envelope("slash_commands", map[string]any{"command": "/term", "text": "VPN", "user_id": "U1",
		"channel_id": "C1", "response_url": h.slack.ResponseURL(), "team_id": "T1", "trigger_id": "tk1"})
	fakeslack.Eventually(t, "both envelopes refused", func() bool {
		inbox.mu.Lock()
		defer inbox.mu.Unlock()
		return inbox.tries == 2
	})
	inbox.mu.Lock()
	inbox.fail = false
	inbox.mu.Unlock()
	kept, _ := h.slack.Envelope("events_api", eventCallback("EvK1", mention)) // Slack's redelivery
	ackOf(t, h.slack, kept)
	h.settle()
	for _, a := range h.slack.Acks() {
		if a.EnvelopeID == refused || a.EnvelopeID == cmd {
			t.Errorf("envelope %s was acked though the store refused it", a.EnvelopeID)
		}
	}
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Errorf("the event was answered %d times, want once (after its redelivery)", n)
	}
}
