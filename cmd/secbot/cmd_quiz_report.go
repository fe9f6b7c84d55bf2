package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"secbot/quiz"
	"secbot/report"
	"secbot/schedules"
	"secbot/store/postgres"
)

// runQuizReport is `secbot quiz report [--from D] [--to D] [--channel C]
// --out FILE.xlsx`: the HR workbook of SECBOT_DB (opened read-only), and its
// summary on standard output. The file is written whole or not at all.
func runQuizReport(ctx context.Context, env *Env, args []string) error {
	const usageLine = "quiz report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--channel ID] --out FILE.xlsx"
	fset := newFlags(env, "quiz report", usageLine)
	from := fset.String("from", "", "the first day to include (YYYY-MM-DD)")
	to := fset.String("to", "", "the last day to include (YYYY-MM-DD)")
	channel := fset.String("channel", "", "only this channel")
	out := fset.String("out", "", "the workbook to write (FILE.xlsx)")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		fset.Usage()
		return errUsage
	}
	if *out == "" || !strings.EqualFold(filepath.Ext(*out), ".xlsx") {
		fmt.Fprintf(env.Stderr, "secbot quiz report: --out %q: name the workbook to write, ending in .xlsx\n", *out)
		fset.Usage()
		return errUsage
	}
	if fi, err := os.Stat(filepath.Dir(*out)); err != nil || !fi.IsDir() {
		return fmt.Errorf("--out %s: no folder %s to write it in", *out, filepath.Dir(*out))
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	f, err := parsePeriod(env, "quiz report", cfg, *from, *to)
	if err != nil {
		return err
	}
	db, err := openStoreReadOnly(env)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := report.Make(ctx, db, report.Query{From: f.From, To: f.To, Channel: *channel, Location: cfg.Location})
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, rep.WriteXLSX); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s\n→ %s\n", rep.Summary(), *out)
	return nil
}

// writeFileAtomic writes path through a temporary file in the same folder,
// renamed into place only when write succeeded.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// planJSON is one line of `secbot quiz plan --json`.
type planJSON struct {
	Slot string    `json:"slot"`
	Term string    `json:"term"`
	Kind quiz.Kind `json:"kind"`
}

// maxPlanSlots bounds the plan of a schedule that fires very often.
const maxPlanSlots = 400

// runQuizPlan is `secbot quiz plan --channel C [--season YYYY] [--json]`:
// the coming rounds of a channel's curriculum, one per slot of the config's
// quiz schedule from now (or the season's start) to the season's end. The
// channel's past rounds this season come from SECBOT_DB when the file
// exists.
func runQuizPlan(ctx context.Context, env *Env, args []string) error {
	fset := newFlags(env, "quiz plan", "quiz plan --channel ID [--season YYYY] [--json]")
	channel := fset.String("channel", "", "the channel (as in quiz.channels)")
	seasonFlag := fset.String("season", "", "the season, by the year it starts in (default: the current one)")
	asJSON := fset.Bool("json", false, "print [{slot, term, kind}] as JSON")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 || *channel == "" {
		if *channel == "" {
			fmt.Fprintln(env.Stderr, "secbot quiz plan: --channel is required")
		}
		fset.Usage()
		return errUsage
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	seasons, err := quiz.ParseSeasons(cfg.Quiz.SeasonStart, cfg.Location)
	if err != nil {
		return err
	}
	now := time.Now()
	season := seasons.At(now)
	if *seasonFlag != "" {
		y, err := strconv.Atoi(*seasonFlag)
		if err != nil || y < 2000 || y > 2100 {
			fmt.Fprintf(env.Stderr, "secbot quiz plan: --season %q: write the year the season starts in, like %d\n", *seasonFlag, season.Year)
			return errUsage
		}
		season = seasons.Year(y)
	}
	if !now.Before(season.To) {
		return fmt.Errorf("season %s ended on %s: nothing is coming", season.Name(), season.To.Add(-time.Nanosecond).Format(time.DateOnly))
	}
	sched, err := schedules.ParseSpec(cfg.Quiz.Schedule, cfg.Location)
	if err != nil {
		return fmt.Errorf("quiz.schedule: %w", err)
	}
	start := now
	if season.From.After(start) {
		start = season.From
	}
	var slots []time.Time
	for t := sched.Next(start.Add(-time.Second)); !t.IsZero() && t.Before(season.To) && len(slots) < maxPlanSlots; t = sched.Next(t) {
		slots = append(slots, t)
	}
	if !slices.Contains(cfg.Quiz.Channels, *channel) {
		fmt.Fprintf(env.Stderr, "secbot quiz plan: note: %s is not in quiz.channels; this is the plan it would get\n", *channel)
	}
	var history []quiz.Asked
	if path := dbPath(env); postgres.IsURL(path) || !strings.Contains(path, "://") {
		if _, err := os.Stat(path); err == nil || postgres.IsURL(path) {
			db, err := openStoreReadOnly(env)
			if err != nil {
				return err
			}
			history, err = db.History(ctx, *channel, season.From, start)
			db.Close()
			if err != nil {
				return err
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("SECBOT_DB %s: %w", path, err)
		}
	}
	pack, err := loadPack(env)
	if err != nil {
		return err
	}
	plan := quiz.Plan(pack, *channel, season, history, len(slots))
	if *asJSON {
		rows := make([]planJSON, len(plan))
		for i, p := range plan {
			rows[i] = planJSON{Slot: slots[i].In(cfg.Location).Format(time.RFC3339), Term: p.Term, Kind: p.Kind}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	w := bufio.NewWriter(env.Stdout)
	fmt.Fprintf(w, "チャンネル %s・シーズン %s（%s〜%s）・これまで %dラウンド\n", *channel, season.Name(),
		season.From.Format(time.DateOnly), season.To.Add(-time.Nanosecond).Format(time.DateOnly), len(history))
	weekdays := []string{"日", "月", "火", "水", "木", "金", "土"}
	for i, p := range plan {
		t := slots[i].In(cfg.Location)
		fmt.Fprintf(w, "%s (%s) %s  %s  [%s]\n", t.Format(time.DateOnly), weekdays[t.Weekday()], t.Format("15:04"), p.Term, p.Kind)
	}
	return w.Flush()
}
