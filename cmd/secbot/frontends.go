package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"secbot/bot/shell"
	"secbot/bot/slack"
	"secbot/bot/teams"
	"secbot/bot/teamsbot"
)

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
		// that an answer typed in Teams counts for that round; the public
		// URL of the answer cards' vote links. Read at start: a reload
		// does not change them (see Reload).
		ta, err := teams.New(teams.Config{Secret: s.TeamsOutgoingSecret, Router: a.route, Inbox: a.inbox, Log: a.log,
			Channels: teamsChannels(cfg), PublicURL: cfg.Teams.PublicURL})
		if err != nil {
			return fmt.Errorf("TEAMS_OUTGOING_SECRET: %w", err)
		}
		a.frontEnds = append(a.frontEnds, teamsWebhook{ta})
	}
	if a.teamsBot != nil {
		// Built in Build, before the core: the scheduler posts through it.
		a.frontEnds = append(a.frontEnds, teamsBotFront{a.teamsBot})
	}
	return nil
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

type teamsBotFront struct{ b *teamsbot.Bot }

func (teamsBotFront) Name() string                  { return "Teams bot" }
func (f teamsBotFront) Register(mux *http.ServeMux) { f.b.Register(mux) }

// consoleFrontEnd is the interactive console over the App's stdin and
// stdout; it ends the App at the end of its input.
type consoleFrontEnd struct{ app *App }

func (consoleFrontEnd) Name() string { return "console" }
func (f *consoleFrontEnd) Run(ctx context.Context) error {
	a := f.app
	sh := &shell.Shell{
		In: a.env.Stdin, Out: a.console, Router: a.route, Interactive: isTerminal(a.env.Stdin),
		UserID: "console", UserName: orDefault(a.settings.User, "console"), ChannelID: consoleChannel,
		Pack: a.core.Load().pack,
	}
	return sh.Run(ctx)
}
