package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"secbot/bot"
	"secbot/retry"
)

// Router answers requests; *bot.Router implements it.
type Router interface {
	Route(ctx context.Context, req bot.Request) bot.Reply
}

// Inbox keeps every input before it is acknowledged, recognising the
// inputs it has kept before in every process; package intake implements
// it. Accept's error means the input was not kept: it must not be acked.
type Inbox interface {
	Accept(ctx context.Context, key, kind string, payload []byte) (first bool, err error)
	Done(ctx context.Context, key string) error
}

// The kinds of input the Adapter keeps in the Inbox; Rerun runs them again.
const (
	KindEvent   = "slack.event"   // payload: the Events API envelope
	KindCommand = "slack.command" // payload: slack.SlashCommand as JSON
)

// Config configures an Adapter. Only BotToken and Router are required; the
// zero values of the others are sensible defaults.
type Config struct {
	// BotToken is the bot user OAuth token (xoxb-…), for the Web API.
	BotToken string
	// AppToken is the app-level token (xapp-…) with connections:write, for
	// Socket Mode.
	AppToken string
	// SigningSecret checks the HTTP requests Slack sends. Without it the
	// HTTP handlers refuse every request.
	SigningSecret string
	// APIURL is another Web API base (tests, proxies), e.g.
	// "http://127.0.0.1:8080/api/". "" means https://slack.com/api/.
	APIURL string

	Router Router
	// Inbox keeps events and slash commands before they are acknowledged
	// (and recognises Slack's retries in every process). nil keeps nothing
	// and recognises retries in this process's memory only: for tests and
	// the console.
	Inbox Inbox
	// Metrics counts chat.postMessage outcomes (ok, 429, transient and
	// permanent errors); nil counts nothing. *metrics.Metrics implements it.
	Metrics interface {
		Post(platform, outcome string)
	}
	// Log receives what went wrong; nil means slog.Default().
	Log *slog.Logger
	// Now is the clock for signature timestamps, rate limits and the event
	// dedup window; nil means time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx is done (rate limits, Retry-After, backoff);
	// nil means a timer. Tests inject one that only advances a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// HTTPClient makes Web API and response_url calls; nil means a client
	// with a 15 s timeout.
	HTTPClient *http.Client

	// AckTimeout is how long a slash command waits for its answer before
	// it is acknowledged empty and answered through response_url instead.
	// Slack allows 3 s for the whole round trip; 0 means 2 s.
	AckTimeout time.Duration
	// PostInterval spaces chat.postMessage calls to one channel; 0 means
	// 1 s, Slack's documented limit.
	PostInterval time.Duration
	// PostBudget bounds chat.postMessage calls across all channels (Slack's
	// workspace-wide limit); the zero value means DefaultBudget, 20 a
	// second with bursts of 20.
	PostBudget Budget
	// MaxAttempts bounds the tries of a Web API call failing with a
	// transient error (5xx, network); 0 means 4. 429s do not count: a post
	// is retried after each Retry-After until ctx ends.
	MaxAttempts int
	// WorkTimeout bounds the background work of one request (routing and
	// delivering after the ack); 0 means 2 minutes.
	WorkTimeout time.Duration
}

// Adapter connects secbot to one Slack workspace. Create it with New; it is
// safe for concurrent use.
type Adapter struct {
	cfg    Config
	api    *slack.Client
	http   *http.Client
	log    *slog.Logger
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	limit  *limiter
	events *dedup

	// work tracks goroutines that deliver after an ack; Close waits for them.
	work sync.WaitGroup

	idMu      sync.Mutex
	botUserID string // from auth.test, "" until known
	botID     string
	idFailed  time.Time // when auth.test last failed; retried a minute later
}

var (
	_ bot.Poster       = (*Adapter)(nil)
	_ bot.DirectPoster = (*Adapter)(nil)
)

// New returns an Adapter for cfg, or an error when cfg lacks BotToken or
// Router. It makes no network call: the bot's own user id is looked up
// (auth.test) when first needed.
func New(cfg Config) (*Adapter, error) {
	if cfg.Router == nil {
		return nil, errors.New("slack: no Router")
	}
	if cfg.BotToken == "" {
		return nil, errors.New("slack: no bot token (xoxb-…)")
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = 2 * time.Second
	}
	if cfg.PostInterval <= 0 {
		cfg.PostInterval = time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 4
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = 2 * time.Minute
	}
	a := &Adapter{cfg: cfg, http: cfg.HTTPClient, log: cfg.Log, now: cfg.Now, sleep: cfg.Sleep}
	if a.http == nil {
		a.http = &http.Client{Timeout: 15 * time.Second}
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	a.log = a.log.With("adapter", "slack")
	if a.now == nil {
		a.now = time.Now
	}
	if a.sleep == nil {
		a.sleep = retry.Sleep
	}
	opts := []slack.Option{slack.OptionHTTPClient(a.http)}
	if cfg.APIURL != "" {
		u := cfg.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/" // slack-go joins method names to it
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	a.api = slack.New(cfg.BotToken, opts...)
	a.limit = newLimiter(cfg.PostInterval, a.now, a.sleep)
	a.events = newDedup(10000, time.Hour, a.now)
	return a, nil
}

// Close waits until the replies still being delivered after their ack
// have been sent, or ctx ends. Call it after the HTTP server has shut down
// and RunSocketMode has returned, so that no new work starts.
func (a *Adapter) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		a.work.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("slack: waiting for deliveries: %w", ctx.Err())
	}
}

// background runs f after the ack, with a context that outlives the
// request's but not WorkTimeout; Close waits for it.
func (a *Adapter) background(f func(ctx context.Context)) {
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		ctx, cancel := context.WithTimeout(context.Background(), a.cfg.WorkTimeout)
		defer cancel()
		f(ctx)
	}()
}

// identity returns the bot's own user id and bot id, asking auth.test the
// first time. On failure it returns "" and asks again a minute later;
// messages carrying a bot_id (the bot's own included) are ignored regardless.
func (a *Adapter) identity(ctx context.Context) (userID, botID string) {
	a.idMu.Lock()
	defer a.idMu.Unlock()
	if a.botUserID != "" {
		return a.botUserID, a.botID
	}
	if !a.idFailed.IsZero() && a.now().Sub(a.idFailed) < time.Minute {
		return "", ""
	}
	resp, err := a.api.AuthTestContext(ctx)
	if err != nil {
		a.idFailed = a.now()
		a.log.Error("auth.test failed", "slack_error", slackCode(err), "err", err)
		return "", ""
	}
	a.botUserID, a.botID = resp.UserID, resp.BotID
	return a.botUserID, a.botID
}
