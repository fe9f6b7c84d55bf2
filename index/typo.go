package index

import (
	"slices"
	"sort"
	"unicode"
)

// typo returns the one term within the allowed edit distance of ck, or -1
// and the terms a little further away (for "did you mean").
func (ix *Index) typo(ck string) (int, []int) {
	q := []rune(ck)
	allowed := 0
	switch {
	case len(q) >= 10:
		allowed = 2
	case len(q) >= 4:
		allowed = 1
	}
	bestD := map[int]int{}
	// A name within the distance shares a bigram with the query (lookup.go)
	// and differs from it in length by the distance at most.
	limit := allowed + 1
	var rows osaRows
	bag := newRuneBag(q)
	ix.nameIx.sharing(ck, len(q)-limit, len(q)+limit, func(id int32) {
		n := ix.names[id]
		if bag.lowerBound(n.key, limit) > limit {
			return // osa would be above limit too; a large pack has many such names
		}
		d := rows.osa(q, n.key, limit)
		if d > limit || d == 2 && otherWord(q, n.key) {
			return
		}
		if old, ok := bestD[n.term]; !ok || d < old {
			bestD[n.term] = d
		}
	})
	minD, count, term := allowed+2, 0, -1
	for t, d := range bestD {
		switch {
		case d < minD:
			minD, count, term = d, 1, t
		case d == minD:
			count++
		}
	}
	if allowed > 0 && minD <= allowed && count == 1 {
		return term, nil
	}
	var near []int
	for t := range bestD {
		near = append(near, t)
	}
	sort.Slice(near, func(a, b int) bool {
		if bestD[near[a]] != bestD[near[b]] {
			return bestD[near[a]] < bestD[near[b]]
		}
		return near[a] < near[b]
	})
	return -1, near
}

// osaRows are the rows and the runes osa works on, reused from one call
// to the next.
type osaRows struct {
	prev2, prev, cur []int
	b                []rune
}

// osa is the optimal-string-alignment edit distance of a and bs, or
// limit+1 once it is sure to exceed limit.
func (r *osaRows) osa(a []rune, bs string, limit int) int {
	b := r.b[:0]
	for _, c := range bs {
		b = append(b, c)
	}
	r.b = b
	if len(r.prev) < len(b)+1 {
		r.prev2, r.prev, r.cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	prev2, prev, cur := r.prev2[:len(b)+1], r.prev[:len(b)+1], r.cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// runeBag holds the runes of a query, to bound from below the edit
// distance of a name before computing it: every edit (insertion, deletion,
// substitution, transposition) adds at most one rune the query lacks and
// removes at most one rune it has, so the distance is at least the number
// of the name's runes not among the query's, and of the query's not among
// the name's (counted with their repetitions).
type runeBag struct {
	runes        []rune // distinct, sorted
	counts, used []int32
	n            int
}

func newRuneBag(q []rune) runeBag {
	rs := slices.Clone(q)
	slices.Sort(rs)
	g := runeBag{n: len(q)}
	for _, r := range rs {
		if k := len(g.runes); k > 0 && g.runes[k-1] == r {
			g.counts[k-1]++
			continue
		}
		g.runes, g.counts = append(g.runes, r), append(g.counts, 1)
	}
	g.used = make([]int32, len(g.runes))
	return g
}

// lowerBound is a lower bound of the edit distance of the query and s, or
// some number above limit once it is sure to exceed limit.
func (g *runeBag) lowerBound(s string, limit int) int {
	defer clear(g.used)
	extra, n := 0, 0
	for _, r := range s {
		n++
		if i, ok := slices.BinarySearch(g.runes, r); ok && g.used[i] < g.counts[i] {
			g.used[i]++
		} else if extra++; extra > limit {
			return extra
		}
	}
	return max(extra, g.n-(n-extra))
}

// otherWord reports whether a and b differ only in two adjacent kanji,
// the same in number: a word of two kanji put for another (サイバーセキュ
// リティ対策 is no typo of サイバーセキュリティ戦略).
func otherWord(a []rune, bs string) bool {
	b := []rune(bs)
	if len(a) != len(b) {
		return false
	}
	var diff []int
	for i := range a {
		if a[i] != b[i] {
			diff = append(diff, i)
		}
	}
	if len(diff) != 2 || diff[1] != diff[0]+1 {
		return false
	}
	for _, i := range diff {
		if !unicode.Is(unicode.Han, a[i]) || !unicode.Is(unicode.Han, b[i]) {
			return false
		}
	}
	return true
}
