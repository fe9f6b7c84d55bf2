package seminar

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"secbot/jtext"
)

// joinLines joins hard-wrapped lines into one string, the way a reader
// reads them: Japanese text runs on with no space, Latin words that meet at
// a line break get one space (Information and / Communication), and a URL
// broken across lines is rejoined with no space.
func joinLines(lines []string) string {
	var b strings.Builder
	prev := ""
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if prev != "" {
			last, _ := utf8.DecodeLastRuneInString(prev)
			first, _ := utf8.DecodeRuneInString(l)
			switch {
			case inURL(prev) && isURLRune(first):
				// dx- / chushoguidebook/…: one URL.
			case isLatin(last) && isLatin(first):
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
		prev = l
	}
	return b.String()
}

// inURL reports whether s ends inside a URL: its last word starts with
// http:// or https:// and does not end the URL with a sentence mark.
func inURL(s string) bool {
	i := strings.LastIndexAny(s, " \t")
	w := s[i+1:]
	if j := strings.Index(w, "http"); j >= 0 {
		w = w[j:]
	}
	if !strings.HasPrefix(w, "http://") && !strings.HasPrefix(w, "https://") {
		return false
	}
	return !strings.HasSuffix(w, ".") && !strings.HasSuffix(w, ",") && !strings.HasSuffix(w, ")")
}

func isURLRune(r rune) bool {
	return r < utf8.RuneSelf && (isLatin(r) || strings.ContainsRune("/-_.~%?=&#:+", r))
}

// The character classes of the importer are jtext's (shared with search
// and the quiz).
func isLatin(r rune) bool         { return jtext.IsLatin(r) }
func isJapanese(r rune) bool      { return jtext.IsJapanese(r) }
func isJapanesePunct(r rune) bool { return jtext.IsJapanesePunct(r) }

// squeeze removes the stray spaces a PDF leaves in Japanese text and
// collapses runs of spaces to one. A space next to Japanese punctuation
// (。 IPアドレス, ） 、) always goes; with strict, so does a space between
// any two Japanese characters (略されることがある。 現在). Spaces between
// Latin words, and between Latin and kana (NIST サイバー…), stay.
func squeeze(s string, strict bool) string {
	rs := []rune(strings.TrimSpace(s))
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\t' || r == '\u3000' {
			r = ' '
		}
		if r != ' ' {
			out = append(out, r)
			continue
		}
		j := i
		for j+1 < len(rs) && (rs[j+1] == ' ' || rs[j+1] == '\t' || rs[j+1] == '\u3000') {
			j++
		}
		var prev, next rune
		if len(out) > 0 {
			prev = out[len(out)-1]
		}
		if j+1 < len(rs) {
			next = rs[j+1]
		}
		i = j
		if prev == 0 || next == 0 {
			continue
		}
		if isJapanesePunct(prev) || isJapanesePunct(next) {
			continue
		}
		if strict && isJapanese(prev) && isJapanese(next) {
			continue
		}
		out = append(out, ' ')
	}
	return string(out)
}

// width is the display width of s: 1 for ASCII and half-width forms, 2 for
// everything else. The glossary's column is about 26 wide.
func width(s string) int {
	n := 0
	for _, r := range s {
		if r < 0x1100 || (r >= 0xFF61 && r <= 0xFFDC) {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// runes is the number of characters in s.
func runes(s string) int { return utf8.RuneCountInString(s) }

// isKana reports whether s is all kana (with ・ and ー): a reading.
func isKana(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.In(r, unicode.Hiragana, unicode.Katakana) && r != 'ー' && r != '・' {
			return false
		}
	}
	return true
}

// hasLatin reports whether s holds an ASCII letter.
func hasLatin(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// splitSentences splits s after each 。 (and ！？), keeping the mark.
func splitSentences(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r == '。' || r == '！' || r == '？' {
			end := i + utf8.RuneLen(r)
			if t := strings.TrimSpace(s[start:end]); t != "" {
				out = append(out, t)
			}
			start = end
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}
