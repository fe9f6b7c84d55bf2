package teams

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/store"
	"secbot/store/sqlite"
)

// voteEnv is an outgoing webhook with vote links, in front of a Router
// whose term handler answers ゼロトラスト and whose answer handler is the
// real vote handler (bot.Gaps) over a real SQLite store.
type voteEnv struct {
	srv *httptest.Server
	db  *sqlite.DB
	mu  sync.Mutex
	now time.Time
}

func newVoteEnv(t *testing.T) *voteEnv {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "secbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &voteEnv{db: db, now: fixtureTime}
	router := bot.NewRouter()
	router.Handle("ask", bot.HandlerFunc(func(ctx context.Context, req bot.Request) (bot.Reply, error) {
		zt := &knowledge.Term{Name: "ゼロトラスト", Definition: "すべてのアクセスを信頼せずに都度検証する考え方。", Refs: []string{"4-1-3"}}
		return bot.AnswerReply(knowledge.Answer{Query: req.Text, Kind: knowledge.KindTerm, Term: zt}, samplePack), nil
	}))
	router.Handle("answer", (&bot.Gaps{Store: db}).Feedback())
	e.srv = newServer(t, Config{Router: router, PublicURL: "https://bot.example.jp/", Now: e.clock})
	return e
}

func (e *voteEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *voteEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// ask posts the term.json activity as sent by the person aad (with its
// own activity id) and returns the answer card's vote links.
func (e *voteEnv) ask(t *testing.T, id, aad string) (up, down string) {
	t.Helper()
	var act map[string]any
	json.Unmarshal(fixture(t, "term.json"), &act)
	act["id"] = id
	act["timestamp"] = e.clock().Add(-time.Second).Format(time.RFC3339Nano)
	act["from"].(map[string]any)["aadObjectId"] = aad
	body, _ := json.Marshal(act)
	status, out := post(t, e.srv, body, sign(t, body))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, out)
	}
	var m message
	if err := json.Unmarshal(out, &m); err != nil || len(m.Attachments) != 1 {
		t.Fatalf("answer %s", out)
	}
	var links []action
	for _, el := range m.Attachments[0].Content.Body {
		if el.Type == "ActionSet" {
			links = append(links, el.Actions...)
		}
	}
	if len(links) != 2 || links[0].Type != "Action.OpenUrl" || links[1].Type != "Action.OpenUrl" ||
		!strings.HasPrefix(links[0].Title, "👍") || !strings.HasPrefix(links[1].Title, "👎") {
		t.Fatalf("card actions %+v, want the 👍 and 👎 links", links)
	}
	for _, l := range links {
		if !strings.HasPrefix(l.URL, "https://bot.example.jp"+VotePath+"?t=") {
			t.Errorf("link %s", l.URL)
		}
	}
	if !strings.Contains(string(out), "質問した人の評価として記録されます") {
		t.Error("the card does not say whose vote a link records")
	}
	return links[0].URL, links[1].URL
}

// open GETs link (its path and query, on the test server) and returns the
// status and page.
func (e *voteEnv) open(t *testing.T, link string) (int, string) {
	t.Helper()
	return e.request(t, http.MethodGet, link)
}

func (e *voteEnv) request(t *testing.T, method, link string) (int, string) {
	t.Helper()
	u := e.srv.URL + strings.TrimPrefix(link, "https://bot.example.jp")
	req, _ := http.NewRequest(method, u, nil)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("page headers: %v", resp.Header)
	}
	return resp.StatusCode, string(b)
}

// votes is what /term gaps reads: the answers with a 👎, and their counts.
func (e *voteEnv) votes(t *testing.T) []store.Feedback {
	t.Helper()
	f, err := e.db.LeastHelpful(context.Background(), time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestWebhookVoteLinks(t *testing.T) {
	e := newVoteEnv(t)
	up, down := e.ask(t, "act-1", hanakoAAD)

	// A link checker's HEAD records nothing.
	if status, _ := e.request(t, http.MethodHead, down); status != http.StatusOK || len(e.votes(t)) != 0 {
		t.Fatalf("HEAD: status %d, votes %v", status, e.votes(t))
	}
	// 👎: one vote, the asker's.
	status, page := e.open(t, down)
	if status != http.StatusOK || !strings.Contains(page, "役に立たなかったことを記録しました") || !strings.Contains(page, "用語「ゼロトラスト」") {
		t.Fatalf("status %d, page %s", status, page)
	}
	want := []store.Feedback{{Answer: "term:ゼロトラスト", Up: 0, Down: 1}}
	if got := e.votes(t); !equalFeedback(got, want) {
		t.Fatalf("votes %v, want %v", got, want)
	}
	// The same link again: still one vote.
	e.open(t, down)
	if got := e.votes(t); !equalFeedback(got, want) {
		t.Errorf("after a second open: votes %v, want %v", got, want)
	}
	// 👍 by the same person changes the vote, not the count.
	status, page = e.open(t, up)
	if status != http.StatusOK || !strings.Contains(page, "評価を変更しました") {
		t.Errorf("status %d, page %s", status, page)
	}
	if got := e.votes(t); len(got) != 0 { // no 👎 left: not among the least helpful
		t.Errorf("after 👍: votes %v", got)
	}
	e.open(t, down)
	if got := e.votes(t); !equalFeedback(got, want) {
		t.Errorf("after 👎 again: votes %v, want %v", got, want)
	}
	// Another asker's link is another person's vote.
	_, down2 := e.ask(t, "act-2", taroAAD)
	e.open(t, down2)
	if got := e.votes(t); !equalFeedback(got, []store.Feedback{{Answer: "term:ゼロトラスト", Down: 2}}) {
		t.Errorf("after a second person: votes %v", got)
	}
}

func TestWebhookVoteLinksRefused(t *testing.T) {
	e := newVoteEnv(t)
	up, _ := e.ask(t, "act-1", hanakoAAD)
	tok := up[strings.Index(up, "?t=")+3:]
	payload, sig, _ := strings.Cut(strings.TrimPrefix(tok, voteTokenPrefix), ".")
	// Another person's vote, signed with the right MAC of another payload.
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forged := base64.RawURLEncoding.EncodeToString(bytes.Replace(raw, []byte(hanakoAAD), []byte(taroAAD), 1))
	flipped := []byte(sig)
	flipped[0] ^= 1
	for _, tt := range []struct{ name, link string }{
		{"other person", VotePath + "?t=" + voteTokenPrefix + forged + "." + sig},
		{"flipped signature", VotePath + "?t=" + voteTokenPrefix + payload + "." + string(flipped)},
		{"cut", up[:len(up)-10]},
		{"no signature", VotePath + "?t=" + voteTokenPrefix + payload},
		{"no token", VotePath},
		{"old version", VotePath + "?t=v0." + payload + "." + sig},
	} {
		status, page := e.open(t, tt.link)
		if status != http.StatusBadRequest || !strings.Contains(page, "このリンクは正しくありません") || !strings.Contains(page, "記録されていません") {
			t.Errorf("%s: status %d, page %s", tt.name, status, page)
		}
	}
	// A link of another secbot (another webhook secret) is refused too.
	other, _ := New(Config{Secret: base64.StdEncoding.EncodeToString([]byte("another-webhook-key")), Router: &stubRouter{}, PublicURL: "https://bot.example.jp", Now: e.clock})
	ou, _, _ := other.voteLinks(hanakoAAD)("term:ゼロトラスト")
	if status, _ := e.open(t, ou); status != http.StatusBadRequest {
		t.Errorf("another secret's link: status %d", status)
	}
	// Expired: a week later.
	e.advance(DefaultVoteTTL)
	status, page := e.open(t, up)
	if status != http.StatusGone || !strings.Contains(page, "有効期限が切れています") {
		t.Errorf("expired: status %d, page %s", status, page)
	}
	if got := e.votes(t); len(got) != 0 {
		t.Errorf("refused links recorded votes: %v", got)
	}
	// Nothing was recorded as a 👍 either: a 👎 now is a first vote.
	_, down := e.ask(t, "act-3", hanakoAAD)
	if _, page := e.open(t, down); strings.Contains(page, "変更") {
		t.Errorf("a first vote read as a change: %s", page)
	}
}

// TestNoVoteLinksWithoutPublicURL: without teams.public_url the cards are
// as before, and neither the bot's nor workflow cards get links.
func TestNoVoteLinksWithoutPublicURL(t *testing.T) {
	router := &stubRouter{reply: func(ctx context.Context, req bot.Request) bot.Reply {
		return bot.AnswerReply(knowledge.Answer{Query: "x", Kind: knowledge.KindTerm, Term: &knowledge.Term{Name: "VPN", Definition: "…"}}, samplePack)
	}}
	srv := newServer(t, Config{Router: router})
	body := fixture(t, "term.json")
	_, out := post(t, srv, body, sign(t, body))
	if bytes.Contains(out, []byte("Action.OpenUrl")) || bytes.Contains(out, []byte("ActionSet")) {
		t.Errorf("links without a public URL: %s", out)
	}
}

func equalFeedback(a, b []store.Feedback) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
