package index

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"sync"
)

// passageIndex is secbot's own inverted index over the chapter passages,
// in place of Bleve for passage search (search.go): the same two fields
// (text, title), the same tokens (textTokens, what bigramAnalyzer gives
// Bleve) and the same scores as Bleve 2.6.3's scorch runs for the query of
// matchQuery, so that the answers do not change (TestPassageScoresAreBleves).
// Bleve merged the posting lists of every query token through its
// disjunction searchers, a cost that grew with the pack (/term answered by
// passages: p99 10–17 ms at 100 copies of the default pack); this adds each
// posting into an array of scores.
//
// The query Bleve runs for a text (matchQuery over text^1 and title^0.5)
// is a disjunction of two match queries; each match query is a
// disjunction (min 1) of one term query per token of the text, duplicates
// included. Bleve scores it with its tf-idf model:
//
//	term score  = sqrt(freq) · norm · idf · (boost · idf · queryNorm)
//	norm        = float32(1/sqrt(tokens in the field))   (zap stores it as a float32)
//	idf         = 1 + ln(docs / (docFreq + 1))
//	queryNorm   = 1/sqrt(Σ over every term query of (boost · idf)²)
//	match score = Σ matching term scores · matching/term queries
//	score       = Σ matching match scores · matching/2
//
// A term no passage holds still counts: in the query norm, and among the
// term queries of its match query. Bleve adds a match query's term scores
// in increasing order of document frequency; so does this, so the scores
// are equal but for rounding where Bleve adds in another order (its sort
// of the term queries is not stable; over ten, a heap merges them): on the
// own query sets 72% of the scores are equal to the bit, the rest within
// 7e-16, relative. Hits with equal
// scores come in passage order (Bleve's order of equal scores is its
// internal document order, which its batches leave unspecified).
type passageIndex struct {
	docs   int
	fields [numPassageFields]postingField
	// scratch holds the score arrays of queries under way.
	scratch sync.Pool
}

// The fields of a passage, and their boosts in matchQuery.
const (
	fieldText = iota
	fieldTitle
	numPassageFields
)

var passageFieldBoost = [numPassageFields]float64{boostText, boostTitle}

// postingField is one field's inverted index: its terms' posting lists,
// in passage order, and each passage's norm.
type postingField struct {
	terms map[string]int32 // term → index in lists
	lists [][]passagePosting
	norms []float64
}

// passagePosting is one passage holding a term, freq times.
type passagePosting struct {
	doc, freq uint32
}

// scoredPassage is a passage found, with its score.
type scoredPassage struct {
	id    int
	score float64
}

// passageIndexBuilder fills a passageIndex, one passage at a time.
type passageIndexBuilder struct {
	px    *passageIndex
	freqs map[string]uint32
}

func newPassageIndexBuilder() *passageIndexBuilder {
	px := &passageIndex{}
	for f := range px.fields {
		px.fields[f].terms = map[string]int32{}
	}
	return &passageIndexBuilder{px: px, freqs: map[string]uint32{}}
}

// add indexes the next passage (its id is the number added before it),
// given the tokens of its fields.
func (b *passageIndexBuilder) add(fields [numPassageFields][]token) {
	doc := uint32(b.px.docs)
	b.px.docs++
	for f, toks := range fields {
		pf := &b.px.fields[f]
		// The norm as scorch keeps it: a float32 (zapx, Posting.Norm).
		pf.norms = append(pf.norms, float64(float32(1/math.Sqrt(float64(len(toks))))))
		clear(b.freqs)
		for _, t := range toks {
			b.freqs[t.term]++
		}
		for term, n := range b.freqs {
			id, ok := pf.terms[term]
			if !ok {
				id = int32(len(pf.lists))
				pf.terms[term] = id
				pf.lists = append(pf.lists, nil)
			}
			pf.lists[id] = append(pf.lists[id], passagePosting{doc, n})
		}
	}
}

// finish returns the index, its posting lists packed in one array per
// field (appending left them up to twice their size).
func (b *passageIndexBuilder) finish() *passageIndex {
	px := b.px
	for f := range px.fields {
		pf := &px.fields[f]
		total := 0
		for _, l := range pf.lists {
			total += len(l)
		}
		all := make([]passagePosting, 0, total)
		for i, l := range pf.lists {
			from := len(all)
			all = append(all, l...)
			pf.lists[i] = all[from:len(all):len(all)]
		}
		pf.lists = slices.Clip(pf.lists)
		pf.norms = slices.Clip(pf.norms)
	}
	px.scratch.New = func() any {
		s := &passageScratch{}
		for f := range s.sum {
			s.sum[f] = make([]float64, px.docs)
			s.matched[f] = make([]int32, px.docs)
		}
		return s
	}
	b.px, b.freqs = nil, nil
	return px
}

// passageScratch is one query's running scores: per field, each passage's
// sum of term scores and its number of matching term queries; touched
// lists the passages with any.
type passageScratch struct {
	sum     [numPassageFields][]float64
	matched [numPassageFields][]int32
	touched []int32
}

// termQuery is one term query of a match query.
type termQuery struct {
	list   []passagePosting
	idf    float64
	weight float64 // boost · idf · queryNorm
}

// sqrtFreq is math.Sqrt of small frequencies, as Bleve's SqrtCache.
var sqrtFreq = func() (c [64]float64) {
	for i := range c {
		c[i] = math.Sqrt(float64(i))
	}
	return
}()

// search returns the k passages that score best for text (all that match
// when k ≤ 0), best first, as Bleve scores the query of matchQuery over
// the fields text and title (see passageIndex).
func (px *passageIndex) search(text string, k int) []scoredPassage {
	toks := textTokens(text)
	if len(toks) == 0 || px.docs == 0 {
		return nil
	}
	docs := float64(px.docs)
	var queries [numPassageFields][]termQuery
	sumSquares := 0.0
	for f := range px.fields {
		pf := &px.fields[f]
		boost := passageFieldBoost[f]
		qs := make([]termQuery, len(toks))
		for i, t := range toks {
			var list []passagePosting
			if id, ok := pf.terms[t.term]; ok {
				list = pf.lists[id]
			}
			qs[i] = termQuery{list: list, idf: 1 + math.Log(docs/float64(len(list)+1))}
		}
		// Bleve's disjunction orders its searchers by document count.
		slices.SortStableFunc(qs, func(a, b termQuery) int { return len(a.list) - len(b.list) })
		w := 0.0
		for _, q := range qs {
			bi := boost * q.idf
			w += bi * bi
		}
		sumSquares += w // two fields: the order of the sum does not matter
		queries[f] = qs
	}
	queryNorm := 1 / math.Sqrt(sumSquares)

	s := px.scratch.Get().(*passageScratch)
	defer px.scratch.Put(s)
	for f := range px.fields {
		sum, matched, norms := s.sum[f], s.matched[f], px.fields[f].norms
		for i := range queries[f] {
			q := &queries[f][i]
			q.weight = passageFieldBoost[f] * q.idf * queryNorm
			for _, p := range q.list {
				var tf float64
				if p.freq < uint32(len(sqrtFreq)) {
					tf = sqrtFreq[p.freq]
				} else {
					tf = math.Sqrt(float64(p.freq))
				}
				score := tf * norms[p.doc] * q.idf
				if q.weight != 1 {
					score *= q.weight
				}
				if matched[p.doc] == 0 && s.matched[1-f][p.doc] == 0 {
					s.touched = append(s.touched, int32(p.doc))
				}
				sum[p.doc] += score
				matched[p.doc]++
			}
		}
	}

	h := &passageHeap{}
	for _, doc := range s.touched {
		total, fields := 0.0, 0
		for f := range px.fields {
			if n := s.matched[f][doc]; n > 0 {
				fields++
				total += s.sum[f][doc] * (float64(n) / float64(len(queries[f])))
				s.sum[f][doc], s.matched[f][doc] = 0, 0
			}
		}
		hit := scoredPassage{int(doc), total * (float64(fields) / numPassageFields)}
		switch {
		case k <= 0 || h.Len() < k:
			heap.Push(h, hit)
		case worse((*h)[0], hit):
			(*h)[0] = hit
			heap.Fix(h, 0)
		}
	}
	s.touched = s.touched[:0]
	out := []scoredPassage(*h)
	slices.SortFunc(out, func(a, b scoredPassage) int {
		switch {
		case worse(b, a):
			return -1
		case worse(a, b):
			return 1
		}
		return 0
	})
	return out
}

// lists returns the posting lists of term in each field (nil where no
// passage holds it).
func (px *passageIndex) lists(term string) (out [numPassageFields][]passagePosting) {
	for f := range px.fields {
		if id, ok := px.fields[f].terms[term]; ok {
			out[f] = px.fields[f].lists[id]
		}
	}
	return out
}

// holds reports whether the posting list l (in passage order) holds doc.
func holds(l []passagePosting, doc int) bool {
	_, ok := slices.BinarySearchFunc(l, uint32(doc), func(p passagePosting, d uint32) int {
		return cmp.Compare(p.doc, d)
	})
	return ok
}

// worse reports whether a ranks below b: a lower score, or an equal one
// and a later passage.
func worse(a, b scoredPassage) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.id > b.id
}

// passageHeap is a min-heap of hits, the worst on top.
type passageHeap []scoredPassage

func (h passageHeap) Len() int           { return len(h) }
func (h passageHeap) Less(i, j int) bool { return worse(h[i], h[j]) }
func (h passageHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *passageHeap) Push(x any)        { *h = append(*h, x.(scoredPassage)) }
func (h *passageHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
