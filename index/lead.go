package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Leading with the answer: a passage answer shows whole passages, but the
// sentence that holds what was asked (the percentage, the year, the
// reason) is shown first. The sentences of a passage are scored by how
// much of the question's content they hold and by whether they carry the
// kind of thing the question asks for (askedKind); the best leads when it
// is clearly better than the passage's first sentence, and the others keep
// their order. In a list or a figure (lines), the first line is the
// heading the items belong to: it stays first and the best item follows it.

// askedKind is what a question asks for.
type askedKind int

const (
	askedAny     askedKind = iota
	askedNumber            // いくら, 何人, どのくらい …
	askedPercent           // 何%, 割合, 何割
	askedYear              // 何年, いつ
	askedReason            // なぜ, 理由, 原因, きっかけ
)

// askedCues are the question words of each kind, surest kinds first.
var askedCues = []struct {
	kind askedKind
	cues []string
}{
	{askedPercent, []string{"何%", "何％", "何パーセント", "なんパーセント", "何割", "割合", "比率", "率は", "率って"}},
	{askedYear, []string{"何年に", "何年で", "何年から", "何年まで", "何年ですか", "何年だ", "何年？", "何年?", "いつ", "何年度", "西暦"}},
	{askedNumber, []string{"いくら", "いくつ", "何人", "何件", "何社", "何円", "何万", "何億", "何倍", "何条", "何個", "何台", "何年後", "何年間", "何日", "何か月", "何ヶ月",
		"どのくらい", "どれくらい", "どれぐらい", "どのぐらい", "どの程度", "何%", "金額", "人数", "件数"}},
	{askedReason, []string{"なぜ", "なんで", "どうして", "理由", "原因", "きっかけ", "何のため", "なんのため", "背景", "要因"}},
}

// askedFor returns what q asks for (askedAny when it asks for none of
// the kinds).
func askedFor(q string) askedKind {
	for _, c := range askedCues {
		for _, w := range c.cues {
			if hasCue(q, w) {
				return c.kind
			}
		}
	}
	return askedAny
}

// hasCue reports whether q holds the question word w: いくら not in
// くらい (全体をつかめないくらいの量 asks for no amount), いくつ not in
// いくつも or いくつか (いくつもの機能: many, not how many).
func hasCue(q, w string) bool {
	not := map[string]string{"いくら": "い", "いくつ": "もか"}[w]
	if not == "" {
		return strings.Contains(q, w)
	}
	for i := 0; ; {
		j := strings.Index(q[i:], w)
		if j < 0 {
			return false
		}
		i += j + len(w)
		if r, _ := utf8.DecodeRuneInString(q[i:]); !strings.ContainsRune(not, r) {
			return true
		}
	}
}

// asksFigure reports whether q asks for a figure with a question word that
// no description of a thing uses: a percentage (何%, 割合) or a count (何人,
// 何条, いくら). どのくらい and いつ are left out: a description may hold
// them in a clause of its own (どのくらい危ないのか評価する作業, いつでも
// 使える状態).
func asksFigure(q string) bool {
	switch askedFor(q) {
	case askedPercent:
		return true
	case askedNumber:
		return askedCounter(q) != "" || hasCue(q, "いくら") || hasCue(q, "いくつ")
	}
	return false
}

// counters are the counters a question asks a number of with 何 (何条,
// 何人, 何万人, 何社).
const counters = "条人件社円万億倍個台日"

// askedCounter returns the counter q asks a number of (何条 → 条), or "".
func askedCounter(q string) string {
	for i := 0; ; {
		j := strings.Index(q[i:], "何")
		if j < 0 {
			return ""
		}
		i += j + len("何")
		if r, _ := utf8.DecodeRuneInString(q[i:]); strings.ContainsRune(counters, r) {
			return string(r)
		}
	}
}

// carriesCounter reports whether s gives a number of counter: digits
// followed by it (423条, 43万人).
func carriesCounter(s, counter string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], counter)
		if j < 0 {
			return false
		}
		if r, _ := utf8.DecodeLastRuneInString(s[:i+j]); unicode.IsDigit(r) {
			return true
		}
		i += j + len(counter)
	}
}

// Ranks: a question may ask for the first of something (最も多い理由,
// 一番多いのは) or the second (2番目に多い); the chapter states ranks the
// same ways (最も多く挙げられたのが…, 2番目に多く挙げられたのが…). The
// passage, and the sentence, that states the rank asked is the answer: the
// second reason must not lead a question about the first.

// firstCues state or ask for the first rank.
var firstCues = []string{"最も", "もっとも", "一番", "いちばん", "最多", "トップ", "1位", "１位", "一位", "首位"}

// rankOf returns the rank s states or asks for: 1 for 最も/一番/1番目,
// n for n番目 (2番目, ２番目, 二番目), else 0.
func rankOf(s string) int {
	for i := 0; ; {
		j := strings.Index(s[i:], "番")
		if j < 0 {
			break
		}
		j += i
		r, _ := utf8.DecodeLastRuneInString(s[:j])
		if n := rankDigit(r); n > 0 {
			return n
		}
		i = j + len("番")
	}
	if containsAny(s, firstCues) {
		return 1
	}
	return 0
}

// rankDigit returns the value of a digit or kanji numeral from 1 to 9, else 0.
func rankDigit(r rune) int {
	switch {
	case r >= '1' && r <= '9':
		return int(r - '0')
	case r >= '１' && r <= '９':
		return int(r-'１') + 1
	}
	if i := strings.IndexRune("一二三四五六七八九", r); i >= 0 {
		return i/len("一") + 1
	}
	return 0
}

// carriesRank reports whether s states rank (rank > 0).
func carriesRank(s string, rank int) bool {
	return rank > 0 && rankOf(s) == rank
}

// reasonMarks are the words with which a sentence gives a reason.
var reasonMarks = []string{"理由", "原因", "ため", "から", "により", "によって", "きっかけ", "背景", "要因", "目的"}

// carries reports whether sentence s holds what kind asks for.
func carries(s string, kind askedKind) bool {
	switch kind {
	case askedNumber:
		return hasDigit(s)
	case askedPercent:
		return strings.ContainsAny(s, "%％") || hasDigit(s) && strings.Contains(s, "割")
	case askedYear:
		return hasYear(s)
	case askedReason:
		for _, m := range reasonMarks {
			if strings.Contains(s, m) {
				return true
			}
		}
	}
	return false
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsDigit(r) }) >= 0
}

// hasYear reports whether s holds a year: digits followed by 年.
func hasYear(s string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], "年")
		if j < 0 {
			return false
		}
		j += i
		r, _ := utf8.DecodeLastRuneInString(s[:j])
		if unicode.IsDigit(r) {
			return true
		}
		i = j + len("年")
	}
}

// Weights of leadSentence: a sentence's share of the question's content
// tokens, and the bonus for carrying what the question asks for. A
// sentence leads when it beats the first by leadMargin.
const (
	leadKindBonus = 0.5
	leadMargin    = 0.1
)

// leadSentence returns text with the sentence that best answers the
// question first (see the comment at the top of this file): qt are the
// tokens of what it asks, kind what it asks for (askedFor of the whole
// message), rank the rank it asks for (rankOf, 0 for none). Lines are kept whole: a body paragraph is one line of
// sentences; a list or figure is lines under a heading.
func leadSentence(text string, qt []token, kind askedKind, rank int) string {
	if strings.Contains(text, "\n") {
		lines := strings.Split(text, "\n")
		if len(lines) < 3 {
			return text
		}
		// The heading stays; the best item follows it.
		rest := lines[1:]
		if i := bestUnit(rest, qt, kind, rank); i > 0 {
			moved := append([]string{lines[0], rest[i]}, rest[:i]...)
			return strings.Join(append(moved, rest[i+1:]...), "\n")
		}
		return text
	}
	ss := wholeSentences(text)
	if i := bestUnit(ss, qt, kind, rank); i > 0 {
		moved := append([]string{ss[i]}, ss[:i]...)
		return strings.Join(append(moved, ss[i+1:]...), "")
	}
	return text
}

// bestUnit returns the index of the unit of units that best answers the
// question (tokens qt, asking for kind), or 0 when none beats the first
// by leadMargin. A unit that states the rank asked (rank > 0) counts as
// carrying what is asked.
func bestUnit(units []string, qt []token, kind askedKind, rank int) int {
	if len(units) < 2 {
		return 0
	}
	wt := weigh(qt)
	set := map[string]struct{}{}
	score := func(s string) float64 {
		clear(set)
		for _, t := range textTokens(s) {
			set[t.term] = struct{}{}
		}
		v := wt.coverage(set)
		if kind != askedAny && carries(s, kind) {
			v += leadKindBonus
		}
		if carriesRank(s, rank) {
			v += leadKindBonus
		}
		return v
	}
	first := score(units[0])
	best, bestScore := 0, first
	for i, u := range units[1:] {
		if v := score(u); v > bestScore {
			best, bestScore = i+1, v
		}
	}
	if bestScore < first+leadMargin {
		return 0
	}
	return best
}

// wholeSentences cuts a paragraph into whole sentences, each with its final
// 。！？ and any closing bracket after it: joined, they give the text back.
func wholeSentences(text string) []string {
	var out []string
	start := 0
	rs := []rune(text)
	pos := 0 // byte offset of rs[i]
	for i := 0; i < len(rs); i++ {
		size := utf8.RuneLen(rs[i])
		end := pos + size
		if strings.ContainsRune("。！？!?", rs[i]) {
			// Take closing brackets and repeated marks with the sentence.
			for i+1 < len(rs) && strings.ContainsRune("」』）)】。！？!?", rs[i+1]) {
				i++
				end += utf8.RuneLen(rs[i])
			}
			out = append(out, text[start:end])
			start = end
		}
		pos = end
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// leadNextStep shows first, after the heading, the step that follows the
// one holding the words before (see stepBefore) in a list of steps, with
// the lines under it: 見える化した次のステップ leads with 手順2. ok is false
// when the text has no such step.
func leadNextStep(text string, before []string) (string, bool) {
	lines := strings.Split(text, "\n")
	var steps []int // the lines of the steps
	for i, line := range lines {
		if reStepMarker.MatchString(line) {
			steps = append(steps, i)
		}
	}
	// The step holding most of the words before (a kanji alone, a verb
	// stem, counts half: 洗い出し), then the one after it.
	held, best := -1, 0.0
	for j, i := range steps {
		k, n := Key(lines[i]), 0.0
		for _, w := range before {
			if containsKey(k, w) {
				n += min(1, 0.5*float64(utf8.RuneCountInString(w)))
			}
		}
		if n > best && j+1 < len(steps) {
			held, best = j, n
		}
	}
	if held < 0 || best < 1 {
		return text, false
	}
	next := steps[held+1]
	if next <= 1 {
		return text, false
	}
	end := next + 1
	for end < len(lines) && !reStepMarker.MatchString(lines[end]) {
		end++
	}
	out := append([]string{lines[0]}, lines[next:end]...)
	out = append(out, lines[1:next]...)
	return strings.Join(append(out, lines[end:]...), "\n"), true
}
