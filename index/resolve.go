package index

import (
	"context"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Resolution stages: which stage of resolve answered (see TestStages).
const (
	stageNone     = ""
	stageExact    = "exact"    // a name, reading, alias, English expansion or gloss
	stagePart     = "part"     // the query is part of one term's name (ゼロデイ → ゼロデイ攻撃)
	stageContains = "contains" // the query contains a term's name
	stageTypo     = "typo"     // within a small edit distance of a name
	stageSound    = "sound"    // the same consonants in the other script (ransomware)
	stageTopic    = "topic"    // a clause's topic names a term (…、ランサムウェアって何？)
	stageCompare  = "compare"  // two names compared: the first (完全性と機密性の違い)
	stageDescribe = "describe" // reverse lookup: a description of the thing
	stageFullText = "fulltext" // full text over names and definitions
)

// Confidence thresholds. They were set by measurement on the eval sets (see
// README, "Search and answers"), never by looking at single queries.
const (
	// partMinPrefix and partMinInfix: how much of a term's name a query must
	// cover to stand for it, when the name starts with the query and when the
	// query is elsewhere in the name.
	partMinPrefix = 0.4
	partMinInfix  = 0.5
	// partMinDistinct: the same for a part no other term uses.
	partMinDistinct = 0.2
	// containsMin: how much of the query a contained term name must cover.
	containsMin = 0.5
	// fullTextMinRunes: a query shorter than this (in Key form) is a word,
	// not a description; a word that is no name is not answered from the
	// definitions that merely use it (パスワード is not 多要素認証).
	fullTextMinRunes = 10
	// termCoverage: the share of the query's (weighted) tokens a term's
	// names and definition must hold for a full-text answer.
	termCoverage = 0.75
	// suggestCoverage: the least coverage of a full-text hit that is
	// offered as "did you mean".
	suggestCoverage = 0.5
	// passageCoverage: the same for a passage answering a question.
	passageCoverage = 0.5
	// termPassageWords: the share of a /term query's words (see words)
	// the section of a passage must hold to answer it (see Term).
	termPassageWords = 1.0
	// weakWeight is the weight of a bigram with a particle (の, とは).
	weakWeight = 0.25
	// latinMaxWeight caps the weight of one Latin word.
	latinMaxWeight = 4
)

// resolution is the outcome of term resolution.
type resolution struct {
	term        int // index into ix.terms, or -1
	stage       string
	suggestions []int
	// tentative is set when reverse lookup found term without confidence:
	// the answer says "もしかして" (see describe.go).
	tentative bool
	// describe and described are what reverse lookup found when it could
	// not answer (Ask decides with the passages).
	describe      describeVerdict
	described     int
	describeScore float64
}

// fullTextMode says what the full-text stage of resolve may do.
type fullTextMode int

const (
	fullTextOff     fullTextMode = iota
	fullTextSuggest              // only offer "did you mean"
	fullTextAnswer               // answer when confident, else suggest
)

// request is one term resolution in progress: the query in the forms the
// stages use, and what they may do.
type request struct {
	q    string     // the query as checked
	u    understood // what the message asks (understand.go)
	core string     // u.core
	ck   string     // Key(core)
	n    int        // runes of ck
	// contains: the contains stage may answer (else it only suggests);
	// fullText says what the description stages may do.
	contains bool
	fullText fullTextMode
	// skip holds the terms a contrast set aside: no stage answers them.
	skip map[int]bool
}

// stage is one named step of resolve: it answers (returns true with
// res.term set), gives up on the query (true, no term), or passes it on
// with suggestions added.
type stage struct {
	name string
	run  func(ix *Index, ctx context.Context, r *request, res *resolution) (bool, error)
}

// stages are the steps of term resolution, most certain first (see the
// package documentation).
var stages = []stage{
	{stageExact, (*Index).stageExact},
	{stageTopic, (*Index).stageTopic},
	{stageCompare, (*Index).stageCompare},
	{stagePart, (*Index).stagePart},
	{stageContains, (*Index).stageContains},
	{stageTypo, (*Index).stageTypo},
	{stageSound, (*Index).stageSound},
	{stageDescribe, (*Index).stageDescribe},
	{stageFullText, (*Index).stageFullText},
}

// resolve runs the stages of term resolution on q (already checked).
// With contains false the contains stage only suggests; fullText says what
// the description stages may do.
func (ix *Index) resolve(ctx context.Context, q string, contains bool, fullText fullTextMode) (resolution, error) {
	res := resolution{term: -1, described: -1}
	r := &request{q: q, u: understand(q), contains: contains, fullText: fullText}
	r.core = r.u.core
	r.skip = ix.setAside(r.u)
	switch {
	case r.u.setAside == nil:
	case isDescription(q, r.u.core) && hasContent(r.u.asked):
		// A description after a contrast is read alone: what comes before
		// it describes what it is not (入口で止めるウイルス対策ソフトとは
		// 違って、入られた後の…製品).
		r.core = r.u.asked
	case len(r.skip) == 0:
		// The contrast sets aside no term and what follows it is no
		// description: read the message whole (パスワード以外の認証とは).
		r.core = r.u.whole
	}
	r.ck = Key(r.core)
	r.n = utf8.RuneCountInString(r.ck)
	for _, s := range stages {
		if ix.opts.BleveOnly != (s.name == stageFullText) {
			// Full text over the terms (Bleve) runs only to measure the
			// analyzers (Options.BleveOnly): reverse lookup reads
			// descriptions better, and without waiting for Bleve.
			continue
		}
		done, err := s.run(ix, ctx, r, &res)
		if err != nil {
			return res, err
		}
		if res.term >= 0 && r.skip[res.term] {
			// Never the term a contrast sets aside.
			res.term, res.tentative = -1, false
			continue
		}
		if res.term >= 0 {
			res.stage = s.name
			return res, nil
		}
		if done {
			break
		}
	}
	res.suggestions = slices.DeleteFunc(res.suggestions, func(t int) bool { return r.skip[t] })
	return res, nil
}

// setAside returns the terms the contrasts of u set aside.
func (ix *Index) setAside(u understood) map[int]bool {
	var skip map[int]bool
	for _, a := range u.setAside {
		k := Key(stripWrappers(a))
		ts := ix.exact[k]
		for rest := a; len(ts) == 0; {
			// Words before a name in Latin letters stay with it in a
			// contrast's word (lastWord keeps NIST CSF whole): secbot
			// IPSとは違って sets aside IPS.
			_, after, ok := strings.Cut(rest, " ")
			if !ok {
				break
			}
			rest = strings.TrimSpace(after)
			ts = ix.exact[Key(stripWrappers(rest))]
		}
		if len(ts) == 0 {
			// A clause set aside (…けど、それと違って): every term it names.
			for t := range ix.namedIn(k) {
				ts = append(ts, name{term: t})
			}
		}
		for _, n := range ts {
			if skip == nil {
				skip = map[int]bool{}
			}
			skip[n.term] = true
		}
	}
	return skip
}

// stageExact: the query, its wrappers and chat stripped, is a name.
func (ix *Index) stageExact(_ context.Context, r *request, res *resolution) (bool, error) {
	kana, _ := toKana(r.core)
	for _, k := range []string{r.ck, Key(r.q), Key(kana), icVariant(r.ck)} {
		if ns := ix.exact[k]; len(ns) > 0 {
			if r.skip[ns[0].term] {
				continue
			}
			if amb := glossTerms(ns); len(amb) > 1 {
				// A gloss two definitions give two terms names
				// neither for sure: say so.
				res.suggestions = amb
				return true, nil
			}
			res.term = ns[0].term
			return true, nil
		}
	}
	return r.ck == "", nil
}

// nameStages are the stages that look a text up as a name.
var nameStages = []stage{
	{stageExact, (*Index).stageExact},
	{stagePart, (*Index).stagePart},
	{stageContains, (*Index).stageContains},
	{stageTypo, (*Index).stageTypo},
	{stageSound, (*Index).stageSound},
}

// stageTopic: the topic of one of the message's clauses (understand.go) is
// a name, by the name stages alone (the contains stage may answer: a topic
// is short). A message that is one clause with no topic mark has no topic
// but itself, which the other stages read.
func (ix *Index) stageTopic(ctx context.Context, r *request, res *resolution) (bool, error) {
	for _, tp := range r.u.topics {
		if tp == r.core && !r.u.marked[tp] {
			continue // the other stages read the core
		}
		// A topic is short: the contains stage may answer it.
		sub := &request{q: tp, core: tp, ck: Key(tp), contains: true, skip: r.skip}
		sub.n = utf8.RuneCountInString(sub.ck)
		if sub.n < 2 {
			continue
		}
		var sres resolution
		sres.term = -1
		for _, s := range nameStages {
			done, err := s.run(ix, ctx, sub, &sres)
			if err != nil {
				return false, err
			}
			if sres.term >= 0 || done {
				break
			}
		}
		if sres.term >= 0 && !r.skip[sres.term] {
			res.term = sres.term
			return true, nil
		}
	}
	return false, nil
}

// stageCompare: two names compared (完全性と機密性の違い, ICTとITの違いは):
// the first, when it is exactly a term's name, answers.
func (ix *Index) stageCompare(_ context.Context, r *request, res *resolution) (bool, error) {
	if askName(r.q) {
		// Names listed to ask what they are together (機密性と完全性と
		// 可用性をまとめて何と呼ぶ) compare nothing.
		return false, nil
	}
	if left, right, ok := strings.Cut(r.core, "と"); ok && left != "" && right != "" && !strings.HasPrefix(right, "か") {
		// (Aとか…: A is an example, not one side of a comparison.)
		if l := ix.exact[Key(left)]; len(l) > 0 && len(glossTerms(l)) <= 1 {
			res.term = l[0].term
			return true, nil
		}
	}
	return false, nil
}

// stagePart: the query is part of a term's name. Every term whose name
// holds it counts: one term is the answer when the query covers enough of
// its name, or names nothing else at all; several are ambiguous (リスク →
// リスク評価 or リスクアセスメント) unless one name is the start of all the
// others (ぜいじゃく → 脆弱性, not 脆弱性診断).
func (ix *Index) stagePart(_ context.Context, r *request, res *resolution) (bool, error) {
	ck, ckLen := r.ck, r.n
	if ckLen < 2 {
		return false, nil
	}
	best := map[int]float64{}      // term → best coverage
	sure := map[int]bool{}         // term → coverage over the threshold
	matchedKey := map[int]string{} // term → the name key that matched
	ix.nameIx.containing(ck, func(id int32) {
		n := ix.names[id]
		if n.key == ck {
			return
		}
		cov := float64(ckLen) / float64(utf8.RuneCountInString(n.key))
		isPrefix := n.key[:len(ck)] == ck
		if cov < partMinDistinct {
			res.suggestions = append(res.suggestions, n.term)
			return
		}
		if cov > best[n.term] {
			best[n.term] = cov
			matchedKey[n.term] = n.key
		}
		if (isPrefix && cov >= partMinPrefix) || cov >= partMinInfix {
			sure[n.term] = true
		}
	})
	switch terms := sortedByScore(best); {
	case len(terms) == 1:
		// A low-coverage part that names nothing else is still this
		// term (お助け隊 → サイバーセキュリティお助け隊サービス制度).
		if sure[terms[0]] || (ckLen >= 3 && ix.distinct(ck, terms[0])) {
			res.term = terms[0]
			return true, nil
		}
		res.suggestions = append(terms, res.suggestions...)
	case len(terms) > 1:
		if t := commonStem(terms, matchedKey); t >= 0 && sure[t] {
			res.term = t
			return true, nil
		}
		// Ambiguous: say so rather than let full text pick one.
		res.suggestions = append(terms, res.suggestions...)
		return true, nil
	}
	return false, nil
}

// stageContains: the query contains a term's name.
func (ix *Index) stageContains(_ context.Context, r *request, res *resolution) (bool, error) {
	if c, cov := ix.containedSkip(r.ck, r.skip); c >= 0 {
		c, cov = ix.qualified(r.core, c, cov)
		if r.contains && cov >= containsMin {
			res.term = c
			return true, nil
		}
		res.suggestions = append(res.suggestions, c)
	}
	return false, nil
}

// stageTypo: a typo of a name.
func (ix *Index) stageTypo(_ context.Context, r *request, res *resolution) (bool, error) {
	t, near := ix.typo(r.ck)
	if t >= 0 {
		res.term = t
		return true, nil
	}
	res.suggestions = append(res.suggestions, near...)
	return false, nil
}

// stageSound: a loanword in the other script (sounds.go): ransomware →
// ランサムウェア, ロックビット → LockBit2.0.
func (ix *Index) stageSound(_ context.Context, r *request, res *resolution) (bool, error) {
	t, amb := ix.soundMatch(r.core)
	if t >= 0 {
		res.term = t
		return true, nil
	}
	res.suggestions = append(res.suggestions, amb...)
	return false, nil
}

// stageDescribe: reverse lookup, a description of the thing (describe.go).
// A query about what the pack never names (offtopic.go) is not described.
func (ix *Index) stageDescribe(_ context.Context, r *request, res *resolution) (bool, error) {
	// The off-topic check reads what is asked, not what a contrast sets
	// aside (ハッキングという言葉と違って…).
	asked := r.u.core
	if r.u.asked != "" {
		asked = r.u.asked
	}
	_, hint := ix.nameHints(r.u.question)
	if hint {
		asked = dropHints(asked) // アルファベット2文字: about the name
	}
	off, byKeyword := ix.vocab.describesUnknown(afterExample(asked), ix.keywordWords)
	if r.fullText == fullTextOff || off || asksHowTo(r.q) && !namesThing(r.u.core) || asksFigure(r.q) {
		return false, nil
	}
	v, t, alts, score := ix.describe(r.core, r.u.question, r.skip)
	if byKeyword && !hint && v != describeNone && (v == describeTentative || ix.describer.heldWords(r.core, t) < describeMinWords+1) {
		// A word the pack never uses that only a keyword knows: sure, and
		// the term holds two more of the message's words (ディープラーニング
		// の勉強方法 is about studying, not a description of AI), or
		// nothing.
		v = describeNone
	}
	if v == describeTentative && (ix.vocab.offTopic(asked) || ix.subjectNamed(r.ck, r.skip)) {
		// Not sure, and about a word the pack never uses (量子コンピュータ),
		// or about a term the question names (セキュリティアクションの宣言 is
		// not a description of another term).
		v = describeNone
	}
	res.describeScore = score
	switch {
	case v == describeConfident && r.fullText == fullTextAnswer:
		res.term, res.suggestions = t, alts
		return true, nil
	case v == describeTentative && r.fullText == fullTextAnswer:
		res.term, res.suggestions, res.tentative = t, alts, true
		return true, nil
	case v != describeNone:
		res.suggestions = append(res.suggestions, t)
		res.describe, res.described = v, t
	}
	res.suggestions = append(res.suggestions, alts...)
	return false, nil
}

// exampleMarks end an example given as a likeness (チケットサイトにアクセス
// が殺到したような, POSの売上データみたいに).
var exampleMarks = []string{"ような", "みたいな", "みたいに", "のように"}

// afterExample returns what follows the last example a description gives
// as a likeness, when that has content of its own: the example may name
// what the pack never does (チケットサイト) without the description being
// about it. It returns s when there is none.
func afterExample(s string) string {
	best := -1
	for _, m := range exampleMarks {
		if i := strings.LastIndex(s, m); i >= 0 && i+len(m) > best {
			best = i + len(m)
		}
	}
	if best < 0 || contentWords(s[best:]) < 2 {
		return s
	}
	return s[best:]
}

// stageFullText: full text over names and definitions (Bleve), accepted
// only when the query's words are covered well enough.
func (ix *Index) stageFullText(ctx context.Context, r *request, res *resolution) (bool, error) {
	mode := r.fullText
	if mode == fullTextAnswer && r.n < fullTextMinRunes {
		mode = fullTextSuggest
	}
	if mode == fullTextOff {
		return false, nil
	}
	ft, err := ix.fullText(ctx)
	if err != nil {
		return false, err
	}
	hits, err := ix.searchTerms(ctx, ft, r.core)
	if err != nil {
		return false, err
	}
	qt := tokenize(r.core)
	// Bleve ranks (names boosted); coverage decides: the hit whose
	// names and definition hold the most of the query, if enough.
	best, bestCov := -1, 0.0
	for _, h := range hits {
		if r.skip[h] {
			continue
		}
		cov := coverage(qt, ft.termTokens[h])
		if cov > bestCov {
			best, bestCov = h, cov
		}
		if cov >= suggestCoverage && matched(qt, ft.termTokens[h]) >= min(2, distinctTokens(qt)) {
			res.suggestions = append(res.suggestions, h)
		}
	}
	if mode == fullTextAnswer && best >= 0 && bestCov >= termCoverage && strongTokens(qt) >= 1 {
		res.term, res.tentative = best, false
		return true, nil
	}
	return false, nil
}

// sortedByScore returns the keys of m, highest value first.
func sortedByScore(m map[int]float64) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(a, b int) bool {
		if m[out[a]] != m[out[b]] {
			return m[out[a]] > m[out[b]]
		}
		return out[a] < out[b]
	})
	return out
}

// namesThing reports whether core ends in a noun (see isDescription):
// …どこから接続してきたかを示す数字の並び is a description, whatever
// how-to words its clauses use.
func namesThing(core string) bool {
	core = strings.TrimRight(core, trimChars)
	return isDescription(core, core) && !strings.HasSuffix(core, "の")
}
