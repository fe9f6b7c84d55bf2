package index

import (
	"context"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"secbot/knowledge"
)

// Hit is one passage found for a question, with what matched.
type Hit struct {
	Passage knowledge.Passage
	// Score orders hits (higher is better); Coverage is the weighted share
	// of the question's bigrams the passage holds, 0…1; Words the share of
	// the question's words (see words) its section holds.
	Score, Coverage, Words float64
	// Spans are the byte ranges of Passage.Text that match the question,
	// in order and not overlapping.
	Spans [][2]int
	// id is the passage's index in Index.passages.
	id int
}

// Fragment returns up to limit characters of the passage around its first
// match, with each matching span wrapped in open and close (for example
// "*" and "*" in Slack). The JSON answer keeps the passage text clean; the
// fragment is for display only.
func (h Hit) Fragment(limit int, open, close string) string {
	text := h.Passage.Text
	from, to := 0, len(text)
	if utf8.RuneCountInString(text) > limit {
		if len(h.Spans) > 0 {
			// Start a little before the first match, on a rune boundary.
			from = h.Spans[0][0]
			for back := 0; from > 0 && back < limit/4; back++ {
				_, size := utf8.DecodeLastRuneInString(text[:from])
				from -= size
			}
		}
		to = from
		for n := 0; to < len(text) && n < limit; n++ {
			_, size := utf8.DecodeRuneInString(text[to:])
			to += size
		}
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, s := range h.Spans {
		if s[1] <= pos || s[0] >= to {
			continue
		}
		st, en := max(s[0], pos), min(s[1], to)
		b.WriteString(text[pos:st])
		b.WriteString(open + text[st:en] + close)
		pos = en
	}
	b.WriteString(text[pos:to])
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// leafSection matches the ids of numbered sections (4-2-2).
var leafSection = regexp.MustCompile(`^\d+-\d+-\d+$`)

// Passage ranking: how many Bleve hits are re-ranked, and the weights of
// the re-ranking (see search).
const (
	rerankDepth   = 30
	weightBleve   = 0.5
	weightPassage = 1
	weightSection = 1
	// weightSectionTopic weighs sectionScores, how much the passage's
	// section is about the question. It dominates: the section is chosen
	// first, the passage within it second, so that a section about the
	// question's words (手順 in 4-2-4) beats an overview that mentions them.
	weightSectionTopic = 4
	// weightLength prefers a passage that says something over a heading
	// or a figure caption that only repeats the words: full weight from
	// fullLength characters.
	weightLength = 1
	fullLength   = 60
	// penaltyOverview lowers passages outside the numbered sections (the
	// chapter's introduction "4", the afterword 編集後記): they summarize
	// every section in a few lines, so they match many questions, but the
	// numbered section is where the chapter explains.
	penaltyOverview = 1.5
	// weightDefines rewards the passage that defines what is asked
	// (「2025年の崖」とは…).
	weightDefines = 1
	// weightSpellsOut rewards, for an abbreviation asked alone, the passage
	// that gives the words it stands for (デジタルトランスフォーメーション
	// （DX）): the chapter's definition of it.
	weightSpellsOut = 2
	// passageWords is the share of the question's words (see words) that
	// the best passage's section must hold, besides passageCoverage of the
	// bigrams in the passage: a question is not answered by a passage that
	// misses what it is about (社食 in 社食のメニュー) however many bigrams
	// match the rest.
	passageWords = 0.5
	// minExtraLength is the shortest passage shown after the best one.
	minExtraLength = 20
	// weightOwnText weighs the share of the question's tokens the
	// passage's text holds, without its section's title.
	weightOwnText = 0.25
	// weightAsked rewards a passage that holds the kind of figure the
	// question asks for (a number, a percentage, a year; see askedFor).
	weightAsked = 0.5
	// penaltyCaption lowers a figure's caption (with its source line) when
	// the question asks for neither a figure nor a source: a label and a
	// publication's title match words (DXレポート…DXの本格的な展開) but say
	// nothing about them.
	penaltyCaption = 0.5
	// weightHead is the weight in sectionScores of the tokens of the
	// question's head (see headStart).
	weightHead = 2
	// sectionK is the term-frequency saturation of sectionScores.
	sectionK = 1.2
)

// Search returns up to n chapter passages for question, best first. It does
// not judge confidence: see Hit.Coverage, and Ask, which does.
func (ix *Index) Search(ctx context.Context, question string, n int) ([]Hit, error) {
	q, err := check(ctx, question)
	if err != nil {
		return nil, err
	}
	core := understand(q).question
	hits, err := ix.search(ctx, core, n)
	if err != nil {
		return nil, err
	}
	qt := tokenize(core)
	for i := range hits {
		hits[i].Spans = spans(hits[i].Passage.Text, qt)
	}
	return hits, nil
}

// searchPassages returns the k passages that best match text, best first,
// with their tf-idf scores: from secbot's own index (passagescore.go), or
// from Bleve's when the Options measure it (the scores are the same).
func (ft *fullText) searchPassages(ctx context.Context, ix *Index, text string, k int) ([]scoredPassage, error) {
	if ft.passages != nil {
		return ft.passages.search(text, k), nil
	}
	q := ix.matchQuery(text, []string{"text", "title"}, []float64{boostText, boostTitle})
	req := bleve.NewSearchRequestOptions(q, k, 0, false)
	res, err := ft.passageIdx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]scoredPassage, 0, len(res.Hits))
	for _, h := range res.Hits {
		if i, err := strconv.Atoi(h.ID); err == nil {
			out = append(out, scoredPassage{i, h.Score})
		}
	}
	return out, nil
}

func (ix *Index) search(ctx context.Context, text string, n int) ([]Hit, error) {
	// Everyday words the chapter says otherwise (ネット: インターネット,
	// synonyms.go) stand in at half weight for what a passage lacks.
	return ix.searchHints(ctx, text, synonymHints(Key(text)), n)
}

// searchHints is search with the synonym hints of text found already.
func (ix *Index) searchHints(ctx context.Context, text string, hints []synHint, n int) ([]Hit, error) {
	ft, err := ix.fullText(ctx)
	if err != nil {
		return nil, err
	}
	found, err := ft.searchPassages(ctx, ix, text+synonymText(hints), max(n, rerankDepth))
	if err != nil {
		return nil, err
	}
	if asksMembers(text) {
		// What a thing includes: the lists announced for it, found or
		// not (a long list scores low on tf-idf).
		ck := Key(text)
		for _, i := range ix.announced {
			if announcesListOf(ix.passages[i].p.Text, ck) && !slices.ContainsFunc(found, func(s scoredPassage) bool { return s.id == i }) {
				found = append(found, scoredPassage{i, 0})
			}
		}
	}
	qt := tokenize(text)
	has := ft.passageHolds()
	hits := make([]Hit, 0, len(found))
	ids := make([]int, 0, len(found))
	for _, h := range found {
		i := h.id
		ids = append(ids, i)
		p := ix.passages[i]
		hits = append(hits, Hit{Passage: p.p, Score: h.score, Coverage: coverageSyn(qt, hints, has(i)), id: i})
	}
	// Re-rank: Bleve's score (tf-idf, relative to the best) plus how much of
	// the question the passage and its whole section cover. A section that
	// holds every word of the question (攻め, IT投資, 手順) beats one that
	// repeats some of them.
	if len(hits) > 0 && !ix.opts.BleveOnly {
		secs := make([]string, 0, len(hits))
		for _, h := range hits {
			secs = append(secs, h.Passage.Section)
		}
		secScore := ft.sectionScores(qt, hints, headStart(text, qt), secs)
		top := found[0].score
		defines := Key(text) + "トハ" // 「2025年の崖」とは…: the passage that defines it
		kind := askedFor(text)      // a figure asked for (lead.go)
		counter := askedCounter(text)
		rank := rankOf(text)            // the first, the second … (lead.go)
		source := asksSource(text)      // 出典, どこの調査 (figure.go)
		ordinal := asksOrdinal(text)    // 最初に, 2番目 (figure.go)
		secCovs := map[string]float64{} // hits share sections
		abbr := askedAbbrev(text)       // DXって何 (abbrev.go)
		figure := source || strings.Contains(text, "図")
		members := asksMembers(text) // どんなものがある, 具体的には
		before := stepBefore(text)   // 見える化した次のステップ
		qws := words(text)
		ck := Key(text)
		for i := range hits {
			p := &hits[i]
			secCov, ok := secCovs[p.Passage.Section]
			if !ok {
				secCov = coverageSyn(qt, hints, inSet(ft.sections[p.Passage.Section]))
				secCovs[p.Passage.Section] = secCov
			}
			p.Score = weightBleve*p.Score/top + weightPassage*p.Coverage +
				weightSection*secCov + weightSectionTopic*secScore[p.Passage.Section] +
				weightLength*min(1, float64(utf8.RuneCountInString(p.Passage.Text))/fullLength)
			if !leafSection.MatchString(p.Passage.Section) {
				p.Score -= penaltyOverview
			}
			if len(defines) > len("トハ") && strings.Contains(ix.passages[ids[i]].key, defines) {
				p.Score += weightDefines
			}
			if spellsOut(p.Passage.Text, abbr) {
				// DXって何: the passage that spells it out, whatever
				// section has it in its title (DXレポート).
				p.Score += weightSpellsOut
			}
			// The passage's own words, its section's title aside (every
			// passage of 4-2-1 has 守り in its title; the one that says
			// 守り itself answers a question on 守り).
			key := ix.passages[ids[i]].key
			p.Score += weightOwnText * coverageSyn(qt, hints, func(t string) bool { return strings.Contains(key, t) })
			if counter != "" && carriesCounter(p.Passage.Text, counter) ||
				counter == "" && kind != askedAny && kind != askedReason && carries(p.Passage.Text, kind) {
				// A question asking for a figure (何%, いつ, 何年後) is
				// answered by a passage that gives one, a number of
				// what it counts (何条: 423条) when it says what.
				p.Score += weightAsked
			}
			if carriesRank(p.Passage.Text, rank) {
				// 最も多い理由: the passage that states the first.
				p.Score += weightAsked
			}
			if ordinal && listsSteps(p.Passage.Text) {
				// A step asked by its position: the list of steps, the
				// one the question names by its heading first.
				p.Score += weightAsked
				if namesHeading(p.Passage.Text, ck) {
					p.Score += weightAsked
				}
				if len(before) > 0 && stepHolds(p.Passage.Text, before) {
					// The step after another: the list holding that one.
					p.Score += weightDefines
				}
			}
			if labelsWord(p.Passage.Text, qws) {
				// A list or a table's row labelled by a word of the
				// question (AI, IoT: the row of the table of
				// technologies with its uses).
				p.Score += weightAsked
			}
			if members && announcesListOf(p.Passage.Text, ck) {
				// What a thing includes: the list the chapter announces
				// for it (「守りのIT投資」には、以下のようなものがあります),
				// wherever the overview that names it more often is: it
				// outweighs the choice of the section.
				p.Score += weightSectionTopic
			}
			if !figure && isCaption(p.Passage.Text) {
				p.Score -= penaltyCaption
			}
			if source && givesSource(p.Passage.Text) {
				// A question on where a figure comes from: the
				// figure's caption with its source line.
				p.Score += weightAsked
			}
		}
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].Score > hits[b].Score })
	if len(hits) > n {
		hits = hits[:n]
	}
	ws := ix.vocab.compoundWords(text)
	for i := range hits {
		hits[i].Words = wordCoverageSyn(ws, hints, ft.sectionKeys[hits[i].Passage.Section])
	}
	return hits, nil
}

// labelsWord reports whether one of the first two lines of a list passage
// (a table's header may come first) is one of the words ws of the
// question, of two runes or more: the label of a row or a list (IoT over
// its uses; a label deep in a figure's labels labels nothing).
func labelsWord(text string, ws []string) bool {
	if !strings.Contains(text, "\n") {
		return false
	}
	longest := 0
	for _, w := range ws {
		longest = max(longest, len(w))
	}
	for range 2 {
		line, rest, _ := strings.Cut(text, "\n")
		// A line much longer than any word cannot fold to one (Key
		// drops spaces and marks, never whole words).
		if line = strings.TrimSpace(line); len(line) <= 4*longest {
			if k := Key(line); utf8.RuneCountInString(k) >= 2 && slices.Contains(ws, k) {
				return true
			}
		}
		text = rest
	}
	return false
}

// memberCues ask what a thing includes or what kinds of it there are.
var memberCues = []string{"どんなもの", "どういうもの", "どのようなもの", "何がある", "なにがある", "何が入る", "何が含まれ", "具体的には", "具体例", "どんな種類"}

// asksMembers reports whether text asks what a thing includes (see
// memberCues).
func asksMembers(text string) bool {
	return containsAny(text, memberCues)
}

// reListAnnounced matches the first line of a passage that announces a
// list, with what the list is of before には or は (「守りのIT投資」には、
// 以下のようなものがあります; knowledge.Pack.Passages joins the list to it).
var reListAnnounced = regexp.MustCompile(`^(.+?)(?:には|は)、?(?:以下|次)の`)

// announcesListOf reports whether passage text announces a list of a
// thing the question (ck, in Key form) names.
func announcesListOf(text, ck string) bool {
	first, _, _ := strings.Cut(text, "\n")
	m := reListAnnounced.FindStringSubmatch(first)
	if m == nil {
		return false
	}
	k := Key(m[1])
	return utf8.RuneCountInString(k) >= 2 && strings.Contains(ck, k)
}

// announcesList reports whether passage text announces a list and holds
// it (knowledge.Pack.Passages joins them).
func announcesList(text string) bool {
	first, rest, ok := strings.Cut(text, "\n")
	return ok && rest != "" && reListAnnounced.MatchString(first)
}

// headStart returns the index in qt of the first token of the question's
// head: what follows its last の (攻めのIT投資の手順 → 手順). In a Japanese
// noun phrase the last noun is what is asked about; the ones before it
// narrow it down. It returns len(qt) when there is no such head.
// A の with no word after it ends the question (何をやるの): the head
// follows the の before it.
func headStart(text string, qt []token) int {
	for end := len(text); ; {
		i := strings.LastIndex(text[:end], "の")
		if i < 0 {
			return len(qt)
		}
		for j, t := range qt {
			if t.start >= i+len("の") && !t.weak && !t.grammar {
				return j
			}
		}
		end = i
	}
}

// sectionScores scores the sections secs (those of the passages found;
// scoring every section would grow with the pack) for the query tokens
// qt, relative to the best of them: a sum over the tokens of idf (over sections) times a
// saturating term frequency, BM25 without length normalization. Sections
// are long and uneven; what counts is that a section is about every word
// of the question, several times.
func (ft *fullText) sectionScores(qt []token, hints []synHint, head int, secs []string) map[string]float64 {
	out := make(map[string]float64, len(secs))
	n := float64(len(ft.sectionTF))
	best := 0.0
	// The distinct tokens, weighed as their first occurrence, with their
	// idf over the sections.
	type scored struct {
		term   string
		w, idf float64
	}
	var ts []scored
	seen := make(map[string]bool, len(qt))
	for i, t := range qt {
		if seen[t.term] {
			continue
		}
		seen[t.term] = true
		df := ft.sectionDF[t.term]
		if df == 0 {
			continue // no section holds it
		}
		w := 1.0
		switch {
		case t.weak:
			w = weakWeight
		case i >= head:
			w = weightHead
		}
		ts = append(ts, scored{t.term, w, math.Log(1 + n/float64(df))})
	}
	for _, id := range secs {
		if _, done := out[id]; done {
			continue
		}
		tf := ft.sectionTF[id]
		s := 0.0
		for _, t := range ts {
			f := float64(tf[t.term])
			if f == 0 {
				continue
			}
			s += t.w * t.idf * f / (f + sectionK)
		}
		// A formal word stands in, at synonymWeight, for an everyday
		// word of the question the section never uses.
		for _, h := range hints {
			if slices.ContainsFunc(h.from, func(term string) bool { return tf[term] > 0 }) {
				continue
			}
			alt := 0.0
			for _, terms := range h.to {
				a := 0.0
				for _, term := range terms {
					if f := float64(tf[term]); f > 0 {
						a += math.Log(1+n/float64(ft.sectionDF[term])) * f / (f + sectionK)
					}
				}
				alt = math.Max(alt, a)
			}
			s += synonymWeight * alt
		}
		out[id] = s
		best = math.Max(best, s)
	}
	if best > 0 {
		for id := range out {
			out[id] /= best
		}
	}
	return out
}

// words cuts text into its content words, crudely but without a
// dictionary: runs of kanji, of katakana, of Latin letters and digits,
// with hiragana (particles, okurigana) and punctuation between them.
// 社食のメニュー → 社食, メニユ; IT人材の不足 → it, 人材, 不足; a kanji with
// okurigana after a compound is a word of its own (以上使っている → 以上,
// 使). Each word is in Key form.
func words(text string) []string { return wordsOf(keyRunes(text)) }

// wordsOf is words of a text already in key runes.
func wordsOf(ks []keyRune) []string {
	var out []string
	var cur []rune
	class := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
		}
		cur, class = nil, 0
	}
	for i, k := range ks {
		c := runeClass(k.R)
		if k.Hira || k.Brk || c != class {
			flush()
		}
		if len(cur) >= 2 && c == 1 && i+1 < len(ks) && stem(k, ks[i+1]) && !strings.ContainsRune(nounEndings, ks[i+1].R) {
			// A verb after a noun, with no particle between them
			// (21年以上使っている: 以上, 使): the verb's kanji is no part of
			// the noun.
			flush()
		}
		if k.Hira {
			continue
		}
		cur, class = append(cur, k.R), c
	}
	flush()
	return out
}

// runeClass tells kanji (1), katakana (2), Latin (3) and the rest (4) apart.
func runeClass(r rune) int {
	switch {
	case unicode.Is(unicode.Han, r):
		return 1
	case unicode.Is(unicode.Katakana, r):
		return 2
	case isLatin(r):
		return 3
	}
	return 4
}

// wordCoverage is the share of ws found in key (a Key form text).
func wordCoverage(ws []string, key string) float64 {
	if len(ws) == 0 {
		return 0
	}
	n := 0
	total := 0
	for _, w := range ws {
		if utf8.RuneCountInString(w) < 2 {
			continue // a verb stem or a suffix (呼ばれた, 化): unreliable
		}
		total++
		if containsKey(key, w) {
			n++
		}
	}
	if total == 0 {
		return 1
	}
	return float64(n) / float64(total)
}

// mayHoldWords reports whether some section may hold minWords of ws, as
// wordCoverage counts them: a section that holds a word holds every bigram
// of it. When none can, no passage answers and the search need not run (in
// a large pack Bleve scans long posting lists: /term ブルートフォース攻撃 at
// 100 copies of the default pack).
func (st *sectionText) mayHoldWords(ws []string, minWords float64) bool {
	total, best := 0, 0
	var count []int32 // sections → words they may hold
	var grams [][]int32
	for _, w := range ws {
		if utf8.RuneCountInString(w) < 2 {
			continue // as wordCoverage
		}
		total++
		// The sections holding every bigram of w, from the rarest bigram.
		grams = grams[:0]
		var prev rune
		for i, r := range w {
			if i > 0 {
				grams = append(grams, st.sectionGrams[[2]rune{prev, r}])
			}
			prev = r
		}
		slices.SortFunc(grams, func(a, b []int32) int { return len(a) - len(b) })
		for _, id := range grams[0] {
			if !allHold(grams[1:], id) {
				continue
			}
			if count == nil {
				count = make([]int32, st.nSections)
			}
			count[id]++
			best = max(best, int(count[id]))
		}
	}
	if total == 0 {
		return true
	}
	return float64(best)/float64(total) >= minWords
}

// allHold reports whether every list of lists (sorted) holds id.
func allHold(lists [][]int32, id int32) bool {
	for _, l := range lists {
		if _, ok := slices.BinarySearch(l, id); !ok {
			return false
		}
	}
	return true
}

// sectionHitsCoverage is the coverage of qt by hits[0] and the other hits
// of its section, together.
func (ft *fullText) sectionHitsCoverage(qt []token, hints []synHint, hits []Hit) float64 {
	has := ft.passageHolds()
	return coverageSyn(qt, hints, func(t string) bool {
		for _, h := range hits {
			if h.Passage.Section == hits[0].Passage.Section && has(h.id)(t) {
				return true
			}
		}
		return false
	})
}

// inSet is membership in set.
func inSet(set map[string]struct{}) func(string) bool {
	return func(t string) bool { _, ok := set[t]; return ok }
}

// passageHolds returns, for a passage, whether it holds a term: its text
// (with the expansions of its abbreviations) or its section's title. The
// posting lists of the terms asked are found once per search.
func (ft *fullText) passageHolds() func(doc int) func(term string) bool {
	if ft.passages == nil {
		return func(doc int) func(string) bool { return inSet(ft.passageTokens[doc]) }
	}
	lists := map[string][numPassageFields][]passagePosting{}
	return func(doc int) func(string) bool {
		return func(t string) bool {
			l, ok := lists[t]
			if !ok {
				l = ft.passages.lists(t)
				lists[t] = l
			}
			for _, f := range l {
				if holds(f, doc) {
					return true
				}
			}
			return false
		}
	}
}

// spans returns the byte ranges of text whose tokens are among qt's.
func spans(text string, qt []token) [][2]int {
	want := map[string]bool{}
	for _, t := range qt {
		if !t.weak || utf8.RuneCountInString(t.term) > 1 {
			want[t.term] = true // not a lone particle
		}
	}
	var out [][2]int
	for _, t := range textTokens(text) {
		if !want[t.term] {
			continue
		}
		if n := len(out); n > 0 && t.start <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], t.end)
			continue
		}
		out = append(out, [2]int{t.start, t.end})
	}
	return out
}

// Ask answers a free question: the glossary entry when the question names a
// term (ゼロトラストって何？, What is EDR?), else the chapter passages that
// answer it, best first, else kind none with suggestions.
func (ix *Index) Ask(ctx context.Context, question string) (knowledge.Answer, error) {
	q, err := check(ctx, question)
	if err != nil {
		return knowledge.Answer{}, err
	}
	res, err := ix.resolve(ctx, q, false, fullTextSuggest)
	if err != nil {
		return knowledge.Answer{}, err
	}
	if res.term >= 0 && res.stage == stageExact {
		return ix.resolvedAnswer(q, res), nil
	}
	if a, ok := ix.figureAnswer(q); ok {
		// 図21って何の図, 図18の出典: the figure named by its number.
		return a, nil
	}
	if res.term >= 0 {
		return ix.resolvedAnswer(q, res), nil
	}
	// A description of a thing names its term (reverse lookup,
	// describe.go) unless a chapter passage answers the question much
	// better; a tentative one, or one that does not read as a description,
	// yields to any passage that answers.
	u := understand(q)
	minWords := passageWords
	if asksWhereTo(q) {
		// Where or through what to get a thing done (会議室の予約はどの
		// システムで) is the chapter's only when its section says every
		// word of it.
		minWords = 1
	}
	pq := u.question
	if askName(q) {
		// 守りのIT投資って別の言い方だと何て呼ばれてる: the passage that
		// names it says what comes before the naming words.
		if c := cutNaming(pq); c != pq && hasContent(c) {
			pq = c
		}
	}
	if t := ix.onlyNamed(u.question, ix.setAside(u)); t >= 0 && asksWhatItIs(q) && ix.nothingBut(u.question, t) {
		// One term named and nothing else but verbs and question words
		// (RPAを入れたら何が楽になるんですか): a question about the term,
		// whatever passage shares its verbs.
		return ix.termAnswer(q, t), nil
	}
	a, ok, err := ix.passageAnswer(ctx, q, pq, minWords)
	if err != nil {
		return knowledge.Answer{}, err
	}
	_, hinted := ix.nameHints(u.question) // ゼロ何とか, 3文字の略語: a name asked for
	// A figure's caption (and its source line) is a label, not what the
	// chapter says: a description that a term fits better than the caption
	// fits the question names the term, unless the question asks for a
	// source (中小企業向けのセキュリティ対策の宣言制度 is SECURITY ACTION,
	// not the source of 図25, IPA「中小企業の情報セキュリティ対策ガイド
	// ライン」).
	caption := ok && isCaption(a.Passages[0].Text) && !asksSource(q) && a.coverage < res.describeScore
	if res.describe == describeConfident && isDescription(q, u.core) && (!ok || caption || askName(q) || hinted || isThing(u.core) || a.coverage < describeOverPassage || res.describeScore >= a.coverage || ix.namesHead(res.described, u.core) || ix.headOnlyInTerm(res.described, a.Passages, u.core)) {
		return ix.resolvedAnswer(q, resolution{term: res.described}), nil
	}
	if res.describe == describeTentative && ok && (caption || (askName(q) || isThing(u.core)) && a.coverage < res.describeScore) {
		// A thing described (…をまとめたもの) that a term fits better than
		// any passage fits the question: "もしかして" that term.
		ok = false
	}
	if ok {
		return a.Answer, nil
	}
	if res.describe != describeNone && isDescription(q, u.core) {
		// Only a message that reads as a description of a thing (or asks
		// for a name) gets a "もしかして": a request that uses a word of a
		// term (出張先のホテルの予約はどうすればいい, 振込口座を変更したい)
		// describes nothing.
		return ix.resolvedAnswer(q, resolution{term: res.described, tentative: true, suggestions: res.suggestions}), nil
	}
	if c, cov := ix.contained(Key(u.core)); c >= 0 && cov >= containsMin && !ix.setAside(u)[c] {
		return ix.termAnswer(q, c), nil
	}
	if t := ix.onlyNamed(u.question, ix.setAside(u)); t >= 0 && asksWhatItIs(q) {
		// A message naming one term, in a background clause or beside a
		// question of generic words (来週の研修資料にCSIRTって出てくるん
		// ですが、何をする組織なんでしょうか): that term.
		return ix.termAnswer(q, t), nil
	}
	return ix.noneAnswer(q, res.suggestions), nil
}

// nothingBut reports whether text has no word of two runes or more (see
// words) but the names of term t and question words (何故, 何年 are
// words).
func (ix *Index) nothingBut(text string, t int) bool {
	names := map[string]bool{}
	for _, n := range append([]string{ix.terms[t].term.Name}, ix.terms[t].given...) {
		for _, w := range words(n) {
			names[w] = true
		}
	}
	for _, w := range words(text) {
		if utf8.RuneCountInString(w) >= 2 && !names[w] {
			return false
		}
	}
	return true
}

// headOnlyInTerm reports whether the head of the description core (its
// last word, see headWord) is a word of term t and not of the section of
// the best passage of ps: a section that never says 合宿 does not answer
// …技術を教える合宿, however many of the words before it it shares. A synonym of the
// head (synonyms.go) is the head.
func (ix *Index) headOnlyInTerm(t int, ps []knowledge.Passage, core string) bool {
	head := headWord(core)
	if t < 0 || head == "" || ix.describer.heldWords(head, t) == 0 {
		return false
	}
	alts := []string{head}
	for _, h := range synonymHints(head) {
		alts = append(alts, h.formals...) // ステップ: STEP, 手順
	}
	if len(ps) == 0 {
		return false
	}
	ft, err := ix.fullText(context.Background()) // built: a passage answered
	if err != nil {
		return false
	}
	k := ft.sectionKeys[ps[0].Section]
	for _, w := range alts {
		if containsKey(k, w) {
			return false
		}
	}
	return true
}

// scoredAnswer is a passage answer with the coverage of its best passage.
type scoredAnswer struct {
	knowledge.Answer
	coverage float64
}

// passageAnswer answers q with the chapter's passages on core (q without
// its question wrappers) when the best one holds enough of the question's
// bigrams and its section at least minWords of the question's words (see
// words); ok is false when none does.
func (ix *Index) passageAnswer(ctx context.Context, q, core string, minWords float64) (a scoredAnswer, ok bool, err error) {
	if ix.vocab.unknownLatin(core) != "" {
		return scoredAnswer{}, false, nil // see offtopic.go
	}
	// Whether a section can hold the words is known before Bleve is
	// ready: a query no passage can answer does not wait for it.
	st, err := ix.sectionTexts(ctx)
	if err != nil {
		return scoredAnswer{}, false, err
	}
	hints := synonymHints(Key(core))
	if len(hints) == 0 && !st.mayHoldWords(ix.vocab.compoundWords(core), minWords) {
		return scoredAnswer{}, false, nil // hits[0].Words < minWords, below
	}
	ft, err := ix.fullText(ctx)
	if err != nil {
		return scoredAnswer{}, false, err
	}
	hits, err := ix.searchHints(ctx, core, hints, maxPassages)
	if err != nil {
		return scoredAnswer{}, false, err
	}
	if len(hits) == 0 || hits[0].Words < minWords {
		return scoredAnswer{}, false, nil
	}
	listed := asksMembers(core) && announcesListOf(hits[0].Passage.Text, Key(core))
	before := stepBefore(core)
	if len(before) > 0 && listsSteps(hits[0].Passage.Text) && stepHolds(hits[0].Passage.Text, before) {
		listed = true
	}
	if hits[0].Coverage < passageCoverage && !listed {
		// (A list the chapter announces for the thing asked answers what
		// it includes, and a list of steps holding the step a question
		// names the step after it, however the question is worded.)
		// A question may join what several passages of one section say
		// (two stages of a list, a case and the rule it illustrates): the
		// answer shows the hits of the best one's section together, and it
		// is judged on what they hold together.
		if ft.sectionHitsCoverage(tokenize(core), hints, hits) < passageCoverage {
			return scoredAnswer{}, false, nil
		}
	}
	a.coverage = hits[0].Coverage
	a.Answer = knowledge.Answer{Query: q, Kind: knowledge.KindPassage, Passages: []knowledge.Passage{}, Suggestions: []string{}}
	qt, kind, rank := tokenize(core), askedFor(q), rankOf(q)
	for i, h := range hits {
		// After the best, only passages that say something more.
		if i == 0 || h.Coverage >= passageCoverage/2 && utf8.RuneCountInString(h.Passage.Text) >= minExtraLength {
			// The sentence that holds what is asked first (lead.go).
			p := h.Passage
			if t, ok := leadNextStep(p.Text, before); len(before) > 0 && ok {
				p.Text = t // the step after the one the question names
			} else {
				p.Text = leadSentence(p.Text, qt, kind, rank)
			}
			a.Passages = append(a.Passages, p)
		}
	}
	return a, true, nil
}

// reNaming matches the words that ask for a name at the end of a question
// (…って別の言い方だと何て呼ばれてる, …の正式な名前は, テキストでは何て呼んで
// た: the chapter pointed at): no passage says them.
var reNaming = regexp.MustCompile(`(?:って|とは|は|の|を|、)?(?:(?:テキスト|資料|本文|教材|この章)(?:の中では|の中で|では|で|だと))?(?:別の|ほかの|他の|正式な|正式の)?(?:言い方|呼び方|呼び名|名前|名称|別名)?(?:だと|では|で|は|って)?(?:何|なん)(?:て|と)(?:言|呼|い).*$|(?:って|は|の|、)?(?:別の|ほかの|他の|正式な|正式の)(?:言い方|呼び方|呼び名|名前|名称).*$|(?:の|って)?別名.*$`)

// cutNaming removes the naming words that end q (see reNaming).
func cutNaming(q string) string {
	return strings.TrimSpace(reNaming.ReplaceAllString(q, ""))
}
