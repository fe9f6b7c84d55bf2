package index

// This file links what Build found: terms to their related terms, and
// passages to the terms they name.

import (
	"sort"
	"strings"
	"unicode/utf8"
)

func addTokens(set map[string]struct{}, s string) {
	for _, t := range textTokens(s) {
		set[t.term] = struct{}{}
	}
}

// linkTerms fills each term's related terms and passages, in time near
// linear in the pack (see lookup.go): which headwords each definition
// holds is found once, by the headwords' first bigrams.
func (ix *Index) linkTerms() {
	n := len(ix.terms)
	heads := newNameIndex() // id = term
	long := make([]bool, n) // headword of two runes or more
	for i, e := range ix.terms {
		heads.add(e.nameKey)
		long[i] = utf8.RuneCountInString(e.nameKey) >= 2
	}
	uses := make([][]int32, n)   // uses[i]: the terms whose headword i's definition holds
	usedBy := make([][]int32, n) // usedBy[j]: the terms whose definition holds j's headword
	for i, e := range ix.terms {
		seen := map[int32]bool{}
		heads.in(e.defKey, func(j int32, _ int) {
			if int(j) != i && !seen[j] && long[j] {
				seen[j] = true
				uses[i] = append(uses[i], j)
				usedBy[j] = append(usedBy[j], int32(i))
			}
		})
	}
	byRef := map[string][]int32{}
	for i, e := range ix.terms {
		for _, r := range e.term.Refs {
			byRef[r] = append(byRef[r], int32(i))
		}
	}
	for i := range ix.terms {
		e := &ix.terms[i]
		score := map[int]float64{}
		for _, j := range uses[i] {
			score[int(j)] += 3 // this definition uses that term
		}
		if long[i] {
			for _, j := range usedBy[i] {
				score[int(j)] += 2 // that definition uses this term
			}
		}
		// Sections both cite: a tie-breaker among the terms above, and
		// alone a weak link (at most 1, from two shared sections), so
		// that a term cited everywhere (VPN) does not crowd out the
		// terms whose definitions name this one. A section cited by more
		// than maxRefFanout terms links none of them: it says nothing
		// about any one.
		shared := map[int]int{}
		for _, r := range e.term.Refs {
			if ts := byRef[r]; len(ts) <= maxRefFanout {
				for _, j := range ts {
					if int(j) != i && long[j] {
						shared[int(j)]++
					}
				}
			}
		}
		for j, k := range shared {
			if score[j] > 0 || k >= 2 {
				score[j] += min(1, 0.25*float64(k))
			}
		}
		var cands []int
		for j, s := range score {
			if s >= 1 {
				cands = append(cands, j)
			}
		}
		sort.Slice(cands, func(a, b int) bool {
			if score[cands[a]] != score[cands[b]] {
				return score[cands[a]] > score[cands[b]]
			}
			return cands[a] < cands[b]
		})
		if len(cands) > maxRelated {
			cands = cands[:maxRelated]
		}
		e.related = make([]string, len(cands))
		for k, j := range cands {
			e.related[k] = ix.terms[j].term.Name
		}
	}
	ix.linkPassages()
}

// linkPassages fills each term's passages: those that name the term, best
// first: those of a section the term cites, then those naming it most
// often for their length; headings and labels (under minExtraLength
// characters) are left out. Each passage is read once, its names found
// through ix.nameIx.
func (ix *Index) linkPassages() {
	type hit struct {
		i     int
		score float64
	}
	hits := make([][]hit, len(ix.terms))
	for i, p := range ix.passages {
		if utf8.RuneCountInString(p.p.Text) < minExtraLength {
			continue // a heading or a label says nothing about the term
		}
		count := map[int]int{}
		ix.nameIx.in(p.key, func(id int32, _ int) { count[ix.names[id].term]++ })
		for t, c := range count {
			s := float64(c) / (1 + float64(len(p.key))/200)
			for _, r := range ix.terms[t].term.Refs {
				if strings.HasPrefix(p.p.Section, r) {
					s += 2
					break
				}
			}
			hits[t] = append(hits[t], hit{i, s})
		}
	}
	for t, hs := range hits {
		sort.SliceStable(hs, func(a, b int) bool { return hs[a].score > hs[b].score })
		var out []int
		for _, h := range hs {
			if len(out) == maxTermPassages {
				break
			}
			out = append(out, h.i)
		}
		ix.terms[t].passages = out
	}
}

// containsKey reports whether key k occurs in s as a word: a Latin key
// (ai, vpn) must not be part of a longer Latin word (email).
func containsKey(s, k string) bool { return countKey(s, k) > 0 }

func countKey(s, k string) int {
	n := 0
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], k)
		if i < 0 {
			break
		}
		i += off
		if latinBoundary(s, i, i+len(k)) {
			n++
		}
		off = i + len(k)
	}
	return n
}

// latinBoundary reports whether s[i:j] is not glued to Latin letters or
// digits that would make it part of another word: ai is not in email, but
// lockbit is in lockbit20 (a letter meets a digit).
func latinBoundary(s string, i, j int) bool {
	if i > 0 && glued(s[i-1], s[i]) {
		return false
	}
	if j < len(s) && glued(s[j-1], s[j]) {
		return false
	}
	return true
}

// glued reports whether bytes a and b are both ASCII letters or both digits.
func glued(a, b byte) bool {
	letter := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
	digit := func(c byte) bool { return '0' <= c && c <= '9' }
	return letter(a) && letter(b) || digit(a) && digit(b)
}
