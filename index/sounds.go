package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Loanwords are written two ways: in katakana as the glossary does
// (ランサムウェア, ブロックチェーン) and in their English spelling as people
// sometimes type them (ransomware, blockchain); Latin names the other way
// round (LockBit, ロックビット). Neither spelling can be turned into the other
// without a dictionary, but both keep the word's consonants: soundKey
// reduces a word to them, coarsely (l and r, b and v are one), so that
// ransomware and ランサムウェア both become rnsmw. The stage that uses it
// (resolve, 2d) answers only a query wholly in one script that has the
// consonants of exactly one name wholly in the other, and at least
// minSoundKey of them.

// minSoundKey is the fewest consonants a sound key must have to name a
// term: fewer (sase → ss) match too much.
const minSoundKey = 3

// kanaConsonant maps a katakana to its consonant, "" for a vowel, ン and
// ッ: カ → k, シ → s, チ → c (ch), ツ → t, ジ → z, フ → f, ル → r, ヴ → b.
var kanaConsonant = func() map[rune]string {
	m := map[rune]string{}
	rows := []struct {
		c    string
		kana string
	}{
		{"k", "カキクケコ"}, {"g", "ガギグゲゴ"}, {"s", "サシスセソ"}, {"z", "ザジズゼゾヂヅ"},
		{"t", "タツテト"}, {"c", "チ"}, {"d", "ダデド"}, {"n", "ナニヌネノン"}, {"h", "ハヒヘホ"},
		{"f", "フ"}, {"b", "バビブベボヴ"}, {"p", "パピプペポ"}, {"m", "マミムメモ"},
		{"r", "ラリルレロ"}, {"w", "ワヲ"},
	}
	for _, row := range rows {
		for _, r := range row.kana {
			m[r] = row.c
		}
	}
	return m
}()

// kanaSoundKey is the sound key of a katakana word (hiragana folded to
// katakana first), or "" when s has other runes.
func kanaSoundKey(s string) string {
	rs := []rune(widthFold(s, true))
	var b []byte
	for i, r := range rs {
		switch {
		case r == 'ー' || r == 'ッ' || r == '・' || r == ' ':
			continue
		case strings.ContainsRune("ァィゥェォャュョ", r):
			continue // the consonant is that of the kana before
		case r == 'ウ' && i+1 < len(rs) && strings.ContainsRune("ィェォ", rs[i+1]):
			b = append(b, 'w') // ウィ ウェ ウォ
			continue
		case strings.ContainsRune("アイウエオヤユヨ", r):
			continue
		}
		c, ok := kanaConsonant[r]
		if !ok {
			return ""
		}
		b = append(b, c...)
	}
	return dedupe(b)
}

// latinSoundKey is the sound key of an English word or phrase, or "" when
// s has runes other than Latin letters, digits (dropped) and spaces.
func latinSoundKey(s string) string {
	s = strings.ToLower(s)
	for _, r := range s {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '.' || r == '-')) {
			return ""
		}
	}
	var w []byte
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			w = append(w, s[i])
		} else if len(w) > 0 && w[len(w)-1] != ' ' {
			w = append(w, ' ')
		}
	}
	vowel := func(i int) bool { return i >= 0 && i < len(w) && strings.IndexByte("aeiouy", w[i]) >= 0 }
	cons := func(i int) bool { return i >= len(w) || w[i] == ' ' || !vowel(i) }
	var b []byte
	for i := 0; i < len(w); i++ {
		c, next := w[i], byte(0)
		if i+1 < len(w) {
			next = w[i+1]
		}
		switch {
		case c == ' ' || vowel(i):
			continue
		case c == 'c' && next == 'k':
			continue // ck is k
		case c == 'c' && next == 'h':
			b, i = append(b, 'c'), i+1
		case (c == 's' || c == 't') && next == 'h':
			b, i = append(b, 's'), i+1
		case c == 'p' && next == 'h':
			b, i = append(b, 'f'), i+1
		case c == 'g' && next == 'h':
			i++ // silent
		case c == 'c':
			if next == 'e' || next == 'i' || next == 'y' {
				b = append(b, 's')
			} else {
				b = append(b, 'k')
			}
		case c == 'g' && (next == 'e' || next == 'i'):
			b = append(b, 'z')
		case c == 'h':
			if i == 0 || w[i-1] == ' ' {
				b = append(b, 'h')
			}
		case c == 'r':
			// Japanese takes English loanwords without the r after a
			// vowel (server サーバー, software ソフトウェア).
			postVocalic := vowel(i-1) && (cons(i+1) || next == 'e' && cons(i+2))
			if !postVocalic {
				b = append(b, 'r')
			}
		case c == 'w':
			if vowel(i + 1) {
				b = append(b, 'w')
			}
		default:
			m := c
			if r, ok := latinConsonant[c]; ok {
				m = r
			}
			if c == 'm' && (next == 'b' || next == 'p') {
				m = 'n' // campaign キャンペーン
			}
			b = append(b, m)
		}
	}
	return dedupe(b)
}

// latinConsonant maps the letters that have no consonant of their own in
// katakana to the one they are written with.
var latinConsonant = map[byte]byte{'l': 'r', 'v': 'b', 'j': 'z', 'q': 'k', 'x': 'k'}

// dedupe drops repeated consonants (ll, ss: ッ is not written).
func dedupe(b []byte) string {
	out := b[:0]
	for _, c := range b {
		if len(out) == 0 || out[len(out)-1] != c {
			out = append(out, c)
		}
	}
	return string(out)
}

// soundMatch returns the one term with a name wholly in the other script
// whose sound key is that of q (see soundKey), or -1 and the terms when
// several match.
func (ix *Index) soundMatch(q string) (int, []int) {
	var key string
	var latinQuery bool
	if k := latinSoundKey(q); k != "" && hasVowel(q) {
		key, latinQuery = k, true
	} else if k := kanaSoundKey(q); k != "" {
		key = k
	}
	if len(key) < minSoundKey {
		return -1, nil
	}
	var terms []int
	for _, n := range ix.sounds {
		if n.key == key && n.latin != latinQuery && !containsInt(terms, n.term) {
			terms = append(terms, n.term)
		}
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return -1, terms
}

// soundName is the sound key of one name wholly in one script.
type soundName struct {
	key   string
	term  int
	latin bool // the name is in Latin letters, else in katakana
}

// soundNames returns the sound keys of the terms' given names (see
// termEntry), for soundMatch.
func soundNames(terms []termEntry) []soundName {
	var out []soundName
	for t, e := range terms {
		for _, n := range e.given {
			if k := kanaSoundKey(n); len(k) >= minSoundKey {
				out = append(out, soundName{k, t, false})
			} else if k := latinSoundKey(n); len(k) >= minSoundKey && hasVowel(n) {
				out = append(out, soundName{k, t, true})
			}
		}
	}
	return out
}

// hasVowel reports whether s has a Latin vowel: an acronym (NFT, GDPR) is
// spelled out letter by letter, not said as a word.
func hasVowel(s string) bool {
	return strings.ContainsAny(strings.ToLower(s), "aeiou")
}

func containsInt(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
