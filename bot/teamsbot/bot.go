package teamsbot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"secbot/bot"
	"secbot/retry"
)

// Path is where the Bot Connector posts activities: the bot's messaging
// endpoint is https://HOST/api/messages.
const Path = "/api/messages"

// Kind is the kind under which activities are kept in the Inbox.
const Kind = "teams"

// MaxAge is how old (or how far in the future) an activity's timestamp may
// be; older ones are refused as replays.
const MaxAge = 5 * time.Minute

// Router answers requests; *bot.Router implements it.
type Router interface {
	Route(ctx context.Context, req bot.Request) bot.Reply
}

// Inbox keeps incoming items durably before they are acknowledged.
type Inbox interface {
	// Accept keeps an incoming item under key unless key was seen before
	// (de-duplication shared by every process, surviving restarts); first
	// reports whether it is new.
	Accept(ctx context.Context, key, kind string, payload []byte) (first bool, err error)
	// Done marks the item handled.
	Done(ctx context.Context, key string) error
}

// Config configures a Bot. AppID, AppPassword, Router, Inbox and Store are
// required; the zero values of the others are the defaults.
type Config struct {
	// AppID is the bot's Microsoft app id (TEAMS_APP_ID): the audience of
	// the tokens it accepts and the client id of the tokens it sends.
	AppID string
	// AppPassword is the app's client secret (TEAMS_APP_PASSWORD).
	AppPassword string
	// TenantID makes the app single-tenant (TEAMS_TENANT_ID): its tokens
	// come from that tenant's token URL.
	TenantID string
	// OpenIDURL is the Bot Framework OpenID metadata (TEAMS_OPENID_URL);
	// "" means DefaultOpenIDURL.
	OpenIDURL string
	// TokenURL is the app token endpoint (TEAMS_TOKEN_URL); "" means the
	// tenant's when TenantID is set, else DefaultTokenURL.
	TokenURL string

	Router Router
	Inbox  Inbox
	Store  Store

	// Channels maps a Teams channel id (19:…@thread.tacv2) to the channel
	// name secbot's config uses for it ("teams:NAME", from the config's
	// teams.channels map). Requests from the channel carry that name, and
	// Post to that name goes to the channel. Other channels keep their id.
	Channels map[string]string
	// Name is the bot's display name ("secbot" when ""), used in help.
	Name string
	// Log gets refused requests and failed deliveries; nil: slog.Default().
	Log *slog.Logger
	// HTTPClient calls the metadata, token and connector endpoints; nil
	// means a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock (timestamps, tokens); nil means time.Now.
	Now func() time.Time
	// Sleep waits between connector retries; nil means a timer. Tests pass
	// one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxAttempts bounds the tries of one connector call; 0 means 4.
	MaxAttempts int
	// UpdateDelay coalesces the updates of one round card: the card is
	// rewritten at most once per UpdateDelay with the newest count. 0
	// means 2 s; a negative value updates at once.
	UpdateDelay time.Duration
	// MaxBodyBytes bounds a request body; 0 means 1 MB.
	MaxBodyBytes int64
	// Timeout bounds the processing of one activity; 0 means 30 s. An
	// invoke's answer is due within Teams' own limit (about 5 s), so the
	// router is asked at most InvokeTimeout (0: 4 s) for it.
	Timeout, InvokeTimeout time.Duration
	// MembersTimeout bounds the count of a channel's members when a round
	// opens (Members, retries included); 0 means 15 s. Past it the count
	// is unknown and the round goes on without it.
	MembersTimeout time.Duration
}

// Bot is secbot's Microsoft Teams bot over the Bot Framework protocol. It
// serves POST /api/messages and posts through the Bot Connector; it
// implements bot.Poster, bot.DirectPoster and bot.MemberCounter. Create it
// with New.
type Bot struct {
	cfg      Config
	log      *slog.Logger
	verify   *verifier
	conn     *connector
	channels map[string]string // secbot channel name → Teams channel id
	updates  *coalescer
	// saved holds what was last stored per conversation and member, so
	// that a busy channel does not rewrite its reference on every message.
	saved sync.Map // "c:"+id or "m:"+user id → string
	wg    sync.WaitGroup
	ctx   context.Context // ends at Shutdown: background work stops
	stop  context.CancelFunc
}

var (
	_ bot.Poster        = (*Bot)(nil)
	_ bot.DirectPoster  = (*Bot)(nil)
	_ bot.MemberCounter = (*Bot)(nil)
	_ bot.MemberCounter = orPoster{}
)

// New returns a Bot for cfg, or an error naming what is missing.
func New(cfg Config) (*Bot, error) {
	var missing []string
	if cfg.AppID == "" {
		missing = append(missing, "app id (TEAMS_APP_ID)")
	}
	if cfg.AppPassword == "" {
		missing = append(missing, "app password (TEAMS_APP_PASSWORD)")
	}
	if cfg.Router == nil {
		missing = append(missing, "Router")
	}
	if cfg.Inbox == nil {
		missing = append(missing, "Inbox")
	}
	if cfg.Store == nil {
		missing = append(missing, "Store")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("teamsbot: no %s", strings.Join(missing, ", "))
	}
	if cfg.OpenIDURL == "" {
		cfg.OpenIDURL = DefaultOpenIDURL
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
		if cfg.TenantID != "" {
			cfg.TokenURL = TenantTokenURL(cfg.TenantID)
		}
	}
	if cfg.Name == "" {
		cfg.Name = "secbot"
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = retry.Sleep
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 4
	}
	if cfg.UpdateDelay == 0 {
		cfg.UpdateDelay = 2 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.InvokeTimeout <= 0 {
		cfg.InvokeTimeout = 4 * time.Second
	}
	if cfg.MembersTimeout <= 0 {
		cfg.MembersTimeout = 15 * time.Second
	}
	log := cfg.Log.With("adapter", "teamsbot")
	b := &Bot{
		cfg: cfg,
		log: log,
		verify: &verifier{appID: cfg.AppID, openIDURL: cfg.OpenIDURL,
			client: cfg.HTTPClient, now: cfg.Now},
		conn: &connector{
			creds: clientcredentials.Config{ClientID: cfg.AppID, ClientSecret: cfg.AppPassword,
				TokenURL: cfg.TokenURL, Scopes: []string{Scope}},
			client: cfg.HTTPClient, log: log, now: cfg.Now, sleep: cfg.Sleep, maxAttempts: cfg.MaxAttempts,
		},
		channels: map[string]string{},
	}
	for id, name := range cfg.Channels {
		b.channels[name] = id
	}
	b.ctx, b.stop = context.WithCancel(context.Background())
	b.updates = &coalescer{bot: b, pending: map[string]*pendingUpdate{}}
	return b, nil
}

// Register mounts the messaging endpoint at POST /api/messages on mux.
func (b *Bot) Register(mux *http.ServeMux) { mux.Handle("POST "+Path, b) }

// Shutdown waits for background work (replies being sent, coalesced card
// updates) to end, or for ctx; then it cancels what is left. Call it after
// the HTTP server has stopped taking requests.
func (b *Bot) Shutdown(ctx context.Context) error {
	b.updates.flush()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	defer b.stop()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ServeHTTP receives one activity: 401 unless it is a JSON activity whose
// token verifies, 400 when its timestamp is off by more than MaxAge, 503
// when the Inbox cannot keep it. A message is answered in the background
// after 200; an invoke is answered in the response, as the protocol wants.
func (b *Bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, b.cfg.MaxBodyBytes))
	if err != nil {
		http.Error(w, "cannot read request", http.StatusRequestEntityTooLarge)
		return
	}
	var act activity
	if err := json.Unmarshal(body, &act); err != nil {
		// The Bot Connector always sends JSON: whatever this is, it was
		// not verified.
		b.log.Warn("refused a request that is not a JSON activity", "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", "Bearer")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if err := b.verify.verify(r.Context(), r.Header.Get("Authorization"), act.ChannelID, act.ServiceURL); err != nil {
		b.log.Warn("refused an activity", "err", err, "remote", r.RemoteAddr, "activity", act.ID)
		w.Header().Set("WWW-Authenticate", "Bearer")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if err := b.fresh(act); err != nil {
		b.log.Warn("refused an activity", "err", err, "activity", act.ID, "type", act.Type)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	key := Key(act.ID, body)
	first, err := b.cfg.Inbox.Accept(r.Context(), key, Kind, body)
	if err != nil {
		b.log.Error("cannot keep an activity", "key", key, "err", err)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "cannot keep the activity now", http.StatusServiceUnavailable)
		return
	}
	if !first {
		b.log.Info("duplicate activity", "key", key, "type", act.Type)
		if act.Type == "invoke" {
			writeJSON(w, duplicateInvoke(act.Name))
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if act.Type == "invoke" {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), b.cfg.Timeout)
		defer cancel()
		resp := b.handle(ctx, key, &act)
		writeJSON(w, resp)
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.Timeout)
		defer cancel()
		b.handle(ctx, key, &act)
	}()
	w.WriteHeader(http.StatusOK)
}

// Check fetches the signing keys and an app token, so that a wrong
// TEAMS_APP_PASSWORD, TEAMS_TENANT_ID or URL shows at startup rather than
// at the first message. The keys and token are kept for later use.
func (b *Bot) Check(ctx context.Context) error {
	b.verify.mu.Lock()
	keys, endorse, err := b.verify.fetch(ctx)
	if err == nil {
		now := b.cfg.Now()
		b.verify.keys, b.verify.endorse, b.verify.fetched, b.verify.tried = keys, endorse, now, now
	}
	b.verify.mu.Unlock()
	if err != nil {
		return fmt.Errorf("teamsbot: %w", err)
	}
	if _, err := b.conn.token(ctx, false); err != nil {
		return fmt.Errorf("teamsbot: %w", err)
	}
	return nil
}

// Key is the Inbox key of an activity: "teams:" and its id, or a hash of
// the body for an activity without an id.
func Key(activityID string, body []byte) string {
	if activityID == "" {
		sum := sha256.Sum256(body)
		activityID = "sha256-" + hex.EncodeToString(sum[:12])
	}
	return "teams:" + activityID
}

// fresh refuses an activity stamped more than MaxAge ago or ahead.
func (b *Bot) fresh(act activity) error {
	if act.Timestamp == "" {
		// Not every activity kind is stamped; the token's expiry and the
		// Inbox's de-duplication still bound replays.
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, act.Timestamp)
	if err != nil {
		return fmt.Errorf("bad timestamp %q", act.Timestamp)
	}
	switch d := b.cfg.Now().Sub(t); {
	case d > MaxAge:
		return fmt.Errorf("stale activity: stamped %s ago", d.Round(time.Second))
	case d < -MaxAge:
		return fmt.Errorf("activity stamped %s in the future (clock skew?)", (-d).Round(time.Second))
	}
	return nil
}

// Process handles an activity that was kept in the Inbox but not marked
// done (the process stopped): it runs it as ServeHTTP would have and marks
// it done. Handling is idempotent where it counts: a quiz answer counts
// once whatever the retries; a reply may be sent twice when the process
// stopped between sending it and marking the activity done. An invoke's
// answer can no longer reach Teams; its effect (the answer counted) still
// happens.
func (b *Bot) Process(ctx context.Context, payload []byte) error {
	var act activity
	if err := json.Unmarshal(payload, &act); err != nil {
		return fmt.Errorf("teamsbot: kept activity is not JSON: %w", err)
	}
	key := Key(act.ID, payload)
	b.handle(ctx, key, &act)
	return nil
}

// handle runs an accepted activity, marks it done and returns the invoke
// response (nil for other kinds).
func (b *Bot) handle(ctx context.Context, key string, act *activity) (resp any) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("activity handling panicked", "key", key, "panic", p)
			resp = invokeMessage(bot.Apology)
		}
		if err := b.cfg.Inbox.Done(context.WithoutCancel(ctx), key); err != nil {
			b.log.Error("cannot mark an activity done", "key", key, "err", err)
		}
	}()
	b.remember(ctx, act)
	switch act.Type {
	case "message":
		b.message(ctx, act)
	case "conversationUpdate":
		if act.botAdded() {
			b.welcome(ctx, act)
		}
	case "invoke":
		return b.invoke(ctx, act)
	}
	return nil
}

// remember stores the conversation and the sender, so that later posts
// (tips, rounds, DMs) can reach them.
func (b *Bot) remember(ctx context.Context, act *activity) {
	if act.ServiceURL == "" || act.Conv.ID == "" {
		return
	}
	now := b.cfg.Now()
	c := act.reference(now)
	b.saveConversation(ctx, c)
	// When the bot is added to a team, conversationUpdate names the team:
	// its General channel's id is the team id.
	if act.Type == "conversationUpdate" && act.ChannelData.Team.ID != "" && act.ChannelData.Channel.ID == "" {
		c.ID, c.Type = act.ChannelData.Team.ID, Channel
		b.saveConversation(ctx, c)
	}
	if strings.HasPrefix(act.From.ID, "29:") {
		m := Member{UserID: act.userID(), TeamsID: act.From.ID, Name: act.From.Name, ServiceURL: act.ServiceURL,
			TenantID: act.tenant(), BotID: act.Recipient.ID, UpdatedAt: now}
		sig := strings.Join([]string{m.TeamsID, m.Name, m.ServiceURL, m.TenantID, m.BotID}, "\x00")
		if old, ok := b.saved.Load("m:" + m.UserID); ok && old == sig {
			return
		}
		if err := b.cfg.Store.SaveMember(ctx, m); err != nil {
			b.log.Error("cannot remember a member", "user", m.UserID, "err", err)
			return
		}
		b.saved.Store("m:"+m.UserID, sig)
	}
}

// saveConversation stores c unless the same reference was stored already.
func (b *Bot) saveConversation(ctx context.Context, c Conversation) {
	sig := strings.Join([]string{c.ServiceURL, c.TenantID, c.Type, c.TeamID, c.BotID, c.UserID}, "\x00")
	if old, ok := b.saved.Load("c:" + c.ID); ok && old == sig {
		return
	}
	if err := b.cfg.Store.SaveConversation(ctx, c); err != nil {
		b.log.Error("cannot remember a conversation", "conversation", c.ID, "err", err)
		return
	}
	b.saved.Store("c:"+c.ID, sig)
}

// writeJSON writes v as a 200 JSON response.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if v == nil {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("{}"))
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Write(b)
}

// errNoAnswer is logged when an activity asked for nothing secbot does.
var errNoAnswer = errors.New("nothing to answer")
