package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/schedules"
)

func init() {
	register(command{name: "tip", summary: "show the daily tip a channel gets on a day, as the scheduler posts it", run: runTip})
}

// tipJSON is `secbot tip --json`: exactly {id, section, title, body}.
type tipJSON struct {
	ID      string `json:"id"`
	Section string `json:"section"`
	Title   string `json:"title"`
	Body    string `json:"body"`
}

// runTip is `secbot tip [--json] [--date YYYY-MM-DD] [--channel ID]`: the tip
// channel gets on date (default today, in the config's timezone), computed
// exactly as the scheduler computes it (schedules.Tips: a pure function of
// the pack, the channel, the day and tips.schedule). Without --channel it is
// the tip of the DM digest and of /tip outside the tip channels. On a day
// the schedule does not fire (a weekend), it is the last tip day's tip, and
// a note on standard error says so.
func runTip(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "tip", "tip [--json] [--date YYYY-MM-DD] [--channel ID]")
	asJSON := fs.Bool("json", false, "print {id, section, title, body} as JSON")
	date := fs.String("date", "", "the day (YYYY-MM-DD, in the config's timezone; default today)")
	channel := fs.String("channel", bot.DigestChannel, "the channel id (Slack C…, or teams:NAME); default: the DM digest")
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
	day := time.Now().In(cfg.Location)
	if *date != "" {
		if day, err = time.ParseInLocation(time.DateOnly, *date, cfg.Location); err != nil {
			fmt.Fprintf(env.Stderr, "secbot tip: --date %q: write the day as YYYY-MM-DD\n", *date)
			return errUsage
		}
	}
	pack, err := knowledge.LoadPacks(cfg.Packs...)
	if err != nil {
		return err
	}
	sched, err := schedules.ParseSpec(cfg.Tips.Schedule, cfg.Location)
	if err != nil {
		return fmt.Errorf("tips.schedule: %w", err)
	}
	tip, tipDay, err := schedules.NewTips(pack, sched, cfg.Location).TipFor(*channel, day)
	if err != nil {
		return err
	}
	if asked := day.Format(time.DateOnly); tipDay.Format(time.DateOnly) != asked {
		fmt.Fprintf(env.Stderr, "secbot tip: no tip is posted on %s (schedule %q); this is the tip of %s\n",
			asked, cfg.Tips.Schedule, tipDay.Format(time.DateOnly))
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(tipJSON{ID: tip.ID, Section: tip.Section, Title: tip.Title, Body: tip.Body})
	}
	_, err = fmt.Fprintln(env.Stdout, bot.TipReply(bot.NewTipCard(pack, tip, tipDay)).Text)
	return err
}
