package index

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"

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
	// announced indexes the passages that announce a list (see
	// announcesList): a question on what a thing includes considers them
	// whatever their tf-idf.
	announced []int
	sounds    []soundName // see soundMatch
	nameIx    *nameIndex  // the keys of names, by bigram (lookup.go)
	defIx     *nameIndex  // the keys of definitions, id = term
	opts      Options
	// vocab is what the pack says (offtopic.go); describer the reverse
	// lookup table (describe.go). Both are ready when Build returns.
	vocab     *vocabulary
	describer *describer
	// keywordTerms maps a keyword's Key to the terms that have it;
	// keywordWords holds the words (see words) of every keyword.
	keywordTerms map[string][]int
	keywordWords map[string]bool
	// nameEnds holds every ending of every word of the terms' names
	// (攻撃 of ゼロデイ攻撃, 性 of 可用性): the kinds of thing the glossary
	// names (fitsKind).
	nameEnds map[string]bool

	// The full-text part is built in the background (see Build): the
	// sections' text first (textReady is closed once text is set), then
	// Bleve (ready is closed once full and fullErr are set).
	textReady chan struct{}
	text      *sectionText
	ready     chan struct{}
	full      *fullText
	fullErr   error
	closeOnce sync.Once
}

// fullText is what full-text term resolution and passage search need.
type fullText struct {
	// termIdx (Bleve) is built only to measure analyzers (BleveOnly);
	// passageIdx (Bleve) only when the Options measure Bleve, passages
	// (secbot's own, passagescore.go) otherwise.
	termIdx    bleve.Index
	passageIdx bleve.Index
	passages   *passageIndex
	// termTokens[i] holds the tokens of term i's names and definition;
	// passageTokens[i] those of passage i and its section title, when
	// passages are in Bleve (passages' posting lists tell otherwise; see
	// passageHolds).
	termTokens    []map[string]struct{}
	passageTokens []map[string]struct{}
	// sections holds the tokens of each section's passages and title.
	sections map[string]map[string]struct{}
	// sectionTF counts each token in each section; sectionDF counts the
	// sections holding each token.
	sectionTF map[string]map[string]int
	sectionDF map[string]int
	// The sections' text (sectionKeys) and the Index's vocabulary
	// (offtopic.go).
	*sectionText
	*vocabulary
}

// sectionText is what the background build makes first, in a small part
// of its time: it tells whether a passage can answer a query at all
// (mayHoldWords) without waiting for Bleve.
type sectionText struct {
	// sectionKeys holds each section's text in Key form: its title, its
	// passages and their expansions (abbrev.go); extras[i] are passage i's.
	sectionKeys map[string]string
	extras      []string
	// sectionGrams maps every bigram of the sectionKeys (runes in Key
	// form) to the sections holding it, numbered in order; nSections is
	// their number.
	sectionGrams map[[2]rune][]int32
	nSections    int
}

// termEntry is a glossary term with what Build derived from it.
type termEntry struct {
	term    knowledge.Term
	nameKey string
	defKey  string
	// given are the names the pack and the definition give, with their
	// tiers (readings made by toKana are not among them).
	given      []string
	givenTiers []int
	// defTokens and defWords are the definition's tokens and words (see
	// words), folded once at Build; released after it.
	defTokens []token
	defWords  []string
	// defHeads are the last words of the definition's sentences (see
	// definitionHeads): what kind of thing the term is.
	defHeads []string
	// related names related terms, best first; passages indexes the chapter
	// passages that mention it, best first.
	related  []string
	passages []int
}

// passageEntry is a chapter passage with its Key form.
type passageEntry struct {
	p   knowledge.Passage
	key string
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

// Options tune Build. The zero value is what secbot runs with; the other
// settings exist to measure alternatives (see TestAnalyzerComparison and
// BenchmarkBuild).
type Options struct {
	// Analyzer names the Bleve analyzer of the full-text fields and
	// queries: "" is secbot's own (see bigramAnalyzer); "cjk" is Bleve's
	// stock one, registered by importing
	// github.com/blevesearch/bleve/v2/analysis/lang/cjk.
	Analyzer string
	// BleveOnly turns off every resolution stage but full text, and the
	// re-ranking of passages, to measure the analyzers alone.
	BleveOnly bool
	// IndexType is the index of the passages: "" is secbot's own
	// (passagescore.go), which scores as Bleve's scorch does; scorch.Name
	// is Bleve's scorch in memory; upsidedown.Name is bleve.NewMemOnly's
	// upsidedown store over gtreap.
	IndexType string
}

// bleve reports whether passages are searched through Bleve: with an
// analyzer named (even secbot_ja: TestAnalyzerComparison compares
// analyzers in Bleve's fields), with BleveOnly, or with a Bleve index type.
func (o Options) bleve() bool {
	return o.Analyzer != "" || o.BleveOnly || o.IndexType != ""
}

func (o Options) analyzer() string {
	if o.Analyzer == "" {
		return analyzerName
	}
	return o.Analyzer
}

// Build indexes pack in memory. The pack must not change afterwards. It
// takes at most one Options; none means the zero Options.
//
// The name tables that answer most /term queries are ready when Build
// returns; the Bleve indexes for full text are built in the background, and
// a query that needs them waits for them (Ready waits on purpose). So
// `secbot term ゼロトラスト` answers without paying for full text.
func Build(pack *knowledge.Pack, opts ...Options) (*Index, error) {
	if pack == nil {
		return nil, fmt.Errorf("index: nil pack")
	}
	if len(opts) > 1 {
		return nil, fmt.Errorf("index: more than one Options")
	}
	ix := &Index{pack: pack, exact: map[string][]name{}, textReady: make(chan struct{}), ready: make(chan struct{}), vocab: newVocabulary()}
	if len(opts) == 1 {
		ix.opts = opts[0]
	}
	for _, t := range pack.Terms {
		// The definition is folded once: its key, and the tokens and words
		// that the vocabulary and reverse lookup read.
		ks := keyRunes(t.Definition)
		e := termEntry{term: t, nameKey: Key(t.Name), defKey: keyString(ks), defTokens: textTokensRunes(ks), defWords: wordsOf(ks), defHeads: definitionHeads(t.Definition)}
		e.given, e.givenTiers = termNames(t)
		ix.terms = append(ix.terms, e)
	}
	// Names the definitions give in brackets, a term's own or another's
	// (names.go, deriveNames).
	defs, given := make([]string, len(ix.terms)), make([][]string, len(ix.terms))
	for i, e := range ix.terms {
		defs[i], given[i] = e.term.Definition, e.given
	}
	for _, d := range deriveNames(defs, given) {
		e := &ix.terms[d.term]
		e.given, e.givenTiers = append(e.given, d.name), append(e.givenTiers, tierGloss)
	}
	for i := range ix.terms {
		e := &ix.terms[i]
		ns, tiers := append([]string{}, e.given...), append([]int{}, e.givenTiers...)
		// A name with kanji is also known by its reading (readings.go).
		for j := range e.given {
			if hasHan(ns[j]) {
				if kana, ok := toKana(ns[j]); ok {
					ns, tiers = append(ns, kana), append(tiers, max(tiers[j], tierAlias))
				}
			}
		}
		seen := map[string]bool{}
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
		}
	}
	// Within a key, the surest name first.
	for k, ns := range ix.exact {
		sort.SliceStable(ns, func(a, b int) bool { return ns[a].tier < ns[b].tier })
		ix.exact[k] = ns
	}
	ix.nameIx = newNameIndex()
	for _, n := range ix.names {
		ix.nameIx.add(n.key)
	}
	ix.defIx = newNameIndex()
	for _, e := range ix.terms {
		ix.defIx.add(e.defKey)
	}
	ix.sounds = soundNames(ix.terms)
	// One pass of folding per passage: its key, and the tokens and words
	// that the vocabulary and reverse lookup read below. Folding runs on
	// every CPU, a chunk of passages at a time; the tables are filled in
	// order afterwards.
	titles := map[string]bool{}
	chapterDF := map[string]int{} // passages holding each token (describe.go)
	all := pack.Passages()
	ix.passages = make([]passageEntry, len(all))
	const chunk = 512
	type folded struct {
		toks  []token
		words []string
	}
	buf := make([]folded, chunk)
	for lo := 0; lo < len(all); lo += chunk {
		hi := min(lo+chunk, len(all))
		var wg sync.WaitGroup
		workers := min(runtime.GOMAXPROCS(0), hi-lo)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := lo + w; i < hi; i += workers {
					ks := keyRunes(all[i].Text)
					ix.passages[i] = passageEntry{p: all[i], key: keyString(ks)}
					buf[i-lo] = folded{textTokensRunes(ks), wordsOf(ks)}
				}
			}(w)
		}
		wg.Wait()
		for i := lo; i < hi; i++ {
			p, f := all[i], buf[i-lo]
			if announcesList(p.Text) {
				ix.announced = append(ix.announced, i)
			}
			if !titles[p.Section] {
				titles[p.Section] = true
				ix.vocab.addVocabulary(p.Title, nil)
			}
			ix.vocab.addParts(f.toks, f.words)
			seen := map[string]bool{}
			for _, t := range f.toks {
				if !seen[t.term] {
					seen[t.term] = true
					chapterDF[t.term]++
				}
			}
			buf[i-lo] = folded{}
		}
	}
	ix.linkTerms()
	for _, e := range ix.terms {
		for _, s := range e.given {
			ix.vocab.addVocabulary(s, nil)
		}
		ix.vocab.addParts(e.defTokens, e.defWords)
		// Keywords are not the pack's vocabulary: they help find a term
		// described in other words, but a question about what they name
		// (a keyword may name a neighbouring thing) is still off-topic.
	}
	ix.describer = newDescriber(ix.terms, chapterDF, len(ix.passages))
	for i := range ix.terms {
		ix.terms[i].defTokens, ix.terms[i].defWords = nil, nil
	}
	ix.nameEnds = map[string]bool{}
	for _, e := range ix.terms {
		for _, w := range words(e.term.Name) {
			for j := range w {
				ix.nameEnds[w[j:]] = true
			}
		}
	}
	ix.keywordTerms, ix.keywordWords = map[string][]int{}, map[string]bool{}
	for i, e := range ix.terms {
		for _, k := range e.term.Keywords {
			for _, w := range words(k) {
				ix.keywordWords[w] = true
			}
			if k := Key(k); !slices.Contains(ix.keywordTerms[k], i) {
				ix.keywordTerms[k] = append(ix.keywordTerms[k], i)
			}
		}
	}
	go func() {
		ix.text = ix.buildSectionText()
		close(ix.textReady)
		ix.full, ix.fullErr = ix.buildFullText(ix.text)
		close(ix.ready)
	}()
	return ix, nil
}

// Ready waits until the full-text indexes are built, and returns the error
// building them met, if any.
func (ix *Index) Ready(ctx context.Context) error {
	_, err := ix.fullText(ctx)
	return err
}

// fullText returns the full-text part, waiting for it if need be.
func (ix *Index) fullText(ctx context.Context) (*fullText, error) {
	select {
	case <-ix.ready:
		return ix.full, ix.fullErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// sectionTexts returns the sections' text, waiting for it if need be: it
// is ready well before fullText.
func (ix *Index) sectionTexts(ctx context.Context) (*sectionText, error) {
	select {
	case <-ix.textReady:
		return ix.text, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// maxRefFanout: see linkTerms.
const maxRefFanout = 64

const (
	maxRelated      = 5
	maxTermPassages = 2
	maxPassages     = 3
	maxSuggestions  = 5
)

// Pack returns the pack the index was built from.
func (ix *Index) Pack() *knowledge.Pack { return ix.pack }

// Close releases the index. It does not wait for a background build: the
// build closes what it made when it ends. Queries after Close fail.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		go func() {
			<-ix.ready
			if ix.full != nil {
				if ix.full.termIdx != nil {
					ix.full.termIdx.Close()
				}
				if ix.full.passageIdx != nil {
					ix.full.passageIdx.Close()
				}
			}
		}()
	})
	return nil
}

// check validates a query as knowledge.CheckQuery does.
func check(ctx context.Context, q string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return knowledge.CheckQuery(q)
}
