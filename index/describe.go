package index

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Reverse lookup: a description of a thing → the term that names it
// (大量のアクセスを一斉に送りつけてサーバを止める攻撃 → DDoS攻撃). Each term is
// a bag of tokens (see tokenize) from four fields, each with a weight: its
// names and its keywords (knowledge.Term.Keywords, the everyday words for
// the thing) count fully, its definition a little less, the names of its
// related terms least. A query scores each term by the share of its
// content tokens, weighted by how rare each is among the terms (idf), that
// the term's fields hold, each at its best field's weight. The decision is
// calibrated on the description sets (testdata/people): a confident answer,
// a tentative one ("もしかして", shown with the runner-up as suggestions),
// or none.

// Field weights of reverse lookup.
const (
	describeName     = 1.0
	describeKeyword  = 1.0
	describeDef      = 0.8
	describeRelated  = 0.4
	describeMinRunes = 4 // a shorter query is a word, not a description
	// describeKana is the weight of a keyword's kana bigrams, and
	// kanaMaxDF the most passages that may hold one for a query's
	// grammar bigram to count (see rank).
	describeKana = 0.3
	// describeKanaWord is the weight of a keyword typed in hiragana found
	// whole in a query (see kanaTokens): a word, but one that everyday
	// grammar may spell too (つながらないよう).
	describeKanaWord = 0.5
	kanaMaxDF        = 2
	// describeHead is added to the score of a term whose name ends with
	// the head of the description, its last word (see namesHead).
	describeHead = 0.1
)

// Decision thresholds of reverse lookup, calibrated on the description
// sets (testdata/people/describe.tsv and our own) against the none rows and
// chapter questions of every set (go test ./index -run TestQuality -v):
// the best term's score and its lead over the runner-up (a ratio) decide.
const (
	// describeSure and describeLead: a confident answer.
	describeSure = 0.30
	describeLead = 1.2
	// describeMaybe: a tentative answer ("もしかして"), with the
	// runners-up as suggestions.
	describeMaybe = 0.20
	// describeMinMatched: the least number of distinct content tokens a
	// term must hold.
	describeMinMatched = 2
	// describeMinWords: the least number of the query's words (runs of
	// kanji, katakana or Latin of two runes or more, see words) the best
	// term must hold whole for a tentative answer.
	describeMinWords = 2
	// describeOverPassage: in a free question, a confident description
	// yields to a chapter passage that holds at least this share of the
	// question's bigrams, and more than the description's score (a
	// question about the chapter matches its passages far better than a
	// description of a thing does).
	describeOverPassage = 0.5
)

// describer is the reverse-lookup table, built with the index.
type describer struct {
	// postings maps a token to the terms holding it, with the weight of
	// the best field that holds it.
	postings map[string][]posting
	nTerms   int
	// chapterDF counts the passages holding each token, nPassages the
	// passages: a word the whole chapter uses says little about a term.
	chapterDF map[string]int
	nPassages int
	// scratch holds rankScratch values sized for the terms.
	scratch sync.Pool
	// kanaWords are the keywords typed in hiragana alone (なりすまし,
	// ひとまとめ), in Key form: found whole in a query, each is a word
	// the term holds (see kanaTokens).
	kanaWords []string
}

type posting struct {
	term int32
	w    float32
}

// newDescriber builds the table for ix.terms (names, keywords, definition
// and related terms must be set).
func newDescriber(terms []termEntry, chapterDF map[string]int, nPassages int) *describer {
	d := &describer{postings: map[string][]posting{}, nTerms: len(terms), chapterDF: chapterDF, nPassages: nPassages}
	n := len(terms)
	d.scratch.New = func() any {
		return &rankScratch{score: make([]float64, n), matched: make([]int32, n), kana: make([]int32, n)}
	}
	for i, e := range terms {
		best := map[string]float64{}
		addTokens := func(toks []token, w float64) {
			for _, t := range toks {
				if t.grammar {
					continue
				}
				if w > best[t.term] {
					best[t.term] = w
				}
			}
		}
		add := func(s string, w float64) { addTokens(textTokens(s), w) }
		for _, r := range e.related {
			add(r, describeRelated)
		}
		addTokens(e.defTokens, describeDef)
		for _, k := range e.term.Keywords {
			if isKanaWord(k) {
				key := Key(k)
				if !slices.Contains(d.kanaWords, key) {
					d.kanaWords = append(d.kanaWords, key)
				}
				best[kanaWordToken+key] = describeKanaWord
			}
			toks := textTokens(k)
			addTokens(toks, describeKeyword)
			// The kana of a keyword (いつでも使える) may be a word typed
			// in hiragana: kept, for the grammar bigrams of a query (see
			// rank).
			for _, t := range toks {
				if t.grammar && describeKana > best[t.term] {
					best[t.term] = describeKana
				}
			}
		}
		for _, n := range e.given {
			add(n, describeName)
		}
		for t, w := range best {
			d.postings[t] = append(d.postings[t], posting{int32(i), float32(w)})
		}
	}
	return d
}

// kanaWordToken prefixes the token of a keyword typed in hiragana (see
// describer.kanaWords); no bigram starts so.
const kanaWordToken = "\x00kana:"

// minKanaWord is the least runes of a keyword in hiragana found whole in a
// query: a shorter one is grammar as often as a word.
const minKanaWord = 4

// isKanaWord reports whether keyword k is typed in hiragana alone and long
// enough to be found whole (see minKanaWord).
func isKanaWord(k string) bool {
	n := 0
	for _, r := range k {
		if !isHiraganaRune(r) {
			return false
		}
		n++
	}
	return n >= minKanaWord
}

// kanaTokens returns qt with a token for each keyword in hiragana that the
// query holds whole (なりすましをされると…: なりすまし): its bigrams are
// grammar to the analyzer, and the chapter's grammar shares them (ナリ of
// なります), but the whole word names the thing.
func (d *describer) kanaTokens(core string, qt []token) []token {
	ck := Key(core)
	for _, w := range d.kanaWords {
		if strings.Contains(ck, w) {
			qt = append(qt, token{term: kanaWordToken + w})
		}
	}
	return qt
}

// candidate is a term scored by reverse lookup.
type candidate struct {
	term    int
	score   float64
	matched int
}

// rank scores the terms for the query tokens qt, best first; terms in skip
// are left out.
func (d *describer) rank(qt []token, skip map[int]bool) []candidate {
	var total float64
	seen := map[string]bool{}
	sc := d.scratch.Get().(*rankScratch)
	defer d.scratch.Put(sc)
	for _, t := range qt {
		if seen[t.term] {
			continue
		}
		seen[t.term] = true
		w := tokenWeight(t)
		ps := d.postings[t.term]
		if strings.HasPrefix(t.term, kanaWordToken) {
			// A keyword typed in hiragana, found whole: a word matched
			// and a bonus outside the total, as the kana bigrams below.
			idf := math.Log(1 + float64(d.nTerms+d.nPassages)/float64(1+len(ps)))
			for _, p := range ps {
				if skip[int(p.term)] {
					continue
				}
				if sc.score[p.term] == 0 && sc.matched[p.term] == 0 {
					sc.touched = append(sc.touched, p.term)
				}
				sc.score[p.term] += idf * float64(p.w)
				sc.matched[p.term]++
			}
			continue
		}
		if t.grammar && len(ps) > 0 && d.chapterDF[t.term] <= kanaMaxDF {
			// A bigram of a word typed in hiragana that a keyword holds
			// (イツ of いつでも, タド of たどれる) and the chapter hardly
			// uses (not テイ, シテ): a bonus, not part of the total, so
			// grammar never counts against a term.
			idf := math.Log(1 + float64(d.nTerms+d.nPassages)/float64(1+len(ps)+d.chapterDF[t.term]))
			for _, p := range ps {
				if skip[int(p.term)] {
					continue
				}
				if sc.score[p.term] == 0 && sc.matched[p.term] == 0 {
					sc.touched = append(sc.touched, p.term)
				}
				sc.score[p.term] += weakWeight * idf
				sc.kana[p.term]++
			}
			continue
		}
		if w == 0 {
			continue
		}
		idf := math.Log(1 + float64(d.nTerms+d.nPassages)/float64(1+len(ps)+d.chapterDF[t.term]))
		total += w * idf
		for _, p := range ps {
			if skip[int(p.term)] {
				continue
			}
			if sc.score[p.term] == 0 && sc.matched[p.term] == 0 {
				sc.touched = append(sc.touched, p.term)
			}
			sc.score[p.term] += w * idf * float64(p.w)
			if !t.weak {
				sc.matched[p.term]++
			}
		}
	}
	defer sc.reset()
	if total == 0 {
		return nil
	}
	// The best maxCandidates, by score then term.
	better := func(a, b candidate) bool {
		if a.score != b.score {
			return a.score > b.score
		}
		return a.term < b.term
	}
	out := make([]candidate, 0, maxCandidates+1)
	for _, t := range sc.touched {
		// Two kana bigrams a keyword holds (タド, ドレ of たどれる) are one
		// word matched.
		c := candidate{int(t), sc.score[t] / total, int(sc.matched[t] + sc.kana[t]/2)}
		if len(out) == maxCandidates && !better(c, out[len(out)-1]) {
			continue
		}
		i := sort.Search(len(out), func(i int) bool { return better(c, out[i]) })
		out = slices.Insert(out, i, c)
		if len(out) > maxCandidates {
			out = out[:maxCandidates]
		}
	}
	return out
}

// heldWords counts the words of text (see words; two runes or more) whose
// every token term t holds in one of its fields.
func (d *describer) heldWords(text string, t int) int {
	n := 0
	for _, w := range words(text) {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		all := true
		for _, tok := range tokenize(w) {
			if !d.holds(tok.term, t) {
				all = false
				break
			}
		}
		if all {
			n++
		}
	}
	return n
}

// holds reports whether term t holds token tok.
func (d *describer) holds(tok string, t int) bool {
	for _, p := range d.postings[tok] {
		if int(p.term) == t {
			return true
		}
	}
	return false
}

// maxCandidates is how many terms rank returns.
const maxCandidates = 8

// rankScratch is rank's per-term tables, reused across queries.
type rankScratch struct {
	score   []float64
	matched []int32
	kana    []int32
	touched []int32
}

func (sc *rankScratch) reset() {
	for _, t := range sc.touched {
		sc.score[t], sc.matched[t], sc.kana[t] = 0, 0, 0
	}
	sc.touched = sc.touched[:0]
}

// namingCues ask for a name: a message with one asks what a thing is
// called, whatever its grammar (…の名前は？, 何て言うんだっけ).
var namingCues = []string{"何て言う", "なんて言う", "何と言う", "なんと言う", "何ていう", "なんていう", "何という", "なんという",
	"何て呼", "なんて呼", "何と呼", "なんと呼", "名前", "呼び方", "呼び名", "呼称", "用語", "言い方", "略称", "言いましたっけ", "思い出せ"}

// vagueCues ask "what was it" without asking for a name: a description
// with one reads as a description, but a chapter passage that answers it
// still wins (デジタル化が遅れている理由の2番目は何でしたっけ).
var vagueCues = []string{"何だっけ", "なんだっけ", "何でしたっけ", "なんでしたっけ", "何だった", "なんだった"}

// howToCues ask how, where or from whom to get something done (会議室の
// 予約はどこからするの, 機種変更はどこでできますか, 申請したいです): a request
// to do a thing, not a description of one, whatever words it shares with
// a term.
var howToCues = []string{"どうすれば", "どうしたら", "どうやって", "どこででき", "どこでする", "どこでやる", "どこから", "どこに", "どのシステムで", "どのツールで", "どのアプリで", "どのサイトで", "誰に", "だれに", "いつまで", "何時",
	"したいです", "したいんです", "したいのですが", "方法を教え", "やり方を教え", "手順を教え"}

// whereToCues are the howToCues that ask where, through what or from whom
// a thing is done at work: the chapter tells how things were done (愛媛の
// メーカーはどうやって解決した), never where to book a room.
var whereToCues = []string{"どこででき", "どこでする", "どこでやる", "どこから", "どこに", "どのシステムで", "どのツールで", "どのアプリで", "どのサイトで", "誰に", "だれに"}

// asksWhereTo reports whether msg asks where or through what to get
// something done (see whereToCues).
func asksWhereTo(msg string) bool {
	if askName(msg) {
		return false
	}
	return containsAny(msg, whereToCues)
}

// asksHowTo reports whether msg asks how to get something done (see
// howToCues) rather than for a name.
func asksHowTo(msg string) bool {
	if askName(msg) {
		return false
	}
	return containsAny(msg, howToCues)
}

// askName reports whether msg asks for a name (see namingCues).
func askName(msg string) bool {
	return containsAny(msg, namingCues)
}

// thingEndings are the nouns in hiragana a description of a thing ends
// with: nominalizers (こと, もの, やつ, もん) and everyday nouns typed in
// kana (しくみ, やりかた, かんがえかた, ひと).
var thingEndings = append([]string{"こと", "もの", "やつ", "もん", "ことの総称", "ことの全般", "こと全般"}, kanaNouns...)

// descriptionEndings are thingEndings and の (…を守るの), in a table of
// their own: appending to thingEndings in a query would write into its
// spare capacity, shared by every query running at once.
var descriptionEndings = append(slices.Clip(thingEndings), "の")

// kanaNouns are everyday nouns typed in kana that end descriptions, never
// a question form (ってどんなもの is one).
var kanaNouns = []string{"しくみ", "しかけ", "やりかた", "かんがえかた", "ひと", "ところ"}

// isThing reports whether core, its question form stripped, ends in a
// nominalizer (こと, もの, やつ): "the thing that …" describes a thing and
// asks for its name as surely as a naming cue does.
func isThing(core string) bool {
	core = strings.TrimRight(core, trimChars)
	for _, suf := range thingEndings {
		if strings.HasSuffix(core, suf) && len(core) > len(suf) {
			return true
		}
	}
	return false
}

// isDescription reports whether msg reads as a description of a thing
// rather than a question about the chapter: it asks for a name (see
// namingCues), or, its question form stripped, it ends in a noun (a kanji,
// katakana or Latin rune, こと, もの, やつ, or okurigana after kanji: 仕組み).
// ネットワーク通信を信用できない領域として扱う考え方 is one; セキュリティ
// 対策でリスクはどこまで減らせる is a question.
func isDescription(msg, core string) bool {
	if askName(msg) {
		return true
	}
	if containsAny(msg, vagueCues) {
		return true
	}
	core = strings.TrimRight(core, trimChars)
	for _, suf := range descriptionEndings {
		if strings.HasSuffix(core, suf) && len(core) > len(suf) {
			return suf != "の" || !strings.HasSuffix(core, "るの") && !strings.HasSuffix(core, "たの")
		}
	}
	// A noun made of a verb written in kana (つながり, 広がり, まとまり,
	// 集まり, 関わり).
	for _, suf := range []string{"がり", "まり", "わり"} {
		if strings.HasSuffix(core, suf) && utf8.RuneCountInString(core) > 4 {
			return true
		}
	}
	last, size := utf8.DecodeLastRuneInString(core)
	if last == utf8.RuneError {
		return false
	}
	if !(last >= 0x3041 && last <= 0x309F) {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(core[:len(core)-size])
	if last == 'つ' && (unicode.IsDigit(prev) || strings.ContainsRune("一二三四五六七八九十", prev)) {
		// A count (3つのうちの1つ): a noun.
		return true
	}
	return unicode.Is(unicode.Han, prev) && strings.ContainsRune("みりきえしちびれ", last)
}

// namedIn returns the terms whose names (two runes or more) ck holds,
// but for a name in a simile (防火壁みたいな仕組み: the thing is like it, so
// it may well be it).
func (ix *Index) namedIn(ck string) map[int]bool {
	out := map[int]bool{}
	ix.nameIx.in(ck, func(id int32, at int) {
		if !simile(ck[at+len(ix.names[id].key):]) {
			out[ix.names[id].term] = true
		}
	})
	return out
}

// similes are the Key forms of the words that make a simile of the noun
// before them.
var similes = keyForms("みたいな", "みたいに", "のような", "のように", "っぽい", "的な")

func simile(rest string) bool { return keyPrefixed(rest, similes) }

// subjectNamed reports whether ck names a term not in skip, outside a
// simile: the question is about that term (社内のWi-Fiのパスワード asks
// about Wi-Fi, it does not describe another term).
// A name used as a verb (暗号化されて, 改ざんする) says what happens in
// the description, not what it is about: 勝手に暗号化されて身代金を要求
// される攻撃 describes ランサムウェア.
func (ix *Index) subjectNamed(ck string, skip map[int]bool) bool {
	found := false
	ix.nameIx.in(ck, func(id int32, at int) {
		n := ix.names[id]
		rest := ck[at+len(n.key):]
		if !skip[n.term] && !simile(rest) && !enumerated(rest) && !keyPrefixed(rest, verbSuffixes) {
			found = true
		}
	})
	return found
}

// verbSuffixes are the Key forms of the endings that make a verb of the
// noun before them (暗号化される, 改ざんして).
var verbSuffixes = keyForms("される", "されて", "された", "され", "させ", "して", "する", "した", "しない", "できる", "できない")

// enumerations are the Key forms of the marks of a list of examples (ウイ
// ルス対策やファイアウォールなどがまとまった機器): a name among them is a
// part or a neighbour of the thing described, not its subject.
var enumerations = keyForms("など", "とか", "なんか", "や")

// keyForms returns the Key forms of ss.
func keyForms(ss ...string) []string {
	var out []string
	for _, s := range ss {
		out = append(out, Key(s))
	}
	return out
}

// keyPrefixed reports whether rest starts with one of prefixes.
func keyPrefixed(rest string, prefixes []string) bool {
	for _, s := range prefixes {
		if strings.HasPrefix(rest, s) {
			return true
		}
	}
	return false
}

func enumerated(rest string) bool { return keyPrefixed(rest, enumerations) }

// maxShortSuggestions: how many terms a word that is no name suggests.
const maxShortSuggestions = 3

// contentWords counts the words of s (see words) of two runes or more, and
// a kanji alone (a verb or adjective stem) as half a word.
func contentWords(s string) float64 {
	n := 0.0
	for _, w := range words(s) {
		switch utf8.RuneCountInString(w) {
		case 1:
			// A verb or adjective written with one kanji (見つけ, 止め,
			// 怪しい): half a word, so that a description in everyday
			// verbs around one noun is read as one.
			if unicode.Is(unicode.Han, []rune(w)[0]) {
				n += 0.5
			}
		default:
			n++
		}
	}
	return n
}

// describeVerdict is what reverse lookup decides.
type describeVerdict int

const (
	describeNone describeVerdict = iota
	describeTentative
	describeConfident
)

// describe runs reverse lookup on core: the verdict, the best term and the
// runners-up worth suggesting.
func (ix *Index) describe(core, msg string, skip map[int]bool) (describeVerdict, int, []int, float64) {
	ck := Key(core)
	// A keyword typed in hiragana found whole (なりすまし) is a word.
	kanaWords := float64(len(ix.describer.kanaTokens(core, nil)))
	if n := utf8.RuneCountInString(ck); n < describeMinRunes || n < fullTextMinRunes || contentWords(core)+kanaWords < 2 {
		// A word, not a description: a keyword only suggests the terms
		// that have it (乗っ取り → 不正アクセス?). A keyword may name a
		// neighbouring thing the pack does not cover (トロイの木馬 is a
		// kind of マルウェア, not its name): asked alone it is no answer.
		var sugg []int
		for _, t := range ix.keywordTerms[ck] {
			if !skip[t] {
				sugg = append(sugg, t)
			}
		}
		// And the terms whose fields hold most of it (ネットの闇市 →
		// ブラックマーケット?).
		for i, c := range ix.describer.rank(tokenize(core), skip) {
			if i == maxShortSuggestions || c.score < suggestCoverage {
				break
			}
			if !slices.Contains(sugg, c.term) {
				sugg = append(sugg, c.term)
			}
		}
		return describeNone, -1, sugg, 0
	}
	// A description names the neighbours of the thing, not the thing
	// (ファイアウォールなどを作っているメーカー is Fortinet): a term whose
	// name the query holds is not its answer.
	named := ix.namedIn(ck)
	for t := range skip {
		named[t] = true
	}
	hinted, hint := ix.nameHints(msg)
	if hint {
		// The name's letters or start, remembered: only the terms that
		// fit them.
		for t := range ix.terms {
			if !hinted[t] {
				named[t] = true
			}
		}
	}
	qt := tokenize(dropNaming(core))
	if hint {
		qt = tokenize(dropNaming(dropHints(core)))
	}
	qt = ix.describer.kanaTokens(core, qt)
	property := describesProperty(core)
	if property {
		// A property (…が損なわれる性質): only the terms that name one
		// (完全性, 否認防止性), not the act that harms it (改ざん).
		for t := range ix.terms {
			if !namesProperty(ix.terms[t].term.Name) {
				named[t] = true
			}
		}
	}
	cands := ix.describer.rank(qt, named)
	if headWord(core) != "" {
		// What the description ends on is what the thing is (…狙われる
		// 攻撃, …を守る仕組み): a term whose name is that kind of thing
		// (ゼロデイ攻撃) fits better than one that only shares the words
		// before it (脆弱性).
		for i, c := range cands {
			if ix.namesHead(c.term, core) {
				cands[i].score += describeHead
			}
		}
		slices.SortStableFunc(cands, func(a, b candidate) int {
			switch {
			case a.score > b.score:
				return -1
			case a.score < b.score:
				return 1
			}
			return a.term - b.term
		})
	}
	var alts []int
	for _, c := range cands[min(1, len(cands)):min(3, len(cands))] {
		if c.score >= describeMaybe && c.matched >= describeMinMatched {
			alts = append(alts, c.term)
		}
	}
	minMatched := describeMinMatched
	if property {
		// The head is one word of the description every property holds.
		minMatched--
	}
	if len(cands) == 0 || cands[0].matched < minMatched {
		return describeNone, -1, nil, 0
	}
	best := cands[0]
	second := 0.0
	if len(cands) > 1 {
		second = cands[1].score
	}
	if (best.score < describeSure || best.score < describeLead*second) && !property {
		if ix.describer.heldWords(core, best.term) < describeMinWords {
			// Not sure, and only one word of the message is a word of
			// the term, the rest about something else (出張先のホテルの
			// 予約: 出張先 is a word of VPN's): no description of it.
			return describeNone, -1, append([]int{best.term}, alts...), best.score
		}
	}
	switch {
	case best.score >= describeSure && best.score >= describeLead*second,
		(hint || property) && best.score >= describeMaybe && best.score >= describeLead*second:
		// A name hinted at, or a property described, and a description
		// that fits it.
		return describeConfident, best.term, alts, best.score
	case best.score >= describeMaybe:
		if !ix.fitsKind(best.term, core) {
			// Not sure, and not even the kind of thing described: …を
			// 何回も試して当てる攻撃 is no 暗号化, whatever words they share.
			return describeNone, -1, append([]int{best.term}, alts...), best.score
		}
		return describeTentative, best.term, alts, best.score
	}
	return describeNone, -1, append([]int{best.term}, alts...), best.score
}

// headWord returns the last word of a description (see words) when it is
// of two runes or more and ends the text: …狙われる攻撃 → 攻撃. It is ""
// when the text ends otherwise (…すること, …もの).
func headWord(core string) string {
	ws := words(core)
	if len(ws) == 0 {
		return ""
	}
	w := ws[len(ws)-1]
	if utf8.RuneCountInString(w) < 2 || !strings.HasSuffix(Key(core), w) {
		return ""
	}
	return w
}

// namesHead reports whether the name of term t ends with the head of the
// description core (see headWord), or a word of it does: the description
// says what kind of thing the term is (…量が多いデータ: ビッグデータ; …狙わ
// れる攻撃: ゼロデイ攻撃). A compound's head is its last part: ポイント is
// not what エンドポイントデバイス is.
func (ix *Index) namesHead(t int, core string) bool {
	head := headWord(core)
	if t < 0 || head == "" {
		return false
	}
	for _, w := range words(ix.terms[t].term.Name) {
		if strings.HasSuffix(w, head) || headSuffix[head] != "" && strings.HasSuffix(w, headSuffix[head]) {
			return true
		}
	}
	// The glossary says what kind of thing the term is in the last word
	// of a sentence of its definition (…を両立する、人間中心の社会
	// （Society）: a 社会).
	return slices.Contains(ix.terms[t].defHeads, head)
}

// definitionHeads returns the last word of each sentence of a definition,
// in Key form: what the term is (…を評価するプロセス → プロセス; …人間中心の
// 社会（Society） → 社会), a closing bracket, のこと and こと aside.
func definitionHeads(def string) []string {
	var out []string
	for _, sent := range strings.FieldsFunc(def, func(r rune) bool { return r == '。' }) {
		sent = strings.TrimSpace(sent)
		if strings.HasSuffix(sent, "）") {
			if i := strings.LastIndex(sent, "（"); i > 0 {
				sent = sent[:i]
			}
		}
		sent = strings.TrimSuffix(strings.TrimSuffix(sent, "こと"), "の")
		ws := words(sent)
		if len(ws) > 0 && strings.HasSuffix(Key(sent), ws[len(ws)-1]) {
			out = append(out, ws[len(ws)-1])
		}
	}
	return out
}

// propertyHeads are the heads of a description of a property (…が損なわれる
// 性質, …を保つ特性), and propertySuffix the end of the names of
// properties (可用性, 責任追跡性).
var propertyHeads = []string{"性質", "特性"}

const propertySuffix = "性"

// describesProperty reports whether a clause of core (before 、 or 。)
// ends in a property head, のこと or こと after it aside: …と損なわれる
// 性質のこと, 情報漏えいで損なわれる性質、CIAでいうCのこと.
func describesProperty(core string) bool {
	for _, c := range strings.FieldsFunc(core, func(r rune) bool { return strings.ContainsRune("、。,，.！？!?", r) }) {
		c = strings.TrimRight(c, trimChars)
		c = strings.TrimSuffix(strings.TrimSuffix(c, "こと"), "の")
		for _, h := range propertyHeads {
			if strings.HasSuffix(c, h) {
				return true
			}
		}
	}
	return false
}

// fitsKind reports whether term t can be the kind of thing the description
// core ends on: when some term's name is of that kind (the head is a kind
// the glossary names: 攻撃, 仕組み is none), t's name, definition or
// keywords hold the head word (its related terms' names do not count).
func (ix *Index) fitsKind(t int, core string) bool {
	head := headWord(core)
	if head == "" || ix.namesHead(t, core) || strings.Contains(ix.terms[t].defKey, head) {
		return true
	}
	for _, k := range ix.terms[t].term.Keywords {
		if strings.Contains(Key(k), head) {
			return true
		}
	}
	// Some term's name is of that kind: the head ends one of its words.
	return !ix.nameEnds[head] && (headSuffix[head] == "" || !ix.nameEnds[headSuffix[head]])
}

// namesProperty reports whether name is that of a property (…性).
func namesProperty(name string) bool { return strings.HasSuffix(name, propertySuffix) }

// headSuffix maps a head word to the suffix that forms names of that kind
// of thing: a 性質 is named …性 (責任追跡性, 可用性).
var headSuffix = map[string]string{"性質": "性"}

// whatIsCues ask what a thing is or does (何をする組織, どういう考え方,
// まず何が起きる, 何なのか把握したい).
var whatIsCues = []string{"何", "なに", "なん", "どういう", "どんな", "どのような", "教えて", "把握", "知りたい", "とは", "意味", "どうなる", "どうなっ", "どうなり"}

// asksWhatItIs reports whether msg asks what a thing is or does.
func asksWhatItIs(msg string) bool {
	return containsAny(msg, whatIsCues)
}

// modifiesTopic matches what follows a name that qualifies the topic of
// the question (Wi-Fiのパスワードって: the question is about the password).
var modifiesTopic = regexp.MustCompile(`^の([^\p{Hiragana}、。]+)(って|は|$)`)

// aspectWords are what a question asks of a thing itself (ゼロトラストの
// 考え方, CSIRTの役割): after a name they keep it the topic.
var aspectWords = keyForms("考エ方", "意味", "役割", "目的", "仕組ミ", "特徴", "例", "違イ", "種類", "メリット", "デメリット", "効果", "概要", "定義", "読ミ方", "略", "正式名称", "由来", "重要性", "必要性", "対策", "事例", "具体例", "説明", "内容", "機能", "リスク", "被害", "影響")

// qualifiesTopic reports whether what follows a name (rest, shown form)
// makes it the qualifier of another topic: Wi-Fiのパスワード is about a
// password, ゼロトラストの考え方 about ゼロトラスト.
func qualifiesTopic(rest string) bool {
	m := modifiesTopic.FindStringSubmatch(rest)
	if m == nil {
		return false
	}
	return !keyPrefixed(Key(m[1]), aspectWords)
}

// wordBounds reports whether ks[from:to] is a word of its own: no
// katakana or Latin letter of its kind glued on either side (アドレス in
// メールアドレス is no name).
func wordBounds(ks []keyRune, from, to int) bool {
	glued := func(a, b keyRune) bool {
		c := runeClass(a.R)
		return !a.Hira && !b.Hira && c == runeClass(b.R) && (c == 2 || c == 3)
	}
	return (from == 0 || !glued(ks[from-1], ks[from])) && (to == len(ks) || !glued(ks[to-1], ks[to]))
}

// shown is ks with its hiragana back in hiragana (Key writes kana in
// katakana).
func shown(ks []keyRune) string {
	b := make([]rune, len(ks))
	for i, k := range ks {
		b[i] = k.R
		if k.Hira && k.R >= 0x30A1 && k.R <= 0x30F6 {
			b[i] = k.R - 0x60
		}
	}
	return string(b)
}

// onlyNamed returns the one term text names (outside a simile and
// skip), a name inside a longer name found aside; -1 when it names none
// or several.
func (ix *Index) onlyNamed(text string, skip map[int]bool) int {
	type span struct{ from, to, term int }
	ks := keyRunes(text)
	ck := keyString(ks)
	var found []span
	ix.nameIx.in(ck, func(id int32, at int) {
		n := ix.names[id]
		from := utf8.RuneCountInString(ck[:at])
		to := from + utf8.RuneCountInString(n.key)
		if to-from < 2 || to > len(ks) || simile(ck[at+len(n.key):]) || qualifiesTopic(shown(ks[to:])) || !wordBounds(ks, from, to) {
			return
		}
		found = append(found, span{from, to, n.term})
	})
	term := -1
	for _, s := range found {
		inner := false
		for _, o := range found {
			if o.term != s.term && o.from <= s.from && s.to <= o.to && o.to-o.from > s.to-s.from {
				inner = true
				break
			}
		}
		if inner || skip[s.term] {
			continue
		}
		if term >= 0 && term != s.term {
			return -1
		}
		term = s.term
	}
	return term
}

// reLetterCount finds how many letters a description says the name has
// (アルファベット2文字, 3文字の略語, 英字三文字).
var reLetterCount = regexp.MustCompile(`([0-9０-９二三四五])文字`)

// reNamePrefix finds the start of a name half remembered (ゼロ何とか,
// ぜい…なんとか, サプライなんちゃら): the run of kana or kanji before it.
var reNamePrefix = regexp.MustCompile(`(\p{Katakana}[\p{Katakana}ー]{0,5}|\p{Hiragana}{1,3}|\p{Han}{1,3})(?:…|・・・|\.\.\.)*(?:何とか|なんとか|何ちゃら|なんちゃら|何たら|なんたら)`)

// nameHints returns the terms the hints of a message on the name on the name allow:
// the count of Latin letters of an abbreviation (アルファベット2文字のやつ:
// AI) or the start of the name (ゼロ何とか: ゼロデイ攻撃, ゼロトラスト).
// ok is false when core gives no such hint.
func (ix *Index) nameHints(core string) (allowed map[int]bool, ok bool) {
	if m := reLetterCount.FindStringSubmatch(core); m != nil && (strings.Contains(core, "アルファベット") || strings.Contains(core, "略") || strings.Contains(core, "英字") || strings.Contains(core, "頭文字")) {
		n := strings.IndexRune("0123456789", []rune(widthFold(m[1], false))[0])
		if n < 0 {
			n = strings.IndexRune("〇一二三四五", []rune(m[1])[0])
		}
		allowed = map[int]bool{}
		for t, e := range ix.terms {
			for _, g := range append([]string{e.term.Name}, e.given...) {
				if len(g) == n && isUpperLatin(g) {
					allowed[t] = true
				}
			}
		}
		return allowed, true
	}
	if m := reNamePrefix.FindStringSubmatch(core); m != nil {
		p := Key(strings.TrimRight(m[1], "ー"))
		if p == "" {
			return nil, false
		}
		allowed = map[int]bool{}
		for _, n := range ix.names {
			if strings.HasPrefix(n.key, p) {
				allowed[n.term] = true
			}
		}
		for t, e := range ix.terms {
			if kana, _ := toKana(e.term.Name); strings.HasPrefix(Key(kana), p) {
				allowed[t] = true
			}
		}
		return allowed, len(allowed) > 0
	}
	return nil, false
}

// reHintWords are the words of a hint on the name (see nameHints): they
// describe the name, not the thing.
var reHintWords = regexp.MustCompile(`アルファベット|英字|頭文字|略語|略称|[0-9０-９二三四五]文字|(?:何とか|なんとか|何ちゃら|なんちゃら|何たら|なんたら)`)

// reNamingWords are the words that ask for a name (言い方, 呼び方, 用語):
// they describe the name, not the thing, and no term holds them.
var reNamingWords = regexp.MustCompile(`言い方|呼び方|呼び名|名前|名称|用語`)

// dropNaming removes from core the words that ask for a name, when
// something is left.
func dropNaming(core string) string {
	if s := reNamingWords.ReplaceAllString(core, ""); contentWords(s) >= 1 {
		return s
	}
	return core
}

// dropHints removes from core the words of its hints on the name.
func dropHints(core string) string { return reHintWords.ReplaceAllString(core, "") }

// isUpperLatin reports whether s is made of capital Latin letters.
func isUpperLatin(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return s != ""
}
