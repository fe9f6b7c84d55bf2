package teamsbot

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"secbot/bot"
)

const testAppID = "00000000-1111-2222-3333-444444444444"

// fakeBF is a loopback Bot Framework: OpenID metadata, a key set with two
// keys (kid "k1" endorsed for msteams, "k2" for webchat only), a token
// endpoint and a connector that records every call.
type fakeBF struct {
	srv          *httptest.Server
	k1, k2       *rsa.PrivateKey
	mu           sync.Mutex
	calls        []call
	callc        chan call
	tokens       int
	keyFetches   int
	fail         []int // statuses the connector answers first, in order
	retryAfter   string
	convCounter  int
	rejectTokens map[string]bool // access tokens the connector refuses (401)
	rotated      *rsa.PrivateKey // served as kid "k3" once set (a key rotation)
	// rosters are the members of a team or chat, served by GET
	// /v3/conversations/{id}/pagedmembers; memberPage (when > 0) is the
	// page size served instead of the one asked (Teams' floor is 50).
	rosters    map[string][]string
	memberPage int
	// waiters get a signal when a reply to their activity id arrives.
	waiters sync.Map // activity id → chan struct{}
}

// call is one request the connector received.
type call struct {
	Method, Path, Auth string
	Query              url.Values
	Body               map[string]any
}

func newFakeBF(t testing.TB) *fakeBF {
	t.Helper()
	f := &fakeBF{k1: genKey(t), k2: genKey(t), callc: make(chan call, 1000), rejectTokens: map[string]bool{}, rosters: map[string][]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openid", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q,"id_token_signing_alg_values_supported":["RS256"]}`, Issuer, f.srv.URL+"/keys")
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.keyFetches++
		keys := []any{
			jwk("k1", &f.k1.PublicKey, "msteams", "emulator"),
			jwk("k2", &f.k2.PublicKey, "webchat"),
		}
		if f.rotated != nil {
			keys = append(keys, jwk("k3", &f.rotated.PublicKey, "msteams"))
		}
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"keys": keys})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("grant_type") != "client_credentials" || r.Form.Get("scope") != Scope {
			http.Error(w, "bad grant", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.tokens++
		n := f.tokens
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, n)
	})
	mux.HandleFunc("/v3/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c := call{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Query: r.URL.Query()}
		json.Unmarshal(b, &c.Body)
		f.mu.Lock()
		if f.rejectTokens[strings.TrimPrefix(c.Auth, "Bearer ")] {
			f.mu.Unlock()
			http.Error(w, "expired token", http.StatusUnauthorized)
			return
		}
		if len(f.fail) > 0 {
			st := f.fail[0]
			f.fail = f.fail[1:]
			f.mu.Unlock()
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			http.Error(w, "try later", st)
			return
		}
		f.calls = append(f.calls, c)
		f.convCounter++
		n := f.convCounter
		f.mu.Unlock()
		if i := strings.LastIndex(c.Path, "/activities/"); i >= 0 {
			if ch, ok := f.waiters.LoadAndDelete(c.Path[i+len("/activities/"):]); ok {
				close(ch.(chan struct{}))
			}
		}
		select {
		case f.callc <- c:
		default: // a benchmark does not read them
		}
		if conv, ok := strings.CutSuffix(strings.TrimPrefix(c.Path, "/v3/conversations/"), "/pagedmembers"); ok && r.Method == http.MethodGet {
			f.servePagedMembers(w, conv, r.URL.Query())
			return
		}
		if r.Method == http.MethodPost && r.URL.Path == "/v3/conversations" {
			fmt.Fprintf(w, `{"id":"a:new-chat-%d"}`, n)
			return
		}
		fmt.Fprintf(w, `{"id":"msg-%d"}`, n)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// servePagedMembers answers GET …/pagedmembers as the Bot Connector does
// (TeamsPagedMembersResult): a page of TeamsChannelAccounts and, unless it
// is the last page, an opaque continuationToken. An unknown conversation
// is 404.
func (f *fakeBF) servePagedMembers(w http.ResponseWriter, conv string, q url.Values) {
	f.mu.Lock()
	roster, ok := f.rosters[conv]
	size := f.memberPage
	f.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"ConversationNotFound","message":"Conversation not found."}}`)
		return
	}
	if size <= 0 {
		size, _ = strconv.Atoi(q.Get("pageSize"))
		size = min(max(size, 50), 500)
	}
	from := 0
	if t := q.Get("continuationToken"); t != "" {
		b, _ := base64.StdEncoding.DecodeString(t)
		n, err := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
		if err != nil || n < 0 || n > len(roster) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"code":"BadArgument","message":"Invalid continuation token."}}`)
			return
		}
		from = n
	}
	to := min(from+size, len(roster))
	type account struct {
		ID                string `json:"id"`
		Name              string `json:"name"`
		AADObjectID       string `json:"aadObjectId"`
		GivenName         string `json:"givenName"`
		Surname           string `json:"surname"`
		Email             string `json:"email"`
		UserPrincipalName string `json:"userPrincipalName"`
		TenantID          string `json:"tenantId"`
		UserRole          string `json:"userRole"`
	}
	page := struct {
		ContinuationToken string    `json:"continuationToken,omitempty"`
		Members           []account `json:"members"`
	}{Members: []account{}}
	for i, id := range roster[from:to] {
		n := from + i
		page.Members = append(page.Members, account{ID: id, Name: fmt.Sprintf("社員%04d", n),
			AADObjectID: fmt.Sprintf("aad-%04d", n), GivenName: "社員", Surname: fmt.Sprint(n),
			Email: fmt.Sprintf("user%d@example.jp", n), UserPrincipalName: fmt.Sprintf("user%d@example.jp", n),
			TenantID: "tenant-1", UserRole: "user"})
	}
	if to < len(roster) {
		page.ContinuationToken = base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("offset:%d", to)))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(page)
}

// roster returns n member ids ("29:…" Teams ids).
func roster(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("29:1member-%04d", i)
	}
	return ids
}

func genKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func jwk(kid string, k *rsa.PublicKey, endorsements ...string) map[string]any {
	return map[string]any{
		"kty": "RSA", "use": "sig", "kid": kid,
		"n":            base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
		"e":            base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
		"endorsements": endorsements,
	}
}

// token signs a Bot Framework token; change edits its claims first.
func (f *fakeBF) token(t testing.TB, key *rsa.PrivateKey, kid string, change func(jwt.MapClaims)) string {
	t.Helper()
	now := time.Now()
	c := jwt.MapClaims{
		"iss": Issuer, "aud": testAppID, "serviceurl": f.srv.URL + "/",
		"nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if change != nil {
		change(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wait returns the next connector call, failing after 5 s.
func (f *fakeBF) wait(t testing.TB) call {
	t.Helper()
	select {
	case c := <-f.callc:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no connector call")
		return call{}
	}
}

// none fails if the connector gets a call in the next moments.
func (f *fakeBF) none(t testing.TB) {
	t.Helper()
	select {
	case c := <-f.callc:
		t.Fatalf("unexpected connector call %s %s", c.Method, c.Path)
	case <-time.After(50 * time.Millisecond):
	}
}

// fakeInbox is an in-memory Inbox.
type fakeInbox struct {
	mu      sync.Mutex
	items   map[string][]byte
	done    map[string]bool
	accepts int
	err     error
}

var _ Inbox = (*fakeInbox)(nil)

func newInbox() *fakeInbox { return &fakeInbox{items: map[string][]byte{}, done: map[string]bool{}} }

func (i *fakeInbox) Accept(ctx context.Context, key, kind string, payload []byte) (bool, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.accepts++
	if i.err != nil {
		return false, i.err
	}
	if _, ok := i.items[key]; ok {
		return false, nil
	}
	i.items[key] = append([]byte(nil), payload...)
	return true, nil
}

func (i *fakeInbox) Done(ctx context.Context, key string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.done[key] = true
	return nil
}

func (i *fakeInbox) count() (accepts, items int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.accepts, len(i.items)
}

// fakeRouter records requests and answers with answer.
type fakeRouter struct {
	mu     sync.Mutex
	reqs   []bot.Request
	answer func(bot.Request) bot.Reply
}

var _ Router = (*fakeRouter)(nil)

func (r *fakeRouter) Route(ctx context.Context, req bot.Request) bot.Reply {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	if r.answer == nil {
		return bot.Reply{Text: "answer to " + req.Text}
	}
	return r.answer(req)
}

func (r *fakeRouter) requests() []bot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Request(nil), r.reqs...)
}

// memStore is an in-memory Store.
type memStore struct {
	mu      sync.Mutex
	convs   map[string]Conversation
	members map[string]Member
}

var _ Store = (*memStore)(nil)

func newStore() *memStore {
	return &memStore{convs: map[string]Conversation{}, members: map[string]Member{}}
}

func (s *memStore) SaveConversation(ctx context.Context, c Conversation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.convs[c.ID] = c
	return nil
}

func (s *memStore) Conversation(ctx context.Context, id string, personal bool) (Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if personal {
		for _, c := range s.convs {
			if c.Type == Personal && c.UserID == id {
				return c, nil
			}
		}
		return Conversation{}, ErrNotFound
	}
	c, ok := s.convs[id]
	if !ok {
		return Conversation{}, ErrNotFound
	}
	return c, nil
}

func (s *memStore) SaveMember(ctx context.Context, m Member) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[m.UserID] = m
	return nil
}

func (s *memStore) Member(ctx context.Context, id string) (Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.members[id]
	if !ok {
		return Member{}, ErrNotFound
	}
	return m, nil
}

// harness is a Bot served on loopback with fakes around it.
type harness struct {
	bf     *fakeBF
	bot    *Bot
	srv    *httptest.Server
	inbox  *fakeInbox
	router *fakeRouter
	store  *memStore
	sleeps []time.Duration
	mu     sync.Mutex
	skew   time.Duration // added to the Bot's clock
}

// advance moves the Bot's clock by d.
func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	h.skew += d
	h.mu.Unlock()
}

func newHarness(t testing.TB, change func(*Config)) *harness {
	t.Helper()
	h := &harness{bf: newFakeBF(t), inbox: newInbox(), router: &fakeRouter{}, store: newStore()}
	cfg := Config{
		AppID: testAppID, AppPassword: "secret",
		OpenIDURL: h.bf.srv.URL + "/openid", TokenURL: h.bf.srv.URL + "/token",
		Router: h.router, Inbox: h.inbox, Store: h.store,
		Channels:    map[string]string{"19:exec@thread.tacv2": "teams:exec"},
		UpdateDelay: -1,
		Log:         discard(),
		Now: func() time.Time {
			h.mu.Lock()
			defer h.mu.Unlock()
			return time.Now().Add(h.skew)
		},
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			return nil
		},
	}
	if change != nil {
		change(&cfg)
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	mux := http.NewServeMux()
	b.Register(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		h.srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		b.Shutdown(ctx)
	})
	return h
}

// send posts act with the Authorization header auth; "" means a valid token.
func (h *harness) send(t testing.TB, act map[string]any, auth string) (int, []byte) {
	t.Helper()
	if auth == "" {
		auth = "Bearer " + h.bf.token(t, h.bf.k1, "k1", nil)
	}
	body, _ := json.Marshal(act)
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+Path, strings.NewReader(string(body)))
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// channelMessage is a message mentioning the bot in the exec channel.
func (h *harness) channelMessage(id, text string) map[string]any {
	return map[string]any{
		"type": "message", "id": id, "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"serviceUrl": h.bf.srv.URL + "/", "channelId": "msteams",
		"from":         map[string]any{"id": "29:user-1", "name": "山田 花子", "aadObjectId": "aad-user-1"},
		"recipient":    map[string]any{"id": "28:" + testAppID, "name": "secbot"},
		"conversation": map[string]any{"id": "19:exec@thread.tacv2;messageid=1700000000000", "conversationType": "channel", "tenantId": "tenant-1"},
		"text":         "<at>secbot</at> " + text,
		"entities": []any{map[string]any{"type": "mention", "text": "<at>secbot</at>",
			"mentioned": map[string]any{"id": "28:" + testAppID, "name": "secbot"}}},
		"channelData": map[string]any{"tenant": map[string]any{"id": "tenant-1"},
			"team": map[string]any{"id": "19:general@thread.tacv2"}, "channel": map[string]any{"id": "19:exec@thread.tacv2"}},
	}
}

// personalMessage is a message in a 1:1 chat.
func (h *harness) personalMessage(id, text string) map[string]any {
	return map[string]any{
		"type": "message", "id": id, "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"serviceUrl": h.bf.srv.URL + "/", "channelId": "msteams",
		"from":         map[string]any{"id": "29:user-2", "name": "佐藤 一郎", "aadObjectId": "aad-user-2"},
		"recipient":    map[string]any{"id": "28:" + testAppID, "name": "secbot"},
		"conversation": map[string]any{"id": "a:personal-2", "conversationType": "personal", "tenantId": "tenant-1"},
		"text":         text,
		"channelData":  map[string]any{"tenant": map[string]any{"id": "tenant-1"}},
	}
}
