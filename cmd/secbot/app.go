package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"secbot/bot"
	"secbot/bot/shell"
	"secbot/bot/slack"
	"secbot/bot/teams"
	"secbot/index"
	"secbot/knowledge"
	"secbot/metrics"
	"secbot/schedules"
	"secbot/store/sqlite"
)

// App is one secbot process: its store, its front ends, the HTTP server
// some of them share, and a reloadable core (config, knowledge, index,
// router, scheduler). Its lifecycle is Build → Start → Stop; Run does the
// three around a context and reloads the config on a signal.
//
// Every front end is built the same way (buildFrontEnds) from Settings and
// routes through the App's routeSwitch, so a reload swaps the router under
// them without rebuilding them.
type App struct {
	settings Settings
	fronts   FrontEnds
	log      *slog.Logger
	metrics  *metrics.Metrics
	db       *sqlite.DB
	env      *Env

	route    *routeSwitch
	core     atomic.Pointer[core]
	reloadMu sync.Mutex // one Reload at a time
	retiring sync.WaitGroup

	slack     *slack.Adapter // nil without SLACK_BOT_TOKEN
	console   *consolePoster // nil unless the console runs
	frontEnds []frontEnd
	// workers is background work that is not a front end, run like one by
	// Start and ended by Stop. The durable-intake worker goes here.
	workers []runner
	mux     *http.ServeMux // nil at the console

	started bool
	runCtx  context.Context
	cancel  context.CancelFunc
	srv     *http.Server
	addr    net.Addr
	errc    chan error // a runner or the HTTP server ended
	running sync.WaitGroup
}

// frontEnd is one way people reach secbot. What a front end can do beyond
// its name is said by the optional interfaces httpFrontEnd and runner.
type frontEnd interface {
	Name() string
}

// httpFrontEnd is a front end served by the App's HTTP server.
type httpFrontEnd interface {
	frontEnd
	Register(mux *http.ServeMux)
}

// runner is a front end (or worker) with a loop of its own. Run returns
// when ctx ends, or earlier when it is done (the console at the end of its
// input); either ends the App.
type runner interface {
	Run(ctx context.Context) error
}

// core is what a config reload replaces whole.
type core struct {
	cfg    *Config
	pack   *knowledge.Pack
	idx    *index.Index
	sched  *schedules.Scheduler
	router *bot.Router

	// mu is held (read) by each request routed through this core; retire
	// takes it to wait for them before closing the index.
	mu      sync.RWMutex
	retired bool
}

// Build makes an App from settings and a loaded config: it decides the
// front ends (refusing half-configured credentials), opens the store,
// builds the index, router and scheduler and the front ends. Nothing runs
// until Start. Console input and output, and the log, go through env.
func Build(s Settings, cfg *Config, env *Env) (_ *App, err error) {
	fronts, err := s.FrontEnds(cfg)
	if err != nil {
		return nil, err
	}
	if !fronts.Console() {
		if err := checkDeployment(s, cfg); err != nil {
			return nil, err
		}
	}
	a := &App{settings: s, fronts: fronts, env: env, metrics: metrics.New(), errc: make(chan error, 8)}
	a.log = newLogger(s, env.Stderr, fronts.Console())
	version, revision, goVersion := buildVersion()
	a.metrics.BuildInfo(version, revision, goVersion)
	a.route = &routeSwitch{app: a}

	dbFile := orDefault(s.DB, DefaultDBPath)
	if fronts.Console() && s.DB == "" {
		dbFile = consoleDBPath
	}
	if a.db, err = openStoreAt(dbFile); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if s.SlackBotToken != "" {
		a.slack, err = slack.New(slack.Config{
			BotToken:      s.SlackBotToken,
			AppToken:      s.SlackAppToken,
			SigningSecret: s.SlackSigningSecret,
			APIURL:        s.SlackAPIURL,
			Router:        a.route,
			Log:           a.log,
		})
		if err != nil {
			return nil, err
		}
	}
	if fronts.Console() {
		a.console = &consolePoster{out: env.Stdout}
	}
	c, err := a.buildCore(cfg)
	if err != nil {
		return nil, err
	}
	a.core.Store(c)
	a.metrics.Loaded(time.Now())
	if err := a.buildFrontEnds(cfg); err != nil {
		return nil, err
	}
	if !fronts.Console() {
		a.mux = http.NewServeMux()
		a.mux.HandleFunc("GET /healthz", a.healthz)
		a.mux.Handle("GET /metrics", a.metrics.Handler())
		for _, fe := range a.frontEnds {
			if h, ok := fe.(httpFrontEnd); ok {
				h.Register(a.mux)
			}
		}
	}
	return a, nil
}

// buildFrontEnds builds every front end the settings turn on, the same way:
// each gets a.route as its router and a.log.
func (a *App) buildFrontEnds(cfg *Config) error {
	s := a.settings
	if a.fronts.Console() {
		a.frontEnds = append(a.frontEnds, &consoleFrontEnd{app: a})
		return nil
	}
	if a.fronts.SlackHTTP {
		a.frontEnds = append(a.frontEnds, slackHTTP{a.slack})
	}
	if a.fronts.SlackSocket {
		a.frontEnds = append(a.frontEnds, slackSocket{a.slack})
	}
	if a.fronts.TeamsWebhook {
		// Teams channel ids → the teams:NAME the schedules post to, so
		// that an answer typed in Teams counts for that round. Read at
		// start: a reload does not change it (see Reload).
		channels := map[string]string{}
		for name, id := range cfg.Teams.Channels {
			channels[id] = teams.ChannelPrefix + name
		}
		ta, err := teams.New(teams.Config{Secret: s.TeamsOutgoingSecret, Router: a.route, Log: a.log, Channels: channels})
		if err != nil {
			return fmt.Errorf("TEAMS_OUTGOING_SECRET: %w", err)
		}
		a.frontEnds = append(a.frontEnds, teamsWebhook{ta})
	}
	if a.fronts.TeamsBot {
		// The Teams bot (Bot Framework, POST /api/messages) is built here
		// like the others: from s.TeamsAppID, s.TeamsAppPassword,
		// s.TeamsTenantID, s.TeamsOpenIDURL, s.TeamsTokenURL, with
		// Router: a.route and Log: a.log, appended as an httpFrontEnd
		// (and as the bot.DirectPoster of bot.Teams in buildCore).
		return errors.New("TEAMS_APP_ID is set but this build has no Teams bot (Bot Framework) front end yet: unset TEAMS_APP_ID and TEAMS_APP_PASSWORD, or use TEAMS_OUTGOING_SECRET")
	}
	return nil
}

// buildCore builds what a config decides: the knowledge, its index, the
// router with its handlers, and the scheduler with its posters.
func (a *App) buildCore(cfg *Config) (_ *core, err error) {
	console := a.fronts.Console()
	pack, err := knowledge.LoadPacks(cfg.Packs...)
	if err != nil {
		return nil, err
	}
	idx, err := index.Build(pack)
	if err != nil {
		return nil, fmt.Errorf("building the search index: %w", err)
	}
	defer func() {
		if err != nil {
			idx.Close()
		}
	}()
	router := bot.NewRouter()
	router.Log = a.log
	router.Observer = routeMetrics{a.metrics}
	router.Admins = map[string]bool{}
	for _, id := range cfg.Admins {
		router.Admins[id] = true
	}

	workflows := cfg.Teams.Workflows
	if u := a.settings.TeamsWorkflowURL; u != "" {
		workflows = map[string]string{"default": u}
		for k, v := range cfg.Teams.Workflows {
			workflows[k] = v
		}
	}
	flows := teams.NewWorkflows(workflows, nil)
	slackA := a.slack
	posters := func(channel string) (bot.Poster, error) {
		switch {
		case channel == consoleChannel && console:
			return a.console, nil
		case strings.HasPrefix(channel, teams.ChannelPrefix):
			return flows.Poster(channel)
		case slackA != nil:
			return slackA, nil
		default:
			return nil, fmt.Errorf("channel %s: SLACK_BOT_TOKEN is not set: %w", channel, bot.ErrPermanent)
		}
	}
	tipChannels, quizChannels := cfg.Tips.Channels, cfg.Quiz.Channels
	if console {
		// The console posts nowhere on a schedule: the bot's channels are
		// served by the process that runs with chat credentials.
		tipChannels, quizChannels = nil, nil
	}
	sched, err := schedules.New(schedules.Config{
		Location:     cfg.Location,
		TipSpec:      cfg.Tips.Schedule,
		TipChannels:  tipChannels,
		QuizSpec:     cfg.Quiz.Schedule,
		QuizChannels: quizChannels,
		AnswerWindow: time.Duration(cfg.Quiz.AnswerWindow),
		Grace:        time.Duration(cfg.CatchUpGrace),
		Pack:         pack,
		Store:        a.db,
		Posters:      posters,
		Direct: func(p bot.Platform) (bot.DirectPoster, bool) {
			// The Teams bot's DirectPoster is added here with it.
			if p == bot.Slack && slackA != nil {
				return slackA, true
			}
			return nil, false
		},
		Log: a.log,
	})
	if err != nil {
		return nil, err
	}

	router.Handle("term", bot.NewTermHandler(idx, pack), bot.TermUsage)
	router.Handle("ask", bot.NewAskHandler(idx, pack), bot.AskUsage)
	var subs bot.Subscriptions = a.db
	if console {
		subs = nil // nothing sends the DM digest from a console: don't promise it
	}
	router.Handle("tip", bot.NewTipHandler(bot.TipConfig{Pack: pack, Tips: sched.Tips(), Subs: subs, Channels: cfg.Tips.Channels}), bot.TipUsage...)
	router.Handle("quiz", bot.NewQuizHandler(bot.QuizConfig{Pack: pack, Store: a.db, Control: sched, Location: cfg.Location}), bot.QuizUsage...)
	if console {
		// The person at the console runs it: they may start and stop rounds.
		router.Admins["console"] = true
	}
	return &core{cfg: cfg, pack: pack, idx: idx, sched: sched, router: router}, nil
}

// Start starts the HTTP server (not at the console), the front ends with a
// loop of their own and the workers, then the scheduler (after its
// catch-up). It returns once they run; Wait tells when one ends.
func (a *App) Start(ctx context.Context) error {
	if a.started {
		return errors.New("app: started twice")
	}
	a.started = true
	a.runCtx, a.cancel = context.WithCancel(ctx)
	if a.mux != nil {
		ln, err := net.Listen("tcp", a.settings.Addr)
		if err != nil {
			return fmt.Errorf("SECBOT_ADDR: %w", err)
		}
		a.addr = ln.Addr()
		// Slack and Teams send small bodies at once and want answers within
		// seconds: a client that trickles its request is cut off.
		a.srv = &http.Server{Handler: a.mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 15 * time.Second,
			WriteTimeout: 20 * time.Second, IdleTimeout: 60 * time.Second, ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
		go func() {
			if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.errc <- fmt.Errorf("http: %w", err)
			}
		}()
		a.log.Info("secbot listening", "addr", a.addr.String(), "front_ends", a.fronts.String())
	}
	var runners []runner
	for _, fe := range a.frontEnds {
		if r, ok := fe.(runner); ok {
			runners = append(runners, r)
		}
	}
	for _, r := range append(runners, a.workers...) {
		a.running.Add(1)
		go func() {
			defer a.running.Done()
			a.errc <- r.Run(a.runCtx)
		}()
	}
	if !a.fronts.Console() {
		if err := a.core.Load().sched.Start(a.runCtx); err != nil {
			a.log.Error("scheduler catch-up", "err", err)
		}
	}
	return nil
}

// Addr is where the HTTP server listens (nil before Start, or at the
// console).
func (a *App) Addr() net.Addr { return a.addr }

// Wait returns a channel that gets the error (or nil) of the first front
// end, worker or server that ends by itself.
func (a *App) Wait() <-chan error { return a.errc }

// Stop ends everything Start began, gracefully, within ctx: the HTTP server
// stops accepting and its requests finish, the loops end, replies still
// being delivered after their ack are sent, the scheduler's run in progress
// ends; then the index and the store close.
func (a *App) Stop(ctx context.Context) error {
	var errs []error
	if a.cancel != nil {
		a.cancel()
	}
	if a.srv != nil {
		if err := a.srv.Shutdown(ctx); err != nil {
			a.log.Warn("http shutdown", "err", err)
			errs = append(errs, err)
		}
	}
	a.running.Wait()
	if a.slack != nil {
		if err := a.slack.Close(ctx); err != nil {
			a.log.Warn("slack deliveries cut short", "err", err)
		}
	}
	c := a.core.Load()
	if a.started && !a.fronts.Console() {
		select {
		case <-c.sched.Stop().Done():
		case <-ctx.Done():
		}
	}
	a.retiring.Wait()
	a.close()
	return errors.Join(errs...)
}

// close releases the index and the store.
func (a *App) close() {
	if c := a.core.Load(); c != nil {
		c.mu.Lock()
		c.retired = true
		c.idx.Close()
		c.mu.Unlock()
	}
	if a.db != nil {
		a.db.Close()
	}
}

// Run starts the App, reloads its config at each value of reload (SIGHUP),
// and stops it gracefully when ctx ends (SIGTERM) or a front end ends (the
// console at the end of its input), returning that front end's error.
func (a *App) Run(ctx context.Context, reload <-chan os.Signal) error {
	if err := a.Start(ctx); err != nil {
		a.Stop(context.Background())
		return err
	}
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			a.log.Info("shutting down")
			break loop
		case runErr = <-a.errc:
			if runErr != nil {
				a.log.Error("stopping", "err", runErr)
			}
			break loop
		case <-reload:
			a.Reload()
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	a.Stop(sctx)
	return runErr
}

var lineRE = regexp.MustCompile(`line (\d+)`)

// Reload reads the config file again and, if it is good whole (it parses,
// validates, suits the running front ends, its packs load and index), swaps
// it in: the new scheduler starts, then the old one stops after its run in
// progress, and the old index closes once the requests using it are
// answered. A bad file is refused with a log line naming the file, the
// line and the reason, and the running config is kept.
//
// The front ends are not rebuilt: credentials (the environment) and
// teams.channels need a restart.
func (a *App) Reload() error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	path := a.settings.ConfigPath
	if path == "" {
		a.log.Warn("config reload: SECBOT_CONFIG is not set; nothing to reload")
		return nil
	}
	c, err := a.loadCore(path)
	if err != nil {
		attrs := []any{"file", path}
		if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
			attrs = append(attrs, "line", m[1])
		}
		attrs = append(attrs, "reason", err.Error())
		a.log.Error("config reload refused; the running config is kept", attrs...)
		a.metrics.Reload(false, time.Now())
		return err
	}
	if a.started && !a.fronts.Console() {
		if err := c.sched.Start(a.runCtx); err != nil {
			a.log.Error("scheduler catch-up", "err", err)
		}
	}
	old := a.core.Swap(c)
	a.retiring.Add(1)
	go func() {
		defer a.retiring.Done()
		a.retire(old)
	}()
	if !maps2Equal(old.cfg.Teams.Channels, c.cfg.Teams.Channels) {
		a.log.Warn("config reload: teams.channels changed; restart secbot to apply it")
	}
	a.metrics.Reload(true, time.Now())
	a.log.Info("config reloaded", "file", path,
		"tips", fmt.Sprintf("%q → %s", c.cfg.Tips.Schedule, channelList(c.cfg.Tips.Channels)),
		"quiz", fmt.Sprintf("%q → %s", c.cfg.Quiz.Schedule, channelList(c.cfg.Quiz.Channels)),
		"admins", len(c.cfg.Admins), "terms", len(c.pack.Terms))
	return nil
}

// loadCore reads, validates and builds the config at path.
func (a *App) loadCore(path string) (*core, error) {
	cfg, err := LoadConfig(path)
	if err != nil {
		return nil, err
	}
	if !a.fronts.Console() {
		if err := checkDeployment(a.settings, cfg); err != nil {
			return nil, err
		}
		if fronts, err := a.settings.FrontEnds(cfg); err != nil {
			return nil, err
		} else if fronts != a.fronts {
			return nil, fmt.Errorf("%s: the front ends would change (%s → %s): restart secbot", path, a.fronts, fronts)
		}
	}
	return a.buildCore(cfg)
}

// retire stops an old core's scheduler after its run in progress and
// closes its index once the requests routed through it are answered.
func (a *App) retire(c *core) {
	if a.started && !a.fronts.Console() {
		<-c.sched.Stop().Done()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.retired = true
	c.idx.Close()
}

func maps2Equal(x, y map[string]string) bool {
	if len(x) != len(y) {
		return false
	}
	for k, v := range x {
		if w, ok := y[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// healthz is GET /healthz: 200 with the front ends while the store answers.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := a.db.Version(r.Context()); err != nil {
		a.log.Error("health check: store", "err", err)
		a.metrics.StoreError("healthz")
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"status\":\"ok\",\"front_ends\":%q}\n", a.fronts.String())
}

// routeSwitch is the router every front end holds: it routes through the
// current core, so that a reload changes the router under them.
type routeSwitch struct{ app *App }

func (r *routeSwitch) Route(ctx context.Context, req bot.Request) bot.Reply {
	for {
		c := r.app.core.Load()
		c.mu.RLock()
		if c.retired {
			// Swapped out while we looked: the next load is the new core.
			c.mu.RUnlock()
			continue
		}
		reply := c.router.Route(ctx, req)
		c.mu.RUnlock()
		return reply
	}
}

// routeMetrics counts each routed request, its answer kind and latency.
type routeMetrics struct{ m *metrics.Metrics }

func (o routeMetrics) Observe(req bot.Request, reply bot.Reply, took time.Duration) {
	command := req.Command
	if command == "" {
		command = "unknown"
	}
	o.m.Request(string(req.Platform), command)
	o.m.Latency(command, took)
	if reply.Answer != nil && (command == "term" || command == "ask") {
		o.m.Answer(string(reply.Answer.Kind))
	}
}

// The front ends.

type slackHTTP struct{ a *slack.Adapter }

func (slackHTTP) Name() string                  { return "Slack HTTP" }
func (f slackHTTP) Register(mux *http.ServeMux) { f.a.Register(mux) }

type slackSocket struct{ a *slack.Adapter }

func (slackSocket) Name() string { return "Slack Socket Mode" }
func (f slackSocket) Run(ctx context.Context) error {
	err := f.a.RunSocketMode(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		err = errors.New("stopped")
	}
	return fmt.Errorf("slack socket mode: %w", err)
}

type teamsWebhook struct{ a *teams.Adapter }

func (teamsWebhook) Name() string                  { return "Teams outgoing webhook" }
func (f teamsWebhook) Register(mux *http.ServeMux) { f.a.Register(mux) }

// consoleFrontEnd is the interactive console over the App's stdin and
// stdout; it ends the App at the end of its input.
type consoleFrontEnd struct{ app *App }

func (consoleFrontEnd) Name() string { return "console" }
func (f *consoleFrontEnd) Run(ctx context.Context) error {
	a := f.app
	sh := &shell.Shell{
		In: a.env.Stdin, Out: a.console, Router: a.route, Interactive: isTerminal(a.env.Stdin),
		UserID: "console", UserName: orDefault(a.settings.User, "console"), ChannelID: consoleChannel,
	}
	return sh.Run(ctx)
}
