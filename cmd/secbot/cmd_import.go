package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"secbot/knowledge"
	"secbot/knowledge/seminar"
)

func init() {
	register(command{name: "import", summary: "turn the seminar text into a knowledge pack (YAML)", run: runImport})
}

// runImport is `secbot import SOURCE -o DIR`: it reads the seminar text
// (SOURCE, or standard input for -) and writes glossary.yaml, chapter.yaml
// and tips.yaml into DIR.
func runImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "import", "import SOURCE -o DIR")
	out := fs.String("o", "", "write the pack into `DIR` (created if needed)")
	// Flags may come before or after SOURCE: secbot import text.txt -o pack.
	var rest []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(rest) != 1 || *out == "" {
		fs.Usage()
		return errUsage
	}
	var r io.Reader = env.Stdin
	if rest[0] != "-" {
		f, err := os.Open(rest[0])
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	p, err := seminar.Import(r)
	if err != nil {
		return fmt.Errorf("%s: %w", rest[0], err)
	}
	if err := seminar.Write(*out, p); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d terms, %d sections, %d tips (%s, %s, %s)\n", *out,
		len(p.Terms), len(p.Sections), len(p.Tips), knowledge.GlossaryFile, knowledge.ChapterFile, knowledge.TipsFile)
	return nil
}
