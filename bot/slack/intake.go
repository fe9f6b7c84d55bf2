package slack

// This file holds the intake: what is kept before Slack gets its ack, and
// how a kept input is run again after a crash.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"secbot/bot"
)

// routeCommand answers a slash command.
func (a *Adapter) routeCommand(ctx context.Context, req bot.Request) bot.Reply {
	reply := a.sendFiles(ctx, req.UserID, a.cfg.Router.Route(ctx, req))
	if bot.Normalize(req).Command == "ask" {
		// A question asked with /secbot is the asker's own, like /term:
		// shown to them first, with a share button.
		reply.Private = true
	}
	return reply
}

// keep keeps an input in the Inbox before it is acknowledged and reports
// whether it is new (its work is to be done). An error means it was not
// kept: the caller must answer with an error status (HTTP) or not ack
// (Socket Mode), so that Slack retries or tells the person it failed.
// Without an Inbox, inputs are recognised in this process's memory.
func (a *Adapter) keep(ctx context.Context, key, kind string, payload []byte) (bool, error) {
	if a.cfg.Inbox == nil {
		return a.events.first(key), nil
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.AckTimeout)
	defer cancel()
	first, err := a.cfg.Inbox.Accept(ctx, key, kind, payload)
	if err != nil {
		a.log.Error("could not keep an input; answering with an error so that it is not lost silently", "key", key, "err", err)
		return false, err
	}
	if !first {
		a.log.Debug("ignoring an input seen before", "key", key)
	}
	return first, nil
}

// done finishes key's inbox item.
func (a *Adapter) done(ctx context.Context, key string) {
	if a.cfg.Inbox != nil {
		_ = a.cfg.Inbox.Done(ctx, key)
	}
}

// eventKey is the inbox key of an Events API envelope: Slack re-sends the
// same event_id on every retry.
func eventKey(env eventEnvelope) string { return "slack:event:" + env.EventID }

// commandKey is the inbox key of a slash command: its trigger_id, unique per
// invocation, so that a replay of the same signed request is recognised.
func commandKey(c slack.SlashCommand) string {
	if c.TriggerID != "" {
		return "slack:command:" + c.TriggerID
	}
	h := sha256.Sum256([]byte(strings.Join([]string{c.TeamID, c.ChannelID, c.UserID, c.Command, c.Text, c.ResponseURL}, "\x00")))
	return "slack:command:" + hex.EncodeToString(h[:16])
}

// Rerun does the work of an input kept in the Inbox whose process stopped
// before it was done (intake calls it): an event is answered, a slash
// command answered through its response_url.
func (a *Adapter) Rerun(ctx context.Context, kind string, payload []byte) error {
	switch kind {
	case KindEvent:
		var env eventEnvelope
		if err := json.Unmarshal(payload, &env); err != nil {
			return fmt.Errorf("slack: kept event: %w", err)
		}
		if env.Event != nil {
			a.handleEvent(ctx, env)
		}
		return nil
	case KindCommand:
		var c slack.SlashCommand
		if err := json.Unmarshal(payload, &c); err != nil {
			return fmt.Errorf("slack: kept command: %w", err)
		}
		req := commandRequest(c)
		a.respond(ctx, c.ResponseURL, a.routeCommand(ctx, req), req.Direct, "")
		return nil
	}
	return fmt.Errorf("slack: no runner for %q", kind)
}

// takeEvent keeps an Events API envelope and reports whether to answer it
// (a callback not seen before: Slack retries re-send the same event_id),
// with the function that finishes it. An error means it was not kept.
func (a *Adapter) takeEvent(ctx context.Context, env eventEnvelope, raw []byte) (bool, error) {
	if env.Type != "event_callback" || env.Event == nil {
		return false, nil
	}
	if env.EventID == "" {
		return true, nil // nothing to recognise it by
	}
	return a.keep(ctx, eventKey(env), KindEvent, raw)
}

// answerEvent answers a kept event after its ack, then finishes it.
func (a *Adapter) answerEvent(env eventEnvelope) {
	a.background(func(ctx context.Context) {
		a.handleEvent(ctx, env)
		if env.EventID != "" {
			a.done(ctx, eventKey(env))
		}
	})
}

// parseTS turns a Slack timestamp ("1700000000.123456") into a time; zero
// when it is not one.
func parseTS(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}
	}
	frac = (frac + "000000")[:6]
	us, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		us = 0
	}
	return time.Unix(s, us*1000)
}

// takeInteraction routes a click before it is acknowledged: what a click
// changes (a quiz answer: one insert keyed by round and person) is in the
// store when the ack goes out. ok is false when the click could not be
// kept: the caller answers with an error status (or does not ack) so that
// Slack tells the person it failed. The reply is delivered after the ack
// (deliverInteraction).
func (a *Adapter) takeInteraction(ctx context.Context, cb slack.InteractionCallback) (reply bot.Reply, req bot.Request, ok bool) {
	req, isClick := interactionRequest(cb)
	if !isClick {
		return bot.Reply{}, req, true
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.AckTimeout)
	defer cancel()
	if s, ok := a.cfg.Router.(interface {
		Serve(context.Context, bot.Request) (bot.Reply, error)
	}); ok {
		reply, err := s.Serve(ctx, req)
		if err != nil {
			a.log.Error("could not take a click; answering with an error", "action", req.Action.ID, "user", req.UserID, "err", err)
			return bot.Reply{}, req, false
		}
		return reply, req, true
	}
	return a.cfg.Router.Route(ctx, req), req, true
}

// deliverInteraction answers a click after its ack: through its
// response_url, or lacking one, the Web API (a replacement of the clicked
// message updates it in place rather than posting a copy).
func (a *Adapter) deliverInteraction(cb slack.InteractionCallback, req bot.Request, reply bot.Reply) {
	if req.Action == nil {
		return
	}
	a.background(func(ctx context.Context) {
		if cb.ResponseURL != "" {
			a.respond(ctx, cb.ResponseURL, reply, req.Direct, cb.Container.ThreadTs)
			return
		}
		if reply.ReplaceOriginal && cb.Container.MessageTs != "" {
			one := reply
			one.Also = nil
			if err := a.Update(ctx, req.ChannelID, cb.Container.MessageTs, one); err != nil {
				a.apologize(ctx, req.ChannelID, req.UserID, cb.Container.ThreadTs, cb.Container.ThreadTs, req.Direct)
				return
			}
			reply = bot.Reply{Also: reply.Also}
		}
		a.deliverThread(ctx, req.ChannelID, req.UserID, cb.Container.ThreadTs, cb.Container.ThreadTs, req.Direct, reply)
	})
}
