package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"secbot/bot"
	"secbot/quiz"
)

func init() {
	register(command{name: "quiz", summary: "show a generated quiz question (--seed N); `quiz export` writes every answer as CSV, `quiz report` the HR workbook, `quiz plan` a channel's coming rounds", run: runQuiz})
}

// DefaultDBPath is the SQLite file secbot uses when SECBOT_DB is not set.
const DefaultDBPath = "secbot.db"

// dbPath returns SECBOT_DB, or DefaultDBPath.
func dbPath(env *Env) string {
	if p := env.Getenv("SECBOT_DB"); p != "" {
		return p
	}
	return DefaultDBPath
}

// quizJSON is `secbot quiz --json`: exactly {question, choices, answer, term, explanation}.
type quizJSON struct {
	Question    string   `json:"question"`
	Choices     []string `json:"choices"`
	Answer      int      `json:"answer"`
	Term        string   `json:"term"`
	Explanation string   `json:"explanation"`
}

// runQuiz is `secbot quiz [--json] [--seed N]`: one question generated from
// the pack; the same seed gives the same question. Without --seed a seed is
// drawn and printed (text mode) so the question can be had again.
func runQuiz(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return runQuizExport(ctx, env, args[1:])
		case "report":
			return runQuizReport(ctx, env, args[1:])
		case "plan":
			return runQuizPlan(ctx, env, args[1:])
		}
	}
	fset := newFlags(env, "quiz", "quiz [--json] [--seed N]\n       secbot quiz export --format csv [--bom] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--channel ID]"+
		"\n       secbot quiz report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--channel ID] --out FILE.xlsx"+
		"\n       secbot quiz plan --channel ID [--season YYYY] [--json]")
	asJSON := fset.Bool("json", false, "print {question, choices, answer, term, explanation} as JSON")
	seed := fset.Int64("seed", 0, "the question's seed (default: a random one)")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		fset.Usage()
		return errUsage
	}
	seeded := false
	fset.Visit(func(f *flag.Flag) { seeded = seeded || f.Name == "seed" })
	if !seeded {
		*seed = time.Now().UnixNano() >> 1
	}
	pack, err := loadPack(env)
	if err != nil {
		return err
	}
	q, err := quiz.Generate(pack, *seed)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(quizJSON{Question: q.Question, Choices: q.Choices, Answer: q.Answer, Term: q.Term, Explanation: q.Explanation})
	}
	w := bufio.NewWriter(env.Stdout)
	fmt.Fprintf(w, "%s\n", q.Question)
	for i, c := range q.Choices {
		fmt.Fprintf(w, "%s. %s\n", quiz.ChoiceLetter(i), c)
	}
	fmt.Fprintf(w, "\n正解: %s. %s\n解説: %s\n", quiz.ChoiceLetter(q.Answer), q.Choices[q.Answer], q.Explanation)
	if q.Section != "" {
		fmt.Fprintf(w, "該当箇所: %s\n", bot.SectionsText([]bot.SectionRef{{ID: q.Section, Title: pack.SectionTitle(q.Section)}}))
	}
	fmt.Fprintf(w, "(seed %d)\n", *seed)
	return w.Flush()
}

// runQuizExport is `secbot quiz export --format csv [--bom] [--from D]
// [--to D] [--channel C]`: every recorded answer (round, channel, user id
// and name, choice, correct, time) from SECBOT_DB, oldest first, the
// database opened read-only. --from and --to are days in the config's
// timezone, both included. --bom starts the file with a UTF-8 byte order
// mark and ends lines with CRLF, so that Excel on Japanese Windows reads
// the names right.
func runQuizExport(ctx context.Context, env *Env, args []string) error {
	fset := newFlags(env, "quiz export", "quiz export --format csv [--bom] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--channel ID]")
	format := fset.String("format", "csv", "the output format (csv)")
	bom := fset.Bool("bom", false, "start with a UTF-8 BOM and end lines with CRLF (for Excel)")
	from := fset.String("from", "", "the first day to include (YYYY-MM-DD)")
	to := fset.String("to", "", "the last day to include (YYYY-MM-DD)")
	channel := fset.String("channel", "", "only this channel's answers")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 || *format != "csv" {
		if *format != "csv" {
			fmt.Fprintf(env.Stderr, "secbot quiz export: --format %q: only csv is supported\n", *format)
		}
		fset.Usage()
		return errUsage
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	f, err := parsePeriod(env, "quiz export", cfg, *from, *to)
	if err != nil {
		return err
	}
	f.Channel = *channel
	db, err := openStoreReadOnly(env)
	if err != nil {
		return err
	}
	defer db.Close()
	answers, err := db.Answers(ctx, f)
	if err != nil {
		return err
	}
	if !*bom {
		return quiz.WriteCSV(env.Stdout, answers, cfg.Location)
	}
	w := bufio.NewWriter(env.Stdout)
	w.WriteString("\ufeff")
	if err := quiz.WriteCSV(&crlfWriter{w: w}, answers, cfg.Location); err != nil {
		return err
	}
	return w.Flush()
}

// crlfWriter turns every LF not already after a CR into CRLF, as
// encoding/csv's UseCRLF does: Excel wants CRLF line ends.
type crlfWriter struct {
	w      io.Writer
	lastCR bool
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	var out []byte
	for _, b := range p {
		if b == '\n' && !c.lastCR {
			out = append(out, '\r')
		}
		out = append(out, b)
		c.lastCR = b == '\r'
	}
	if _, err := c.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// parsePeriod reads --from and --to (days in the config's timezone, both
// included) into a filter; a bad day is a usage error that says why.
func parsePeriod(env *Env, cmd string, cfg *Config, from, to string) (quiz.Filter, error) {
	var f quiz.Filter
	for _, d := range []struct {
		flag, val string
		dst       *time.Time
		days      int
	}{{"from", from, &f.From, 0}, {"to", to, &f.To, 1}} {
		if d.val == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.val, cfg.Location)
		if err != nil {
			fmt.Fprintf(env.Stderr, "secbot %s: --%s %q: write the day as YYYY-MM-DD\n", cmd, d.flag, d.val)
			return f, errUsage
		}
		*d.dst = t.AddDate(0, 0, d.days)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		fmt.Fprintf(env.Stderr, "secbot %s: --from %s is after --to %s\n", cmd, from, to)
		return f, errUsage
	}
	return f, nil
}
