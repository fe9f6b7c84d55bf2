package index

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// glossTerms returns the terms of ns when its surest names are glosses
// (ns is sorted by tier) that name more than one term, else nil.
func glossTerms(ns []name) []int {
	if ns[0].tier != tierGloss {
		return nil
	}
	var out []int
	for _, n := range ns {
		if !slices.Contains(out, n.term) {
			out = append(out, n.term)
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// icVariant returns the other katakana spelling of an English word in -ics
// or -ic, which Japanese writes both ways (フォレンジクス / フォレンジック,
// グラフィックス / グラフィック): ck (a Key) ending in ックス or クス becomes
// the ック form. It returns "" for any other ck.
func icVariant(ck string) string {
	switch {
	case strings.HasSuffix(ck, "ックス"):
		if utf8.RuneCountInString(ck) > 4 {
			return strings.TrimSuffix(ck, "ス")
		}
	case strings.HasSuffix(ck, "クス") && utf8.RuneCountInString(ck) > 3:
		base := strings.TrimSuffix(ck, "クス")
		if r, _ := utf8.DecodeLastRuneInString(base); unicode.Is(unicode.Katakana, r) {
			return base + "ック"
		}
	}
	return ""
}

// distinct reports whether no term but t uses ck in its definition.
func (ix *Index) distinct(ck string, t int) bool {
	other := false
	ix.defIx.containing(ck, func(id int32) { other = other || int(id) != t })
	return !other
}

// commonStem returns the term among terms whose matched name (in keys) is
// the start of every other one's, or -1.
func commonStem(terms []int, keys map[int]string) int {
	short := terms[0]
	for _, t := range terms {
		if len(keys[t]) < len(keys[short]) {
			short = t
		}
	}
	stem := keys[short]
	for _, t := range terms {
		k := keys[t]
		if len(k) < len(stem) || k[:len(stem)] != stem {
			return -1
		}
	}
	return short
}

// contained returns the term with the longest name contained in ck, and how
// much of ck that name covers; -1 when there is none.
func (ix *Index) contained(ck string) (int, float64) { return ix.containedSkip(ck, nil) }

// containedSkip is contained leaving out the terms in skip.
func (ix *Index) containedSkip(ck string, skip map[int]bool) (int, float64) {
	best, bestLen, bestID := -1, 0, int32(-1)
	ix.nameIx.in(ck, func(id int32, _ int) {
		n := ix.names[id]
		l := utf8.RuneCountInString(n.key)
		// The longest name, the first in ix.names among equals.
		if l < bestLen || l == bestLen && id > bestID || n.key == ck || skip[n.term] {
			return
		}
		best, bestLen, bestID = n.term, l, id
	})
	if best < 0 {
		return -1, 0
	}
	return best, float64(bestLen) / float64(utf8.RuneCountInString(ck))
}

// qualified returns the term whose names hold more of the query's words
// (see words) than those of c, the term contained() found, and all of them;
// else c. A qualified query names the longer term it qualifies:
// NISTのフレームワーク holds the name フレームワーク, but the name NIST
// サイバーセキュリティフレームワーク holds both NIST and フレームワーク. The
// returned coverage is then 1: every word of the query is in the name.
func (ix *Index) qualified(core string, c int, cov float64) (int, float64) {
	var ws []string
	for _, w := range words(core) {
		if utf8.RuneCountInString(w) >= 2 {
			ws = append(ws, w)
		}
	}
	if len(ws) < 2 || len(ws) > 64 {
		return c, cov
	}
	held := map[int]uint64{} // term → the words its names hold
	for i, w := range ws {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		ix.nameIx.containing(w, func(id int32) {
			held[ix.names[id].term] |= 1 << i
		})
	}
	all := uint64(1)<<len(ws) - 1
	if held[c] == all {
		// Every word of the query is in c's names (情報セキュリティのCIA).
		return c, 1
	}
	best, count := -1, 0
	for t, h := range held {
		if t != c && h == all {
			best = t
			count++
		}
	}
	if count != 1 {
		return c, cov
	}
	return best, 1
}
