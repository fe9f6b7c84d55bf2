package main

import (
	"context"
	"encoding/json"
	"fmt"

	"secbot/bot"
)

func init() {
	register(command{name: "gaps", summary: "the questions secbot could not answer and the least helpful answers, last 30 days ([--json])", run: runGaps})
}

// runGaps is `secbot gaps [--json]`: what the glossary's owners should add
// or fix, read from SECBOT_DB (read-only).
func runGaps(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "gaps", "gaps [--json]")
	asJSON := fs.Bool("json", false, "print {since, unanswered: [{text, count, last}], least_helpful: [{answer, up, down}]}")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	db, err := openStoreReadOnly(env)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := (&bot.Gaps{Store: db}).Report(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	_, err = fmt.Fprintln(env.Stdout, r.Text())
	return err
}
