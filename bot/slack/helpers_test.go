package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/internal/fakeslack"
	"secbot/knowledge"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// testPack is a three-term glossary with two sections.
var testPack = &knowledge.Pack{
	Terms: []knowledge.Term{
		{Name: "ゼロトラスト", Reading: "ぜろとらすと", Definition: "「何も信頼しない」を前提に、すべてのアクセスを検証するセキュリティの考え方。", Refs: []string{"4-1-3", "2-2-4"}},
		{Name: "CSIRT", Reading: "シーサート", Aliases: []string{"Computer Security Incident Response Team"}, Definition: "セキュリティインシデントに対応する組織。", Refs: []string{"4-3-2"}},
		{Name: "VPN", Definition: "インターネット上に仮想的な専用線を作る技術。"},
	},
	Sections: []knowledge.Section{
		{ID: "4-1-3", Title: "DX推進とセキュリティ"},
		{ID: "4-3-2", Title: "経営者が果たすべき責任"},
		{ID: "4-1-1", Title: "2025年の崖", Body: []string{"既存システムが残存した場合、2025年以降、最大12兆円/年の経済損失が生じる可能性がある。"}},
	},
}

// tableAnswerer answers from testPack: exact names, readings and aliases
// (case-insensitive), and one passage for any question.
type tableAnswerer struct{}

var _ bot.Answerer = tableAnswerer{}

func (tableAnswerer) Term(_ context.Context, q string) (knowledge.Answer, error) {
	for _, t := range testPack.Terms {
		for _, n := range t.Names() {
			if strings.EqualFold(n, q) {
				var related []string
				for _, o := range testPack.Terms {
					if o.Name != t.Name {
						related = append(related, o.Name)
					}
				}
				return knowledge.Answer{Query: q, Kind: knowledge.KindTerm, Term: &t, Related: related}, nil
			}
		}
	}
	return knowledge.Answer{Query: q, Kind: knowledge.KindNone, Suggestions: []string{"ゼロトラスト", "VPN"}}, nil
}

func (a tableAnswerer) Ask(ctx context.Context, q string) (knowledge.Answer, error) {
	q = strings.TrimSuffix(strings.TrimSuffix(q, "？"), "って何")
	if ans, _ := a.Term(ctx, q); ans.Kind == knowledge.KindTerm {
		return ans, nil
	}
	return knowledge.Answer{Query: q, Kind: knowledge.KindPassage, Passages: testPack.Passages()}, nil
}

// tableRouter is the real bot.Router with the real term and ask handlers
// over tableAnswerer (the search index is another package's job).
func tableRouter() *bot.Router {
	r := bot.NewRouter()
	r.Log = slog.New(slog.DiscardHandler)
	r.Handle("term", bot.NewTermHandler(tableAnswerer{}, testPack), bot.TermUsage)
	r.Handle("ask", bot.NewAskHandler(tableAnswerer{}, testPack), bot.AskUsage)
	return r
}

// recordingRouter records the requests it routes and delegates to next.
type recordingRouter struct {
	next Router
	mu   sync.Mutex
	reqs []bot.Request
}

func (r *recordingRouter) Route(ctx context.Context, req bot.Request) bot.Reply {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return r.next.Route(ctx, req)
}

// Serve forwards to next's Serve when it has one (so that handler errors
// reach the adapter), else to Route.
func (r *recordingRouter) Serve(ctx context.Context, req bot.Request) (bot.Reply, error) {
	if s, ok := r.next.(interface {
		Serve(context.Context, bot.Request) (bot.Reply, error)
	}); ok {
		r.mu.Lock()
		r.reqs = append(r.reqs, req)
		r.mu.Unlock()
		return s.Serve(ctx, req)
	}
	return r.Route(ctx, req), nil
}

func (r *recordingRouter) requests() []bot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Request(nil), r.reqs...)
}

// routerFunc adapts a function to Router.
type routerFunc func(context.Context, bot.Request) bot.Reply

func (f routerFunc) Route(ctx context.Context, req bot.Request) bot.Reply { return f(ctx, req) }

// fakeClock is a clock whose Sleep only moves it forward, so rate limits,
// Retry-After and backoff cost tests nothing.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
		c.sleeps = append(c.sleeps, d)
	}
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is an Adapter wired to a fake Slack and served over loopback HTTP.
type harness struct {
	t      testing.TB
	slack  *fakeslack.Server
	a      *Adapter
	srv    *httptest.Server
	clock  *fakeClock
	router *recordingRouter
	logs   *syncBuffer
}

func newHarness(t testing.TB, r Router, edit ...func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, slack: fakeslack.New(t), clock: newFakeClock(), router: &recordingRouter{next: r}, logs: &syncBuffer{}}
	cfg := Config{
		BotToken:      "xoxb-test",
		AppToken:      "xapp-test",
		SigningSecret: testSecret,
		APIURL:        h.slack.APIURL(),
		Router:        h.router,
		Log:           slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:           h.clock.Now,
		Sleep:         h.clock.Sleep,
	}
	for _, e := range edit {
		e(&cfg)
	}
	h.a = New(cfg)
	mux := http.NewServeMux()
	h.a.Register(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

// settle waits until every delivery started so far has finished.
func (h *harness) settle() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.a.Close(ctx); err != nil {
		h.t.Fatal(err)
	}
}

// post sends a signed request and returns the status and body.
func (h *harness) post(path, contentType string, body []byte, edit ...func(*http.Request)) (int, []byte) {
	h.t.Helper()
	req := fakeslack.SignedRequest(h.srv.URL+path, contentType, testSecret, h.clock.Now(), body)
	for _, e := range edit {
		e(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// command posts a signed slash command.
func (h *harness) command(cmd, text, channel string) (int, []byte, string) {
	h.t.Helper()
	responseURL := h.slack.ResponseURL()
	form := url.Values{
		"command": {cmd}, "text": {text}, "user_id": {"U1"}, "user_name": {"taro"},
		"channel_id": {channel}, "team_id": {"T1"}, "response_url": {responseURL}, "trigger_id": {"tr"},
	}
	status, body := h.post("/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()))
	return status, body, responseURL
}

// event posts a signed event_callback wrapping inner.
func (h *harness) event(eventID string, inner map[string]any, edit ...func(*http.Request)) int {
	h.t.Helper()
	body, _ := json.Marshal(eventCallback(eventID, inner))
	status, _ := h.post("/slack/events", "application/json", body, edit...)
	return status
}

func eventCallback(eventID string, inner map[string]any) map[string]any {
	return map[string]any{
		"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000, "event": inner,
	}
}

// click posts a signed block_actions payload.
func (h *harness) click(actionID, value, channel string, ephemeral bool) (int, string) {
	h.t.Helper()
	responseURL := h.slack.ResponseURL()
	payload, _ := json.Marshal(blockActions(actionID, value, channel, ephemeral, responseURL))
	status, _ := h.post("/slack/interactivity", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode()))
	return status, responseURL
}

func blockActions(actionID, value, channel string, ephemeral bool, responseURL string) map[string]any {
	return map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": "U2", "username": "hanako", "name": "hanako", "team_id": "T1"},
		"api_app_id":   "A1",
		"team":         map[string]any{"id": "T1"},
		"container":    map[string]any{"type": "message", "message_ts": "1700000000.000001", "channel_id": channel, "is_ephemeral": ephemeral},
		"channel":      map[string]any{"id": channel, "name": "general"},
		"response_url": responseURL,
		"trigger_id":   "tr",
		"actions": []map[string]any{{
			"action_id": actionID, "block_id": "b1", "type": "button", "value": value,
			"text": map[string]any{"type": "plain_text", "text": value}, "action_ts": "1700000001.000001",
		}},
	}
}

// responsesTo returns the messages posted to one response_url.
func (h *harness) responsesTo(responseURL string) []fakeslack.Response {
	u, _ := url.Parse(responseURL)
	var out []fakeslack.Response
	for _, r := range h.slack.Responses() {
		if r.Path == u.Path {
			out = append(out, r)
		}
	}
	return out
}
