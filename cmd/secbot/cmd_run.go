package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"secbot/bot"
	"secbot/bot/shell"
	"secbot/knowledge"
)

func init() {
	register(command{name: "run", summary: "run the bot: Slack, Teams, or the console when no chat credentials are set (--check validates the set-up)", run: runRun})
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

// runRun is `secbot run` (and `secbot` alone): settings from the
// environment, the config, then either the check or the App.
func runRun(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "run", "run [--check]")
	check := fs.Bool("check", false, "validate the environment, SECBOT_CONFIG and the packs it names, say what would start, then exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	s, err := ReadSettings(env.Getenv)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	if *check {
		return runCheck(env, s, cfg)
	}
	app, err := Build(s, cfg, env)
	if err != nil {
		return err
	}
	return app.Run(ctx, env.Reload)
}

// runCheck is `secbot run --check`: everything Build would refuse, plus
// the deployment checks even at the console, then what would start.
func runCheck(env *Env, s Settings, cfg *Config) error {
	fronts, err := s.FrontEnds(cfg)
	if err != nil {
		return err
	}
	if err := checkDeployment(s, cfg); err != nil {
		return err
	}
	if s.DB != "" && !strings.Contains(s.DB, "://") {
		if err := checkDBPath(s.DB); err != nil {
			return err
		}
	}
	pack, err := knowledge.LoadPacks(cfg.Packs...)
	if err != nil {
		return err
	}
	w := env.Stdout
	fmt.Fprintf(w, "config OK (%s)\n", orDefault(s.ConfigPath, "built-in defaults"))
	fmt.Fprintf(w, "  knowledge: %d terms, %d sections, %d tips\n", len(pack.Terms), len(pack.Sections), len(pack.Tips))
	fmt.Fprintf(w, "  timezone:  %s\n", cfg.Timezone)
	fmt.Fprintf(w, "  front end: %s\n", fronts)
	if !fronts.Console() {
		fmt.Fprintf(w, "  http:      %s (/healthz, /metrics)\n", s.Addr)
	}
	if fronts.Console() {
		fmt.Fprintf(w, "  schedules: none at the console (set chat credentials to post)\n")
	}
	fmt.Fprintf(w, "  tips:      %q → %s\n", cfg.Tips.Schedule, channelList(cfg.Tips.Channels))
	fmt.Fprintf(w, "  quiz:      %q → %s, answers for %s\n", cfg.Quiz.Schedule, channelList(cfg.Quiz.Channels), time.Duration(cfg.Quiz.AnswerWindow))
	if n := len(cfg.Digest.Managers); n > 0 {
		fmt.Fprintf(w, "  digest:    %q → %d managers by DM\n", cfg.Digest.Schedule, n)
	}
	switch {
	case fronts.Console():
	case cfg.Tips.Schedule == "":
		fmt.Fprintf(w, "  practice:  off (it sends on the days of tips.schedule, which is not set)\n")
	default:
		fmt.Fprintf(w, "  practice:  by DM at the first slot of %q each day, to people who turn it on\n", cfg.Tips.Schedule)
	}
	return nil
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
