package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/slack-go/slack"

	"secbot/bot"
)

// commands maps slash command names to bot commands. /secbot is a catch-all
// for workspaces where another app already owns /term or /help:
// "/secbot term VPN" is /term VPN, "/secbot 2025年の崖って何？" is a question.
var commands = map[string]string{
	"term": "term",
	"tip":  "tip",
	"quiz": "quiz",
	"help": "help",
}

// commandRequest turns a slash command into a Request.
func commandRequest(c slack.SlashCommand) bot.Request {
	name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c.Command), "/"))
	text := strings.TrimSpace(unescapeSlack(c.Text))
	req := bot.Request{
		Platform:  bot.Slack,
		Text:      text,
		UserID:    c.UserID,
		UserName:  c.UserName,
		ChannelID: c.ChannelID,
		Direct:    isDirect(c.ChannelID),
	}
	if cmd, ok := commands[name]; ok {
		req.Command = cmd
		return req
	}
	if name != "secbot" {
		req.Command = name // the router says it does not know it
		return req
	}
	word, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		word, rest = text[:i], text[i:]
	}
	if cmd, ok := commands[strings.ToLower(strings.TrimPrefix(word, "/"))]; ok {
		req.Command, req.Text = cmd, strings.TrimSpace(rest)
	} else if text == "" {
		req.Command = "help"
	}
	return req
}

// responseMessage is a message sent to a response_url or returned inline
// for a slash command.
type responseMessage struct {
	ResponseType    string        `json:"response_type,omitempty"`
	Text            string        `json:"text,omitempty"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ThreadTS        string        `json:"thread_ts,omitempty"`
	ReplaceOriginal bool          `json:"replace_original"`
	DeleteOriginal  bool          `json:"delete_original,omitempty"`
}

// maxResponseURLPosts is how often one response_url may be used (Slack:
// five times within 30 minutes).
const maxResponseURLPosts = 5

// hasContent reports whether r shows anything (a reply may only delete).
func hasContent(r bot.Reply) bool {
	return strings.TrimSpace(r.Text) != "" || r.Answer != nil || r.Tip != nil || r.Round != nil || r.Board != nil || len(r.Help) > 0
}

// responses turns r and its Also into response_url messages: the content
// (ephemeral when Private, replacing the clicked message when
// ReplaceOriginal), then a delete of the clicked message when
// DeleteOriginal. threadTS keeps public posts in the thread they came from.
func responses(r bot.Reply, direct bool, threadTS string) []responseMessage {
	var out []responseMessage
	if hasContent(r) {
		m := render(r, direct)
		rm := responseMessage{Text: m.Text, Blocks: m.Blocks, ReplaceOriginal: r.ReplaceOriginal}
		if !r.ReplaceOriginal {
			rm.ResponseType = "in_channel"
			if r.Private {
				rm.ResponseType = "ephemeral"
			}
			rm.ThreadTS = threadTS
		}
		out = append(out, rm)
	}
	if r.DeleteOriginal {
		out = append(out, responseMessage{DeleteOriginal: true})
	}
	for _, also := range r.Also {
		out = append(out, responses(also, direct, threadTS)...)
	}
	return out
}

// respond delivers r through responseURL. When a message fails, the
// person gets a short apology instead; the error is logged with Slack's code.
func (a *Adapter) respond(ctx context.Context, responseURL string, r bot.Reply, direct bool, threadTS string) {
	msgs := responses(r, direct, threadTS)
	if len(msgs) > maxResponseURLPosts {
		a.log.Warn("reply needs more response_url posts than Slack allows; dropping the rest", "posts", len(msgs))
		msgs = msgs[:maxResponseURLPosts]
	}
	for i, m := range msgs {
		if err := a.postResponse(ctx, responseURL, m); err != nil {
			if i+1 < maxResponseURLPosts && m.Text != bot.Apology && ctx.Err() == nil {
				_ = a.postResponse(ctx, responseURL, responseMessage{ResponseType: "ephemeral", Text: bot.Apology})
			}
			return
		}
	}
}

// postResponse posts one message to a response_url, retrying transient
// failures (5xx, network) with backoff.
func (a *Adapter) postResponse(ctx context.Context, responseURL string, m responseMessage) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encoding response: %w", err)
	}
	return a.call(ctx, "response_url", "", false, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return slack.SlackErrorResponse{Err: "invalid_response_url"}
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		resp, err := a.http.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return responseError(resp, data)
	})
}

// responseError turns a response_url answer into the errors Web API calls
// return, so that call classifies both alike. Slack answers "ok", or
// {"ok":false,"error":"expired_url"} / a bare error code.
func responseError(resp *http.Response, body []byte) error {
	var parsed struct {
		OK    *bool  `json:"ok"`
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &parsed)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		retry := time.Second
		if s, err := time.ParseDuration(strings.TrimSpace(resp.Header.Get("Retry-After")) + "s"); err == nil && s > 0 {
			retry = s
		}
		return &slack.RateLimitedError{RetryAfter: retry}
	case resp.StatusCode >= 500:
		return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
	case resp.StatusCode >= 300:
		code := parsed.Error
		if code == "" {
			code = strings.TrimSpace(string(body))
		}
		if code == "" || len(code) > 64 {
			return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
		}
		return slack.SlackErrorResponse{Err: code}
	case parsed.OK != nil && !*parsed.OK:
		return slack.SlackErrorResponse{Err: parsed.Error}
	}
	return nil
}

// inlineLimit bounds a slash command's answer sent with its ack. Socket
// Mode drops acks of 20 KB or more (slack-go's maxResponseSize comment); the
// envelope id and framing need some room.
const inlineLimit = 16 * 1024

// commandAck routes c and returns the body to acknowledge it with: the
// answer itself when it is ready within AckTimeout and its JSON is under
// limit bytes, or nil when the ack must be empty and the answer follows
// through response_url. Replies in Also always follow through response_url.
//
// done is called once the answer is delivered (in the ack or through the
// response_url): the command's inbox item is then finished.
func (a *Adapter) commandAck(c slack.SlashCommand, limit int, done func(context.Context)) []byte {
	req := commandRequest(c)
	direct := req.Direct
	h := &handoff{ch: make(chan bot.Reply, 1)}
	a.background(func(ctx context.Context) {
		reply := a.routeCommand(ctx, req)
		if h.give(reply) {
			return
		}
		a.respond(ctx, c.ResponseURL, reply, direct, "")
		done(ctx)
	})
	reply, ok := h.take(a.cfg.AckTimeout)
	if !ok {
		return nil
	}
	msgs := responses(reply, direct, "")
	if len(msgs) == 0 {
		done(context.Background())
		return nil
	}
	body, err := json.Marshal(msgs[0])
	if err != nil || len(body) >= limit || msgs[0].ReplaceOriginal || msgs[0].DeleteOriginal {
		// Too big to ack with (or not a plain answer): all of it follows.
		a.background(func(ctx context.Context) { a.respond(ctx, c.ResponseURL, reply, direct, ""); done(ctx) })
		return nil
	}
	if len(reply.Also) > 0 {
		rest := bot.Reply{Also: reply.Also} // no content of its own
		a.background(func(ctx context.Context) { a.respond(ctx, c.ResponseURL, rest, direct, ""); done(ctx) })
		return body
	}
	done(context.Background())
	return body
}

// handoff passes a reply from the routing goroutine to the ack, unless the
// ack has given up waiting; then the router's goroutine delivers it itself.
type handoff struct {
	mu   sync.Mutex
	late bool
	ch   chan bot.Reply
}

// give hands r to the ack and reports whether it took it.
func (h *handoff) give(r bot.Reply) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.late {
		return false
	}
	h.ch <- r
	return true
}

// take waits up to d for the reply.
func (h *handoff) take(d time.Duration) (bot.Reply, bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-h.ch:
		return r, true
	case <-t.C:
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case r := <-h.ch:
		return r, true
	default:
		h.late = true
		return bot.Reply{}, false
	}
}

// eventEnvelope is the part of an Events API payload the adapter reads.
type eventEnvelope struct {
	Type      string      `json:"type"`
	Challenge string      `json:"challenge"`
	EventID   string      `json:"event_id"`
	Event     *innerEvent `json:"event"`
}

// innerEvent is an app_mention or message event.
type innerEvent struct {
	Type        string `json:"type"`
	User        string `json:"user"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	SubType     string `json:"subtype"`
	BotID       string `json:"bot_id"`
}

// handleEvent answers a mention or a direct message in its thread.
func (a *Adapter) handleEvent(ctx context.Context, env eventEnvelope) {
	ev := env.Event
	var direct bool
	switch ev.Type {
	case "app_mention":
	case "message":
		if ev.ChannelType != "im" {
			return
		}
		direct = true
	default:
		return
	}
	// Never answer a bot (ourselves included), nor edits, deletions, joins.
	if ev.BotID != "" || ev.User == "" {
		return
	}
	switch ev.SubType {
	case "", "thread_broadcast", "file_share":
	default:
		return
	}
	self, _ := a.identity(ctx)
	if self != "" && ev.User == self {
		return
	}
	thread := ev.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	req := bot.Request{
		Platform:  bot.Slack,
		Text:      stripMention(ev.Text, self),
		UserID:    ev.User,
		ChannelID: ev.Channel,
		Direct:    direct,
	}
	reply := a.sendFiles(ctx, ev.User, a.cfg.Router.Route(ctx, req))
	a.deliverThread(ctx, ev.Channel, ev.User, thread, ev.ThreadTS, direct, reply)
}

// deliverThread posts r and its Also in thread: private replies as
// ephemeral messages to user (outside DMs), the others as thread replies.
// Slack shows an ephemeral message in a thread only when the thread already
// exists, so private replies go in ephThread: the thread the person wrote
// in, or "" (the channel) for a message at the top level.
func (a *Adapter) deliverThread(ctx context.Context, channel, user, thread, ephThread string, direct bool, r bot.Reply) {
	for _, one := range flatten(r) {
		if !hasContent(one) {
			continue
		}
		var err error
		if one.Private && !direct {
			err = a.postEphemeral(ctx, channel, user, ephThread, one)
		} else {
			_, err = a.postMessage(ctx, channel, thread, one)
		}
		if err != nil {
			a.apologize(ctx, channel, user, thread, ephThread, direct)
			return
		}
	}
}

// apologize tells user that something failed, once and briefly.
func (a *Adapter) apologize(ctx context.Context, channel, user, thread, ephThread string, direct bool) {
	if ctx.Err() != nil {
		return
	}
	sorry := bot.Reply{Private: true, Text: bot.Apology}
	if direct {
		_, _ = a.postMessage(ctx, channel, thread, sorry)
		return
	}
	_ = a.postEphemeral(ctx, channel, user, ephThread, sorry)
}

// flatten lists r and its Also, depth first.
func flatten(r bot.Reply) []bot.Reply {
	out := []bot.Reply{r}
	for _, also := range r.Also {
		out = append(out, flatten(also)...)
	}
	out[0].Also = nil
	return out
}

// interactionRequest turns a button click into a Request; ok is false for
// anything else (views, shortcuts).
func interactionRequest(cb slack.InteractionCallback) (req bot.Request, ok bool) {
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		return bot.Request{}, false
	}
	act := cb.ActionCallback.BlockActions[0]
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	return bot.Request{
		Platform:  bot.Slack,
		Action:    &bot.Action{ID: splitActionID(act.ActionID), Value: act.Value},
		At:        parseTS(act.ActionTs),
		UserID:    cb.User.ID,
		UserName:  cb.User.Name,
		ChannelID: channel,
		Direct:    isDirect(channel),
	}, true
}

var (
	mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(\|[^>]*)?>`)
	linkRE    = regexp.MustCompile(`<((?:https?|mailto):[^>|]*)(?:\|([^>]*))?>`)
	specialRE = regexp.MustCompile(`<![^>]*>`)
	channelRE = regexp.MustCompile(`<#[CG][A-Z0-9]+(\|[^>]*)?>`)
)

// stripMention removes the bot's own mention (<@U123>) from text, or the
// leading mention when the bot's id is unknown, and undoes Slack's escaping.
func stripMention(text, self string) string {
	if self != "" {
		text = mentionRE.ReplaceAllStringFunc(text, func(m string) string {
			if mentionRE.FindStringSubmatch(m)[1] == self {
				return " "
			}
			return m
		})
	} else if loc := mentionRE.FindStringIndex(strings.TrimSpace(text)); loc != nil && loc[0] == 0 {
		text = strings.TrimSpace(text)[loc[1]:]
	}
	return strings.TrimSpace(unescapeSlack(text))
}

// unescapeSlack turns Slack's wire text into what the person typed: links
// to their label or address, &amp; &lt; &gt; to & < >.
func unescapeSlack(s string) string {
	// Mentions of people and channels and @here/@channel say nothing about
	// the question.
	s = mentionRE.ReplaceAllString(s, " ")
	s = specialRE.ReplaceAllString(s, " ")
	s = channelRE.ReplaceAllString(s, " ")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' }), " ")
	s = linkRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := linkRE.FindStringSubmatch(m)
		if sub[2] != "" {
			return sub[2]
		}
		return strings.TrimPrefix(sub[1], "mailto:")
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}
