package index

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/upsidedown"
	"github.com/blevesearch/bleve/v2/mapping"
)

// buildFullText analyzes the terms and passages and indexes them: the
// passages in secbot's own index (passagescore.go), or in Bleve when the
// Options measure Bleve (see Options.bleve).
func (ix *Index) buildFullText(st *sectionText) (*fullText, error) {
	ft := &fullText{
		sections:    map[string]map[string]struct{}{},
		sectionTF:   map[string]map[string]int{},
		sectionDF:   map[string]int{},
		sectionText: st,
		vocabulary:  ix.vocab,
	}
	var batch *bleve.Batch
	if ix.opts.bleve() {
		var err error
		if ft.passageIdx, err = ix.newMemIndex(); err != nil {
			return nil, fmt.Errorf("index: passages: %w", err)
		}
		batch = ft.passageIdx.NewBatch()
	}
	if ix.opts.BleveOnly {
		// Full text over the terms answers only when measuring the
		// analyzers (see stageFullText).
		if err := ix.buildTermText(ft); err != nil {
			return nil, err
		}
	}

	if err := ix.passagesText(ft, batch); err != nil {
		return nil, err
	}
	if batch != nil {
		if err := ft.passageIdx.Batch(batch); err != nil {
			return nil, fmt.Errorf("index: passages: %w", err)
		}
	}
	for _, tf := range ft.sectionTF {
		for t := range tf {
			ft.sectionDF[t]++
		}
	}
	return ft, nil
}

// buildSectionText makes the sections' text in Key form, with the
// expansions of the abbreviations the pack gives, and its bigram table.
func (ix *Index) buildSectionText() *sectionText {
	st := &sectionText{sectionKeys: map[string]string{}, extras: make([]string, len(ix.passages))}
	var texts []string
	for _, e := range ix.passages {
		texts = append(texts, e.p.Text)
	}
	for _, e := range ix.terms {
		texts = append(texts, e.term.Definition)
	}
	abbrevs := findAbbrevs(texts)
	// Terms named by an abbreviation pair it with their Japanese alias
	// (BCP with 事業継続計画), where the chapter never spells it out.
	names, aliases := make([]string, len(ix.terms)), make([][]string, len(ix.terms))
	for i, e := range ix.terms {
		names[i], aliases[i] = e.term.Name, e.term.Aliases
	}
	for _, a := range termAbbrevs(names, aliases) {
		if !slices.Contains(abbrevs, a) {
			abbrevs = append(abbrevs, a)
		}
	}
	for i, e := range ix.passages {
		if _, ok := st.sectionKeys[e.p.Section]; !ok {
			st.sectionKeys[e.p.Section] = Key(e.p.Title)
		}
		// A passage is also found by the other form of the abbreviations
		// it uses (abbrev.go): DX for デジタルトランスフォーメーション.
		st.extras[i] = expansions(e.key, abbrevs)
		st.sectionKeys[e.p.Section] += "\n" + e.key + st.extras[i]
	}
	st.sectionGrams = map[[2]rune][]int32{}
	for _, key := range st.sectionKeys {
		id := int32(st.nSections)
		st.nSections++
		var prev rune
		for i, r := range key {
			if i > 0 {
				g := [2]rune{prev, r}
				if ids := st.sectionGrams[g]; len(ids) == 0 || ids[len(ids)-1] != id {
					st.sectionGrams[g] = append(ids, id)
				}
			}
			prev = r
		}
	}
	return st
}

// buildTermText indexes the terms' names and definitions in Bleve.
func (ix *Index) buildTermText(ft *fullText) error {
	var err error
	if ft.termIdx, err = ix.newMemIndex(); err != nil {
		return fmt.Errorf("index: terms: %w", err)
	}
	batch := ft.termIdx.NewBatch()
	for i, e := range ix.terms {
		tokens := map[string]struct{}{}
		var doc termDoc
		for j, s := range e.given {
			switch e.givenTiers[j] {
			case tierName:
				doc.Name += s + "\n"
			case tierAlias:
				doc.Alias += s + "\n"
			default:
				doc.Gloss += s + "\n"
			}
			addTokens(tokens, s)
		}
		doc.Definition = e.term.Definition
		addTokens(tokens, e.term.Definition)
		ft.termTokens = append(ft.termTokens, tokens)
		if err := batch.Index(strconv.Itoa(i), doc); err != nil {
			return fmt.Errorf("index: term %q: %w", e.term.Name, err)
		}
	}
	if err := ft.termIdx.Batch(batch); err != nil {
		return fmt.Errorf("index: terms: %w", err)
	}
	return nil
}

// passagesText fills ft's passage index and tables: Bleve's through batch,
// or secbot's own when batch is nil.
func (ix *Index) passagesText(ft *fullText, batch *bleve.Batch) error {
	const maxBatch = 2000
	var own *passageIndexBuilder
	if batch == nil {
		own = newPassageIndexBuilder()
	}
	var title string
	var titleToks []token
	for i, e := range ix.passages {
		p := e.p
		tf := ft.sectionTF[p.Section]
		sec := ft.sections[p.Section]
		if tf == nil {
			tf, sec = map[string]int{}, map[string]struct{}{}
			ft.sectionTF[p.Section], ft.sections[p.Section] = tf, sec
			addTokens(sec, p.Title)
		}
		extra := ft.extras[i] // see buildSectionText
		toks := textTokens(p.Text + extra)
		for _, t := range toks {
			tf[t.term]++
			sec[t.term] = struct{}{}
		}
		if titleToks == nil || p.Title != title {
			title, titleToks = p.Title, textTokens(p.Title)
		}
		if own != nil {
			// Its posting lists tell which tokens a passage holds.
			own.add([numPassageFields][]token{fieldText: toks, fieldTitle: titleToks})
			continue
		}
		tokens := map[string]struct{}{}
		for _, t := range toks {
			tokens[t.term] = struct{}{}
		}
		for _, t := range titleToks {
			tokens[t.term] = struct{}{}
		}
		ft.passageTokens = append(ft.passageTokens, tokens)
		if err := batch.Index(strconv.Itoa(i), passageDoc{Title: p.Title, Text: p.Text + extra}); err != nil {
			return fmt.Errorf("index: passage %s: %w", p.Section, err)
		}
		if batch.Size() >= maxBatch {
			// A batch holds its documents analyzed until it is applied:
			// a large pack is indexed in parts, to bound memory.
			if err := ft.passageIdx.Batch(batch); err != nil {
				return fmt.Errorf("index: passages: %w", err)
			}
			batch.Reset()
		}
	}
	if own != nil {
		ft.passages = own.finish()
	}
	return nil
}

// newMemIndex returns an empty in-memory Bleve index. bleve.NewMemOnly
// makes an upsidedown index over a gtreap store; scorch with no path keeps
// its segments in memory too and builds the same documents several times
// faster (README, "Search and answers", has the figures), which is what
// start-up needs.
func (ix *Index) newMemIndex() (bleve.Index, error) {
	m := newMapping(ix.opts.analyzer())
	if ix.opts.IndexType == upsidedown.Name {
		return bleve.NewMemOnly(m)
	}
	return bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
}

// newMapping is the Bleve mapping of both indexes: every field is text
// analyzed by secbot's analyzer, neither stored nor put in _all.
func newMapping(analyzer string) mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = analyzer
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	dm := bleve.NewDocumentMapping()
	for _, f := range []string{"name", "alias", "gloss", "definition", "title", "text"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(f, fm)
	}
	im.DefaultMapping = dm
	return im
}
