package teamsbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"secbot/bot"
	"secbot/retry"
)

// DefaultTokenURL is where a multi-tenant bot gets its app token
// (TEAMS_TOKEN_URL overrides it; TEAMS_TENANT_ID makes it the tenant's).
const DefaultTokenURL = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"

// Scope is the scope of the app token the connector accepts.
const Scope = "https://api.botframework.com/.default"

// TenantTokenURL is the token URL of a single-tenant bot in tenant.
func TenantTokenURL(tenant string) string {
	return "https://login.microsoftonline.com/" + url.PathEscape(tenant) + "/oauth2/v2.0/token"
}

// maxRetryAfter caps one wait for a 429, whatever Retry-After says.
const maxRetryAfter = time.Minute

// connector calls the Bot Connector REST API with an app token. The token
// is fetched with the client credentials grant and kept until a minute
// before it expires; a 401 drops it and fetches a new one, once per call.
// A 429 waits out its Retry-After; a 5xx, 408 or network error backs off
// exponentially; both up to maxAttempts tries. Other 4xx fail at once,
// wrapping bot.ErrPermanent (403: the bot is not in the conversation; 404:
// the conversation is gone).
type connector struct {
	creds       clientcredentials.Config
	client      *http.Client
	log         *slog.Logger
	now         func() time.Time
	sleep       func(ctx context.Context, d time.Duration) error
	maxAttempts int

	mu  sync.Mutex
	tok *oauth2.Token
}

// token returns a cached app token, or a new one when force is set or the
// cached one expires within a minute.
func (c *connector) token(ctx context.Context, force bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !force && c.tok != nil && c.now().Add(time.Minute).Before(c.tok.Expiry) {
		return c.tok.AccessToken, nil
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.client)
	t, err := c.creds.Token(ctx)
	if err != nil {
		c.tok = nil
		return "", fmt.Errorf("app token: %w", err)
	}
	if t.Expiry.IsZero() {
		t.Expiry = c.now().Add(30 * time.Minute)
	}
	c.tok = t
	return t.AccessToken, nil
}

// activitiesURL is {serviceURL}/v3/conversations/{conv}/activities[/{id}].
func activitiesURL(serviceURL, conv, id string) string {
	u := strings.TrimRight(serviceURL, "/") + "/v3/conversations/" + url.PathEscape(conv) + "/activities"
	if id != "" {
		u += "/" + url.PathEscape(id)
	}
	return u
}

// send posts activity to conv (as a reply to replyTo when set) and returns
// the new activity's id.
func (c *connector) send(ctx context.Context, serviceURL, conv, replyTo string, activity []byte) (string, error) {
	body, err := c.do(ctx, http.MethodPost, activitiesURL(serviceURL, conv, replyTo), activity)
	if err != nil {
		return "", err
	}
	var res struct {
		ID string `json:"id"`
	}
	json.Unmarshal(body, &res) // an empty id is tolerated: some channels return none
	return res.ID, nil
}

// update replaces activity id of conv.
func (c *connector) update(ctx context.Context, serviceURL, conv, id string, activity []byte) error {
	_, err := c.do(ctx, http.MethodPut, activitiesURL(serviceURL, conv, id), activity)
	return err
}

// createConversation opens a 1:1 chat between the bot and a member and
// returns its id.
func (c *connector) createConversation(ctx context.Context, m Member) (string, error) {
	params := map[string]any{
		"bot":         map[string]string{"id": m.BotID},
		"members":     []map[string]string{{"id": m.TeamsID}},
		"isGroup":     false,
		"tenantId":    m.TenantID,
		"channelData": map[string]any{"tenant": map[string]string{"id": m.TenantID}},
	}
	b, _ := json.Marshal(params)
	body, err := c.do(ctx, http.MethodPost, strings.TrimRight(m.ServiceURL, "/")+"/v3/conversations", b)
	if err != nil {
		return "", err
	}
	var res struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &res); err != nil || res.ID == "" {
		return "", fmt.Errorf("create conversation: no id in %q", snippet(body))
	}
	return res.ID, nil
}

// do sends one request with retries and returns the response body of a 2xx.
func (c *connector) do(ctx context.Context, method, u string, body []byte) ([]byte, error) {
	refreshed := false
	for attempt := 1; ; attempt++ {
		tok, err := c.token(ctx, false)
		if err != nil {
			return nil, err
		}
		status, hdr, resp, err := c.once(ctx, method, u, tok, body)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			wait = backoff(attempt)
		case status >= 200 && status < 300:
			return resp, nil
		case status == http.StatusUnauthorized && !refreshed:
			refreshed = true
			if _, err := c.token(ctx, true); err != nil {
				return nil, err
			}
			attempt--
			continue
		case status == http.StatusTooManyRequests:
			wait = retryAfter(hdr.Get("Retry-After"), attempt, c.now())
		case status >= 500 || status == http.StatusRequestTimeout:
			wait = backoff(attempt)
		default:
			return nil, fmt.Errorf("%s %s: status %d: %s: %w", method, redact(u), status, snippet(resp), bot.ErrPermanent)
		}
		if attempt >= c.maxAttempts {
			if err == nil {
				err = fmt.Errorf("status %d: %s", status, snippet(resp))
			}
			return nil, fmt.Errorf("%s %s: after %d tries: %w", method, redact(u), attempt, err)
		}
		c.log.Warn("connector call failed; retrying", "method", method, "status", status, "err", err, "wait", wait)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// once makes one HTTP request.
func (c *connector) once(ctx context.Context, method, u, token string, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("bad connector URL: %w", bot.ErrPermanent)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, b, err
}

// redact drops the query of u for logs and errors.
func redact(u string) string {
	base, _, _ := strings.Cut(u, "?")
	return base
}

// snippet is the start of a response body, for errors.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// backoff is the wait before try n+1: 1 s, 2 s, 4 s, … up to 30 s.
func backoff(n int) time.Duration { return retry.Backoff(n, time.Second, 30*time.Second) }

// retryAfter reads a Retry-After header (seconds or an HTTP date); without
// one it backs off.
func retryAfter(h string, n int, now time.Time) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, maxRetryAfter)
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter)
	}
	return backoff(n)
}

// errNoConversation says the bot has no reference to post with.
var errNoConversation = errors.New("no stored conversation")
