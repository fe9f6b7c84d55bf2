package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"secbot/knowledge"
)

func init() {
	register(command{name: "glossary", summary: "list every glossary term", run: runGlossary})
}

// glossaryEntry is one element of `secbot glossary --json`, the shape
// DESIGN.md gives: aliases and refs are [] when empty, never null.
type glossaryEntry struct {
	Name       string   `json:"name"`
	Reading    string   `json:"reading"`
	Aliases    []string `json:"aliases"`
	Definition string   `json:"definition"`
	Refs       []string `json:"refs"`
}

// runGlossary is `secbot glossary [--json]`: every term of the knowledge
// the bot serves (the default pack and the packs SECBOT_CONFIG lists).
func runGlossary(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "glossary", "glossary [--json]")
	asJSON := fs.Bool("json", false, "print a JSON array of {name, reading, aliases, definition, refs}")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	p, err := loadPack(env)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]glossaryEntry, 0, len(p.Terms))
		for _, t := range p.Terms {
			out = append(out, glossaryEntry{
				Name:       t.Name,
				Reading:    t.Reading,
				Aliases:    nonNil(t.Aliases),
				Definition: t.Definition,
				Refs:       nonNil(t.Refs),
			})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := bufio.NewWriter(env.Stdout)
	for i, t := range p.Terms {
		if i > 0 {
			w.WriteString("\n")
		}
		writeTerm(w, t)
	}
	fmt.Fprintf(w, "\n%d terms\n", len(p.Terms))
	return w.Flush()
}

// writeTerm writes one term for a person to read:
//
//	CSIRT（シーサート） Computer Security Incident Response Team
//	  別名: …
//	  Computer Security Incident Response Teamの略。…
//	  参照: 2-1-3
func writeTerm(w *bufio.Writer, t knowledge.Term) {
	w.WriteString(t.Name)
	if t.Reading != "" {
		fmt.Fprintf(w, "（%s）", t.Reading)
	}
	if t.English != "" && !strings.HasPrefix(t.Definition, t.English) {
		fmt.Fprintf(w, " %s", t.English)
	}
	w.WriteString("\n")
	if len(t.Aliases) > 0 {
		fmt.Fprintf(w, "  別名: %s\n", strings.Join(t.Aliases, "、"))
	}
	fmt.Fprintf(w, "  %s\n", t.Definition)
	if len(t.Refs) > 0 {
		fmt.Fprintf(w, "  参照: %s\n", strings.Join(t.Refs, "、"))
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
