package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"secbot/bot/slack"
	"secbot/bot/teams"
	"secbot/bot/teamsbot"
	"secbot/intake"
	"secbot/metrics"
	"secbot/store"
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
	db       Store
	env      *Env

	route    *routeSwitch
	core     atomic.Pointer[core]
	reloadMu sync.Mutex // one Reload at a time
	retiring sync.WaitGroup

	slack    *slack.Adapter // nil without SLACK_BOT_TOKEN
	teamsBot *teamsbot.Bot  // nil without TEAMS_APP_ID
	// inbox keeps every input a chat front end acknowledges (nil at the
	// console, whose lines need not be kept); owner names this process in
	// the store, for the inbox and the scheduler's claims alike.
	inbox     *intake.Inbox
	owner     string
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
	a.owner = intake.NewOwner()
	if !fronts.Console() {
		if a.inbox, err = intake.New(context.Background(), intake.Config{Store: a.db, Owner: a.owner, Log: a.log}); err != nil {
			return nil, err
		}
		a.workers = append(a.workers, a.inbox)
		a.metrics.InboxDepth(func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := a.db.InboxDepth(ctx)
			if err != nil {
				a.metrics.StoreError("inbox_depth")
			}
			return float64(n)
		})
	}
	if s.SlackBotToken != "" {
		a.slack, err = slack.New(slack.Config{
			BotToken:      s.SlackBotToken,
			AppToken:      s.SlackAppToken,
			SigningSecret: s.SlackSigningSecret,
			APIURL:        s.SlackAPIURL,
			Router:        a.route,
			Inbox:         inboxOrNil(a.inbox),
			Metrics:       a.metrics,
			Log:           a.log,
		})
		if err != nil {
			return nil, err
		}
		if a.inbox != nil {
			rerun := func(ctx context.Context, it store.Item) error { return a.slack.Rerun(ctx, it.Kind, it.Payload) }
			a.inbox.Handle(slack.KindEvent, rerun)
			a.inbox.Handle(slack.KindCommand, rerun)
		}
	}
	if fronts.TeamsBot {
		if a.teamsBot, err = teamsbot.New(teamsbot.Config{
			AppID: s.TeamsAppID, AppPassword: s.TeamsAppPassword, TenantID: s.TeamsTenantID,
			OpenIDURL: s.TeamsOpenIDURL, TokenURL: s.TeamsTokenURL,
			Router: a.route, Inbox: a.inbox, Store: a.db, Channels: teamsChannels(cfg), Log: a.log,
		}); err != nil {
			return nil, err
		}
		a.inbox.Handle(teamsbot.Kind, func(ctx context.Context, it store.Item) error { return a.teamsBot.Process(ctx, it.Payload) })
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
	for _, fe := range a.frontEnds {
		a.log.Debug("front end started", "front_end", fe.Name())
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
	if a.teamsBot != nil {
		if err := a.teamsBot.Shutdown(ctx); err != nil {
			a.log.Warn("teams deliveries cut short", "err", err)
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
	if err := c.rounds.Close(ctx); err != nil {
		a.log.Warn("round-card updates cut short", "err", err)
	}
	a.close()
	return errors.Join(errs...)
}

// inboxOrNil keeps a nil *intake.Inbox a nil slack.Inbox.
func inboxOrNil(in *intake.Inbox) slack.Inbox {
	if in == nil {
		return nil
	}
	return in
}

// teamsChannels maps each Teams channel id of teams.channels to the
// teams:NAME that schedules post to.
func teamsChannels(cfg *Config) map[string]string {
	channels := map[string]string{}
	for name, id := range cfg.Teams.Channels {
		channels[id] = teams.ChannelPrefix + name
	}
	return channels
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

// healthz is GET /healthz: 200 with the front ends while the store answers.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := a.db.Version(ctx); err != nil {
		a.log.Error("health check: store", "err", err)
		a.metrics.StoreError("healthz")
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"status\":\"ok\",\"front_ends\":%q}\n", a.fronts.String())
}
