package main

import (
	"context"

	"secbot/index"
)

func init() {
	register(command{name: "ask", summary: "answer a free question as a mention or DM does (QUESTION, or one per line of stdin)", run: runAsk})
}

func runAsk(ctx context.Context, env *Env, args []string) error {
	return runAnswers(ctx, env, args, "ask", "ask [--json] [QUESTION]",
		func(ix *index.Index) answerFunc { return ix.Ask })
}
