package quiz

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"secbot/knowledge"
)

// Asked is one round a channel was asked: what the curriculum learns from.
type Asked struct {
	Term string
	Kind Kind
	At   time.Time
	// Answers and Correct count the round's answers and the right ones.
	Answers, Correct int
}

// Planned is a coming round of a channel's curriculum.
type Planned struct {
	Term string
	Kind Kind
}

// ErrNotAskable is returned by GenerateFor for a term and kind that make
// no question (an unknown term, or a kind the term cannot be asked as).
var ErrNotAskable = errors.New("quiz: the term cannot be asked that way")

// Plan returns the next n rounds of a channel's curriculum in a season,
// given what the channel was asked so far this season (history, oldest
// first).
//
// The curriculum goes in cycles. In the first, every askable term of the
// pack comes once, in an order drawn from the channel and the season (the
// same every time Plan is asked, different for another channel or season);
// a term asked before it was planned (/quiz start) counts as asked. Each
// later cycle again asks every term once, the terms the channel answered
// worst this season first (lowest correct rate; a term nobody answered
// counts as 0%), ties in the first cycle's order. A term's kind of question
// is drawn per cycle among the kinds it can be asked as.
func Plan(pack *knowledge.Pack, channel string, season Season, history []Asked, n int) []Planned {
	if pack == nil || n <= 0 {
		return nil
	}
	c := newCurriculum(pack, channel, season)
	if len(c.terms) == 0 {
		return nil
	}
	index := make(map[string]int, len(c.terms))
	for i, t := range c.terms {
		index[t.name] = i
	}
	answers := make([]int, len(c.terms))
	correct := make([]int, len(c.terms))
	seen := make([]bool, len(c.terms))
	cycle, left := 0, len(c.terms)
	for _, h := range history {
		i, ok := index[h.Term]
		if !ok {
			continue // a term the pack no longer has
		}
		answers[i] += h.Answers
		correct[i] += h.Correct
		if !seen[i] {
			seen[i] = true
			left--
		}
		if left == 0 {
			cycle++
			clear(seen)
			left = len(c.terms)
		}
	}
	order := c.order // the first cycle's
	if cycle > 0 {
		order = c.weakestFirst(answers, correct)
	}
	out := make([]Planned, 0, n)
	for len(out) < n {
		for _, i := range order {
			if len(out) == n {
				break
			}
			if seen[i] {
				continue
			}
			seen[i] = true
			out = append(out, Planned{Term: c.terms[i].name, Kind: c.kind(i, cycle)})
		}
		if len(out) < n {
			cycle++
			clear(seen)
			order = c.weakestFirst(answers, correct)
		}
	}
	return out
}

// curriculum is a channel's askable terms in a season.
type curriculum struct {
	channel, season string
	terms           []curriculumTerm
	// order is the first cycle's order (indexes of terms).
	order []int
	// rank is each term's place in order.
	rank []int
}

type curriculumTerm struct {
	name  string
	kinds []Kind
}

func newCurriculum(pack *knowledge.Pack, channel string, season Season) *curriculum {
	a := askableOf(pack.Terms)
	c := &curriculum{channel: channel, season: season.Name()}
	byTerm := map[int]int{} // askable.terms index → c.terms index
	for _, cand := range a.cands {
		i, ok := byTerm[cand.term]
		if !ok {
			i = len(c.terms)
			byTerm[cand.term] = i
			c.terms = append(c.terms, curriculumTerm{name: a.terms[cand.term].Name})
		}
		c.terms[i].kinds = append(c.terms[i].kinds, cand.kind)
	}
	c.order = make([]int, len(c.terms))
	for i := range c.order {
		c.order[i] = i
	}
	r := newRNG(int64(c.hash("order")))
	r.shuffle(len(c.order), func(i, j int) { c.order[i], c.order[j] = c.order[j], c.order[i] })
	c.rank = make([]int, len(c.terms))
	for pos, i := range c.order {
		c.rank[i] = pos
	}
	return c
}

// hash is a stable hash of the channel, the season and parts.
func (c *curriculum) hash(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range append([]string{c.channel, c.season}, parts...) {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// kind is the kind term i is asked as in a cycle.
func (c *curriculum) kind(i, cycle int) Kind {
	ks := c.terms[i].kinds
	return ks[c.hash("kind", c.terms[i].name, fmt.Sprint(cycle))%uint64(len(ks))]
}

// weakestFirst orders the terms by correct rate, lowest first (no answers
// counts as 0%), then by the first cycle's order.
func (c *curriculum) weakestFirst(answers, correct []int) []int {
	order := slices.Clone(c.order)
	slices.SortStableFunc(order, func(i, j int) int {
		// correct[i]/answers[i] vs correct[j]/answers[j], exactly; a term
		// without answers is 0/1.
		ai, aj := max(answers[i], 1), max(answers[j], 1)
		return cmp.Or(cmp.Compare(correct[i]*aj, correct[j]*ai), cmp.Compare(c.rank[i], c.rank[j]))
	})
	return order
}

// Askable returns the names of the terms of pack the curriculum asks: those
// that make a question of at least one kind.
func Askable(pack *knowledge.Pack) []string {
	if pack == nil {
		return nil
	}
	c := newCurriculum(pack, "", Season{})
	out := make([]string, len(c.terms))
	for i, t := range c.terms {
		out[i] = t.name
	}
	return out
}

// GenerateFor returns the question of kind about the named term, as
// deterministically as Generate: the same seed gives the same choices in
// the same order. It returns ErrNotAskable when the term is unknown or
// cannot be asked as kind.
func GenerateFor(pack *knowledge.Pack, term string, kind Kind, seed int64) (Question, error) {
	if pack == nil {
		return Question{}, ErrTooFewTerms
	}
	a := askableOf(pack.Terms)
	for _, cand := range a.cands {
		if cand.kind != kind || a.terms[cand.term].Name != term {
			continue
		}
		if q, ok := build(pack, a.terms, a.terms[cand.term], kind, newRNG(seed)); ok {
			return q, nil
		}
	}
	return Question{}, fmt.Errorf("%w: %q as %s", ErrNotAskable, term, kind)
}
