package index

import (
	"context"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
)

// coverage is the weighted share of the query tokens qt found in set.
func coverage(qt []token, set map[string]struct{}) float64 {
	var have, total float64
	seen := map[string]bool{}
	for _, t := range qt {
		if seen[t.term] {
			continue
		}
		seen[t.term] = true
		w := tokenWeight(t)
		total += w
		if _, ok := set[t.term]; ok {
			have += w
		}
	}
	if total == 0 {
		return 0
	}
	return have / total
}

// weighedTokens are the distinct tokens of a query, in order, with their
// weights (tokenWeight) and the sum of them: what coverage and keyCoverage
// read, computed once for the many passages or sentences a query scores
// (the same sums, in the same order).
type weighedTokens struct {
	terms   []string
	weights []float64
	total   float64
}

// weigh returns the weighed tokens of qt.
func weigh(qt []token) weighedTokens {
	var wt weighedTokens
	seen := make(map[string]bool, len(qt))
	for _, t := range qt {
		if seen[t.term] {
			continue
		}
		seen[t.term] = true
		w := tokenWeight(t)
		wt.terms, wt.weights = append(wt.terms, t.term), append(wt.weights, w)
		wt.total += w
	}
	return wt
}

// coverage is coverage of the query by set.
func (wt weighedTokens) coverage(set map[string]struct{}) float64 {
	if wt.total == 0 {
		return 0
	}
	var have float64
	for i, t := range wt.terms {
		if _, ok := set[t]; ok {
			have += wt.weights[i]
		}
	}
	return have / wt.total
}

// distinctTokens counts the distinct tokens of qt.
func distinctTokens(qt []token) int {
	seen := map[string]bool{}
	for _, t := range qt {
		seen[t.term] = true
	}
	return len(seen)
}

// matched counts the distinct tokens of qt found in set.
func matched(qt []token, set map[string]struct{}) int {
	n := 0
	seen := map[string]bool{}
	for _, t := range qt {
		if _, ok := set[t.term]; ok && !seen[t.term] {
			seen[t.term] = true
			n++
		}
	}
	return n
}

// tokenWeight is what a query token counts for in coverage: a grammar
// bigram nothing, a weak (particle) bigram little, a Latin word as many as
// the bigrams a Japanese word of its length would make (up to
// latinMaxWeight), so that an unknown English word (docker) weighs like an
// unknown Japanese one.
func tokenWeight(t token) float64 {
	switch {
	case t.grammar:
		return 0
	case t.weak:
		return weakWeight
	case t.typ == analysis.AlphaNumeric:
		return min(latinMaxWeight, max(1, float64(len(t.term)-1)))
	}
	return 1
}

func strongTokens(qt []token) int {
	n := 0
	for _, t := range qt {
		if !t.weak {
			n++
		}
	}
	return n
}

// matchQuery builds a Bleve query for text: one Match query per field, each
// with its boost. The text is analyzed as data, never parsed as syntax.
func (ix *Index) matchQuery(text string, fields []string, boosts []float64) query.Query {
	qs := make([]query.Query, len(fields))
	for i, f := range fields {
		m := bleve.NewMatchQuery(text)
		m.SetField(f)
		m.Analyzer = ix.opts.analyzer()
		m.SetBoost(boosts[i])
		qs[i] = m
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// searchTerms returns the terms whose names and definitions best match text.
func (ix *Index) searchTerms(ctx context.Context, ft *fullText, text string) ([]int, error) {
	q := ix.matchQuery(text, []string{"name", "alias", "gloss", "definition"},
		[]float64{boostName, boostAlias, boostGloss, boostDefinition})
	req := bleve.NewSearchRequestOptions(q, 5, 0, false)
	res, err := ft.termIdx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(res.Hits))
	for _, h := range res.Hits {
		if i, err := strconv.Atoi(h.ID); err == nil {
			out = append(out, i)
		}
	}
	return out, nil
}
