package index

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"secbot/knowledge"
)

// Name tiers: how sure a match on that name is. A lower tier wins a tie.
const (
	tierName  = iota // the headword
	tierAlias        // reading, aliases, English expansion
	tierGloss        // a name the definition gives (事業継続計画, モノのインターネット)
)

// name is one string that names a term, in Key form.
type name struct {
	key  string
	term int
	tier int
}

var (
	// "Business Continuity Plan（事業継続計画）の略" / "Endpoint Detection and Responseの略"
	reExpansion = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9 .,'’/&\-]*[A-Za-z0-9])\s*(?:[（(]([^）)]+)[）)])?\s*の略`)
	// 日本語では「モノのインターネット」
	reJapaneseGloss = regexp.MustCompile(`日本語では「([^」]+)」`)
	// 単に「インシデント」とも呼ばれる / 「デジタル・フォレンジック」や「…」などと呼ばれる
	reQuotedAlso = regexp.MustCompile(`((?:「[^」]+」(?:や|、)?)+)(?:とも|などと|と)(?:呼ばれる|呼ぶ|略される)`)
	// 不正侵入防止システムとも呼ばれる
	reBareAlso = regexp.MustCompile(`([^、。「」（）()\s]+)とも呼ばれる`)
	reQuoted   = regexp.MustCompile(`「([^」]+)」`)
	// 名前（括弧書き）
	reParen = regexp.MustCompile(`^(.+?)\s*[（(]([^）)]+)[）)]\s*$`)
)

// termNames returns every name of t with its tier: the pack's own fields,
// then what the definition itself says the term is called. The English
// expansion is taken from the definition ("…の略") when the pack has none.
func termNames(t knowledge.Term) (names []string, tiers []int) {
	add := func(s string, tier int) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		names = append(names, s)
		tiers = append(tiers, tier)
	}
	add(t.Name, tierName)
	if m := reParen.FindStringSubmatch(t.Name); m != nil {
		// A headword that carries its reading or acronym: CSIRT（シーサート）.
		add(m[1], tierName)
		add(m[2], tierAlias)
	}
	add(t.Reading, tierAlias)
	for _, a := range t.Aliases {
		add(a, tierAlias)
	}
	add(t.English, tierAlias)
	def := t.Definition
	if m := reExpansion.FindStringSubmatch(def); m != nil {
		if t.English == "" {
			add(m[1], tierAlias)
		}
		add(m[2], tierGloss)
	}
	for _, m := range reJapaneseGloss.FindAllStringSubmatch(def, -1) {
		add(m[1], tierGloss)
	}
	for _, m := range reQuotedAlso.FindAllStringSubmatch(def, -1) {
		for _, q := range reQuoted.FindAllStringSubmatch(m[1], -1) {
			add(q[1], tierGloss)
		}
	}
	for _, m := range reBareAlso.FindAllStringSubmatch(def, -1) {
		if utf8.RuneCountInString(m[1]) <= 20 {
			add(m[1], tierGloss)
		}
	}
	// 「AI（人工知能）」: the headword glossed in brackets.
	for _, q := range reQuoted.FindAllStringSubmatch(def, -1) {
		if m := reParen.FindStringSubmatch(q[1]); m != nil && Key(m[1]) == Key(t.Name) {
			add(m[2], tierGloss)
		}
	}
	return names, tiers
}

// reGlossPair finds "X（Y）" in a definition: Y, in full-width or ASCII
// brackets, glosses the word just before it.
var reGlossPair = regexp.MustCompile(`[（(]([^（）()]+)[）)]`)

// derivedName is a name one definition gives a term, perhaps another
// term's definition: 内部監査's says 情報セキュリティマネジメントシステム
// （ISMS）, so that is a name of ISMS.
type derivedName struct {
	term int
	name string
}

// deriveNames returns the names that the definitions give in brackets,
// "X（Y）", where X is the word just before the bracket (a run with no
// hiragana, space or punctuation):
//
//   - in any definition, when one side is a name of a term and the other
//     is a single word that names no other term, the other side names
//     that term too (情報セキュリティマネジメントシステム（ISMS）in
//     内部監査's definition; 機密性（Confidentiality）in that of the three
//     elements);
//   - in a term's own definition, a bracket that ends a sentence glosses
//     what the sentence defines, the term (…ネット上の市場（闇市）in
//     ブラックマーケット's), and a katakana word with its Latin spelling
//     names a form of the term (デジタライゼーション（digitalization）in
//     デジタル化's).
//
// given holds every term's own names (see termNames). A derived name is
// left out when it is a name of another term or part of one (チェーン is
// part of サプライチェーン, so 鎖（チェーン）would not make it a name of
// ブロックチェーン): a bracket then says how a word is built, not what it
// names. A name derived for two terms names neither: Build keeps both, and
// resolve answers it with "did you mean".
func deriveNames(defs []string, given [][]string) []derivedName {
	owner := map[string]int{} // Key of a given name → its term, -1 for several
	for t, ns := range given {
		for _, n := range ns {
			k := Key(n)
			if o, ok := owner[k]; ok && o != t {
				owner[k] = -1
			} else if !ok {
				owner[k] = t
			}
		}
	}
	// Every given name's key, indexed: a derived name that is part of
	// another term's name is found by its bigrams, not by a scan of every
	// name (see lookup.go).
	parts := newNameIndex()
	var partOwner []int
	for t, ns := range given {
		for _, n := range ns {
			parts.add(Key(n))
			partOwner = append(partOwner, t)
		}
	}
	partOfOther := func(k string, t int) bool {
		found := false
		parts.containing(k, func(id int32) {
			found = found || partOwner[id] != t
		})
		return found
	}
	var out []derivedName
	seen := map[derivedName]bool{}
	add := func(t int, s string) {
		k := Key(s)
		if utf8.RuneCountInString(k) < 2 || utf8.RuneCountInString(s) > 30 {
			return
		}
		if _, ok := owner[k]; ok || partOfOther(k, t) {
			return
		}
		d := derivedName{t, s}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for t, def := range defs {
		for _, m := range reGlossPair.FindAllStringSubmatchIndex(def, -1) {
			y := strings.TrimSpace(def[m[2]:m[3]])
			x := wordBefore(def[:m[0]])
			if x == "" || strings.ContainsAny(y, "、，,：:；;・") || hasHiragana(y) {
				continue
			}
			xo, xok := owner[Key(x)]
			yo, yok := owner[Key(y)]
			switch {
			case yok && yo >= 0 && !xok:
				add(yo, x)
			case xok && xo >= 0 && !yok:
				add(xo, y)
			case xok || yok:
				// Both sides name terms, or one names several: nothing new.
			case isKatakanaWord(x) && isLatinPhrase(y):
				add(t, x)
				add(t, y)
			case endsSentence(def[m[1]:]):
				add(t, y)
			}
		}
	}
	return out
}

// wordBefore returns the word that ends s: the runes after its last
// hiragana, space, punctuation or bracket.
func wordBefore(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if r >= 0x3041 && r <= 0x309F || dropRune(r) && r != 'ー' && r != '・' {
			break
		}
		i -= size
	}
	w := strings.Trim(s[i:], "・")
	if isLatinPhrase(w) {
		// An English name has spaces: Business Continuity Plan（…）.
		for i > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:i])
			if !(r == ' ' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-')) {
				break
			}
			i -= size
		}
		w = strings.TrimSpace(s[i:])
	}
	return w
}

// hasHiragana reports whether s holds a hiragana: a phrase, not a name.
func hasHiragana(s string) bool {
	for _, r := range s {
		if r >= 0x3041 && r <= 0x309F {
			return true
		}
	}
	return false
}

// endsSentence reports whether rest, what follows a bracket, ends the
// sentence: nothing, or 。.
func endsSentence(rest string) bool {
	rest = strings.TrimSpace(rest)
	return rest == "" || strings.HasPrefix(rest, "。")
}

// isKatakanaWord reports whether s is all katakana (with ー and ・).
func isKatakanaWord(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Katakana, r) && r != 'ー' && r != '・' {
			return false
		}
	}
	return s != ""
}

// isLatinPhrase reports whether s is Latin letters and spaces only.
func isLatinPhrase(s string) bool {
	for _, r := range s {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || r == ' ' || r == '-')) {
			return false
		}
	}
	return s != ""
}
