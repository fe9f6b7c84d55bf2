package index

import (
	"unicode/utf8"
)

// Lookups that keep Build and the name stages near-linear in the size of
// the pack (issue 10, "a company's own glossary, at scale"). A check of
// every name against every other term's keys, or of every term against
// every passage, grows with the square of the pack: a pack of 8,200 terms
// took minutes to build. Keys are computed once, and names are found by
// their first or any bigram through maps:
//
//   - starts maps the first two runes of a name's key to the names with
//     that start: the names a text contains are found by one map lookup per
//     position of the text (namesIn);
//   - grams maps every bigram of a name's key to the names holding it: the
//     names that contain a query are among those holding its first bigram
//     (namesContaining).

// nameIndex indexes keys (name keys, or any keys) for those lookups.
type nameIndex struct {
	keys   []string
	runes  []int32 // the length of each key in runes
	starts map[string][]int32
	grams  map[[2]rune][]int32
}

func newNameIndex() *nameIndex {
	return &nameIndex{starts: map[string][]int32{}, grams: map[[2]rune][]int32{}}
}

// add indexes key as number len(keys) and returns that number. Keys of
// fewer than two runes are kept but not indexed.
func (x *nameIndex) add(key string) int32 {
	id := int32(len(x.keys))
	x.keys = append(x.keys, key)
	rs := []rune(key)
	x.runes = append(x.runes, int32(len(rs)))
	if len(rs) < 2 {
		return id
	}
	start := string(rs[:2])
	x.starts[start] = append(x.starts[start], id)
	for i := 0; i+1 < len(rs); i++ {
		g := [2]rune{rs[i], rs[i+1]}
		if ids := x.grams[g]; len(ids) == 0 || ids[len(ids)-1] != id {
			x.grams[g] = append(ids, id) // once per key: ids grow in order
		}
	}
	return id
}

// in calls f for every occurrence of an indexed key of two runes or more
// in text (a Key), as a word (see latinBoundary): f(id, byte offset).
func (x *nameIndex) in(text string, f func(id int32, at int)) {
	for i := 0; i < len(text); {
		r1, s1 := utf8.DecodeRuneInString(text[i:])
		if i+s1 >= len(text) {
			break
		}
		_, s2 := utf8.DecodeRuneInString(text[i+s1:])
		_ = r1
		for _, id := range x.starts[text[i:i+s1+s2]] {
			k := x.keys[id]
			if len(text)-i >= len(k) && text[i:i+len(k)] == k && latinBoundary(text, i, i+len(k)) {
				f(id, i)
			}
		}
		i += s1
	}
}

// containing calls f for every indexed key that contains q (a Key of two
// runes or more) as a word.
func (x *nameIndex) containing(q string, f func(id int32)) {
	rs := []rune(q)
	if len(rs) < 2 {
		return
	}
	// The rarest bigram of q bounds the candidates best.
	best := x.grams[[2]rune{rs[0], rs[1]}]
	for i := 1; i+1 < len(rs) && len(best) > 0; i++ {
		if c := x.grams[[2]rune{rs[i], rs[i+1]}]; len(c) < len(best) {
			best = c
		}
	}
	for _, id := range best {
		if containsKey(x.keys[id], q) {
			f(id)
		}
	}
}

// sharing calls f, once, for every indexed key of minRunes to maxRunes
// runes that shares a bigram with q. The length is checked first: in a
// large pack a common bigram is held by thousands of names.
func (x *nameIndex) sharing(q string, minRunes, maxRunes int, f func(id int32)) {
	rs := []rune(q)
	seen := make([]uint64, (len(x.keys)+63)/64)
	for i := 0; i+1 < len(rs); i++ {
		for _, id := range x.grams[[2]rune{rs[i], rs[i+1]}] {
			if n := int(x.runes[id]); n < minRunes || n > maxRunes {
				continue
			}
			if w, bit := id/64, uint64(1)<<(id%64); seen[w]&bit == 0 {
				seen[w] |= bit
				f(id)
			}
		}
	}
}
