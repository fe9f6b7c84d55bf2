package main

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"time"
)

var lineRE = regexp.MustCompile(`line (\d+)`)

// Reload reads the config file again and, if it is good whole (it parses,
// validates, suits the running front ends, its packs load and index), swaps
// it in: the new scheduler starts, then the old one stops after its run in
// progress, and the old index closes once the requests using it are
// answered. A bad file is refused with a log line naming the file, the
// line and the reason, and the running config is kept.
//
// The front ends are not rebuilt: credentials (the environment),
// teams.channels and teams.public_url need a restart.
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
	if !maps.Equal(old.cfg.Teams.Channels, c.cfg.Teams.Channels) {
		a.log.Warn("config reload: teams.channels changed; restart secbot to apply it")
	}
	if old.cfg.Teams.PublicURL != c.cfg.Teams.PublicURL {
		a.log.Warn("config reload: teams.public_url changed; restart secbot to apply it")
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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.rounds.Close(ctx) // round-card updates in flight
}
