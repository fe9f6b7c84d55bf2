package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"secbot/bot"
	"secbot/metrics"
	"secbot/retry"
)

// maxRateLimited bounds the 429s one call waits out. Each wait is Slack's
// own Retry-After, so a post is only given up when Slack stays saturated for
// that long or ctx ends first.
const maxRateLimited = 50

// Post sends r to channel with chat.postMessage and returns the new
// message's ts. It waits its turn (about one message a second per channel),
// honours Retry-After on 429, retries transient errors and wraps permanent
// ones (channel_not_found, not_in_channel, is_archived, invalid_auth, …)
// with bot.ErrPermanent. Private replies in r.Also are not posted: a
// scheduled post has nobody to show them to.
//
// A tagged post (r.Tag, a scheduled claim) carries the claim's id as message
// metadata (event_type secbot_post); when r.Tag.Recheck says an earlier
// attempt may have posted it, the channel's recent history is searched for
// that metadata first and the post found is returned instead of posting
// again (needs channels:history and groups:history).
func (a *Adapter) Post(ctx context.Context, channel string, r bot.Reply) (string, error) {
	if r.Tag.Recheck && r.Tag.ID != "" {
		ts, found, err := a.findPost(ctx, channel, r.Tag.ID)
		if err != nil {
			// Cannot look (a missing scope, say): posting again risks a
			// double post, not posting risks none at all; post.
			a.log.Warn("could not look for a post in doubt; posting it again", "channel", channel, "claim", r.Tag.ID, "err", err)
		} else if found {
			a.log.Info("a post in doubt had gone out; not posting it again", "channel", channel, "claim", r.Tag.ID, "ts", ts)
			return ts, nil
		}
	}
	ts, err := a.postMessage(ctx, channel, "", r)
	if err != nil {
		return "", err
	}
	for _, also := range r.Also {
		if also.Private {
			continue
		}
		if _, err := a.postMessage(ctx, channel, "", also); err != nil {
			return ts, err
		}
	}
	return ts, nil
}

// postEventType is the message metadata event_type of scheduled posts.
const postEventType = "secbot_post"

// findPost looks in channel's messages of the last day for the one tagged
// with claim id.
func (a *Adapter) findPost(ctx context.Context, channel, id string) (ts string, found bool, err error) {
	oldest := fmt.Sprintf("%d", a.now().Add(-26*time.Hour).Unix())
	cursor := ""
	for page := 0; page < 5; page++ {
		var resp *slack.GetConversationHistoryResponse
		err := a.call(ctx, "conversations.history", channel, false, func(ctx context.Context) error {
			var err error
			resp, err = a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Oldest: oldest, Limit: 200, Cursor: cursor, IncludeAllMetadata: true})
			return err
		})
		if err != nil {
			return "", false, err
		}
		for _, m := range resp.Messages {
			if m.Metadata.EventType == postEventType && fmt.Sprint(m.Metadata.EventPayload["claim"]) == id {
				return m.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			break
		}
		cursor = resp.ResponseMetaData.NextCursor
	}
	return "", false, nil
}

// Members implements bot.MemberCounter: the channel's member count
// (conversations.info; scopes channels:read, groups:read). People and
// bots alike, secbot included.
func (a *Adapter) Members(ctx context.Context, channel string) (int, error) {
	var n int
	err := a.call(ctx, "conversations.info", channel, false, func(ctx context.Context) error {
		ch, err := a.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel, IncludeNumMembers: true})
		if err == nil {
			n = ch.NumMembers
		}
		return err
	})
	return n, err
}

// Update replaces message ts of channel with r (chat.update).
func (a *Adapter) Update(ctx context.Context, channel, ts string, r bot.Reply) error {
	m := render(r, isDirect(channel))
	return a.call(ctx, "chat.update", channel, false, func(ctx context.Context) error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts, msgOptions(m)...)
		return err
	})
}

// PostDirect sends r to userID in a direct message: conversations.open,
// then Post.
func (a *Adapter) PostDirect(ctx context.Context, userID string, r bot.Reply) error {
	channel, err := a.openDM(ctx, userID)
	if err != nil {
		return err
	}
	_, err = a.Post(ctx, channel, r)
	return err
}

// postMessage posts r to channel, in the thread threadTS when it is set.
func (a *Adapter) postMessage(ctx context.Context, channel, threadTS string, r bot.Reply) (string, error) {
	m := render(r, isDirect(channel))
	opts := msgOptions(m)
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	if r.Tag.ID != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: postEventType, EventPayload: map[string]any{"claim": r.Tag.ID}}))
	}
	var ts string
	err := a.call(ctx, "chat.postMessage", channel, true, func(ctx context.Context) error {
		_, t, err := a.api.PostMessageContext(ctx, channel, opts...)
		ts = t
		return err
	})
	return ts, err
}

// postEphemeral shows r to user only, in channel (and thread threadTS).
func (a *Adapter) postEphemeral(ctx context.Context, channel, user, threadTS string, r bot.Reply) error {
	m := render(r, isDirect(channel))
	opts := msgOptions(m)
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	return a.call(ctx, "chat.postEphemeral", channel, false, func(ctx context.Context) error {
		_, err := a.api.PostEphemeralContext(ctx, channel, user, opts...)
		return err
	})
}

func msgOptions(m message) []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
}

// call runs one Web API call f with Slack's retry rules: 429 waits
// Retry-After (not counted against MaxAttempts), transient errors back off
// and retry up to MaxAttempts, permanent errors return at once wrapped
// with bot.ErrPermanent. limited calls (chat.postMessage) wait their
// channel's turn and then the workspace budget's first.
// Every failure is logged with Slack's error code.
func (a *Adapter) call(ctx context.Context, method, target string, limited bool, f func(context.Context) error) error {
	transient, rateLimited := 0, 0
	for {
		if limited {
			if err := a.limits().wait(ctx, target); err != nil {
				return fmt.Errorf("%s %s: %w", method, target, err)
			}
		}
		err := f(ctx)
		a.countPost(method, err)
		if err == nil {
			return nil
		}
		code := slackCode(err)
		log := a.log.With("method", method, "target", target, "slack_error", code)
		if ctx.Err() != nil {
			log.Error("slack call abandoned", "err", err)
			return fmt.Errorf("%s %s: %w", method, target, err)
		}
		if wait, ok := retryAfter(err); ok {
			rateLimited++
			if rateLimited > maxRateLimited {
				log.Error("slack call still rate limited; giving up", "attempts", rateLimited)
				return fmt.Errorf("%s %s: %w", method, target, err)
			}
			log.Warn("slack rate limited; waiting", "retry_after", wait)
			if limited {
				// Slack's 429 names no limit: it pauses the channel it
				// answered for, and every channel only when many are
				// refused at once (the workspace's limit).
				until := a.now().Add(wait)
				a.limit.hold(target, until)
				if a.limit.ws.limited(until) {
					log.Warn("slack rate limited many channels at once; pausing every channel's posts", "retry_after", wait)
				}
				wait = 0 // the limiter waits it out before the next try
			}
			if err := a.sleep(ctx, wait); err != nil {
				return fmt.Errorf("%s %s: %w", method, target, err)
			}
			continue
		}
		if isPermanent(err) {
			log.Error("slack call failed", "err", err)
			return fmt.Errorf("%s %s: %w: %w", method, target, bot.ErrPermanent, err)
		}
		transient++
		if transient >= a.cfg.MaxAttempts {
			log.Error("slack call failed; giving up", "attempts", transient, "err", err)
			return fmt.Errorf("%s %s: %w", method, target, err)
		}
		wait := backoff(transient)
		log.Warn("slack call failed; retrying", "attempt", transient, "backoff", wait, "err", err)
		if err := a.sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s %s: %w", method, target, err)
		}
	}
}

// countPost tells Metrics the outcome of a chat.postMessage call.
func (a *Adapter) countPost(method string, err error) {
	if a.cfg.Metrics == nil || method != "chat.postMessage" {
		return
	}
	outcome := metrics.PostOK
	switch _, limited := retryAfter(err); {
	case err == nil:
	case limited:
		outcome = metrics.PostRateLimited
	case isPermanent(err):
		outcome = metrics.PostPermanent
	default:
		outcome = metrics.PostTransient
	}
	a.cfg.Metrics.Post("slack", outcome)
}

// backoff is the wait before retry n (1-based): 250 ms doubling, at most 8 s.
func backoff(n int) time.Duration { return retry.Backoff(n, 250*time.Millisecond, 8*time.Second) }

// retryAfter reports whether err is a 429 and how long Slack asked to wait
// (at least a second).
func retryAfter(err error) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Second), true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests {
		return time.Second, true
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "ratelimited" {
		return time.Second, true
	}
	return 0, false
}

// transientCodes are Slack error codes worth retrying; any other code is
// permanent (channel_not_found, not_in_channel, is_archived, invalid_auth,
// token_revoked, missing_scope, invalid_blocks, msg_too_long, …).
var transientCodes = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
	"timeout":             true,
}

// isPermanent reports whether retrying err cannot help.
func isPermanent(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return !transientCodes[se.Err]
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code < 500 && sc.Code != http.StatusTooManyRequests && sc.Code != http.StatusRequestTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return false
	}
	// Unreadable bodies (a proxy's HTML error page), resets: transient.
	return false
}

// slackCode is the error code to log for err: Slack's own ("channel_not_found"),
// "ratelimited", "http_503", or "" for network errors.
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return "ratelimited"
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return fmt.Sprintf("http_%d", sc.Code)
	}
	return ""
}

// isDirect reports whether a channel id names a direct message.
func isDirect(channel string) bool { return len(channel) > 0 && channel[0] == 'D' }

// limiter spaces calls per channel: each gets the next free slot, interval
// after the previous one. Then it waits for the workspace budget ws.
type limiter struct {
	interval time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	mu   sync.Mutex
	next map[string]time.Time

	wsOnce sync.Once
	ws     *budget
}

// limits returns the adapter's limiter, with the workspace budget of
// Config.PostBudget made on first use (New makes the limiter without it).
func (a *Adapter) limits() *limiter {
	a.limit.wsOnce.Do(func() { a.limit.ws = newBudget(a.cfg.PostBudget, a.now, a.sleep) })
	return a.limit
}

func newLimiter(interval time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	return &limiter{interval: interval, now: now, sleep: sleep, next: map[string]time.Time{}}
}

// wait reserves channel's next slot, sleeps until it, and then waits its
// turn in the workspace budget.
func (l *limiter) wait(ctx context.Context, channel string) error {
	l.mu.Lock()
	now := l.now()
	slot := l.next[channel]
	if slot.Before(now) {
		slot = now
	}
	l.next[channel] = slot.Add(l.interval)
	if len(l.next) > 10000 {
		for ch, t := range l.next {
			if t.Before(now) {
				delete(l.next, ch)
			}
		}
	}
	l.mu.Unlock()
	if err := l.sleep(ctx, slot.Sub(now)); err != nil {
		return err
	}
	if err := l.ws.wait(ctx); err != nil {
		return err
	}
	// The call goes now, perhaps later than its slot: the channel's next
	// call still comes interval after it.
	l.hold(channel, l.now().Add(l.interval))
	return nil
}

// hold keeps channel's next slot at until or later (after a 429).
func (l *limiter) hold(channel string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.next[channel].Before(until) {
		l.next[channel] = until
	}
}
