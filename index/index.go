package index

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"secbot/knowledge"
)

// Index answers term queries and free questions over one knowledge pack.
// Build makes one; it is read-only afterwards and safe for concurrent use.
type Index struct {
	pack     *knowledge.Pack
	terms    []termEntry
	exact    map[string][]name // Key form → names with that key
	names    []name            // every name of every term (tiers name and alias)
	passages []passageEntry
	// sections holds the tokens of each section's passages and title.
	sections map[string]map[string]struct{}
	// sectionTF counts each token in each section; sectionDF counts the
	// sections holding each token.
	sectionTF map[string]map[string]int
	sectionDF map[string]int

	termIdx    bleve.Index
	passageIdx bleve.Index
}

// termEntry is a glossary term with what Build derived from it.
type termEntry struct {
	term    knowledge.Term
	nameKey string
	defKey  string
	// tokens are the analyzed tokens of all its names and its definition.
	tokens map[string]struct{}
	// related names related terms, best first; passages indexes the chapter
	// passages that mention it, best first.
	related  []string
	passages []int
}

// passageEntry is a chapter passage with its analyzed tokens.
type passageEntry struct {
	p      knowledge.Passage
	key    string
	tokens map[string]struct{}
}

// termDoc and passageDoc are what Bleve indexes.
type termDoc struct {
	Name       string `json:"name"`
	Alias      string `json:"alias"`
	Gloss      string `json:"gloss"`
	Definition string `json:"definition"`
}

type passageDoc struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Field boosts of term full-text search: a word of the name counts most,
// then readings, aliases and English expansions, then glosses the
// definition gives, then the definition's text.
const (
	boostName       = 5
	boostAlias      = 3
	boostGloss      = 2
	boostDefinition = 1
	boostTitle      = 0.5
	boostText       = 1
)

// Build indexes pack in memory. The pack must not change afterwards.
func Build(pack *knowledge.Pack) (*Index, error) {
	if pack == nil {
		return nil, fmt.Errorf("index: nil pack")
	}
	ix := &Index{pack: pack, exact: map[string][]name{}, sections: map[string]map[string]struct{}{}}
	var err error
	if ix.termIdx, err = bleve.NewMemOnly(newMapping()); err != nil {
		return nil, fmt.Errorf("index: terms: %w", err)
	}
	if ix.passageIdx, err = bleve.NewMemOnly(newMapping()); err != nil {
		return nil, fmt.Errorf("index: passages: %w", err)
	}

	batch := ix.termIdx.NewBatch()
	for i, t := range pack.Terms {
		e := termEntry{term: t, nameKey: Key(t.Name), defKey: Key(t.Definition), tokens: map[string]struct{}{}}
		ns, tiers := termNames(t)
		var doc termDoc
		seen := map[string]bool{}
		// A name with kanji is also known by its reading (readings.go);
		// such readings are matched by key only, not indexed as text.
		given := len(ns)
		for j := 0; j < given; j++ {
			if hasHan(ns[j]) {
				if kana, ok := toKana(ns[j]); ok {
					ns, tiers = append(ns, kana), append(tiers, max(tiers[j], tierAlias))
				}
			}
		}
		for j, s := range ns {
			k := Key(s)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			n := name{key: k, term: i, tier: tiers[j]}
			ix.exact[k] = append(ix.exact[k], n)
			if n.tier != tierGloss {
				ix.names = append(ix.names, n)
			}
			switch {
			case j >= given:
			case n.tier == tierName:
				doc.Name += s + "\n"
			case n.tier == tierAlias:
				doc.Alias += s + "\n"
			default:
				doc.Gloss += s + "\n"
			}
			if j < given {
				addTokens(e.tokens, s)
			}
		}
		doc.Definition = t.Definition
		addTokens(e.tokens, t.Definition)
		ix.terms = append(ix.terms, e)
		if err := batch.Index(strconv.Itoa(i), doc); err != nil {
			return nil, fmt.Errorf("index: term %q: %w", t.Name, err)
		}
	}
	if err := ix.termIdx.Batch(batch); err != nil {
		return nil, fmt.Errorf("index: terms: %w", err)
	}
	// Within a key, the surest name first.
	for k, ns := range ix.exact {
		sort.SliceStable(ns, func(a, b int) bool { return ns[a].tier < ns[b].tier })
		ix.exact[k] = ns
	}

	batch = ix.passageIdx.NewBatch()
	ix.sectionTF = map[string]map[string]int{}
	for i, p := range pack.Passages() {
		tf := ix.sectionTF[p.Section]
		if tf == nil {
			tf = map[string]int{}
			ix.sectionTF[p.Section] = tf
		}
		for _, t := range tokenize(p.Text) {
			tf[t.term]++
		}
		e := passageEntry{p: p, key: Key(p.Text), tokens: map[string]struct{}{}}
		addTokens(e.tokens, p.Text)
		addTokens(e.tokens, p.Title)
		sec := ix.sections[p.Section]
		if sec == nil {
			sec = map[string]struct{}{}
			ix.sections[p.Section] = sec
		}
		for t := range e.tokens {
			sec[t] = struct{}{}
		}
		ix.passages = append(ix.passages, e)
		if err := batch.Index(strconv.Itoa(i), passageDoc{Title: p.Title, Text: p.Text}); err != nil {
			return nil, fmt.Errorf("index: passage %s: %w", p.Section, err)
		}
	}
	if err := ix.passageIdx.Batch(batch); err != nil {
		return nil, fmt.Errorf("index: passages: %w", err)
	}
	ix.sectionDF = map[string]int{}
	for _, tf := range ix.sectionTF {
		for t := range tf {
			ix.sectionDF[t]++
		}
	}
	ix.linkTerms()
	return ix, nil
}

// newMapping is the Bleve mapping of both indexes: every field is text
// analyzed by secbot's analyzer, neither stored nor put in _all.
func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = analyzerName
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	dm := bleve.NewDocumentMapping()
	for _, f := range []string{"name", "alias", "gloss", "definition", "title", "text"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzerName
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(f, fm)
	}
	im.DefaultMapping = dm
	return im
}

func addTokens(set map[string]struct{}, s string) {
	for _, t := range tokenize(s) {
		set[t.term] = struct{}{}
	}
}

// linkTerms fills each term's related terms and passages.
func (ix *Index) linkTerms() {
	for i := range ix.terms {
		e := &ix.terms[i]
		score := map[int]float64{}
		for j, o := range ix.terms {
			if j == i || len([]rune(o.nameKey)) < 2 {
				continue
			}
			if containsKey(e.defKey, o.nameKey) {
				score[j] += 3 // this definition uses that term
			}
			if len([]rune(e.nameKey)) >= 2 && containsKey(o.defKey, e.nameKey) {
				score[j] += 2 // that definition uses this term
			}
			if k := sharedRefs(e.term.Refs, o.term.Refs); k > 0 && score[j] > 0 {
				score[j] += 0.5 * float64(k)
			} else if k >= 2 {
				score[j] += 0.5 * float64(k)
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
		e.passages = ix.mentions(i)
	}
}

const (
	maxRelated      = 5
	maxTermPassages = 2
	maxPassages     = 3
	maxSuggestions  = 5
)

// mentions returns the passages that name the term, best first: those of a
// section the term cites, then those naming it most often for their length.
func (ix *Index) mentions(ti int) []int {
	e := &ix.terms[ti]
	var keys []string
	for _, n := range ix.names {
		if n.term == ti && len([]rune(n.key)) >= 2 {
			keys = append(keys, n.key)
		}
	}
	type hit struct {
		i     int
		score float64
	}
	var hits []hit
	for i, p := range ix.passages {
		c := 0
		for _, k := range keys {
			c += countKey(p.key, k)
		}
		if c == 0 {
			continue
		}
		s := float64(c) / (1 + float64(len(p.key))/200)
		for _, r := range e.term.Refs {
			if strings.HasPrefix(p.p.Section, r) {
				s += 2
				break
			}
		}
		hits = append(hits, hit{i, s})
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].score > hits[b].score })
	var out []int
	for _, h := range hits {
		if len(out) == maxTermPassages {
			break
		}
		out = append(out, h.i)
	}
	return out
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

// latinBoundary reports whether s[i:j] is not glued to Latin letters that
// would make it part of another word.
func latinBoundary(s string, i, j int) bool {
	if i > 0 && isLatin(rune(s[i-1])) && isLatin(rune(s[i])) {
		return false
	}
	if j < len(s) && isLatin(rune(s[j])) && isLatin(rune(s[j-1])) {
		return false
	}
	return true
}

func sharedRefs(a, b []string) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				n++
			}
		}
	}
	return n
}

// Pack returns the pack the index was built from.
func (ix *Index) Pack() *knowledge.Pack { return ix.pack }

// Close releases the index.
func (ix *Index) Close() error {
	var first error
	for _, b := range []bleve.Index{ix.termIdx, ix.passageIdx} {
		if err := b.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// check validates a query as knowledge.CheckQuery does.
func check(ctx context.Context, q string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return knowledge.CheckQuery(q)
}
