package teams

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"secbot/bot"
)

// Path is where Teams posts the outgoing webhook's messages; it is the
// path of the callback URL given to Teams (https://HOST/teams/messages).
const Path = "/teams/messages"

// Router answers requests; *bot.Router implements it.
type Router interface {
	Route(ctx context.Context, req bot.Request) bot.Reply
}

// Config configures an Adapter. Secret and Router are required; the zero
// values of the others are sensible defaults.
type Config struct {
	// Secret is the security token Teams shows once when the outgoing
	// webhook is created (TEAMS_OUTGOING_SECRET): base64 of the HMAC key.
	Secret string
	Router Router
	// Inbox keeps each activity (by its id) before it is answered, and
	// recognises a replayed one in every process. nil recognises replays
	// in this process's memory only.
	Inbox Inbox
	// Now is the clock for activity timestamps; nil means time.Now.
	Now func() time.Time
	// Log receives refused requests and slow answers; nil means
	// slog.Default().
	Log *slog.Logger
	// Name is the outgoing webhook's name, which people @mention; it is
	// stripped from messages and used in the cards' instructions
	// ("@secbot answer B"). "" means DefaultName.
	Name string
	// Channels maps a Teams channel id (19:…@thread.tacv2, as Teams sends
	// it in channelData.channel.id) to the channel name secbot's config
	// uses for it ("teams:exec"), so that an answer typed there counts for
	// the quiz round posted there, and /tip there shows that channel's tip.
	// A channel it does not list keeps its Teams id. The Adapter logs each
	// message's Teams channel id to help fill it in.
	Channels map[string]string
	// Timeout bounds the routing of one message. Teams drops the reply
	// after 5 s; 0 means 4 s. When it passes, the person is asked to try
	// again.
	Timeout time.Duration
	// MaxBodyBytes bounds a request body; 0 means 1 MB. Larger requests
	// get 413 and are not read further.
	MaxBodyBytes int64
	// PublicURL is the https address where people's browsers reach secbot
	// (the config's teams.public_url, e.g. https://bot.example.jp). When
	// set, answer cards carry 👍/👎 links to PublicURL + VotePath, signed
	// with a key derived from Secret, that record the asker's vote (see
	// vote.go). "" means no links.
	PublicURL string
	// VoteTTL is how long a vote link works; 0 means DefaultVoteTTL.
	VoteTTL time.Duration
}

// Inbox keeps inputs before they are answered; package intake implements it.
type Inbox interface {
	Accept(ctx context.Context, key, kind string, payload []byte) (first bool, err error)
	Done(ctx context.Context, key string) error
}

// KindActivity is the inbox kind of an outgoing webhook's activity. It is
// answered in the HTTP response or not at all, so it is never run again.
const KindActivity = "teams.webhook"

// maxAge is how old an activity may be: Teams signs the body only, with no
// timestamp of its own, so an old activity is a replay.
const maxAge = 5 * time.Minute

// Adapter answers a Teams outgoing webhook. Create it with New; it is safe
// for concurrent use.
type Adapter struct {
	seen    *seenIDs
	key     []byte
	voteKey []byte
	router  Router
	log     *slog.Logger
	cfg     Config
}

// SlowReply is what a person reads when secbot took too long to answer.
const SlowReply = "すみません、回答の準備に時間がかかっています。少し待ってから、もう一度送ってください（クイズの回答は受け付け済みの場合があります）。"

// New returns an Adapter for cfg. It fails when cfg.Secret is empty or not
// base64, or cfg.Router is nil.
func New(cfg Config) (*Adapter, error) {
	secret := strings.TrimSpace(cfg.Secret)
	if secret == "" {
		return nil, errors.New("teams: the outgoing webhook security token is empty")
	}
	key, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("teams: the outgoing webhook security token is not base64 (copy it whole from the dialog Teams shows): %w", err)
	}
	if cfg.Router == nil {
		return nil, errors.New("teams: no Router")
	}
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 4 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.VoteTTL <= 0 {
		cfg.VoteTTL = DefaultVoteTTL
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	return &Adapter{seen: &seenIDs{ids: map[string]time.Time{}}, key: key, voteKey: voteKeyOf(key), router: cfg.Router, log: log.With("adapter", "teams"), cfg: cfg}, nil
}

// Register mounts the outgoing webhook at POST /teams/messages and its
// vote links at GET /teams/vote on mux.
func (a *Adapter) Register(mux *http.ServeMux) {
	mux.Handle("POST "+Path, a)
	mux.HandleFunc("GET "+VotePath, a.serveVote)
}

// activity is the part of a Bot Framework activity an outgoing webhook
// sends that secbot reads.
type activity struct {
	Type      string    `json:"type"`
	ID        string    `json:"id"`
	Timestamp time.Time `json:"timestamp"`
	Text      string    `json:"text"`
	From      struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		AADObjectID string `json:"aadObjectId"`
	} `json:"from"`
	Conversation struct {
		ID string `json:"id"`
	} `json:"conversation"`
	ChannelData struct {
		TeamsChannelID string `json:"teamsChannelId"`
		Channel        struct {
			ID string `json:"id"`
		} `json:"channel"`
		Team struct {
			ID string `json:"id"`
		} `json:"team"`
	} `json:"channelData"`
}

// ServeHTTP answers one outgoing webhook request: 401 unless it is signed
// with the secret, 413 when too large, 400 when not an activity, else 200
// with the answer as a message activity.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.log.Warn("request too large", "limit", tooBig.Limit, "remote", r.RemoteAddr)
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read request", http.StatusBadRequest)
		return
	}
	if !a.verify(r.Header.Get("Authorization"), body) {
		a.log.Warn("refused a request with a missing or wrong HMAC signature", "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", "HMAC")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var act activity
	if err := json.Unmarshal(body, &act); err != nil {
		a.log.Warn("signed request is not a JSON activity", "err", err)
		http.Error(w, "not a JSON activity", http.StatusBadRequest)
		return
	}
	if act.Type != "message" {
		// Outgoing webhooks send only messages; acknowledge anything else
		// without answering.
		w.WriteHeader(http.StatusOK)
		return
	}
	now := a.now()
	switch age := now.Sub(act.Timestamp); {
	case act.Timestamp.IsZero() || age > maxAge:
		a.log.Warn("refused an activity older than 5 minutes (a replay?)", "id", act.ID, "timestamp", act.Timestamp, "remote", r.RemoteAddr)
		http.Error(w, "activity too old", http.StatusUnauthorized)
		return
	case -age > maxAge:
		a.log.Warn("refused an activity stamped in the future (is this server's clock right?)", "id", act.ID, "timestamp", act.Timestamp)
		http.Error(w, "activity from the future", http.StatusUnauthorized)
		return
	}
	key := "teams:webhook:" + act.ID
	if act.ID == "" {
		http.Error(w, "activity without an id", http.StatusBadRequest)
		return
	}
	first, err := a.keep(r.Context(), key, body)
	if err != nil {
		a.log.Error("could not keep an activity; answering with an error", "id", act.ID, "err", err)
		http.Error(w, "the message could not be kept; try again", http.StatusServiceUnavailable)
		return
	}
	if !first {
		a.log.Warn("refused an activity seen before (a replay?)", "id", act.ID, "remote", r.RemoteAddr)
		http.Error(w, "activity seen before", http.StatusConflict)
		return
	}
	if a.cfg.Inbox != nil {
		defer a.cfg.Inbox.Done(context.WithoutCancel(r.Context()), key)
	}
	req := a.request(act)
	reply := a.route(r.Context(), req)
	m := renderWith(reply, CardOptions{Name: a.cfg.Name, VoteLinks: a.voteLinks(req.UserID)})
	out, err := fit(&m, MaxMessageBytes)
	if err != nil {
		a.log.Error("reply does not fit in a Teams message", "err", err)
		out = encode(message{Type: "message", Text: bot.Apology, TextFormat: "plain"})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}

// keep keeps the activity; first reports whether it was not seen before.
func (a *Adapter) keep(ctx context.Context, key string, body []byte) (bool, error) {
	if a.cfg.Inbox == nil {
		return a.seen.first(key), nil
	}
	return a.cfg.Inbox.Accept(ctx, key, KindActivity, body)
}

func (a *Adapter) now() time.Time {
	if a.cfg.Now != nil {
		return a.cfg.Now()
	}
	return time.Now()
}

// verify reports whether header is "HMAC " followed by the base64
// HMAC-SHA256 of body keyed with the secret. It compares in constant time.
func (a *Adapter) verify(header string, body []byte) bool {
	scheme, sig, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "HMAC") {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, a.key)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// Sign returns the Authorization header value Teams sends with body for
// the base64 secret; tests and tools use it to make signed requests.
func Sign(secret string, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(secret))
	if err != nil {
		return "", fmt.Errorf("teams: secret is not base64: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	return "HMAC " + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// request turns a message activity into a Request.
func (a *Adapter) request(act activity) bot.Request {
	teamsChannel := act.ChannelData.Channel.ID
	if teamsChannel == "" {
		teamsChannel = act.ChannelData.TeamsChannelID
	}
	if teamsChannel == "" {
		// conversation.id is the channel's id with ";messageid=…" of the
		// thread appended.
		teamsChannel, _, _ = strings.Cut(act.Conversation.ID, ";")
	}
	channel := teamsChannel
	if c, ok := a.cfg.Channels[teamsChannel]; ok && c != "" {
		channel = c
	}
	userID := act.From.AADObjectID
	if userID == "" {
		userID = act.From.ID
	}
	a.log.Info("message", "activity", act.ID, "teams_channel", teamsChannel, "channel", channel, "team", act.ChannelData.Team.ID, "user", userID)
	return bot.Request{
		Platform:  bot.Teams,
		Text:      messageText(act.Text, a.cfg.Name),
		UserID:    userID,
		UserName:  act.From.Name,
		ChannelID: channel,
		// An outgoing webhook's reply is read by the whole channel.
		PublicReplies: true,
	}
}

// route asks the Router for req's reply, giving up after cfg.Timeout: the
// person then reads SlowReply instead of Teams' own timeout error. The
// Router's context ends then, so its work stops.
func (a *Adapter) route(ctx context.Context, req bot.Request) bot.Reply {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	done := make(chan bot.Reply, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("router panicked", "panic", p)
				done <- bot.Reply{Text: bot.Apology}
			}
		}()
		done <- a.router.Route(ctx, req)
	}()
	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		select {
		case r := <-done: // finished just in time
			return r
		default:
		}
		a.log.Warn("answer took too long", "timeout", a.cfg.Timeout, "channel", req.ChannelID, "user", req.UserID)
		return bot.Reply{Text: SlowReply}
	}
}

// seenIDs remembers the activity ids of the last minutes, for an Adapter
// without an Inbox.
type seenIDs struct {
	mu  sync.Mutex
	ids map[string]time.Time
}

func (s *seenIDs) first(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if len(s.ids) > 10000 {
		for k, t := range s.ids {
			if now.Sub(t) > 2*maxAge {
				delete(s.ids, k)
			}
		}
	}
	if _, ok := s.ids[id]; ok {
		return false
	}
	s.ids[id] = now
	return true
}
