package index

import (
	"regexp"
	"strings"
)

// Abbreviations the chapter writes both ways. A question about DX should
// find the passages that write デジタルトランスフォーメーション, and one
// about 情報通信技術 those that write ICT. The pairs are read from the pack
// itself, where a text gives an abbreviation in brackets after the words
// it stands for (デジタルトランスフォーメーション（DX）, 情報技術（IT）),
// never from a list: a company's pack brings its own.

// reAbbrev finds "words（ABBR）": two to six capital letters in brackets
// after a run of kanji or katakana.
var reAbbrev = regexp.MustCompile(`([\p{Han}\p{Katakana}ー・]{2,30})[（(]([A-Z]{2,6})[）)]`)

// reAbbrevAfter finds the other order, "ABBR（words）": IT（情報技術）.
var reAbbrevAfter = regexp.MustCompile(`([A-Z]{2,6})[（(]([\p{Han}\p{Katakana}ー・]{2,30})[）)]`)

// reAbbrevName matches a term name that is an abbreviation: two to six
// Latin letters, two of them or more capitals (BCP, ICT, IoT).
var reAbbrevName = regexp.MustCompile(`^[A-Za-z]{2,6}$`)

// reJapaneseName matches a name in kanji and katakana only.
var reJapaneseName = regexp.MustCompile(`^[\p{Han}\p{Katakana}ー・]{2,30}$`)

// termAbbrevs returns the pairs the glossary gives: a term named by an
// abbreviation with an alias in Japanese (BCP: 事業継続計画, ICT: 情報通信技術).
func termAbbrevs(names []string, aliases [][]string) []abbrev {
	var out []abbrev
	for i, n := range names {
		caps := 0
		for _, r := range n {
			if r >= 'A' && r <= 'Z' {
				caps++
			}
		}
		if !reAbbrevName.MatchString(n) || caps < 2 {
			continue
		}
		for _, a := range aliases[i] {
			if reJapaneseName.MatchString(a) {
				out = append(out, abbrev{Key(a), Key(n)})
			}
		}
	}
	return out
}

// abbrev is one pair, in Key form.
type abbrev struct{ long, short string }

// findAbbrevs returns the pairs the texts give, once each.
func findAbbrevs(texts []string) []abbrev {
	var out []abbrev
	seen := map[abbrev]bool{}
	for _, t := range texts {
		for _, m := range reAbbrev.FindAllStringSubmatch(t, -1) {
			a := abbrev{Key(m[1]), Key(m[2])}
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
		for _, m := range reAbbrevAfter.FindAllStringSubmatch(t, -1) {
			a := abbrev{Key(m[2]), Key(m[1])}
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// expansions returns what a passage (its Key) should also be found by:
// the abbreviation of the words it writes out, and the words of the
// abbreviation it writes, separated by newlines; "" when none.
func expansions(key string, abbrevs []abbrev) string {
	var b strings.Builder
	for _, a := range abbrevs {
		hasLong, hasShort := strings.Contains(key, a.long), containsKey(key, a.short)
		switch {
		case hasLong && !hasShort:
			b.WriteString("\n" + a.short)
		case hasShort && !hasLong:
			b.WriteString("\n" + a.long)
		}
	}
	return b.String()
}

// askedAbbrev returns the abbreviation asked alone (DXって何 → DX), or "".
func askedAbbrev(asked string) string {
	if a := strings.TrimSpace(stripQuestion(asked)); reAbbrevName.MatchString(a) {
		return a
	}
	return ""
}

// spellsOut reports whether text gives the words the abbreviation a (see
// askedAbbrev) stands for, as the chapter does where it first uses it
// (デジタルトランスフォーメーション（DX）, IT（情報技術）): that passage
// answers "DXって何？".
func spellsOut(text, a string) bool {
	if a == "" || !strings.Contains(strings.ToUpper(text), strings.ToUpper(a)) {
		return false
	}
	for _, m := range reAbbrev.FindAllStringSubmatch(text, -1) {
		if strings.EqualFold(m[2], a) {
			return true
		}
	}
	for _, m := range reAbbrevAfter.FindAllStringSubmatch(text, -1) {
		if strings.EqualFold(m[1], a) {
			return true
		}
	}
	return false
}
