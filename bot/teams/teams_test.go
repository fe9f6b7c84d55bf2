package teams

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
)

// testSecret is a security token as Teams shows it: base64 of the key.
var testSecret = base64.StdEncoding.EncodeToString([]byte("secbot-teams-test-hmac-key-32byt"))

// Channel ids of the recorded payloads.
const (
	fixtureChannel = "19:3f8e2d1c0b9a48f7a6e5d4c3b2a1f0e9@thread.tacv2"
	hanakoAAD      = "6b1f0e0c-2a4d-4c8e-9f1a-3b5c7d9e1f20"
	taroAAD        = "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a"
)

// stubRouter records requests and answers with reply (or a plain echo).
type stubRouter struct {
	mu    sync.Mutex
	reqs  []bot.Request
	reply func(ctx context.Context, req bot.Request) bot.Reply
}

var _ Router = (*stubRouter)(nil)

func (s *stubRouter) Route(ctx context.Context, req bot.Request) bot.Reply {
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	if s.reply != nil {
		return s.reply(ctx, req)
	}
	return bot.Reply{Text: "echo: " + req.Text}
}

func (s *stubRouter) requests() []bot.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bot.Request(nil), s.reqs...)
}

// newServer starts a loopback server with an Adapter for cfg mounted.
func newServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	if cfg.Secret == "" {
		cfg.Secret = testSecret
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixtureTime } // the recorded activities' day
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// fixtureTime is a minute after the recorded activities were sent.
var fixtureTime = time.Date(2026, 11, 27, 0, 6, 0, 0, time.UTC)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends body to the server's webhook with the Authorization header
// auth ("" for none) and returns the status and body.
func post(t *testing.T, srv *httptest.Server, body []byte, auth string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+Path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func sign(t *testing.T, body []byte) string {
	t.Helper()
	h, err := Sign(testSecret, body)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestNewRejectsBadSecret(t *testing.T) {
	for _, secret := range []string{"", "   ", "not base64!", "abc"} {
		if _, err := New(Config{Secret: secret, Router: &stubRouter{}}); err == nil {
			t.Errorf("New(Secret: %q) succeeded, want an error", secret)
		}
	}
	if _, err := New(Config{Secret: testSecret}); err == nil {
		t.Error("New without a Router succeeded")
	}
	if _, err := New(Config{Secret: " " + testSecret + "\n", Router: &stubRouter{}}); err != nil {
		t.Errorf("New with a secret pasted with spaces: %v", err)
	}
}

// TestRefusesUnsigned: a forged, missing or malformed HMAC gets 401, and
// the router never hears of the request.
func TestRefusesUnsigned(t *testing.T) {
	router := &stubRouter{}
	srv := newServer(t, Config{Router: router})
	body := fixture(t, "term.json")
	good := sign(t, body)
	otherKey := base64.StdEncoding.EncodeToString([]byte("someone-else's-key"))
	forged, err := Sign(otherKey, body)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(body, []byte("ゼロトラスト"), []byte("ランサムウェア"), 1)
	tests := []struct {
		name string
		body []byte
		auth string
	}{
		{"missing", body, ""},
		{"forged with another key", body, forged},
		{"tampered body", tampered, good},
		{"bearer scheme", body, "Bearer " + strings.TrimPrefix(good, "HMAC ")},
		{"no scheme", body, strings.TrimPrefix(good, "HMAC ")},
		{"not base64", body, "HMAC ***"},
		{"empty signature", body, "HMAC "},
		{"truncated signature", body, good[:len(good)-8]},
		{"secret as signature", body, "HMAC " + testSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := post(t, srv, tt.body, tt.auth)
			if status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", status)
			}
			if bytes.Contains(out, []byte("attachments")) {
				t.Errorf("a refused request got an answer: %s", out)
			}
		})
	}
	if reqs := router.requests(); len(reqs) != 0 {
		t.Errorf("router was called %d times for refused requests: %+v", len(reqs), reqs)
	}
}

func TestRefusesLargeBody(t *testing.T) {
	router := &stubRouter{}
	srv := newServer(t, Config{Router: router, MaxBodyBytes: 4096})
	body := append(fixture(t, "term.json"), bytes.Repeat([]byte(" "), 8192)...)
	status, _ := post(t, srv, body, sign(t, body))
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
	if len(router.requests()) != 0 {
		t.Error("router was called for a refused request")
	}
}

func TestSignedButNotJSON(t *testing.T) {
	router := &stubRouter{}
	srv := newServer(t, Config{Router: router})
	body := []byte("text=hello")
	if status, _ := post(t, srv, body, sign(t, body)); status != http.StatusBadRequest {
		t.Errorf("status %d, want 400", status)
	}
	if len(router.requests()) != 0 {
		t.Error("router was called for a body that is not an activity")
	}
}

func TestMethodNotAllowed(t *testing.T) {
	srv := newServer(t, Config{Router: &stubRouter{}})
	resp, err := srv.Client().Get(srv.URL + Path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}

// TestRecordedPayloads routes each recorded Teams payload and checks the
// Request the router gets.
func TestRecordedPayloads(t *testing.T) {
	tests := []struct {
		file string
		want bot.Request
	}{
		{"term.json", bot.Request{Text: "ゼロトラスト", UserID: hanakoAAD, UserName: "山田 花子"}},
		{"term_command.json", bot.Request{Text: "/term VPN", UserID: hanakoAAD, UserName: "山田 花子"}},
		{"ask_html.json", bot.Request{Text: "2025年の崖って何？", UserID: taroAAD, UserName: "佐藤 太郎"}},
		{"help.json", bot.Request{Text: "help", UserID: taroAAD, UserName: "佐藤 太郎"}},
		{"answer.json", bot.Request{Text: "answer B", UserID: taroAAD, UserName: "佐藤 太郎"}},
		// No channelData.channel: the channel comes from conversation.id.
		{"mention_last.json", bot.Request{Text: "CSIRT & SOC の違いは？", UserID: hanakoAAD, UserName: "山田 花子"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			router := &stubRouter{}
			srv := newServer(t, Config{Router: router})
			body := fixture(t, tt.file)
			status, out := post(t, srv, body, sign(t, body))
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, out)
			}
			reqs := router.requests()
			if len(reqs) != 1 {
				t.Fatalf("router got %d requests, want 1", len(reqs))
			}
			want := tt.want
			want.Platform, want.ChannelID, want.PublicReplies = bot.Teams, fixtureChannel, true
			if reqs[0] != want {
				t.Errorf("request\n got %+v\nwant %+v", reqs[0], want)
			}
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil || m["type"] != "message" {
				t.Errorf("answer is not a message activity: %v %s", err, out)
			}
		})
	}
}

func TestChannelMapping(t *testing.T) {
	router := &stubRouter{}
	srv := newServer(t, Config{Router: router, Channels: map[string]string{fixtureChannel: "teams:exec"}})
	body := fixture(t, "answer.json")
	if status, out := post(t, srv, body, sign(t, body)); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, out)
	}
	if got := router.requests()[0].ChannelID; got != "teams:exec" {
		t.Errorf("ChannelID %q, want teams:exec", got)
	}
}

// TestAnswerFlowsToQuiz routes "@secbot answer B" through the real
// bot.Router: Normalize sends it to the quiz handler with "answer B".
func TestAnswerFlowsToQuiz(t *testing.T) {
	var got bot.Request
	r := bot.NewRouter()
	r.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	r.Handle("quiz", bot.HandlerFunc(func(_ context.Context, req bot.Request) (bot.Reply, error) {
		got = req
		return bot.Reply{Private: true, Text: "B と回答しました。"}, nil
	}))
	srv := newServer(t, Config{Router: r})
	body := fixture(t, "answer.json")
	status, out := post(t, srv, body, sign(t, body))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, out)
	}
	if got.Command != "quiz" || got.Text != "answer B" || got.UserID != taroAAD || got.Platform != bot.Teams {
		t.Errorf("quiz handler got %+v", got)
	}
	var m message
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if m.Text != "B と回答しました。" || len(m.Attachments) != 0 {
		t.Errorf("answer %s, want the plain text reply", out)
	}
}

// TestSlowRouter: when the router outlasts Config.Timeout, Teams still
// gets an answer in time, and the router's context is cancelled.
func TestSlowRouter(t *testing.T) {
	cancelled := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	router := &stubRouter{reply: func(ctx context.Context, req bot.Request) bot.Reply {
		<-ctx.Done()
		close(cancelled)
		<-release // answer only once the person has had the slow reply
		return bot.Reply{Text: "too late"}
	}}
	srv := newServer(t, Config{Router: router, Timeout: time.Millisecond})
	body := fixture(t, "term.json")
	status, out := post(t, srv, body, sign(t, body))
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var m message
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if m.Text != SlowReply {
		t.Errorf("answer %q, want SlowReply", m.Text)
	}
	<-cancelled
}

// TestPanickingRouter: a router that panics costs an apology, not the process.
func TestPanickingRouter(t *testing.T) {
	router := &stubRouter{reply: func(context.Context, bot.Request) bot.Reply { panic("boom") }}
	srv := newServer(t, Config{Router: router})
	body := fixture(t, "term.json")
	status, out := post(t, srv, body, sign(t, body))
	if status != http.StatusOK || !bytes.Contains(out, []byte(bot.Apology)) {
		t.Errorf("status %d, answer %s; want 200 with the apology", status, out)
	}
}

// TestNonMessageActivity: anything but a message is acknowledged, not routed.
func TestNonMessageActivity(t *testing.T) {
	router := &stubRouter{}
	srv := newServer(t, Config{Router: router})
	body := []byte(`{"type":"conversationUpdate","id":"1"}`)
	if status, _ := post(t, srv, body, sign(t, body)); status != http.StatusOK {
		t.Errorf("status %d, want 200", status)
	}
	if len(router.requests()) != 0 {
		t.Error("router was called for a conversationUpdate")
	}
}

// TestTermResponseGolden checks the whole HTTP answer to a recorded
// "@secbot ゼロトラスト" against testdata/golden/response_term.json.
func TestTermResponseGolden(t *testing.T) {
	router := &stubRouter{reply: func(context.Context, bot.Request) bot.Reply { return sampleReplies()["term"] }}
	srv := newServer(t, Config{Router: router})
	body := fixture(t, "term.json")
	req, _ := http.NewRequest(http.MethodPost, srv.URL+Path, bytes.NewReader(body))
	req.Header.Set("Authorization", sign(t, body))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	out, _ := io.ReadAll(resp.Body)
	var m message
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].ContentType != ContentType || m.Attachments[0].Content.Type != "AdaptiveCard" {
		t.Fatalf("answer carries no Adaptive Card: %s", out)
	}
	golden(t, "response_term", indent(t, out))
}

// TestRequestFallbacks: without aadObjectId the user is from.id; without
// channelData.channel the channel is teamsChannelId, then conversation.id
// without its ";messageid=…".
func TestRequestFallbacks(t *testing.T) {
	a, err := New(Config{Secret: testSecret, Router: &stubRouter{}, Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	var act activity
	act.Text = "<at>secbot</at> VPN"
	act.From.ID, act.From.Name = "29:1abc", "Guest"
	act.Conversation.ID = "19:conv@thread.tacv2;messageid=123"
	if got := a.request(act); got.UserID != "29:1abc" || got.ChannelID != "19:conv@thread.tacv2" || got.Text != "VPN" || got.Direct {
		t.Errorf("request %+v", got)
	}
	act.ChannelData.TeamsChannelID = "19:legacy@thread.skype"
	if got := a.request(act); got.ChannelID != "19:legacy@thread.skype" {
		t.Errorf("ChannelID %q, want teamsChannelId", got.ChannelID)
	}
	act.ChannelData.Channel.ID = "19:chan@thread.tacv2"
	if got := a.request(act); got.ChannelID != "19:chan@thread.tacv2" {
		t.Errorf("ChannelID %q, want channelData.channel.id", got.ChannelID)
	}
}

// TestRefusesReplays: the outgoing webhook's HMAC covers the body only, so
// a saved request stays valid: an activity id seen before is refused (in
// every process sharing the inbox), and so is an activity stamped more than
// five minutes ago, or more than five minutes ahead.
func TestRefusesReplays(t *testing.T) {
	router := &stubRouter{}
	inbox := &memInbox{kept: map[string]bool{}}
	now := fixtureTime
	cfg := Config{Router: router, Inbox: inbox, Now: func() time.Time { return now }}
	srv, other := newServer(t, cfg), newServer(t, cfg) // two replicas, one store
	body := fixture(t, "term.json")
	if status, _ := post(t, srv, body, sign(t, body)); status != http.StatusOK {
		t.Fatalf("first delivery: status %d", status)
	}
	if status, _ := post(t, other, body, sign(t, body)); status != http.StatusConflict {
		t.Errorf("replay to another replica: status %d, want 409", status)
	}
	now = fixtureTime.Add(7 * time.Minute)
	fresh := bytes.Replace(body, []byte(`"id": "`), []byte(`"id": "x`), 1)
	if status, _ := post(t, srv, fresh, sign(t, fresh)); status != http.StatusUnauthorized {
		t.Errorf("an activity 7 minutes old: status %d, want 401", status)
	}
	now = fixtureTime.Add(-10 * time.Minute)
	if status, _ := post(t, srv, fresh, sign(t, fresh)); status != http.StatusUnauthorized {
		t.Errorf("an activity from the future: status %d, want 401", status)
	}
	if n := len(router.requests()); n != 1 {
		t.Errorf("router called %d times, want once", n)
	}
	inbox.fail = true
	now = fixtureTime
	if status, _ := post(t, srv, fresh, sign(t, fresh)); status != http.StatusServiceUnavailable {
		t.Errorf("store down: status %d, want 503 (not a false OK)", status)
	}
}

// memInbox is an Inbox in memory, shared by the servers of a test.
type memInbox struct {
	mu   sync.Mutex
	kept map[string]bool
	fail bool
}

func (m *memInbox) Accept(_ context.Context, key, _ string, _ []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return false, errors.New("store unavailable")
	}
	if m.kept[key] {
		return false, nil
	}
	m.kept[key] = true
	return true, nil
}

func (m *memInbox) Done(context.Context, string) error { return nil }
