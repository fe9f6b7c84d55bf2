package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"secbot/bot"
	"secbot/bot/shell"
	"secbot/bot/slack"
	"secbot/bot/teams"
	"secbot/index"
	"secbot/intake"
	"secbot/knowledge"
	"secbot/quiz/rounds"
	"secbot/schedules"
	"secbot/store"
	"secbot/store/sqlite"
)

func init() {
	register(command{name: "run", summary: "run the bot: Slack, Teams, or the console when no chat credentials are set (--check validates the config)", run: runRun})
}

// shutdownGrace bounds how long in-flight requests may take to finish after
// SIGTERM.
const shutdownGrace = 20 * time.Second

// consoleChannel is the "channel" of the console: /quiz start opens a round
// there and the console prints it.
const consoleChannel = "console"

// consoleDBPath is the console's store when SECBOT_DB is not set: a file of
// its own, so that trying secbot at a console never mixes test rounds and
// answers into the bot's database (HR's export, the leaderboards).
const consoleDBPath = "secbot-console.db"

// openStore opens SECBOT_DB (a SQLite file; created on first run). A URL
// is refused without being repeated: it may carry a password.
func openStore(env *Env) (*sqlite.DB, error) {
	return openStoreAt(dbPath(env))
}

func openStoreAt(path string) (*sqlite.DB, error) {
	if strings.Contains(path, "://") {
		return nil, errors.New("SECBOT_DB: only SQLite file paths are supported by this version (PostgreSQL URLs are not)")
	}
	return sqlite.Open(path)
}

// modes says which front ends the environment turns on.
type modes struct {
	slackSocket, slackHTTP, teams bool
}

func (m modes) console() bool { return !m.slackSocket && !m.slackHTTP && !m.teams }

func (m modes) String() string {
	var on []string
	if m.slackSocket {
		on = append(on, "Slack Socket Mode")
	}
	if m.slackHTTP {
		on = append(on, "Slack HTTP")
	}
	if m.teams {
		on = append(on, "Teams outgoing webhook")
	}
	if len(on) == 0 {
		return "console"
	}
	return strings.Join(on, ", ")
}

func detectModes(env *Env) modes {
	return modes{
		slackSocket: env.Getenv("SLACK_APP_TOKEN") != "",
		slackHTTP:   env.Getenv("SLACK_SIGNING_SECRET") != "",
		teams:       env.Getenv("TEAMS_OUTGOING_SECRET") != "",
	}
}

// runRun is `secbot run` (and `secbot` alone).
func runRun(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "run", "run [--check]")
	check := fs.Bool("check", false, "validate SECBOT_CONFIG, the packs it names and the chat settings, then exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	pack, err := knowledge.LoadPacks(cfg.Packs...)
	if err != nil {
		return err
	}
	m := detectModes(env)
	if err := checkCredentials(env, m, cfg); err != nil {
		return err
	}
	if *check {
		fmt.Fprintf(env.Stdout, "config OK (%s)\n", orDefault(env.Getenv("SECBOT_CONFIG"), "built-in defaults"))
		fmt.Fprintf(env.Stdout, "  knowledge: %d terms, %d sections, %d tips\n", len(pack.Terms), len(pack.Sections), len(pack.Tips))
		fmt.Fprintf(env.Stdout, "  timezone:  %s\n", cfg.Timezone)
		fmt.Fprintf(env.Stdout, "  tips:      %q → %s\n", cfg.Tips.Schedule, channelList(cfg.Tips.Channels))
		fmt.Fprintf(env.Stdout, "  quiz:      %q → %s, answers for %s\n", cfg.Quiz.Schedule, channelList(cfg.Quiz.Channels), time.Duration(cfg.Quiz.AnswerWindow))
		fmt.Fprintf(env.Stdout, "  front end: %s\n", m)
		return nil
	}

	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if m.console() {
		// The console is for people: keep the log to what needs attention.
		log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	idx, err := index.Build(pack)
	if err != nil {
		return fmt.Errorf("building the search index: %w", err)
	}
	defer idx.Close()
	dbFile := dbPath(env)
	if m.console() && env.Getenv("SECBOT_DB") == "" {
		dbFile = consoleDBPath
	}
	db, err := openStoreAt(dbFile)
	if err != nil {
		return err
	}
	defer db.Close()

	router := bot.NewRouter()
	router.Log = log
	router.Admins = map[string]bool{}
	for _, id := range cfg.Admins {
		router.Admins[id] = true
	}

	// Every input a chat front end acknowledges is kept first (the
	// console's lines need not be: the person sees the answer or nothing).
	var inbox *intake.Inbox
	owner := intake.NewOwner()
	if !m.console() {
		if inbox, err = intake.New(ctx, intake.Config{Store: db, Owner: owner, Log: log}); err != nil {
			return err
		}
	}
	var slackA *slack.Adapter
	if m.slackSocket || m.slackHTTP || slackChannels(cfg) {
		if token := env.Getenv("SLACK_BOT_TOKEN"); token != "" {
			slackA = slack.New(slack.Config{
				BotToken:      token,
				AppToken:      env.Getenv("SLACK_APP_TOKEN"),
				SigningSecret: env.Getenv("SLACK_SIGNING_SECRET"),
				APIURL:        env.Getenv("SLACK_API_URL"),
				Router:        router,
				Inbox:         inboxOrNil(inbox),
				Log:           log,
			})
		}
	}
	workflows := cfg.Teams.Workflows
	if u := env.Getenv("TEAMS_WORKFLOW_URL"); u != "" {
		workflows = map[string]string{"default": u}
		for k, v := range cfg.Teams.Workflows {
			workflows[k] = v
		}
	}
	flows := teams.NewWorkflows(workflows, nil)
	console := &consolePoster{out: env.Stdout}

	posters := func(channel string) (bot.Poster, error) {
		switch {
		case channel == consoleChannel && m.console():
			return console, nil
		case strings.HasPrefix(channel, teams.ChannelPrefix):
			return flows.Poster(channel)
		case slackA != nil:
			return slackA, nil
		default:
			return nil, fmt.Errorf("channel %s: SLACK_BOT_TOKEN is not set: %w", channel, bot.ErrPermanent)
		}
	}
	tipChannels, quizChannels := cfg.Tips.Channels, cfg.Quiz.Channels
	if m.console() {
		// The console posts nowhere on a schedule: the bot's channels are
		// served by the process that runs with chat credentials.
		tipChannels, quizChannels = nil, nil
	}
	var sched *schedules.Scheduler
	quizRounds, err := rounds.New(rounds.Config{
		Pack: pack, Store: db, Posters: posters, Location: cfg.Location,
		AnswerWindow: time.Duration(cfg.Quiz.AnswerWindow),
		RunDue:       func(ctx context.Context) error { return sched.RunNow(ctx) },
		Log:          log,
	})
	if err != nil {
		return err
	}
	sched, err = schedules.New(schedules.Config{
		Location:     cfg.Location,
		TipSpec:      cfg.Tips.Schedule,
		TipChannels:  tipChannels,
		QuizSpec:     cfg.Quiz.Schedule,
		QuizChannels: quizChannels,
		Grace:        time.Duration(cfg.CatchUpGrace),
		Pack:         pack,
		Store:        db,
		Rounds:       quizRounds,
		Owner:        owner,
		Posters:      posters,
		Direct: func(p bot.Platform) (bot.DirectPoster, bool) {
			if p == bot.Slack && slackA != nil {
				return slackA, true
			}
			return nil, false
		},
		Log: log,
	})
	if err != nil {
		return err
	}

	router.Handle("term", bot.NewTermHandler(idx, pack), bot.TermUsage)
	router.Handle("ask", bot.NewAskHandler(idx, pack), bot.AskUsage)
	var subs bot.Subscriptions = db
	if m.console() {
		subs = nil // nothing sends the DM digest from a console: don't promise it
	}
	router.Handle("tip", bot.NewTipHandler(bot.TipConfig{Pack: pack, Tips: sched.Tips(), Subs: subs, Channels: cfg.Tips.Channels}), bot.TipUsage...)
	router.Handle("quiz", quizRounds.Handler(), rounds.Usage...)

	if m.console() {
		// The person at the console runs it: they may start and stop rounds.
		router.Admins["console"] = true
		sh := &shell.Shell{
			In: env.Stdin, Out: console, Router: router, Interactive: isTerminal(env.Stdin),
			UserID: "console", UserName: orDefault(env.Getenv("USER"), "console"), ChannelID: consoleChannel,
		}
		return sh.Run(ctx)
	}
	if slackA != nil {
		inbox.Handle(slack.KindEvent, func(ctx context.Context, it store.Item) error { return slackA.Rerun(ctx, it.Kind, it.Payload) })
		inbox.Handle(slack.KindCommand, func(ctx context.Context, it store.Item) error { return slackA.Rerun(ctx, it.Kind, it.Payload) })
	}
	return serve(ctx, env, log, m, cfg, router, slackA, sched, db, inbox)
}

// inboxOrNil keeps a nil *intake.Inbox a nil interface.
func inboxOrNil(in *intake.Inbox) slack.Inbox {
	if in == nil {
		return nil
	}
	return in
}

// serve runs the chat front ends and the scheduler until ctx ends (SIGTERM),
// then shuts down gracefully: the HTTP server stops accepting, in-flight
// requests and deliveries finish, the scheduler's current run ends.
func serve(ctx context.Context, env *Env, log *slog.Logger, m modes, cfg *Config, router *bot.Router, slackA *slack.Adapter, sched *schedules.Scheduler, db *sqlite.DB, inbox *intake.Inbox) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	inboxDone := make(chan struct{})
	go func() { defer close(inboxDone); inbox.Run(ctx) }()
	defer func() { <-inboxDone }()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := db.Version(r.Context()); err != nil {
			log.Error("health check: store", "err", err)
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, "{\"status\":\"ok\",\"front_ends\":%q}\n", m.String())
	})
	if m.slackHTTP {
		slackA.Register(mux)
	}
	if m.teams {
		channels := map[string]string{}
		for name, id := range cfg.Teams.Channels {
			channels[id] = teams.ChannelPrefix + name
		}
		ta, err := teams.New(teams.Config{Secret: env.Getenv("TEAMS_OUTGOING_SECRET"), Router: router, Inbox: inbox, Log: log, Channels: channels})
		if err != nil {
			return err
		}
		ta.Register(mux)
	}
	addr := orDefault(env.Getenv("SECBOT_ADDR"), ":3000")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("SECBOT_ADDR: %w", err)
	}
	// Slack and Teams send small bodies at once and want answers within
	// seconds: a client that trickles its request is cut off.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 20 * time.Second, IdleTimeout: 60 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http: %w", err)
		}
	}()
	log.Info("secbot listening", "addr", ln.Addr().String(), "front_ends", m.String())

	var socket sync.WaitGroup
	if m.slackSocket {
		socket.Add(1)
		go func() {
			defer socket.Done()
			if err := slackA.RunSocketMode(ctx); err != nil && ctx.Err() == nil {
				errc <- fmt.Errorf("slack socket mode: %w", err)
			}
		}()
	}
	if err := sched.Start(ctx); err != nil {
		log.Error("scheduler catch-up", "err", err)
	}

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case runErr = <-errc:
		log.Error("stopping", "err", runErr)
	}
	cancel()
	sctx, scancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	socket.Wait()
	if slackA != nil {
		if err := slackA.Close(sctx); err != nil {
			log.Warn("slack deliveries cut short", "err", err)
		}
	}
	select {
	case <-sched.Stop().Done():
	case <-sctx.Done():
	}
	return runErr
}

// checkCredentials refuses half-configured chat settings before anything
// starts.
func checkCredentials(env *Env, m modes, cfg *Config) error {
	if (m.slackSocket || m.slackHTTP) && env.Getenv("SLACK_BOT_TOKEN") == "" {
		return errors.New("SLACK_BOT_TOKEN is not set: Slack needs the bot token (xoxb-…) besides SLACK_APP_TOKEN or SLACK_SIGNING_SECRET")
	}
	if m.teams {
		if _, err := teams.New(teams.Config{Secret: env.Getenv("TEAMS_OUTGOING_SECRET"), Router: bot.NewRouter()}); err != nil {
			return fmt.Errorf("TEAMS_OUTGOING_SECRET: %w", err)
		}
	}
	for _, ch := range append(append([]string(nil), cfg.Tips.Channels...), cfg.Quiz.Channels...) {
		if ch == "teams:default" && env.Getenv("TEAMS_WORKFLOW_URL") == "" {
			return errors.New("channel teams:default needs TEAMS_WORKFLOW_URL")
		}
	}
	return nil
}

// slackChannels reports whether the schedules name a Slack channel.
func slackChannels(cfg *Config) bool {
	for _, ch := range append(append([]string(nil), cfg.Tips.Channels...), cfg.Quiz.Channels...) {
		if !strings.HasPrefix(ch, teams.ChannelPrefix) {
			return true
		}
	}
	return false
}

func channelList(chs []string) string {
	if len(chs) == 0 {
		return "no channels"
	}
	return strings.Join(chs, ", ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isTerminal reports whether r is a terminal (the console then shows its
// banner and prompt).
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// consolePoster prints what the scheduler posts to the console channel (a
// round opened by /quiz start, its reveal) and serialises every write to
// the console's output.
type consolePoster struct {
	mu  sync.Mutex
	out interface{ Write([]byte) (int, error) }
}

var _ bot.Poster = (*consolePoster)(nil)

func (c *consolePoster) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

func (c *consolePoster) Post(_ context.Context, _ string, r bot.Reply) (string, error) {
	_, err := fmt.Fprintf(c, "\n%s\n", shell.Render(r))
	return "", err
}

// Update prints nothing: the console shows the answered count when asked
// (/quiz), not on every answer.
func (c *consolePoster) Update(context.Context, string, string, bot.Reply) error { return nil }
