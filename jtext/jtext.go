// Package jtext folds Japanese text for comparing it: full-width ASCII and
// half-width katakana to their usual widths, upper to lower case, hiragana
// to katakana, long-vowel marks and small kana, kanji spellings to their
// 交ぜ書き forms (改竄 → 改ざん) and short names of ministries to full ones.
// Search (index), the quiz's give-away check (quiz) and the importer
// (knowledge/seminar) compare text through it, so that a fold made for one
// holds for all.
//
//   - Key is the matching form search compares (ファイヤーウォール and
//     ふぁいあうぉーる have one Key); Runes is Key rune by rune, with the
//     offsets of what produced each rune.
//   - Fold is the scoring form: width and case folded, spaces and
//     punctuation removed, kana as typed.
//   - IndexFold and ContainsFold find a name in a text case-insensitively,
//     as a whole word when it is Latin.
package jtext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FoldRune applies the width, case and script folding of a single rune:
// widthCase, then hiragana → katakana.
func FoldRune(r rune) rune {
	return ToKatakana(WidthCase(r))
}

// WidthCase folds full-width ASCII to ASCII, the ideographic space to a
// space and upper to lower case: the part of NFKC that matters for what
// people type here, plus case folding. (golang.org/x/text is not a
// dependency of secbot; this keeps go.mod as it is.)
func WidthCase(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// ToKatakana maps hiragana to katakana (ぜろ → ゼロ).
func ToKatakana(r rune) rune {
	if r >= 0x3041 && r <= 0x3096 || r == 0x309D || r == 0x309E {
		return r + 0x60
	}
	return r
}

// halfKana maps half-width katakana (U+FF61…U+FF9F) to full width.
var halfKana = []rune("。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜")

// WidthFold folds half-width katakana to full width (composing ﾞ and ﾟ
// with the preceding kana) and every rune with WidthCase, and with
// ToKatakana too when kata is set.
func WidthFold(s string, kata bool) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune = -1
	flush := func() {
		if prev >= 0 {
			b.WriteRune(prev)
		}
	}
	for _, r := range s {
		if r >= 0xFF61 && r <= 0xFF9F {
			k := halfKana[r-0xFF61]
			switch {
			case k == '゛' && prev >= 0 && voiced(prev) != prev:
				prev = voiced(prev)
				continue
			case k == '゜' && prev >= 0 && semiVoiced(prev) != prev:
				prev = semiVoiced(prev)
				continue
			}
			r = k
		}
		flush()
		prev = WidthCase(r)
		if kata {
			prev = ToKatakana(prev)
		}
	}
	flush()
	return b.String()
}

func voiced(r rune) rune {
	switch {
	case r == 'ウ':
		return 'ヴ'
	case strings.ContainsRune("カキクケコサシスセソタチツテトハヒフヘホ", r):
		return r + 1
	}
	return r
}

func semiVoiced(r rune) rune {
	if strings.ContainsRune("ハヒフヘホ", r) {
		return r + 2
	}
	return r
}

// Drop reports whether r carries no meaning for matching: spaces,
// middle dots, punctuation and symbols.
func Drop(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) ||
		r == '・' || r == '･' || r == '·' || r == '‧'
}

// smallKana maps small katakana to their full-size forms (ファ → フア,
// ウィ → ウイ, ウェ → ウエ); small ッ is kept, it changes the word.
var smallKana = map[rune]rune{
	'ァ': 'ア', 'ィ': 'イ', 'ゥ': 'ウ', 'ェ': 'エ', 'ォ': 'オ',
	'ャ': 'ヤ', 'ュ': 'ユ', 'ョ': 'ヨ', 'ヮ': 'ワ', 'ヵ': 'カ', 'ヶ': 'ケ',
	'ヰ': 'イ', 'ヱ': 'エ', 'ヂ': 'ジ', 'ヅ': 'ズ',
}

// vu maps ヴァ ヴィ ヴェ ヴォ to バ ビ ベ ボ; a lone ヴ becomes ブ.
var vu = map[rune]rune{'ァ': 'バ', 'ィ': 'ビ', 'ゥ': 'ブ', 'ェ': 'ベ', 'ォ': 'ボ'}

// variantFold is a spelling of a word with a kanji outside the jōyō list
// and the form that official and press writing use instead, part kana
// (交ぜ書き): 改竄 is written 改ざん, 漏洩 漏えい. Both spellings are in use,
// in the glossary (漏えい, 懈怠) and in what people type (改竄, けたい).
type variantFold struct{ from, to string }

// variantFolds maps the first rune of a variant to its folds. The fold goes
// from the kanji spelling to the kana one: a kanji like 竄 or 懈 means only
// this word, while the kana (ざん, けたい) can be part of other words
// (受けたい), so the reverse fold would invent matches. Folded runes count
// as typed in kanji (not as particles).
var variantFolds = func() map[rune][]variantFold {
	m := map[rune][]variantFold{}
	for _, f := range []variantFold{
		{"改竄", "改ざん"}, {"漏洩", "漏えい"}, {"毀損", "き損"}, {"懈怠", "けたい"},
		{"隠蔽", "隠ぺい"}, {"補填", "補てん"}, {"捏造", "ねつ造"}, {"逼迫", "ひっ迫"},
	} {
		r, _ := utf8.DecodeRuneInString(f.from)
		m[r] = append(m[r], f)
	}
	for _, f := range orgFolds {
		r, _ := utf8.DecodeRuneInString(f.from)
		m[r] = append(m[r], f)
	}
	return m
}()

// orgFolds are the organisations the text's sources cite, under the short
// name people use for them (経産省) and the one the pack writes (経済産業省;
// IPA, which the glossary also spells out once as 情報処理推進機構（IPA）).
// Like variantFolds they go one way, to the pack's form, and only from a
// name that means nothing else. The table is small on purpose: the
// ministries' usual short names, the agency the chapter cites and the
// country its figures compare with.
var orgFolds = []variantFold{
	{"経産省", "経済産業省"}, {"厚労省", "厚生労働省"}, {"文科省", "文部科学省"},
	{"国交省", "国土交通省"}, {"農水省", "農林水産省"}, {"情報処理推進機構", "IPA"},
	// The country the text's figures compare with, which it always
	// writes 米国 (米国の77.9%) and people call アメリカ.
	{"アメリカ", "米国"},
	// The country itself, which the chapter calls both 我が国 (我が国が
	// デジタル化で後れを取った６つの理由) and 日本, as people do.
	{"我が国", "日本"}, {"わが国", "日本"}, {"我国", "日本"},
}

// matchFold returns the fold among fs whose variant s starts with.
func matchFold(s string, fs []variantFold) (variantFold, bool) {
	for _, f := range fs {
		if strings.HasPrefix(s, f.from) {
			return f, true
		}
	}
	return variantFold{}, false
}

// Rune is one rune of the matching form of a text (see Runes).
type Rune struct {
	R rune
	// Start and End are the byte offsets in the text of what produced R.
	Start, End int
	// Brk is set when a space or punctuation preceded R in the text.
	Brk bool
	// Hira is set when R was typed as hiragana (particles, okurigana).
	Hira bool
}

// Runes returns the matching form of s, rune by rune with offsets (see Key): variantFolds, widthFold, then spaces, dots and
// punctuation dropped, long-vowel marks dropped, small kana made full size,
// ヴ made バ-row and ヤ after イ made ア (ファイヤー and ファイアー both become
// フアイア).
func Runes(s string) []Rune {
	type src struct {
		r          rune
		start, end int
		hira       bool
	}
	// First pass: half-width composition and folding, keeping offsets.
	rs := make([]src, 0, utf8.RuneCountInString(s))
	skip := 0 // the end of a word variantFolds replaced
	for i, r := range s {
		if i < skip {
			continue
		}
		size := utf8.RuneLen(r)
		if size < 0 {
			size = 1
		}
		if r >= 0xFF61 && r <= 0xFF9F {
			k := halfKana[r-0xFF61]
			if n := len(rs); n > 0 && (k == '゛' || k == '゜') {
				p := rs[n-1].r
				if k == '゛' {
					rs[n-1].r = voiced(p)
				} else {
					rs[n-1].r = semiVoiced(p)
				}
				rs[n-1].end = i + size
				continue
			}
			r = k
		}
		if fs := variantFolds[r]; fs != nil {
			if f, ok := matchFold(s[i:], fs); ok {
				// Every rune of the folded form stands for the whole
				// source word: offsets cover what was typed.
				for _, t := range f.to {
					rs = append(rs, src{FoldRune(t), i, i + len(f.from), false})
				}
				skip = i + len(f.from)
				continue
			}
		}
		rs = append(rs, src{FoldRune(r), i, i + size, r >= 0x3041 && r <= 0x309E})
	}
	out := make([]Rune, 0, len(rs))
	brk := false
	for i := 0; i < len(rs); i++ {
		r := rs[i].r
		if r == 'ー' || r == '〜' || r == '～' {
			continue
		}
		if Drop(r) {
			brk = true
			continue
		}
		start, end := rs[i].start, rs[i].end
		if r == 'ヴ' {
			r = 'ブ'
			if i+1 < len(rs) {
				if v, ok := vu[rs[i+1].r]; ok {
					r = v
					end = rs[i+1].end
					i++
				}
			}
		}
		if big, ok := smallKana[r]; ok {
			r = big
		}
		if r == 'ヤ' && len(out) > 0 && out[len(out)-1].R == 'イ' {
			r = 'ア'
		}
		out = append(out, Rune{r, start, end, brk, rs[i].hira})
		brk = false
	}
	return out
}

// Key returns the form of s that secbot compares: width and case folded,
// hiragana as katakana, spaces, middle dots, punctuation and long-vowel
// marks removed, small kana and ヴ variants folded. Key("ファイヤーウォール")
// == Key("ふぁいあうぉーる") == Key("ファイアウォール").
func Key(s string) string {
	var b strings.Builder
	for _, k := range Runes(s) {
		b.WriteRune(k.R)
	}
	return b.String()
}

// Fold returns s width and case folded with spaces and punctuation removed,
// as the eval files' scoring rule asks ("NFKC, lower case, spaces and
// punctuation removed"); unlike Key it keeps kana and long vowels as typed.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range WidthFold(s, false) {
		if !Drop(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IsLatin reports whether r is an ASCII letter or digit (after folding).
func IsLatin(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// IsJapanese reports whether r is kana, a kanji, or Japanese punctuation
// (the CJK symbols block, full-width forms, the middle dot and long vowel mark).
func IsJapanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) ||
		IsJapanesePunct(r) || r == 'ー' || r == '・' || r == '々'
}

// IsJapanesePunct reports whether r is Japanese punctuation: 。、「」（）etc.
func IsJapanesePunct(r rune) bool {
	return (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF01 && r <= 0xFF0F) ||
		(r >= 0xFF1A && r <= 0xFF20) || (r >= 0xFF3B && r <= 0xFF40) ||
		(r >= 0xFF5B && r <= 0xFF65)
}
