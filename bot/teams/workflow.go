package teams

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"secbot/bot"
	"secbot/retry"
)

// ChannelPrefix starts the config's names of Teams channels: "teams:NAME"
// posts through the workflow named NAME, "teams:default" through
// TEAMS_WORKFLOW_URL.
const ChannelPrefix = "teams:"

// WorkflowPoster posts scheduled replies (tips, quiz rounds, reveals) to
// one Teams channel through a Workflows webhook: the URL of a workflow made
// from the "Post to a channel when a webhook request is received" template.
// Each Post sends one Adaptive Card message, cut to fit MaxMessageBytes.
//
// A 429 is waited out (Retry-After, or a backoff) and retried; a 5xx, a 408
// or a network error is retried with exponential backoff up to
// MaxAttempts; any other 4xx (a deleted workflow, a refused card) fails at
// once with an error wrapping bot.ErrPermanent.
//
// Workflows cannot edit or delete a posted message, so Update does nothing
// and returns nil: the round message keeps its first answered count, and
// the scheduler posts each reveal as a new message anyway.
//
// The URL carries its own credential (the sig= parameter): WorkflowPoster
// never logs it nor puts it in an error.
type WorkflowPoster struct {
	url         string
	client      *http.Client
	name        string
	log         *slog.Logger
	sleep       func(ctx context.Context, d time.Duration) error
	now         func() time.Time
	maxAttempts int
	maxBytes    int
}

var (
	_ bot.Poster = (*WorkflowPoster)(nil)
	_ bot.Poster = (*Workflows)(nil)
)

// WorkflowOption changes a WorkflowPoster's defaults.
type WorkflowOption func(*WorkflowPoster)

// WithSleep sets how the poster waits between tries: f waits d or until
// ctx is done. Tests pass one that records d and returns at once. The
// default is a timer.
func WithSleep(f func(ctx context.Context, d time.Duration) error) WorkflowOption {
	return func(p *WorkflowPoster) { p.sleep = f }
}

// WithNow sets the clock that dated Retry-After headers are read against;
// the default is time.Now.
func WithNow(now func() time.Time) WorkflowOption {
	return func(p *WorkflowPoster) { p.now = now }
}

// WithMaxAttempts bounds the tries of a post failing with a transient
// error (5xx, 408, network); the default is 4. 429s do not count against
// it: they are retried after each Retry-After, at most maxThrottled times,
// until ctx ends.
func WithMaxAttempts(n int) WorkflowOption {
	return func(p *WorkflowPoster) { p.maxAttempts = n }
}

// WithMaxBytes sets the largest message body sent; the default is
// MaxMessageBytes.
func WithMaxBytes(n int) WorkflowOption {
	return func(p *WorkflowPoster) { p.maxBytes = n }
}

// WithName sets the name the cards tell people to @mention (the outgoing
// webhook's name, Config.Name); the default is DefaultName.
func WithName(name string) WorkflowOption {
	return func(p *WorkflowPoster) { p.name = name }
}

// WithLog sets where retries are logged; the default is slog.Default().
func WithLog(l *slog.Logger) WorkflowOption {
	return func(p *WorkflowPoster) { p.log = l }
}

// maxThrottled bounds the 429s one post waits out.
const maxThrottled = 20

// maxRetryAfter caps one wait for a 429, whatever Retry-After says.
const maxRetryAfter = 5 * time.Minute

// NewWorkflowPoster returns a poster to the workflow at url. A nil client
// means one with a 30 s timeout.
func NewWorkflowPoster(url string, client *http.Client, opts ...WorkflowOption) *WorkflowPoster {
	p := &WorkflowPoster{url: url, client: client}
	for _, o := range opts {
		o(p)
	}
	if p.client == nil {
		p.client = &http.Client{Timeout: 30 * time.Second}
	}
	if p.name == "" {
		p.name = DefaultName
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	p.log = p.log.With("adapter", "teams-workflow")
	if p.sleep == nil {
		p.sleep = retry.Sleep
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.maxAttempts <= 0 {
		p.maxAttempts = 4
	}
	if p.maxBytes <= 0 {
		p.maxBytes = MaxMessageBytes
	}
	return p
}

// Post sends r as an Adaptive Card message; channel names it in logs and
// errors only (the URL decides where it goes). The message id it returns
// is the workflow run id Teams reports (x-ms-workflow-run-id), or a random
// id when there is none: Workflows gives no id of the posted message.
func (p *WorkflowPoster) Post(ctx context.Context, channel string, r bot.Reply) (id string, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("teams workflow post to %s: %w", channel, err)
		}
	}()
	m := cardMessage(r, p.name)
	body, err := fit(&m, p.maxBytes)
	if err != nil {
		return "", fmt.Errorf("%w: %w", err, bot.ErrPermanent)
	}
	attempts, throttled := 0, 0
	for {
		status, hdr, snippet, err := p.send(ctx, body)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			attempts++
			if attempts >= p.maxAttempts {
				return "", fmt.Errorf("after %d tries: %w", attempts, err)
			}
			wait = backoff(attempts)
			p.log.Warn("workflow post failed; retrying", "channel", channel, "err", err, "wait", wait)
		case status >= 200 && status < 300:
			if id := hdr.Get("x-ms-workflow-run-id"); id != "" {
				return id, nil
			}
			return randomID(), nil
		case status == http.StatusTooManyRequests:
			throttled++
			if throttled > maxThrottled {
				return "", fmt.Errorf("still throttled (429) after %d waits", maxThrottled)
			}
			wait = p.retryAfter(hdr.Get("Retry-After"), throttled)
			p.log.Warn("workflow throttled; waiting", "channel", channel, "wait", wait)
		case status >= 500 || status == http.StatusRequestTimeout:
			attempts++
			if attempts >= p.maxAttempts {
				return "", fmt.Errorf("after %d tries: status %d: %s", attempts, status, snippet)
			}
			wait = backoff(attempts)
			p.log.Warn("workflow post failed; retrying", "channel", channel, "status", status, "wait", wait)
		default:
			return "", fmt.Errorf("status %d: %s: %w", status, snippet, bot.ErrPermanent)
		}
		if err := p.sleep(ctx, wait); err != nil {
			return "", err
		}
	}
}

// Update does nothing and returns nil: a workflow cannot edit a message.
func (p *WorkflowPoster) Update(ctx context.Context, channel, messageID string, r bot.Reply) error {
	return nil
}

// send makes one POST and returns the status, headers and the start of the
// response body. Its errors never hold the URL.
func (p *WorkflowPoster) send(ctx context.Context, body []byte) (int, http.Header, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, "", fmt.Errorf("bad workflow URL: %w", bot.ErrPermanent)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := p.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // *url.Error quotes the URL and its sig
		}
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // reuse the connection
	return resp.StatusCode, resp.Header, strings.TrimSpace(string(b)), nil
}

// retryAfter reads a Retry-After header (seconds or an HTTP date); without
// one it backs off as for the nth failure.
func (p *WorkflowPoster) retryAfter(h string, n int) time.Duration {
	d := backoff(n)
	if h = strings.TrimSpace(h); h != "" {
		if secs, err := strconv.Atoi(h); err == nil && secs >= 0 {
			d = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(h); err == nil {
			d = max(t.Sub(p.now()), 0)
		}
	}
	return min(d, maxRetryAfter)
}

// backoff is the wait after the nth failure: 1 s, 2 s, 4 s, … up to 1 min.
func backoff(n int) time.Duration { return retry.Backoff(n, time.Second, time.Minute) }

func randomID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "teams-" + hex.EncodeToString(b)
}

// cardMessage renders r as a Workflows post: always an Adaptive Card (the
// template posts a message's card attachments, nothing else), and no text
// of its own.
func cardMessage(r bot.Reply, name string) message {
	m := render(r, name)
	if len(m.Attachments) == 0 {
		rd := &renderer{name: name}
		rd.text(m.Text)
		m = message{Type: "message", Attachments: []attachment{{ContentType: ContentType, Content: newCard(rd.body, false)}}}
	}
	m.Text, m.TextFormat, m.Summary = "", "", ""
	return m
}

// Workflows posts to several Teams channels, one workflow each, by the
// config's channel names: "teams:NAME" posts through the workflow NAME.
// It is the Poster the scheduler gets for Teams channels.
type Workflows struct {
	posters map[string]*WorkflowPoster
}

// NewWorkflows returns a Workflows posting to urls, keyed by NAME (the
// config's teams.workflows; put TEAMS_WORKFLOW_URL under "default"). The
// options apply to every workflow.
func NewWorkflows(urls map[string]string, client *http.Client, opts ...WorkflowOption) *Workflows {
	w := &Workflows{posters: make(map[string]*WorkflowPoster, len(urls))}
	for name, u := range urls {
		if u != "" {
			w.posters[name] = NewWorkflowPoster(u, client, opts...)
		}
	}
	return w
}

// Poster returns the poster of channel ("teams:NAME"), for
// schedules.Config.Posters; a channel without a workflow URL gets an error
// wrapping bot.ErrPermanent.
func (w *Workflows) Poster(channel string) (bot.Poster, error) {
	p, ok := w.posters[strings.TrimPrefix(channel, ChannelPrefix)]
	if !ok {
		return nil, fmt.Errorf("teams: no workflow URL for channel %q: %w", channel, bot.ErrPermanent)
	}
	return p, nil
}

// Post sends r to channel ("teams:NAME") through its workflow; a channel
// without one fails with an error wrapping bot.ErrPermanent.
func (w *Workflows) Post(ctx context.Context, channel string, r bot.Reply) (string, error) {
	p, err := w.Poster(channel)
	if err != nil {
		return "", err
	}
	return p.Post(ctx, channel, r)
}

// Update does nothing and returns nil, like WorkflowPoster.Update.
func (w *Workflows) Update(ctx context.Context, channel, messageID string, r bot.Reply) error {
	return nil
}
