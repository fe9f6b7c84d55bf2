package index

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"secbot/knowledge"
)

// Term answers what /term QUERY asks: the glossary entry the query means,
// or kind none with suggestions. It returns knowledge.CheckQuery's errors
// for queries secbot cannot look up.
func (ix *Index) Term(ctx context.Context, q string) (knowledge.Answer, error) {
	q, err := check(ctx, q)
	if err != nil {
		return knowledge.Answer{}, err
	}
	res, err := ix.resolve(ctx, q, true, fullTextAnswer)
	if err != nil {
		return knowledge.Answer{}, err
	}
	if res.term >= 0 {
		return ix.resolvedAnswer(q, res), nil
	}
	// A chapter concept that is not in the glossary (2025年の崖, 守りのIT投資)
	// is answered by the passage that explains it. A query close to several
	// glossary names (リスク → リスク評価, リスクアセスメント) keeps its
	// "did you mean" instead: /term is asked for a term.
	//
	// /term names a concept, it does not describe one: the section must hold
	// every word of the name (termPassageWords), not half of them as a
	// question's may. ネットの闇市 is not answered by the passages on the
	// Internet: 闇市, the word that makes it a concept, is nowhere in them.
	core := understand(q).question
	if !ix.partOfNames(Key(core), res.suggestions) {
		if a, ok, err := ix.passageAnswer(ctx, q, core, termPassageWords); err != nil || ok {
			if ok {
				a.Suggestions = ix.noneAnswer(q, res.suggestions).Suggestions
			}
			return a.Answer, err
		}
	}
	return ix.noneAnswer(q, res.suggestions), nil
}

// termAnswer is the answer naming term t.
func (ix *Index) termAnswer(q string, t int) knowledge.Answer {
	e := &ix.terms[t]
	term := e.term
	// Fresh, non-nil slices: the JSON contract shows [] rather than null,
	// and callers may change the answer.
	term.Aliases = append([]string{}, term.Aliases...)
	term.Refs = append([]string{}, term.Refs...)
	a := knowledge.Answer{Query: q, Kind: knowledge.KindTerm, Term: &term,
		Passages: []knowledge.Passage{}, Suggestions: []string{},
		Related: append([]string{}, e.related...)}
	for _, p := range e.passages {
		a.Passages = append(a.Passages, ix.passages[p].p)
	}
	return a
}

// resolvedAnswer is the answer naming res.term: tentative ("もしかして")
// with the runners-up as suggestions when reverse lookup was not sure.
func (ix *Index) resolvedAnswer(q string, res resolution) knowledge.Answer {
	a := ix.termAnswer(q, res.term)
	if res.tentative {
		a.Tentative = true
		seen := map[int]bool{res.term: true}
		for _, t := range res.suggestions {
			if !seen[t] && len(a.Suggestions) < maxTentativeAlternatives {
				seen[t] = true
				a.Suggestions = append(a.Suggestions, ix.terms[t].term.Name)
			}
		}
	}
	return a
}

// maxTentativeAlternatives is how many other terms a tentative answer
// offers.
const maxTentativeAlternatives = 2

// noneAnswer is the answer saying nothing answers q, with suggestions.
func (ix *Index) noneAnswer(q string, sugg []int) knowledge.Answer {
	a := knowledge.Answer{Query: q, Kind: knowledge.KindNone,
		Passages: []knowledge.Passage{}, Suggestions: []string{}}
	seen := map[int]bool{}
	for _, t := range sugg {
		if seen[t] || len(a.Suggestions) == maxSuggestions {
			continue
		}
		seen[t] = true
		a.Suggestions = append(a.Suggestions, ix.terms[t].term.Name)
	}
	return a
}

// partOfNames reports whether key is part of a name of one of the terms:
// the query is then an ambiguous piece of glossary names, not a concept.
func (ix *Index) partOfNames(key string, terms []int) bool {
	if key == "" {
		return false
	}
	for _, n := range ix.names {
		if utf8.RuneCountInString(key) >= 2 {
			break // see below: the index finds them
		}
		if slices.Contains(terms, n.term) && strings.Contains(n.key, key) {
			return true
		}
	}
	found := false
	ix.nameIx.containing(key, func(id int32) {
		found = found || slices.Contains(terms, ix.names[id].term) && strings.Contains(ix.names[id].key, key)
	})
	return found
}
