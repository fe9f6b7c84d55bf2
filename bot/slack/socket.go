package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode connects to Slack over Socket Mode (apps.connections.open,
// then a websocket) and serves slash commands, events and button clicks
// until ctx ends; then it returns nil. It reconnects when Slack asks to and
// returns an error when it cannot connect at all (a bad token).
//
// Every envelope is acknowledged at once, except slash commands, whose ack
// carries the answer when it is ready within Config.AckTimeout and under
// 16 KB (Slack drops acks of 20 KB or more); otherwise the ack is empty
// and the answer goes through the response_url.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: socket mode needs an app-level token (xapp-…)")
	}
	if _, err := a.api.AuthTestContext(ctx); err != nil && isPermanent(err) {
		a.log.Error("auth.test failed", "slack_error", slackCode(err), "err", err)
		return fmt.Errorf("slack: checking the bot token: %w", err)
	}
	client := socketmode.New(a.api, socketmode.OptionLog(slogOutput{a.log}))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(client, evt)
		}
	}
}

// socketEvent handles one event of the socket-mode client.
func (a *Adapter) socketEvent(client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.log.Info("connected to Slack over Socket Mode")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("socket mode trouble", "event", string(evt.Type), "data", fmt.Sprint(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("socket mode: invalid app-level token")
	case socketmode.EventTypeEventsAPI:
		req := evt.Request
		// Keep, then ack, off the event loop: other envelopes are read
		// meanwhile. An envelope that could not be kept is not acked, so
		// Slack sends it again.
		a.work.Add(1)
		go func() {
			defer a.work.Done()
			var env eventEnvelope
			if err := json.Unmarshal(req.Payload, &env); err != nil {
				a.log.Warn("socket mode: unreadable event", "err", err)
				a.ack(client, req, nil)
				return
			}
			first, err := a.takeEvent(context.Background(), env, req.Payload)
			if err != nil {
				return
			}
			a.ack(client, req, nil)
			if first {
				a.answerEvent(env)
			}
		}()
	case socketmode.EventTypeInteractive:
		req := evt.Request
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			a.ack(client, req, nil)
			return
		}
		a.work.Add(1)
		go func() {
			defer a.work.Done()
			reply, r, ok := a.takeInteraction(context.Background(), cb)
			if !ok {
				return
			}
			a.ack(client, req, nil)
			a.deliverInteraction(cb, r, reply)
		}()
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			a.ack(client, evt.Request, nil)
			return
		}
		req := evt.Request
		// Route off the event loop: other envelopes are acked meanwhile.
		a.work.Add(1)
		go func() {
			defer a.work.Done()
			key := commandKey(cmd)
			payload, _ := json.Marshal(cmd)
			first, err := a.keep(context.Background(), key, KindCommand, payload)
			if err != nil {
				return
			}
			if !first {
				a.ack(client, req, nil)
				return
			}
			if body := a.commandAck(cmd, inlineLimit, func(ctx context.Context) { a.done(ctx, key) }); body != nil {
				a.ack(client, req, json.RawMessage(body))
				return
			}
			a.ack(client, req, nil)
		}()
	}
}

// ack acknowledges an envelope, with payload when it is not nil.
func (a *Adapter) ack(client *socketmode.Client, req *socketmode.Request, payload json.RawMessage) {
	if req == nil || req.EnvelopeID == "" {
		return
	}
	// An ack later than Slack's 3 s is useless, and after shutdown nobody
	// drains the client's queue: never block longer than that.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var err error
	if payload != nil {
		err = client.AckCtx(ctx, req.EnvelopeID, payload)
	} else {
		err = client.AckCtx(ctx, req.EnvelopeID, nil)
	}
	if err != nil {
		a.log.Error("socket mode: ack failed", "envelope_id", req.EnvelopeID, "err", err)
	}
}

// slogOutput adapts slog to the socketmode client's logger (debug level:
// it only logs when its debug option is on).
type slogOutput struct{ log *slog.Logger }

func (o slogOutput) Output(_ int, s string) error {
	o.log.Debug(strings.TrimSpace(s), "from", "socketmode")
	return nil
}
