package index

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Off-topic questions. The chapter and its glossary are a closed world: a
// question about something they never name is answered none, however many
// of its other words match (Windows 10のサポート終了 is not 4-2-2's end of
// support of old systems; サイバー保険 is not 4-3-2's 生命保険会社). Two
// signs say a question is about something else, both judged against the
// whole pack (glossary and chapter), never against one query:
//
//   - a Latin word of three letters or more that the pack never uses
//     (windows, gdpr, kubernetes): secbot's text writes the Latin names it
//     knows (EDR, RPA, IT, DX) as they are;
//   - a compound that joins katakana and kanji (サイバー保険) where the pack
//     never makes that join: its parts may each occur (サイバー攻撃,
//     自動車保険) but the compound does not, so it is one unknown word, not
//     two known ones (see compoundWords).

// minUnknownLatin is the least number of letters of a Latin word that
// marks a question as off-topic when the pack never uses it: shorter
// words (ok, pc, id) are too often filler or abbreviations in passing.
const minUnknownLatin = 3

// latinWord returns the letters of a Latin token without the digits that
// end it (lockbit2 → lockbit, windows10 → windows), or "" when it has
// fewer than minUnknownLatin letters.
func latinWord(term string) string {
	w := strings.TrimRightFunc(term, unicode.IsDigit)
	letters := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < minUnknownLatin {
		return ""
	}
	return w
}

// addVocabulary records the Latin words and the bigrams of text as the
// pack's.
func (ft *fullText) addVocabulary(text string) {
	for _, t := range tokenize(text) {
		if isLatin([]rune(t.term)[0]) {
			if w := latinWord(t.term); w != "" {
				ft.latin[w] = struct{}{}
			}
			continue
		}
		ft.bigrams[t.term] = struct{}{}
	}
}

// unknownLatin returns the first Latin word of text (see latinWord) that
// the pack never uses, or "".
func (ft *fullText) unknownLatin(text string) string {
	for _, t := range tokenize(text) {
		if t.typ != analysis.AlphaNumeric {
			continue
		}
		if w := latinWord(t.term); w != "" {
			if _, ok := ft.latin[w]; !ok {
				return w
			}
		}
	}
	return ""
}

// compoundWords is words (see words) with a compound of katakana and kanji
// kept whole when the pack never joins them where the query does: in
// サイバー保険 the bigram バ保 is nowhere in the pack, so the word to look
// for is サイバ保険, not サイバ and 保険 apart. A join the pack makes
// (サイバー攻撃, データ活用) splits as before.
func (ft *fullText) compoundWords(text string) []string {
	var out []string
	var cur []rune
	class := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
		}
		cur, class = nil, 0
	}
	for _, k := range keyRunes(text) {
		c := runeClass(k.r)
		if k.hira || k.brk || c != class {
			if !k.hira && !k.brk && ft.unknownJoin(cur, class, k.r, c) {
				cur, class = append(cur, k.r), c
				continue
			}
			flush()
		}
		if k.hira {
			continue
		}
		cur, class = append(cur, k.r), c
	}
	flush()
	return out
}

// unknownJoin reports whether r, of class c, follows the word cur, whose
// last rune is of class prev, as a katakana–kanji join the pack never
// makes.
func (ft *fullText) unknownJoin(cur []rune, prev int, r rune, c int) bool {
	if len(cur) == 0 || !(prev == 1 && c == 2 || prev == 2 && c == 1) {
		return false
	}
	_, known := ft.bigrams[string([]rune{cur[len(cur)-1], r})]
	return !known
}
