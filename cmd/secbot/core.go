package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"secbot/bot"
	"secbot/bot/teams"
	"secbot/index"
	"secbot/knowledge"
	"secbot/metrics"
	"secbot/quiz"
	"secbot/quiz/practice"
	"secbot/quiz/rounds"
	"secbot/schedules"
)

// core is what a config reload replaces whole.
type core struct {
	cfg    *Config
	pack   *knowledge.Pack
	idx    *index.Index
	sched  *schedules.Scheduler
	rounds *rounds.Rounds
	router *bot.Router

	// mu is held (read) by each request routed through this core; retire
	// takes it to wait for them before closing the index.
	mu      sync.RWMutex
	retired bool
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
	if !console {
		// A bot serves once its full-text index is built, so the first
		// question after a start or a reload does not wait for it (0.1–0.2 s
		// for the chapter, a few seconds for packs 100 times its size).
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		err = idx.Ready(rctx)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("building the search index: %w", err)
		}
	}
	router := bot.NewRouter()
	router.Log = a.log
	router.Observer = routeMetrics{a.metrics}
	router.Pack = pack
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
			fp, err := flows.Poster(channel)
			if a.teamsBot != nil {
				// Through the bot where it has the channel's conversation,
				// else through the channel's workflow, if any.
				if err != nil {
					fp = nil
				}
				return a.teamsBot.Or(fp), nil
			}
			return fp, err
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
	seasons, err := quiz.ParseSeasons(cfg.Quiz.SeasonStart, cfg.Location)
	if err != nil {
		return nil, fmt.Errorf("quiz.season_start: %w", err)
	}
	managers := cfg.Digest.Managers
	if console {
		managers = nil // the console sends no DMs
	}
	// Practice questions go out on tip days only; without a tip schedule
	// /quiz practice on says so.
	var days practice.Days
	if cfg.Tips.Schedule != "" {
		spec, err := schedules.ParseSpec(cfg.Tips.Schedule, cfg.Location)
		if err != nil {
			return nil, fmt.Errorf("tips.schedule: %w", err)
		}
		days = schedules.NewTips(pack, spec, cfg.Location)
	}
	direct := func(p bot.Platform) (bot.DirectPoster, bool) {
		switch {
		case console:
			return nil, false // the console sends no DMs
		case p == bot.Slack && slackA != nil:
			return slackA, true
		case p == bot.Teams && a.teamsBot != nil:
			return a.teamsBot, true
		}
		return nil, false
	}
	drills, err := practice.New(practice.Config{
		Pack: pack, Store: a.db, Location: cfg.Location, Seasons: &seasons, Days: days,
		Direct: func(p bot.Platform) bool { _, ok := direct(p); return ok },
		Log:    a.log,
	})
	if err != nil {
		return nil, err
	}
	var sched *schedules.Scheduler
	quizRounds, err := rounds.New(rounds.Config{
		Pack: pack, Store: a.db, Posters: posters, Location: cfg.Location, Seasons: &seasons,
		AnswerWindow: time.Duration(cfg.Quiz.AnswerWindow),
		RemindBefore: time.Duration(cfg.Quiz.RemindBefore),
		Metrics:      a.metrics,
		Practice:     drills,
		RunDue:       func(ctx context.Context) error { return sched.RunNow(ctx) },
		Log:          a.log,
	})
	if err != nil {
		return nil, err
	}
	sched, err = schedules.New(schedules.Config{
		Location:     cfg.Location,
		TipSpec:      cfg.Tips.Schedule,
		TipChannels:  tipChannels,
		QuizSpec:     cfg.Quiz.Schedule,
		QuizChannels: quizChannels,
		Grace:        time.Duration(cfg.CatchUpGrace),
		Pack:         pack,
		Store:        a.db,
		Rounds:       quizRounds,
		DigestSpec:   cfg.Digest.Schedule,
		Managers:     managers,
		Owner:        a.owner,
		Metrics:      a.metrics,
		Posters:      posters,
		Direct:       direct,
		Practice:     drills,
		Log:          a.log,
	})
	if err != nil {
		return nil, err
	}

	gaps := &bot.Gaps{Store: a.db, Log: a.log}
	router.Handle("term", gaps.Wrap(bot.NewTermHandler(idx, pack)), bot.TermUsage, bot.GapsUsage)
	router.Handle("ask", gaps.Wrap(bot.NewAskHandler(idx, pack)), bot.AskUsage)
	router.Handle("answer", gaps.Feedback()) // the 👍/👎 under answers
	var subs bot.Subscriptions = a.db
	if console {
		subs = nil // nothing sends the DM digest from a console: don't promise it
	}
	router.Handle("tip", bot.NewTipHandler(bot.TipConfig{Pack: pack, Tips: sched.Tips(), Subs: subs, Channels: cfg.Tips.Channels,
		TeamsDirect: a.teamsBot != nil}), bot.TipUsage...)
	router.Handle("quiz", quizRounds.Handler(), rounds.Usage...)
	if console {
		// The person at the console runs it: they may start and stop rounds.
		router.Admins["console"] = true
	}
	return &core{cfg: cfg, pack: pack, idx: idx, sched: sched, rounds: quizRounds, router: router}, nil
}

// routeSwitch is the router every front end holds: it routes through the
// current core, so that a reload changes the router under them.
type routeSwitch struct{ app *App }

func (r *routeSwitch) Route(ctx context.Context, req bot.Request) bot.Reply {
	reply, _ := r.Serve(ctx, req)
	return reply
}

// Serve routes like Route and returns the handler's internal error too, so
// that a front end does not acknowledge what the store could not keep.
func (r *routeSwitch) Serve(ctx context.Context, req bot.Request) (bot.Reply, error) {
	for {
		c := r.app.core.Load()
		c.mu.RLock()
		if c.retired {
			// Swapped out while we looked: the next load is the new core.
			c.mu.RUnlock()
			continue
		}
		reply, err := c.router.Serve(ctx, req)
		c.mu.RUnlock()
		return reply, err
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
