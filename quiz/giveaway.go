package quiz

// This file holds the give-away checks: does a question or a choice name
// the answer (its name, reading, aliases, folded as search folds them)?

import (
	"sort"
	"strings"
	"unicode/utf8"

	"secbot/jtext"
	"secbot/knowledge"
)

// maskNames lists the strings that would give t away: its names, reading,
// aliases, English expansion, and the ASCII words of its name (DDoS of
// DDoS攻撃), longest first.
func maskNames(t knowledge.Term) []string {
	set := map[string]bool{}
	add := func(s string) {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) >= 2 {
			set[s] = true
		}
	}
	for _, n := range t.Names() {
		add(n)
		if i := strings.IndexAny(n, "（("); i > 0 {
			add(n[:i])
		}
		for _, w := range asciiWords(n) {
			add(w)
		}
	}
	add(english(t))
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// MaskNames replaces every name of t in text with 〇〇 (ASCII case-insensitively,
// and ASCII names only as whole words: IP is masked in "IPの", not in "IPS").
func MaskNames(text string, t knowledge.Term) string {
	for _, n := range maskNames(t) {
		text = replaceFold(text, n, mask)
	}
	return text
}

// Leaks reports whether text names t: its name, reading, aliases or English
// expansion, compared case-insensitively.
func Leaks(text string, t knowledge.Term) bool {
	for _, n := range maskNames(t) {
		if indexFold(text, n, 0) >= 0 {
			return true
		}
	}
	return false
}

// GivesAway reports whether text names t (Leaks) or shows much of its name:
// a run of at least 4 characters making up 60% of a name, or of at least 6
// making up 40% (デジタル of デジタル化, 人材育成プログラム of
// ICSCoE中核人材育成プログラム).
func GivesAway(text string, t knowledge.Term) bool {
	if Leaks(text, t) {
		return true
	}
	for _, n := range t.Names() {
		k := utf8.RuneCountInString(n)
		if l := longestCommon(asciiLower(text), asciiLower(n)); l >= 4 && l*10 >= k*6 || l >= 6 && l*10 >= k*4 {
			return true
		}
	}
	return false
}

// longestCommon returns the length in runes of the longest common substring.
func longestCommon(a, b string) int {
	ar, br := []rune(a), []rune(b)
	prev := make([]int, len(br)+1)
	cur := make([]int, len(br)+1)
	best := 0
	for i := 1; i <= len(ar); i++ {
		for j := 1; j <= len(br); j++ {
			if ar[i-1] == br[j-1] {
				cur[j] = prev[j-1] + 1
				best = max(best, cur[j])
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}

// replaceFold replaces the occurrences of old in s found by indexFold.
func replaceFold(s, old, repl string) string {
	var b strings.Builder
	from := 0
	for {
		i := indexFold(s, old, from)
		if i < 0 {
			b.WriteString(s[from:])
			return b.String()
		}
		b.WriteString(s[from:i])
		b.WriteString(repl)
		from = i + len(old)
	}
}

// indexFold, containsFold and normalize are jtext's: the quiz folds names
// as search does.
func indexFold(s, sub string, from int) int { return jtext.IndexFold(s, sub, from) }

func containsFold(s, sub string) bool { return jtext.ContainsFold(s, sub) }

// normalize folds s for comparing how names are written (jtext.Fold):
// width and case folded, spaces, punctuation and symbols removed
// ("ＳＯＣＩＥＴＹ ５．０" and "Society5.0" are both "society50").
func normalize(s string) string { return jtext.Fold(s) }

// normOverlaps reports whether, normalized, one of a and b contains the
// other (a prompt that is the name written differently gives it away).
func normOverlaps(a, b string) bool {
	na, nb := normalize(a), normalize(b)
	if na == "" || nb == "" {
		return false
	}
	return strings.Contains(na, nb) || strings.Contains(nb, na)
}

// overlaps reports whether one of a and b contains the other.
func overlaps(a, b string) bool {
	la, lb := asciiLower(a), asciiLower(b)
	return strings.Contains(la, lb) || strings.Contains(lb, la)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// asciiLower lowercases A-Z only, keeping byte offsets.
func asciiLower(s string) string { return jtext.ASCIILower(s) }

func asciiWords(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isAlnum(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	return out
}

// isASCIIName reports whether a name is (starts as) an acronym or Latin word.
func isASCIIName(s string) bool { return s != "" && isAlnum(s[0]) }
