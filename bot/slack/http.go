package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// MaxBodyBytes is the largest request body the HTTP handlers read; larger
// ones get 413 before the rest is read.
const MaxBodyBytes = 1 << 20

// maxSkew is how old (or how far in the future) a signed request may be.
const maxSkew = 5 * time.Minute

// Register mounts Slack's three HTTP endpoints on mux:
//
//	POST /slack/commands       slash commands
//	POST /slack/events         Events API (url_verification, app_mention, message.im)
//	POST /slack/interactivity  button clicks (block_actions)
//
// Each answers 401 to a request whose X-Slack-Signature does not match
// Config.SigningSecret or whose timestamp is over five minutes off, and 413
// to a body over MaxBodyBytes, before doing anything else.
func (a *Adapter) Register(mux *http.ServeMux) {
	if a.cfg.SigningSecret == "" {
		a.log.Error("no signing secret: the Slack HTTP endpoints will refuse every request")
	}
	mux.Handle("POST /slack/commands", a.signed(a.serveCommand))
	mux.Handle("POST /slack/events", a.signed(a.serveEvents))
	mux.Handle("POST /slack/interactivity", a.signed(a.serveInteractivity))
}

// signed reads the body (at most MaxBodyBytes), checks Slack's signature
// and only then calls next.
func (a *Adapter) signed(next func(http.ResponseWriter, *http.Request, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		if err := verifySignature(r.Header, body, a.cfg.SigningSecret, a.now()); err != nil {
			reason := err.Error()
			if errors.Is(err, errFutureTimestamp) {
				reason = "timestamp in the future (is this server's clock right?)"
			}
			a.log.Warn("refused a request that is not signed by Slack", "path", r.URL.Path, "reason", reason)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	})
}

var (
	errNoSecret        = errors.New("no signing secret configured")
	errFutureTimestamp = errors.New("timestamp in the future")
)

// verifySignature checks Slack's v0 signature: hex HMAC-SHA256 of
// "v0:{timestamp}:{body}" keyed with the signing secret, compared in
// constant time, with a timestamp at most five minutes from now.
//
// slack.NewSecretsVerifier does the same but reads the wall clock
// (time.Since); this keeps the clock injectable so tests need not sleep.
func verifySignature(h http.Header, body []byte, secret string, now time.Time) error {
	if secret == "" {
		return errNoSecret
	}
	ts, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if ts == "" || sig == "" {
		return slack.ErrMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return slack.ErrInvalidSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxSkew {
		return slack.ErrExpiredTimestamp
	} else if -d > maxSkew {
		return errFutureTimestamp
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return slack.ErrInvalidSignature
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return slack.ErrInvalidSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), got) {
		return slack.ErrInvalidSignature
	}
	return nil
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	if form.Get("ssl_check") == "1" {
		// Slack checking the certificate of a command URL: nothing to answer.
		w.WriteHeader(http.StatusOK)
		return
	}
	c := slack.SlashCommand{
		TeamID:      form.Get("team_id"),
		ChannelID:   form.Get("channel_id"),
		UserID:      form.Get("user_id"),
		UserName:    form.Get("user_name"),
		Command:     form.Get("command"),
		Text:        form.Get("text"),
		ResponseURL: form.Get("response_url"),
		TriggerID:   form.Get("trigger_id"),
	}
	key := commandKey(c)
	payload, _ := json.Marshal(c)
	first, err := a.keep(r.Context(), key, KindCommand, payload)
	if err != nil {
		http.Error(w, "the command could not be kept; try again", http.StatusServiceUnavailable)
		return
	}
	if !first {
		w.WriteHeader(http.StatusOK) // a replay: answered already
		return
	}
	ack := a.commandAck(c, MaxBodyBytes, func(ctx context.Context) { a.done(ctx, key) })
	if ack == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(ack)
}

// maxChallenge bounds the url_verification challenge echoed back (Slack's
// are some 50 characters).
const maxChallenge = 200

func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request, body []byte) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	switch env.Type {
	case "url_verification":
		if c := env.Challenge; c == "" || len(c) > maxChallenge || strings.IndexFunc(c, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
			http.Error(w, "bad challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": env.Challenge})
		return
	case "event_callback":
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.log.Debug("event retried by Slack", "event_id", env.EventID, "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		first, err := a.takeEvent(r.Context(), env, body)
		if err != nil {
			// Not kept: Slack retries an event answered with an error.
			http.Error(w, "the event could not be kept", http.StatusServiceUnavailable)
			return
		}
		if first {
			a.answerEvent(env)
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveInteractivity(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	reply, req, ok := a.takeInteraction(r.Context(), cb)
	if !ok {
		http.Error(w, "the click could not be kept; try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.deliverInteraction(cb, req, reply)
}
