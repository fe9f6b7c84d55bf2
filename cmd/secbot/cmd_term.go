package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"secbot/bot"
	"secbot/index"
	"secbot/knowledge"
)

func init() {
	register(command{name: "term", summary: "look up a glossary term as /term does (QUERY, or one per line of stdin)", run: runTerm})
}

func runTerm(ctx context.Context, env *Env, args []string) error {
	return runAnswers(ctx, env, args, "term", "term [--json] [QUERY]",
		func(ix *index.Index) answerFunc { return ix.Term })
}

// answerFunc is index.Index's Term or Ask.
type answerFunc func(ctx context.Context, query string) (knowledge.Answer, error)

// runAnswers runs `secbot term` or `secbot ask`. With a query in args it
// answers it; with none it answers each line of standard input, one answer
// per line (with --json, one JSON object per line), so that a file of
// queries can be scored at once.
//
// A query secbot cannot look up (longer than knowledge.MaxQueryRunes,
// control characters): in one-shot mode the reason goes to standard error
// and the command fails (exit 1); in batch mode that line is answered
// kind none, with no suggestions, and the reason goes to standard error with
// the line number, so the output stays one answer per input line and the
// batch goes on. A blank line is answered the same way. An empty QUERY
// argument prints the usage (exit 2).
func runAnswers(ctx context.Context, env *Env, args []string, name, usageLine string, pick func(*index.Index) answerFunc) error {
	fs := newFlags(env, name, usageLine)
	asJSON := fs.Bool("json", false, "write the answer as JSON (one object per line)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	oneShot := fs.NArg() > 0
	query := strings.Join(fs.Args(), " ")
	if oneShot && strings.TrimSpace(query) == "" {
		fs.Usage()
		return errUsage
	}
	pack, err := loadPack(env)
	if err != nil {
		return err
	}
	ix, err := index.Build(pack)
	if err != nil {
		return err
	}
	defer ix.Close()
	answer := pick(ix)
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	w := answerWriter{w: out, json: *asJSON, pack: pack}

	if oneShot {
		ans, err := answer(ctx, query)
		if err != nil {
			return queryError(err)
		}
		return w.write(ans)
	}

	in := bufio.NewReader(env.Stdin)
	for n := 1; ; n++ {
		line, readErr := in.ReadString('\n')
		if readErr != nil && readErr != io.EOF {
			return readErr
		}
		if readErr == io.EOF && line == "" {
			return nil
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		ans, err := answer(ctx, line)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			fmt.Fprintf(env.Stderr, "secbot %s: line %d: %v\n", name, n, queryError(err))
			ans = knowledge.Answer{Query: line, Kind: knowledge.KindNone,
				Passages: []knowledge.Passage{}, Suggestions: []string{}}
		}
		if err := w.write(ans); err != nil {
			return err
		}
		if readErr == io.EOF {
			return nil
		}
	}
}

// queryError turns knowledge.CheckQuery's errors into what a person should
// do about them; other errors pass through.
func queryError(err error) error {
	switch {
	case errors.Is(err, knowledge.ErrLongQuery):
		return fmt.Errorf("%w: type only the word or a short question", err)
	case errors.Is(err, knowledge.ErrControlChars), errors.Is(err, knowledge.ErrInvalidUTF8):
		return fmt.Errorf("%w: type the query as one line of plain text", err)
	case errors.Is(err, knowledge.ErrEmptyQuery):
		return fmt.Errorf("%w: type a term or a question, e.g. ゼロトラスト", err)
	}
	return err
}

// answerWriter writes answers as JSON lines or as readable blocks.
type answerWriter struct {
	w     *bufio.Writer
	json  bool
	pack  *knowledge.Pack
	count int
}

func (a *answerWriter) write(ans knowledge.Answer) error {
	defer func() { a.count++ }()
	if a.json {
		enc := json.NewEncoder(a.w)
		enc.SetEscapeHTML(false)
		return enc.Encode(ans)
	}
	if a.count > 0 {
		a.w.WriteString("\n") // a blank line between blocks
	}
	_, err := a.w.WriteString(bot.AnswerReply(ans, a.pack).Text + "\n")
	return err
}
