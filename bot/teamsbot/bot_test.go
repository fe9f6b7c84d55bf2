package teamsbot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"secbot/bot"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestRefusedTokens(t *testing.T) {
	h := newHarness(t, nil)
	bf := h.bf
	other := genKey(t)
	hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": Issuer, "aud": testAppID, "serviceurl": bf.srv.URL + "/", "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString([]byte("k1"))
	cases := []struct {
		name string
		auth string
	}{
		{"no header", "none"},
		{"not bearer", "Basic dXNlcjpwYXNz"},
		{"garbage", "Bearer not.a.jwt"},
		{"forged with another key", "Bearer " + bf.token(t, other, "k1", nil)},
		{"unknown kid", "Bearer " + bf.token(t, other, "k9", nil)},
		{"expired", "Bearer " + bf.token(t, bf.k1, "k1", func(c jwt.MapClaims) {
			c["exp"] = time.Now().Add(-6 * time.Minute).Unix()
		})},
		{"no expiry", "Bearer " + bf.token(t, bf.k1, "k1", func(c jwt.MapClaims) { delete(c, "exp") })},
		{"not yet valid", "Bearer " + bf.token(t, bf.k1, "k1", func(c jwt.MapClaims) {
			c["nbf"] = time.Now().Add(10 * time.Minute).Unix()
		})},
		{"wrong audience", "Bearer " + bf.token(t, bf.k1, "k1", func(c jwt.MapClaims) { c["aud"] = "someone-else" })},
		{"wrong issuer", "Bearer " + bf.token(t, bf.k1, "k1", func(c jwt.MapClaims) { c["iss"] = "https://sts.windows.net/x/" })},
		{"wrong serviceurl", "Bearer " + bf.token(t, bf.k1, "k1", func(c jwt.MapClaims) {
			c["serviceurl"] = "https://attacker.example/"
		})},
		{"no serviceurl", "Bearer " + bf.token(t, bf.k1, "k1", func(c jwt.MapClaims) { delete(c, "serviceurl") })},
		{"key not endorsed for msteams", "Bearer " + bf.token(t, bf.k2, "k2", nil)},
		{"HS256 with a key id as secret", "Bearer " + hs},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			auth := c.auth
			if auth == "none" {
				auth = " "
			}
			status, _ := h.send(t, h.channelMessage("act-"+c.name, "ゼロトラスト"), auth)
			if status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", status)
			}
		})
	}
	noChannel := h.channelMessage("act-no-channel", "x")
	delete(noChannel, "channelId")
	if status, _ := h.send(t, noChannel, ""); status != http.StatusUnauthorized {
		t.Errorf("activity without channelId: status %d, want 401", status)
	}
	if n := len(h.router.requests()); n != 0 {
		t.Errorf("router called %d times", n)
	}
	if accepts, _ := h.inbox.count(); accepts != 0 {
		t.Errorf("inbox touched %d times", accepts)
	}
	bf.none(t)
	// The endorsement check is for the activity's channel: a key endorsed
	// for webchat is good for a webchat activity.
	act := h.channelMessage("act-webchat", "hello")
	act["channelId"] = "webchat"
	if status, _ := h.send(t, act, "Bearer "+bf.token(t, bf.k2, "k2", nil)); status != http.StatusOK {
		t.Errorf("webchat activity with a webchat key: status %d", status)
	}
}

func TestKeysCachedAndRefetchedForUnknownKid(t *testing.T) {
	h := newHarness(t, nil)
	for i := range 3 {
		if status, _ := h.send(t, h.channelMessage("act-k-"+string(rune('a'+i)), "x"), ""); status != 200 {
			t.Fatalf("status %d", status)
		}
		h.bf.wait(t)
	}
	h.bf.mu.Lock()
	n := h.bf.keyFetches
	h.bf.mu.Unlock()
	if n != 1 {
		t.Errorf("keys fetched %d times for 3 activities, want 1", n)
	}
	fetches := func() int {
		h.bf.mu.Lock()
		defer h.bf.mu.Unlock()
		return h.bf.keyFetches
	}
	// Unknown kids refetch the keys at most once a minute.
	h.send(t, h.channelMessage("act-k-x", "x"), "Bearer "+h.bf.token(t, genKey(t), "k-new", nil))
	if n := fetches(); n != 1 {
		t.Errorf("keys fetched %d times after an unknown kid right after a fetch, want 1", n)
	}
	h.advance(2 * time.Minute)
	h.send(t, h.channelMessage("act-k-y", "x"), "Bearer "+h.bf.token(t, genKey(t), "k-new", nil))
	h.send(t, h.channelMessage("act-k-z", "x"), "Bearer "+h.bf.token(t, genKey(t), "k-new2", nil))
	if n := fetches(); n != 2 {
		t.Errorf("keys fetched %d times after two unknown kids a minute later, want 2", n)
	}
	// Microsoft rotates its keys: a token with the new kid is accepted
	// once the next refetch (allowed a minute later) finds it.
	k3 := genKey(t)
	h.bf.mu.Lock()
	h.bf.rotated = k3
	h.bf.mu.Unlock()
	h.advance(2 * time.Minute)
	if status, _ := h.send(t, h.channelMessage("act-k-rotated", "x"), "Bearer "+h.bf.token(t, k3, "k3", nil)); status != http.StatusOK {
		t.Errorf("token signed with a rotated key: status %d", status)
	}
	h.bf.wait(t)
}

func TestMessageAnsweredThroughConnector(t *testing.T) {
	h := newHarness(t, nil)
	status, _ := h.send(t, h.channelMessage("act-1", "ゼロトラストとは"), "")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	c := h.bf.wait(t)
	if c.Method != http.MethodPost || c.Path != "/v3/conversations/19:exec@thread.tacv2;messageid=1700000000000/activities/act-1" {
		t.Errorf("connector call %s %s", c.Method, c.Path)
	}
	if c.Auth != "Bearer tok-1" {
		t.Errorf("Authorization %q", c.Auth)
	}
	if c.Body["text"] != "answer to ゼロトラストとは" {
		t.Errorf("reply %v", c.Body)
	}
	reqs := h.router.requests()
	if len(reqs) != 1 {
		t.Fatalf("router called %d times", len(reqs))
	}
	want := bot.Request{Platform: bot.Teams, Text: "ゼロトラストとは", UserID: "aad-user-1", UserName: "山田 花子",
		ChannelID: "teams:exec", PublicReplies: true}
	if reqs[0] != want {
		t.Errorf("request %+v, want %+v", reqs[0], want)
	}
	// The token is reused for the next reply.
	h.send(t, h.personalMessage("act-2", "tip subscribe"), "")
	c = h.bf.wait(t)
	if c.Auth != "Bearer tok-1" || c.Path != "/v3/conversations/a:personal-2/activities/act-2" {
		t.Errorf("second reply %s with %q", c.Path, c.Auth)
	}
	reqs = h.router.requests()
	if got := reqs[1]; got.Text != "/tip subscribe" || !got.Direct || got.PublicReplies || got.ChannelID != "a:personal-2" {
		t.Errorf("personal request %+v", got)
	}
	// Both conversations and both people are remembered.
	if _, err := h.store.Conversation(context.Background(), "19:exec@thread.tacv2", false); err != nil {
		t.Error(err)
	}
	if c, err := h.store.Conversation(context.Background(), "aad-user-2", true); err != nil || c.ID != "a:personal-2" {
		t.Errorf("1:1 chat of aad-user-2: %+v, %v", c, err)
	}
	if m, err := h.store.Member(context.Background(), "aad-user-1"); err != nil || m.TeamsID != "29:user-1" {
		t.Errorf("member aad-user-1: %+v, %v", m, err)
	}
}

func TestDuplicateStaleAndInboxErrors(t *testing.T) {
	h := newHarness(t, nil)
	act := h.channelMessage("act-dup", "VPN")
	for range 3 {
		if status, _ := h.send(t, act, ""); status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
	}
	h.bf.wait(t)
	h.bf.none(t)
	if n := len(h.router.requests()); n != 1 {
		t.Errorf("router called %d times for one activity sent 3 times", n)
	}

	stale := h.channelMessage("act-stale", "VPN")
	stale["timestamp"] = time.Now().Add(-6 * time.Minute).UTC().Format(time.RFC3339Nano)
	future := h.channelMessage("act-future", "VPN")
	future["timestamp"] = time.Now().Add(6 * time.Minute).UTC().Format(time.RFC3339Nano)
	for _, a := range []map[string]any{stale, future} {
		if status, _ := h.send(t, a, ""); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", a["id"], status)
		}
	}
	if _, items := h.inbox.count(); items != 1 {
		t.Errorf("inbox holds %d items, want 1", items)
	}

	h.inbox.mu.Lock()
	h.inbox.err = errors.New("disk full")
	h.inbox.mu.Unlock()
	if status, _ := h.send(t, h.channelMessage("act-503", "VPN"), ""); status != http.StatusServiceUnavailable {
		t.Errorf("inbox error: status %d, want 503", status)
	}
	h.bf.none(t)
	if n := len(h.router.requests()); n != 1 {
		t.Errorf("router called %d times", n)
	}
}

func TestProcessRunsAKeptActivity(t *testing.T) {
	h := newHarness(t, nil)
	act := h.personalMessage("act-kept", "CSIRT")
	body, _ := json.Marshal(act)
	// The process stopped after Accept: the worker runs the kept item.
	h.inbox.Accept(context.Background(), Key("act-kept", body), Kind, body)
	if err := h.bot.Process(context.Background(), body); err != nil {
		t.Fatal(err)
	}
	if c := h.bf.wait(t); c.Body["text"] != "answer to CSIRT" {
		t.Errorf("reply %v", c.Body)
	}
	if !h.inbox.done[Key("act-kept", body)] {
		t.Error("kept activity not marked done")
	}
	// Teams redelivers it: it is not run again.
	h.send(t, act, "")
	h.bf.none(t)
	if n := len(h.router.requests()); n != 1 {
		t.Errorf("router called %d times", n)
	}
}

func TestNewNamesWhatIsMissing(t *testing.T) {
	_, err := New(Config{AppID: "x"})
	if err == nil || !strings.Contains(err.Error(), "TEAMS_APP_PASSWORD") || !strings.Contains(err.Error(), "Inbox") {
		t.Errorf("New with no password: %v", err)
	}
}

func TestCheck(t *testing.T) {
	h := newHarness(t, nil)
	if err := h.bot.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	bad := newHarness(t, func(c *Config) { c.TokenURL = c.OpenIDURL + "/nothing-here" })
	if err := bad.bot.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "app token") {
		t.Errorf("Check with a wrong token URL: %v", err)
	}
}
