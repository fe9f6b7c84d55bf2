package teams

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
)

// fakeWorkflow is a loopback Workflows webhook that answers each POST with
// the next scripted response, and records the bodies.
type fakeWorkflow struct {
	mu        sync.Mutex
	responses []fakeResponse // the last one repeats
	bodies    [][]byte
	srv       *httptest.Server
}

type fakeResponse struct {
	status int
	header map[string]string
	body   string
}

func newFakeWorkflow(t *testing.T, responses ...fakeResponse) *fakeWorkflow {
	t.Helper()
	f := &fakeWorkflow{responses: responses}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		n := len(f.bodies)
		f.bodies = append(f.bodies, b)
		resp := f.responses[min(n, len(f.responses)-1)]
		f.mu.Unlock()
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			http.Error(w, "want a JSON POST", http.StatusBadRequest)
			return
		}
		for k, v := range resp.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(resp.status)
		io.WriteString(w, resp.body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// url is the workflow URL, with a sig like the real ones.
func (f *fakeWorkflow) url() string {
	return f.srv.URL + "/workflows/8f2c/triggers/manual/paths/invoke?api-version=1&sig=SECRETSIG"
}

func (f *fakeWorkflow) posts() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.bodies...)
}

// sleeps records the waits a poster asks for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newPoster(f *fakeWorkflow, s *sleeps, opts ...WorkflowOption) *WorkflowPoster {
	opts = append([]WorkflowOption{WithSleep(s.sleep), WithLog(quietLog())}, opts...)
	return NewWorkflowPoster(f.url(), f.srv.Client(), opts...)
}

func TestWorkflowPostsCard(t *testing.T) {
	f := newFakeWorkflow(t, fakeResponse{status: http.StatusAccepted, header: map[string]string{"x-ms-workflow-run-id": "08584650000000000000000000000CU00"}})
	s := &sleeps{}
	p := newPoster(f, s)
	id, err := p.Post(context.Background(), "teams:exec", sampleReplies()["tip"])
	if err != nil {
		t.Fatal(err)
	}
	if id != "08584650000000000000000000000CU00" {
		t.Errorf("id %q, want the workflow run id", id)
	}
	posts := f.posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	var m struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			ContentURL  *string         `json:"contentUrl"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(posts[0], &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != "message" || len(m.Attachments) != 1 || m.Attachments[0].ContentType != ContentType || !strings.Contains(string(m.Attachments[0].Content), "AdaptiveCard") {
		t.Errorf("posted %s", posts[0])
	}
	if !strings.Contains(string(posts[0]), `"contentUrl":null`) {
		t.Error("contentUrl is not null")
	}
	if len(s.d) != 0 {
		t.Errorf("waited %v for a post that went through", s.d)
	}
	// Without a run id the poster still returns a non-empty id: schedulers
	// take "" for "not posted yet".
	f2 := newFakeWorkflow(t, fakeResponse{status: http.StatusAccepted})
	id, err = newPoster(f2, s).Post(context.Background(), "teams:exec", sampleReplies()["plain"])
	if err != nil || id == "" {
		t.Errorf("Post = %q, %v; want a generated id", id, err)
	}
	if !strings.Contains(string(f2.posts()[0]), "AdaptiveCard") {
		t.Error("a plain text reply was not posted as a card")
	}
}

// TestWorkflowRetryAfter: a 429 is waited out as Retry-After says, then
// the message is posted once.
func TestWorkflowRetryAfter(t *testing.T) {
	f := newFakeWorkflow(t,
		fakeResponse{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": "7"}, body: `{"error":{"code":"WorkflowTriggerIsThrottled"}}`},
		fakeResponse{status: http.StatusAccepted},
	)
	s := &sleeps{}
	if _, err := newPoster(f, s).Post(context.Background(), "teams:default", sampleReplies()["round_open"]); err != nil {
		t.Fatal(err)
	}
	if n := len(f.posts()); n != 2 {
		t.Errorf("%d requests, want 2 (one throttled, one accepted)", n)
	}
	if len(s.d) != 1 || s.d[0] != 7*time.Second {
		t.Errorf("waits %v, want [7s]", s.d)
	}
}

func TestWorkflowRetryAfterDate(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	f := newFakeWorkflow(t,
		fakeResponse{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": now.Add(30 * time.Second).Format(http.TimeFormat)}},
		fakeResponse{status: http.StatusOK},
	)
	s := &sleeps{}
	if _, err := newPoster(f, s, WithNow(func() time.Time { return now })).Post(context.Background(), "teams:x", sampleReplies()["tip"]); err != nil {
		t.Fatal(err)
	}
	if len(s.d) != 1 || s.d[0] != 30*time.Second {
		t.Errorf("waits %v, want [30s]", s.d)
	}
}

// TestWorkflowTransient: 5xx are retried with a growing backoff, and given
// up after MaxAttempts with an error that is not permanent.
func TestWorkflowTransient(t *testing.T) {
	f := newFakeWorkflow(t,
		fakeResponse{status: http.StatusBadGateway},
		fakeResponse{status: http.StatusServiceUnavailable},
		fakeResponse{status: http.StatusAccepted},
	)
	s := &sleeps{}
	if _, err := newPoster(f, s).Post(context.Background(), "teams:exec", sampleReplies()["tip"]); err != nil {
		t.Fatal(err)
	}
	if len(s.d) != 2 || s.d[0] != time.Second || s.d[1] != 2*time.Second {
		t.Errorf("waits %v, want [1s 2s]", s.d)
	}

	down := newFakeWorkflow(t, fakeResponse{status: http.StatusInternalServerError, body: "oops"})
	s = &sleeps{}
	_, err := newPoster(down, s, WithMaxAttempts(3)).Post(context.Background(), "teams:exec", sampleReplies()["tip"])
	if err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Errorf("err %v, want a transient error", err)
	}
	if n := len(down.posts()); n != 3 {
		t.Errorf("%d tries, want 3", n)
	}
}

// TestWorkflowPermanent: a 4xx other than 429 is not retried and wraps
// bot.ErrPermanent; no error shows the URL's sig.
func TestWorkflowPermanent(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound} {
		f := newFakeWorkflow(t, fakeResponse{status: status, body: `{"error":{"code":"TriggerInputSchemaMismatch","message":"The input body for trigger 'manual' of type 'Request' did not match its schema definition."}}`})
		s := &sleeps{}
		_, err := newPoster(f, s).Post(context.Background(), "teams:exec", sampleReplies()["tip"])
		if !errors.Is(err, bot.ErrPermanent) {
			t.Errorf("%d: err %v, want ErrPermanent", status, err)
		}
		if n := len(f.posts()); n != 1 || len(s.d) != 0 {
			t.Errorf("%d: %d tries, waits %v; want one try", status, n, s.d)
		}
		if err != nil && (strings.Contains(err.Error(), "SECRETSIG") || !strings.Contains(err.Error(), "teams:exec")) {
			t.Errorf("error %q: want the channel and not the URL", err)
		}
	}
}

func TestWorkflowNetworkErrorHidesURL(t *testing.T) {
	f := newFakeWorkflow(t, fakeResponse{status: http.StatusAccepted})
	url := f.url()
	f.srv.Close()
	s := &sleeps{}
	_, err := NewWorkflowPoster(url, nil, WithSleep(s.sleep), WithLog(quietLog()), WithMaxAttempts(2)).Post(context.Background(), "teams:exec", sampleReplies()["tip"])
	if err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("err %v, want a transient error", err)
	}
	if strings.Contains(err.Error(), "SECRETSIG") {
		t.Errorf("error shows the URL's sig: %v", err)
	}
	if len(s.d) != 1 {
		t.Errorf("waits %v, want one backoff", s.d)
	}
}

// TestWorkflowSizeLimit: a reply too large for one Teams message is cut to
// fit, never sent over the limit.
func TestWorkflowSizeLimit(t *testing.T) {
	f := newFakeWorkflow(t, fakeResponse{status: http.StatusAccepted})
	s := &sleeps{}
	long := strings.Repeat("経営者はサイバーセキュリティを投資として捉える。", 600)
	r := bot.AnswerReply(knowledge.Answer{Query: "q", Kind: knowledge.KindPassage, Passages: []knowledge.Passage{
		{Section: "4-1-1", Title: "a", Text: long}, {Section: "4-1-2", Title: "b", Text: long},
	}}, samplePack)
	const limit = 28 * 1024
	if _, err := newPoster(f, s).Post(context.Background(), "teams:exec", r); err != nil {
		t.Fatal(err)
	}
	if _, err := newPoster(f, s, WithMaxBytes(4000)).Post(context.Background(), "teams:exec", r); err != nil {
		t.Fatal(err)
	}
	posts := f.posts()
	for i, want := range []int{limit, 4000} {
		if len(posts[i]) > want {
			t.Errorf("post %d: %d bytes, over %d", i, len(posts[i]), want)
		}
		if !json.Valid(posts[i]) || !strings.Contains(string(posts[i]), shrunkNote) {
			t.Errorf("post %d is not a cleanly cut card", i)
		}
	}
}

func TestWorkflowUpdateDoesNothing(t *testing.T) {
	f := newFakeWorkflow(t, fakeResponse{status: http.StatusAccepted})
	p := newPoster(f, &sleeps{})
	if err := p.Update(context.Background(), "teams:exec", "id", sampleReplies()["round_reveal"]); err != nil {
		t.Fatal(err)
	}
	if n := len(f.posts()); n != 0 {
		t.Errorf("Update posted %d messages", n)
	}
}

func TestWorkflowsByChannel(t *testing.T) {
	exec := newFakeWorkflow(t, fakeResponse{status: http.StatusAccepted})
	def := newFakeWorkflow(t, fakeResponse{status: http.StatusAccepted})
	s := &sleeps{}
	w := NewWorkflows(map[string]string{"exec": exec.url(), "default": def.url()}, nil, WithSleep(s.sleep), WithLog(quietLog()))
	ctx := context.Background()
	for _, ch := range []string{"teams:exec", "teams:default", "teams:default"} {
		if _, err := w.Post(ctx, ch, sampleReplies()["tip"]); err != nil {
			t.Fatal(err)
		}
	}
	if len(exec.posts()) != 1 || len(def.posts()) != 2 {
		t.Errorf("exec got %d, default %d; want 1 and 2", len(exec.posts()), len(def.posts()))
	}
	_, err := w.Post(ctx, "teams:nope", sampleReplies()["tip"])
	if !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("unknown workflow: err %v, want ErrPermanent", err)
	}
	if err := w.Update(ctx, "teams:exec", "x", sampleReplies()["tip"]); err != nil {
		t.Error(err)
	}
	if p, err := w.Poster("teams:exec"); err != nil || p == nil {
		t.Errorf("Poster(teams:exec) = %v, %v", p, err)
	}
	if p, err := w.Poster("teams:nope"); !errors.Is(err, bot.ErrPermanent) || p != nil {
		t.Errorf("Poster(teams:nope) = %v, %v; want nil and ErrPermanent", p, err)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 6: 32 * time.Second, 7: time.Minute, 100: time.Minute} {
		if got := backoff(n); got != want {
			t.Errorf("backoff(%d) = %v, want %v", n, got, want)
		}
	}
	p := NewWorkflowPoster("http://127.0.0.1/", nil)
	for h, want := range map[string]time.Duration{"": time.Second, "0": 0, "3": 3 * time.Second, "86400": maxRetryAfter, "soon": time.Second} {
		if got := p.retryAfter(h, 1); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", h, got, want)
		}
	}
}
