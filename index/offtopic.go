package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
//     never makes that join and never uses the kanji part as a word of its
//     own: its parts occur (サイバー攻撃, 自動車保険) but the compound does
//     not, so it is one unknown word, not two known ones (see
//     compoundWords).

// vocabulary is what the pack says, for telling off-topic questions: its
// Latin words (see latinWord), its Japanese bigrams, and its runs of
// kanji (see words), over glossary and chapter. Build makes it before it
// returns, so reverse lookup never waits for full text.
type vocabulary struct {
	latin      map[string]struct{}
	bigrams    map[string]struct{}
	kanjiWords map[string]struct{}
	// katakana holds the katakana words of the pack and every part of
	// them of five runes or more, so that katakanaKnown is a lookup.
	katakana     map[string]struct{}
	katakanaLong map[string]struct{} // words too long to hold all their parts
	// katakanaWords holds the katakana words themselves.
	katakanaWords map[string]struct{}
}

func newVocabulary() *vocabulary {
	return &vocabulary{latin: map[string]struct{}{}, bigrams: map[string]struct{}{}, kanjiWords: map[string]struct{}{},
		katakana: map[string]struct{}{}, katakanaLong: map[string]struct{}{}, katakanaWords: map[string]struct{}{}}
}

// maxKatakanaParts: a katakana word longer than this keeps its parts out
// of the table (katakanaKnown scans those few).
const maxKatakanaParts = 24

// addKatakana records the katakana word w and its parts of five runes or
// more.
func (v *vocabulary) addKatakana(w string) {
	v.katakanaWords[w] = struct{}{}
	rs := []rune(w)
	if len(rs) > maxKatakanaParts {
		v.katakanaLong[w] = struct{}{}
		return
	}
	for i := 0; i < len(rs); i++ {
		for j := i + 5; j <= len(rs); j++ {
			v.katakana[string(rs[i:j])] = struct{}{}
		}
	}
}

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

// addVocabulary records the Latin words, bigrams and kanji words of text
// as the pack's; toks are text's tokens, or nil to tokenize it here.
func (v *vocabulary) addVocabulary(text string, toks []token) {
	ks := keyRunes(text)
	if toks == nil {
		toks = textTokensRunes(ks)
	}
	v.addParts(toks, wordsOf(ks))
}

// addParts records the tokens and words (see words) of a text.
func (v *vocabulary) addParts(toks []token, ws []string) {
	for _, t := range toks {
		if t.typ == analysis.AlphaNumeric {
			if w := latinWord(t.term); w != "" {
				v.latin[w] = struct{}{}
			}
			continue
		}
		v.bigrams[t.term] = struct{}{}
	}
	for _, w := range ws {
		switch r, _ := utf8.DecodeRuneInString(w); runeClass(r) {
		case 1:
			v.kanjiWords[w] = struct{}{}
		case 2:
			v.addKatakana(w)
		}
	}
}

// unknownLatin returns the first Latin word of text (see latinWord) that
// the pack never uses, or "".
func (v *vocabulary) unknownLatin(text string) string {
	for _, t := range tokenize(text) {
		if t.typ != analysis.AlphaNumeric {
			continue
		}
		if w := latinWord(t.term); w != "" {
			if _, ok := v.latin[w]; !ok {
				return w
			}
		}
	}
	return ""
}

// compoundWords is words (see words) with a compound of katakana and kanji
// kept whole when the pack knows neither the compound nor its kanji part as
// a word: in サイバー保険 the bigram バ保 is nowhere in the pack and 保険 only
// inside longer kanji words (生命保険会社, 自動車保険), so the word to look for
// is サイバ保険, not サイバ and 保険 apart. A join the pack makes (サイバー攻撃)
// or a kanji word it uses on its own (チャットボット導入: 導入) splits as
// before.
func (v *vocabulary) compoundWords(text string) []string {
	ws, _ := v.compounds(text)
	return ws
}

// offTopic reports whether text is about something the pack never names:
// a Latin word it never uses, or a katakana–kanji join it never makes.
func (v *vocabulary) offTopic(text string) bool {
	if v.unknownLatin(text) != "" {
		return true
	}
	_, unknown := v.compounds(text)
	return unknown
}

// describesUnknown reports whether a description is about something the
// pack never names: a Latin word it never uses, or a long katakana word
// (five runes or more in Key form: ハニーポット) that is part of none of
// its words. Katakana–kanji joins (専門チーム) are left to passage search:
// descriptions make them freely. A word that is one of the keywords'
// (keywordWords: the everyday names of things the terms are, スパイウェア
// for マルウェア, ワンタイムパスワード for 多要素認証) is not off-topic at
// once: byKeyword reports it, and reverse lookup then answers only when
// sure (a description that names a neighbour the pack never covers is
// still off-topic unless a term explains the rest well).
func (v *vocabulary) describesUnknown(text string, keywordWords map[string]bool) (off, byKeyword bool) {
	if w := v.unknownLatin(text); w != "" {
		if !keywordWords[w] {
			return true, false
		}
		byKeyword = true
	}
	for _, w := range words(text) {
		r, _ := utf8.DecodeRuneInString(w)
		if runeClass(r) != 2 || utf8.RuneCountInString(w) < 5 {
			continue
		}
		if !v.katakanaKnown(w) {
			if !keywordWords[w] {
				return true, false
			}
			byKeyword = true
		}
	}
	return false, byKeyword
}

// katakanaKnown reports whether the katakana word w (Key form) is part of
// a katakana word of the pack, or a compound of the pack's katakana words
// (セキュリティサービス: セキュリティ and サービス).
func (v *vocabulary) katakanaKnown(w string) bool {
	if v.katakanaPart(w) {
		return true
	}
	rs := []rune(w)
	// ok[i]: rs[:i] splits into known words of two runes or more.
	ok := make([]bool, len(rs)+1)
	ok[0] = true
	for i := 2; i <= len(rs); i++ {
		for j := i - 2; j >= 0 && !ok[i]; j-- {
			if ok[j] && v.katakanaWord(string(rs[j:i])) {
				ok[i] = true
			}
		}
	}
	return ok[len(rs)]
}

// katakanaWord reports whether w is a katakana word of the pack (or, at
// five runes or more, part of one).
func (v *vocabulary) katakanaWord(w string) bool {
	if _, ok := v.katakanaWords[w]; ok {
		return true
	}
	return utf8.RuneCountInString(w) >= 5 && v.katakanaPart(w)
}

// katakanaPart reports whether w is part of a katakana word of the pack.
func (v *vocabulary) katakanaPart(w string) bool {
	if _, ok := v.katakana[w]; ok {
		return true
	}
	for k := range v.katakanaLong {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// compounds is compoundWords, and whether any word is an unknown join.
func (v *vocabulary) compounds(text string) ([]string, bool) {
	type run struct {
		rs     []rune
		class  int
		joined bool // nothing (hiragana, space, punctuation) before it
	}
	var runs []run
	gap := true
	ks := keyRunes(text)
	for i, k := range ks {
		if k.Hira {
			gap = true
			continue
		}
		c := runeClass(k.R)
		if n := len(runs); n > 0 && len(runs[n-1].rs) >= 2 && c == 1 && i+1 < len(ks) && stem(k, ks[i+1]) && !strings.ContainsRune(nounEndings, ks[i+1].R) {
			gap = true // a verb after a noun (see wordsOf)
		}
		if n := len(runs); n > 0 && !gap && !k.Brk && runs[n-1].class == c {
			runs[n-1].rs = append(runs[n-1].rs, k.R)
			continue
		}
		runs = append(runs, run{[]rune{k.R}, c, !gap && !k.Brk})
		gap = false
	}
	var out []string
	unknown := false
	var prev run // the last run of the word being built
	for i, r := range runs {
		if i > 0 && r.joined && v.unknownJoin(prev.rs, prev.class, r.rs, r.class) {
			out[len(out)-1] += string(r.rs)
			unknown = true
		} else {
			out = append(out, string(r.rs))
		}
		prev = r
	}
	return out, unknown
}

// unknownJoin reports whether the pack never joins a, of class ca, and b,
// of class cb, that the query writes together: one is katakana and the
// other kanji, the bigram across them is not the pack's, and the kanji one
// is no word of the pack's own.
func (v *vocabulary) unknownJoin(a []rune, ca int, b []rune, cb int) bool {
	var kanji []rune
	switch {
	case ca == 2 && cb == 1:
		kanji = b
	case ca == 1 && cb == 2:
		kanji = a
	default:
		return false
	}
	if _, ok := v.bigrams[string([]rune{a[len(a)-1], b[0]})]; ok {
		return false
	}
	_, known := v.kanjiWords[string(kanji)]
	return !known
}
