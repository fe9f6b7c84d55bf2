package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"secbot/bot"
	"secbot/bot/teams"
)

// Settings is everything `secbot run` takes from its environment, read once
// by ReadSettings. Nothing else in secbot reads an environment variable for
// the bot (the one-shot commands read SECBOT_CONFIG through loadConfig).
type Settings struct {
	// Slack.
	SlackBotToken      string // SLACK_BOT_TOKEN (xoxb-…): Web API
	SlackAppToken      string // SLACK_APP_TOKEN (xapp-…): Socket Mode
	SlackSigningSecret string // SLACK_SIGNING_SECRET: Slack over HTTP
	SlackAPIURL        string // SLACK_API_URL: another Web API base (tests, proxies)

	// Teams outgoing webhook and Workflows.
	TeamsOutgoingSecret string // TEAMS_OUTGOING_SECRET: base64 HMAC key
	TeamsWorkflowURL    string // TEAMS_WORKFLOW_URL: where teams:default posts go

	// Teams bot (Bot Framework).
	TeamsAppID       string // TEAMS_APP_ID
	TeamsAppPassword string // TEAMS_APP_PASSWORD
	TeamsTenantID    string // TEAMS_TENANT_ID (single-tenant apps)
	TeamsOpenIDURL   string // TEAMS_OPENID_URL (other clouds, tests)
	TeamsTokenURL    string // TEAMS_TOKEN_URL (other clouds, tests)

	ConfigPath string // SECBOT_CONFIG: the YAML config, "" for the defaults
	DB         string // SECBOT_DB: a SQLite file, or a postgres:// URL; "" for the default
	Addr       string // SECBOT_ADDR: HTTP listen address, default :3000

	// LogLevel is SECBOT_LOG_LEVEL; LogLevelSet is false when it is unset
	// (then info, or warn at the console).
	LogLevel    slog.Level
	LogLevelSet bool
	// LogFormat is SECBOT_LOG_FORMAT: "text" (default) or "json".
	LogFormat string

	// User names the person at the console (USER).
	User string
}

// defaultAddr is where the HTTP server listens without SECBOT_ADDR.
const defaultAddr = ":3000"

// chatCredentials are the variables that turn a front end on; with none of
// them set, secbot opens the console.
var chatCredentials = []string{
	"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
	"TEAMS_OUTGOING_SECRET", "TEAMS_WORKFLOW_URL", "TEAMS_APP_ID", "TEAMS_APP_PASSWORD",
}

// ReadSettings reads the environment through getenv and refuses values that
// cannot be right (a log level, a log format, a listen address), naming the
// variable.
func ReadSettings(getenv func(string) string) (Settings, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	s := Settings{
		SlackBotToken:       get("SLACK_BOT_TOKEN"),
		SlackAppToken:       get("SLACK_APP_TOKEN"),
		SlackSigningSecret:  get("SLACK_SIGNING_SECRET"),
		SlackAPIURL:         get("SLACK_API_URL"),
		TeamsOutgoingSecret: get("TEAMS_OUTGOING_SECRET"),
		TeamsWorkflowURL:    get("TEAMS_WORKFLOW_URL"),
		TeamsAppID:          get("TEAMS_APP_ID"),
		TeamsAppPassword:    get("TEAMS_APP_PASSWORD"),
		TeamsTenantID:       get("TEAMS_TENANT_ID"),
		TeamsOpenIDURL:      get("TEAMS_OPENID_URL"),
		TeamsTokenURL:       get("TEAMS_TOKEN_URL"),
		ConfigPath:          get("SECBOT_CONFIG"),
		DB:                  get("SECBOT_DB"),
		Addr:                orDefault(get("SECBOT_ADDR"), defaultAddr),
		LogFormat:           orDefault(strings.ToLower(get("SECBOT_LOG_FORMAT")), "text"),
		User:                get("USER"),
	}
	var errs []error
	if v := get("SECBOT_LOG_LEVEL"); v != "" {
		switch strings.ToLower(v) {
		case "debug":
			s.LogLevel = slog.LevelDebug
		case "info":
			s.LogLevel = slog.LevelInfo
		case "warn", "warning":
			s.LogLevel = slog.LevelWarn
		case "error":
			s.LogLevel = slog.LevelError
		default:
			errs = append(errs, fmt.Errorf("SECBOT_LOG_LEVEL=%q: want debug, info, warn or error", v))
		}
		s.LogLevelSet = true
	}
	if s.LogFormat != "text" && s.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("SECBOT_LOG_FORMAT=%q: want text or json", get("SECBOT_LOG_FORMAT")))
	}
	if err := checkAddr(s.Addr); err != nil {
		errs = append(errs, fmt.Errorf("SECBOT_ADDR=%q: %v (write it like :3000 or 127.0.0.1:3000)", s.Addr, err))
	}
	return s, errors.Join(errs...)
}

// checkAddr accepts host:port with a numeric port 0–65535 (0: any free
// port).
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("not host:port")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return nil
}

// anyChat names the chat credentials that are set.
func (s Settings) anyChat() []string {
	vals := []string{s.SlackBotToken, s.SlackAppToken, s.SlackSigningSecret,
		s.TeamsOutgoingSecret, s.TeamsWorkflowURL, s.TeamsAppID, s.TeamsAppPassword}
	var set []string
	for i, v := range vals {
		if v != "" {
			set = append(set, chatCredentials[i])
		}
	}
	return set
}

// FrontEnds says which front ends a process starts.
type FrontEnds struct {
	SlackSocket  bool // SLACK_BOT_TOKEN + SLACK_APP_TOKEN
	SlackHTTP    bool // SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET
	TeamsWebhook bool // TEAMS_OUTGOING_SECRET
	TeamsBot     bool // TEAMS_APP_ID + TEAMS_APP_PASSWORD
	// PostingOnly is a process that receives nothing and only posts its
	// schedules (TEAMS_WORKFLOW_URL with teams: channels and no receiving
	// front end): it serves /healthz and /metrics.
	PostingOnly bool
}

// Console reports whether no chat credential is set: the console opens.
func (f FrontEnds) Console() bool { return f == FrontEnds{} }

// Receives reports whether a front end hears people.
func (f FrontEnds) Receives() bool {
	return f.SlackSocket || f.SlackHTTP || f.TeamsWebhook || f.TeamsBot
}

func (f FrontEnds) String() string {
	var on []string
	if f.SlackSocket {
		on = append(on, "Slack Socket Mode")
	}
	if f.SlackHTTP {
		on = append(on, "Slack HTTP")
	}
	if f.TeamsWebhook {
		on = append(on, "Teams outgoing webhook")
	}
	if f.TeamsBot {
		on = append(on, "Teams bot")
	}
	if f.PostingOnly {
		on = append(on, "scheduled posts only (nothing received)")
	}
	if len(on) == 0 {
		return "console"
	}
	return strings.Join(on, ", ")
}

// FrontEnds decides the front ends from the credentials set, or refuses a
// half-configured set naming what is missing. When any chat credential is
// set, secbot starts that front end or refuses; the console opens only when
// none is set.
func (s Settings) FrontEnds(cfg *Config) (FrontEnds, error) {
	var f FrontEnds
	if len(s.anyChat()) == 0 {
		return f, nil
	}
	var errs []error
	switch {
	case s.SlackBotToken == "" && (s.SlackAppToken != "" || s.SlackSigningSecret != ""):
		set := "SLACK_APP_TOKEN"
		if s.SlackSigningSecret != "" {
			set = "SLACK_SIGNING_SECRET"
		}
		errs = append(errs, fmt.Errorf("%s is set but SLACK_BOT_TOKEN is not: Slack needs the bot token (xoxb-…) too", set))
	case s.SlackBotToken != "" && s.SlackAppToken == "" && s.SlackSigningSecret == "":
		errs = append(errs, errors.New("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP): secbot could post but would never hear anyone; set one of them"))
	default:
		f.SlackSocket = s.SlackBotToken != "" && s.SlackAppToken != ""
		f.SlackHTTP = s.SlackBotToken != "" && s.SlackSigningSecret != ""
	}
	if s.TeamsOutgoingSecret != "" {
		if _, err := teams.New(teams.Config{Secret: s.TeamsOutgoingSecret, Router: bot.NewRouter(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
			errs = append(errs, fmt.Errorf("TEAMS_OUTGOING_SECRET: %w", err))
		} else {
			f.TeamsWebhook = true
		}
	}
	switch {
	case s.TeamsAppID != "" && s.TeamsAppPassword == "":
		errs = append(errs, errors.New("TEAMS_APP_ID is set but TEAMS_APP_PASSWORD is not: the Teams bot needs both (the app's id and client secret)"))
	case s.TeamsAppID == "" && s.TeamsAppPassword != "":
		errs = append(errs, errors.New("TEAMS_APP_PASSWORD is set but TEAMS_APP_ID is not: the Teams bot needs both (the app's id and client secret)"))
	case s.TeamsAppID != "":
		f.TeamsBot = true
	}
	if s.TeamsWorkflowURL != "" {
		if err := checkWorkflowURL(s.TeamsWorkflowURL); err != nil {
			errs = append(errs, fmt.Errorf("TEAMS_WORKFLOW_URL: %v", err))
		}
		if !f.Receives() && len(errs) == 0 {
			// A Workflows webhook only posts. A process with schedules to
			// teams: channels and nothing to receive is legitimate (answers
			// come in through another replica's outgoing webhook); one with
			// no such schedule would do nothing at all.
			if !postsTo(cfg, func(ch string) bool { return strings.HasPrefix(ch, teams.ChannelPrefix) }) {
				errs = append(errs, errors.New("TEAMS_WORKFLOW_URL is set but no tips or quiz channel is teams:default (or another teams: channel) and no front end receives messages (TEAMS_OUTGOING_SECRET, TEAMS_APP_ID, SLACK_…): secbot would do nothing"))
			} else {
				f.PostingOnly = true
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return FrontEnds{}, err
	}
	return f, nil
}

// checkWorkflowURL accepts https URLs, and http ones only on loopback (a
// test's fake).
func checkWorkflowURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL", redactURL(raw))
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	default:
		return fmt.Errorf("%q is not an https URL (Workflows webhooks are https; http is accepted on loopback only, for tests)", redactURL(raw))
	}
}

// checkPublicURL accepts the https address of secbot (no query: vote
// links add theirs), and http only on loopback (tests): the links it
// makes are credentials.
func checkPublicURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return fmt.Errorf("%q is not a URL", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%q has a query or fragment; give the address only (like https://bot.example.jp)", raw)
	case u.Scheme == "https", u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	default:
		return fmt.Errorf("%q is not an https URL (vote links carry a signed token; http is accepted on loopback only, for tests)", raw)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL drops a URL's query (Workflows URLs carry their signature
// there) so that errors and logs do not repeat a secret.
func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i] + "?…"
	}
	return raw
}

// postsTo reports whether the schedules name a channel that match accepts.
func postsTo(cfg *Config, match func(string) bool) bool {
	for _, ch := range scheduledChannels(cfg) {
		if match(ch) {
			return true
		}
	}
	return false
}

func scheduledChannels(cfg *Config) []string {
	return append(append([]string(nil), cfg.Tips.Channels...), cfg.Quiz.Channels...)
}

// checkDeployment refuses a config that cannot work with these settings:
// schedules to Slack without a Slack token, to teams:default without
// TEAMS_WORKFLOW_URL, non-https workflow URLs, and the example's REPLACE-ME
// placeholders left in.
func checkDeployment(s Settings, cfg *Config) error {
	var errs []error
	name := orDefault(s.ConfigPath, "the built-in config")
	for _, key := range []struct {
		key      string
		channels []string
	}{{"tips", cfg.Tips.Channels}, {"quiz", cfg.Quiz.Channels}} {
		for _, ch := range key.channels {
			switch {
			case ch == teams.ChannelPrefix+"default" && s.TeamsWorkflowURL == "":
				errs = append(errs, fmt.Errorf("%s: %s.channels: channel teams:default needs TEAMS_WORKFLOW_URL", name, key.key))
			case !strings.HasPrefix(ch, teams.ChannelPrefix) && s.SlackBotToken == "":
				errs = append(errs, fmt.Errorf("%s: %s.channels: %s is a Slack channel but SLACK_BOT_TOKEN is not set: nothing would post there", name, key.key, ch))
			}
		}
	}
	for _, wf := range slices.Sorted(maps.Keys(cfg.Teams.Workflows)) {
		if err := checkWorkflowURL(cfg.Teams.Workflows[wf]); err != nil {
			errs = append(errs, fmt.Errorf("%s: teams.workflows.%s: %v", name, wf, err))
		}
	}
	if u := cfg.Teams.PublicURL; u != "" {
		if err := checkPublicURL(u); err != nil {
			errs = append(errs, fmt.Errorf("%s: teams.public_url: %v", name, err))
		}
	}
	for _, p := range cfg.placeholders {
		errs = append(errs, fmt.Errorf("%s: line %d: %s still holds the example's REPLACE-ME placeholder", name, p.line, p.key))
	}
	return errors.Join(errs...)
}

// newLogger returns the process's logger: SECBOT_LOG_LEVEL (default info;
// warn at the console, which is for people) in SECBOT_LOG_FORMAT.
func newLogger(s Settings, w io.Writer, console bool) *slog.Logger {
	level := slog.LevelInfo
	if console {
		level = slog.LevelWarn
	}
	if s.LogLevelSet {
		level = s.LogLevel
	}
	opts := &slog.HandlerOptions{Level: level}
	if s.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
