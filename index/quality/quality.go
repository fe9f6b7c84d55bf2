// Package quality scores secbot's answers against query files: hit@1 for
// glossary terms and chapter sections, and the share of "none" rows that are
// refused. It is run by index's tests and by cmd/quality.
//
// A query file is UTF-8 text, one row per line, columns separated by a tab:
// the query, then what should answer it. Lines starting with # are comments.
// In a term file (its name does not start with "ask") the answer is a
// glossary term name, several separated by |, or "none". In an ask file the
// answer is a section id prefix, several separated by |, "none", or
// "term:NAME" when the question names a glossary term.
//
// The mode follows the file's base name (see ModeOf): ask… and offtopic…
// files are asked as mentions (secbot ask), and so are chatty… files,
// whose second column names glossary terms as a term file's does; describe… files
// both as /term and as a mention, and a row counts only when both answer
// it; fact… files are asked as mentions and their second column is a fact
// string that the answer's shown text (see ShownText) must contain, both
// folded as names are; any other file is asked as /term.
//
// Scoring follows the shared eval files' rules: a returned term counts when
// an expected name, folded (NFKC-style width folding, lower case, spaces and
// punctuation removed), is contained in the returned name folded the same
// way; a passage counts when its section id starts with an expected id.
// hit@1 looks at the first passage only. A term answer to an ask row that
// expects a section counts when the first passage it carries (the chapter
// passage it shows as "where the chapter covers it") is in that section:
// that is what the person sees first.
package quality

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"secbot/index"
	"secbot/knowledge"
)

// Targets of issue 3.
const (
	TargetHitAt1 = 0.95
	// TargetRefused is the share of none rows that must be refused: all.
	TargetRefused = 1.0
)

// Mode says which question a file asks.
type Mode string

// The modes.
const (
	ModeTerm Mode = "term" // secbot term
	ModeAsk  Mode = "ask"  // secbot ask
	ModeBoth Mode = "both" // secbot term and secbot ask, both right
	ModeFact Mode = "fact" // secbot ask, the fact in the shown text
	ModeChat Mode = "chat" // secbot ask, a glossary term expected
)

// Case is one row of a query file.
type Case struct {
	Line     int
	Query    string
	Expected []string // names or section ids; empty when None
	None     bool
	// Term is set for ask rows of the form term:NAME.
	Term bool
	// Fact is set for rows of a fact file: Expected holds the fact.
	Fact bool
}

// Set is a parsed query file.
type Set struct {
	Name  string
	Mode  Mode
	Cases []Case
}

// ModeOf returns the mode of the file at path from its base name: ask for
// ask… and offtopic…; chat for chatty…; both for describe…; fact for fact…; else
// term.
func ModeOf(path string) Mode {
	base := filepath.Base(path)
	for _, m := range []struct {
		prefix string
		mode   Mode
	}{{"ask", ModeAsk}, {"chatty", ModeChat}, {"offtopic", ModeAsk}, {"describe", ModeBoth}, {"fact", ModeFact}} {
		if strings.HasPrefix(base, m.prefix) {
			return m.mode
		}
	}
	return ModeTerm
}

// ReadFile parses the query file at path.
func ReadFile(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, filepath.ToSlash(path), ModeOf(path))
}

// Parse parses a query file.
func Parse(r io.Reader, name string, mode Mode) (*Set, error) {
	set := &Set{Name: name, Mode: mode}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 || strings.TrimSpace(cols[1]) == "" {
			return nil, fmt.Errorf("%s:%d: want query<TAB>expected", name, n)
		}
		c := Case{Line: n, Query: cols[0]}
		exp := strings.TrimSpace(cols[1])
		switch {
		case exp == "none":
			c.None = true
		case mode == ModeFact:
			c.Fact = true
			c.Expected = []string{exp}
		case mode == ModeAsk && strings.HasPrefix(exp, "term:"):
			c.Term = true
			exp = strings.TrimPrefix(exp, "term:")
			fallthrough
		default:
			for _, e := range strings.Split(exp, "|") {
				if e = strings.TrimSpace(e); e != "" {
					c.Expected = append(c.Expected, e)
				}
			}
		}
		if (mode == ModeTerm || mode == ModeBoth || mode == ModeChat) && !c.None {
			c.Term = true
		}
		set.Cases = append(set.Cases, c)
	}
	return set, sc.Err()
}

// Answerer is what is scored; index.Index implements it.
type Answerer interface {
	Term(ctx context.Context, query string) (knowledge.Answer, error)
	Ask(ctx context.Context, question string) (knowledge.Answer, error)
}

// Result is one scored row.
type Result struct {
	Case   Case
	Answer knowledge.Answer
	Err    error
	OK     bool
}

// Report is the score of a set.
type Report struct {
	Set                   string
	Mode                  Mode
	TermRows, TermHits    int
	SectionRows, SecHits  int
	FactRows, FactHits    int
	NoneRows, NoneRefused int
	Results               []Result
}

// HitAt1 is the share of term, section and fact rows answered right first.
func (r *Report) HitAt1() float64 {
	n := r.TermRows + r.SectionRows + r.FactRows
	if n == 0 {
		return 1
	}
	return float64(r.TermHits+r.SecHits+r.FactHits) / float64(n)
}

// Refused is the share of none rows answered none.
func (r *Report) Refused() float64 {
	if r.NoneRows == 0 {
		return 1
	}
	return float64(r.NoneRefused) / float64(r.NoneRows)
}

// Pass reports whether the set meets the targets.
func (r *Report) Pass() bool {
	return r.HitAt1() >= TargetHitAt1 && r.Refused() >= TargetRefused
}

// Run scores set against a.
func Run(ctx context.Context, a Answerer, set *Set) *Report {
	rep := &Report{Set: set.Name, Mode: set.Mode}
	for _, c := range set.Cases {
		var ans, other knowledge.Answer
		var err error
		switch set.Mode {
		case ModeAsk, ModeFact, ModeChat:
			ans, err = a.Ask(ctx, c.Query)
		case ModeBoth:
			// The mention's answer must agree with /term's.
			ans, err = a.Term(ctx, c.Query)
			if err == nil {
				other, err = a.Ask(ctx, c.Query)
			}
		default:
			ans, err = a.Term(ctx, c.Query)
		}
		res := Result{Case: c, Answer: ans, Err: err}
		both := func(ok func(knowledge.Answer) bool) bool {
			if set.Mode == ModeBoth {
				if !ok(other) {
					res.Answer = other // show the answer that missed
					return false
				}
			}
			return ok(ans)
		}
		switch {
		case c.None:
			rep.NoneRows++
			res.OK = err == nil && both(func(a knowledge.Answer) bool { return a.Kind == knowledge.KindNone })
			if res.OK {
				rep.NoneRefused++
			}
		case c.Fact:
			rep.FactRows++
			res.OK = err == nil && FactHit(ans, c.Expected[0])
			if res.OK {
				rep.FactHits++
			}
		case c.Term:
			rep.TermRows++
			res.OK = err == nil && both(func(a knowledge.Answer) bool { return TermHit(a, c.Expected) })
			if res.OK {
				rep.TermHits++
			}
		default:
			rep.SectionRows++
			res.OK = err == nil && SectionHit(ans, c.Expected)
			if res.OK {
				rep.SecHits++
			}
		}
		rep.Results = append(rep.Results, res)
	}
	return rep
}

// TermHit reports whether ans names one of the expected terms.
func TermHit(ans knowledge.Answer, expected []string) bool {
	if ans.Kind != knowledge.KindTerm || ans.Term == nil {
		return false
	}
	got := index.Fold(ans.Term.Name)
	for _, e := range expected {
		if strings.Contains(got, index.Fold(e)) {
			return true
		}
	}
	return false
}

// ShownText is the text a person sees in ans: the term's definition and
// the passages shown with it, or the passages of a passage answer.
func ShownText(ans knowledge.Answer) string {
	var b strings.Builder
	switch ans.Shows() {
	case knowledge.KindTerm:
		b.WriteString(ans.Term.Definition + "\n")
		for _, p := range ans.Passages {
			b.WriteString(p.Text + "\n")
		}
	case knowledge.KindPassage:
		for _, p := range ans.Passages {
			b.WriteString(p.Text + "\n")
		}
	}
	return b.String()
}

// FactHit reports whether the shown text of ans (see ShownText) contains
// fact, both folded as names are (see index.Fold).
func FactHit(ans knowledge.Answer, fact string) bool {
	f := index.Fold(fact)
	return f != "" && strings.Contains(index.Fold(ShownText(ans)), f)
}

// SectionHit reports whether the first passage of ans is in one of the
// expected sections.
func SectionHit(ans knowledge.Answer, expected []string) bool {
	if ans.Kind == knowledge.KindNone || len(ans.Passages) == 0 {
		return false
	}
	for _, e := range expected {
		if strings.HasPrefix(ans.Passages[0].Section, e) {
			return true
		}
	}
	return false
}

// Write prints the report: one line of figures, then each miss.
func (r *Report) Write(w io.Writer, verbose bool) {
	status := "PASS"
	if !r.Pass() {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s %-36s %-4s rows=%d hit@1=%.3f (terms %d/%d, sections %d/%d, facts %d/%d) none refused=%d/%d\n",
		status, r.Set, r.Mode, len(r.Results), r.HitAt1(), r.TermHits, r.TermRows, r.SecHits, r.SectionRows, r.FactHits, r.FactRows, r.NoneRefused, r.NoneRows)
	for _, res := range r.Results {
		if res.OK && !verbose {
			continue
		}
		mark := "  ok  "
		if !res.OK {
			mark = "  MISS"
		}
		want := strings.Join(res.Case.Expected, "|")
		if res.Case.None {
			want = "none"
		}
		fmt.Fprintf(w, "%s %s:%d %q want %s, got %s\n", mark, r.Set, res.Case.Line, res.Case.Query, want, Describe(res.Answer, res.Err))
	}
}

// Describe is a one-line summary of an answer.
func Describe(a knowledge.Answer, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	switch a.Kind {
	case knowledge.KindTerm:
		s := "term " + a.Term.Name
		if a.Tentative {
			s = "tentative " + a.Term.Name + " (" + strings.Join(a.Suggestions, ",") + ")"
		}
		if len(a.Passages) > 0 {
			s += " [" + a.Passages[0].Section + "]"
		}
		return s
	case knowledge.KindPassage:
		ids := make([]string, len(a.Passages))
		for i, p := range a.Passages {
			ids[i] = p.Section
		}
		return "passage " + strings.Join(ids, ",")
	default:
		return "none " + strings.Join(a.Suggestions, ",")
	}
}
