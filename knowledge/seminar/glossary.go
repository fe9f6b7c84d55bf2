package seminar

import (
	"regexp"
	"strings"

	"secbot/knowledge"
)

// The glossary's layout: each entry starts with ■NAME (the name may wrap
// onto one or two more lines), its definition follows in a column about 13
// characters wide, and a dot leader (…………………) introduces the refs, which
// may wrap too (4- / 2-5, 第一回コ / ラム). Between entries stand blank
// lines and stray marks of the PDF (図❷, 図❸, 用語集).

const (
	// nameFull is the display width from which a name line is taken to
	// fill the column, so that a short next line may be its continuation.
	nameFull = 20
	// nameShort is the display width under which a line after a full name
	// line is the end of the name (グラム, ス, け隊サービス制度, 「CIA」).
	nameShort = 20
)

var (
	reLeader    = regexp.MustCompile(`^…{3,}\s*(.*)$`)
	reStray     = regexp.MustCompile(`^(図[❶-❿]|用語集|第\d+章\s*[–-]\s*\d+)$`)
	reQuoted    = regexp.MustCompile(`((?:「[^」。]+」(?:や|、)?)+)(?:など)?と(?:も)?呼(?:ばれる|ぶ)`)
	reQuote     = regexp.MustCompile(`「([^」]+)」`)
	reAlsoNamed = regexp.MustCompile(`(?:^|。)([^。「」、]+?)とも(?:呼ばれる|略される)`)
	reJapanese  = regexp.MustCompile(`日本語では「([^」]+)」`)
	reShortFor  = regexp.MustCompile(`単に「?([^」。、「]+?)」?と略`)
	reAcronym   = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*)（([^）]+)）\s*([A-Za-z][A-Za-z ,\-]*[A-Za-z])$`)
	reEnglish   = regexp.MustCompile(`^([A-Za-z][A-Za-z ,\-]*[A-Za-z])(?:（([^）]+)）)?の略`)
)

// parseGlossary reads the glossary's lines (from the first ■ on) into terms.
func parseGlossary(lines []string) []knowledge.Term {
	var terms []knowledge.Term
	for i := 0; i < len(lines); {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "■") {
			i++
			continue
		}
		t, next := parseEntry(lines, i)
		if t.Name != "" {
			terms = append(terms, t)
		}
		if next <= i {
			next = i + 1
		}
		i = next
	}
	return terms
}

// parseEntry parses the entry whose ■ line is lines[i] and returns it with
// the index of the line after it.
func parseEntry(lines []string, i int) (knowledge.Term, int) {
	first := strings.TrimPrefix(strings.TrimSpace(lines[i]), "■")
	n := nameContinuation(lines, i+1, first)
	nameLines := append([]string{first}, lines[i+1:i+1+n]...)
	i += 1 + n

	// The definition runs to the dot leader; blank lines inside it are
	// page or column breaks.
	var def []string
	refs := ""
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "■") {
			break
		}
		if m := reLeader.FindStringSubmatch(l); m != nil {
			refs = m[1]
			i++
			for ; i < len(lines); i++ {
				l := strings.TrimSpace(lines[i])
				if l == "" || strings.HasPrefix(l, "■") || reStray.MatchString(l) {
					break
				}
				refs += l
			}
			break
		}
		if l == "" || reStray.MatchString(l) {
			continue
		}
		def = append(def, l)
	}
	// Skip what stands between this entry and the next: stray marks.
	for i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "■") {
		i++
	}

	t := knowledge.Term{Definition: squeeze(joinLines(def), true)}
	name := squeeze(joinLines(nameLines), true)
	t.Name, t.Reading, t.Aliases = splitName(name)
	t.Refs = splitRefs(refs)
	t.English, t.Aliases = definitionNames(t, t.Aliases)
	return t, i
}

// splitName splits a printed name into the headword and what the
// brackets after it give: a reading when the headword has Latin letters and
// the bracket is kana (CSIRT（シーサート）, DDoS攻撃（ディードスこうげき）),
// an alias otherwise (ウイルス定義ファイル（パターンファイル）, NIST …（CSF）,
// 情報セキュリティの3要素「CIA」).
func splitName(s string) (name, reading string, aliases []string) {
	s = strings.TrimSpace(s)
	for _, br := range [][2]string{{"（", "）"}, {"「", "」"}} {
		if !strings.HasSuffix(s, br[1]) {
			continue
		}
		i := strings.LastIndex(s, br[0])
		if i <= 0 {
			continue
		}
		base := strings.TrimSpace(s[:i])
		inner := strings.TrimSpace(s[i+len(br[0]) : len(s)-len(br[1])])
		if inner == "" {
			continue
		}
		if br[0] == "（" && isKana(inner) && hasLatin(base) {
			return base, inner, nil
		}
		return base, "", []string{inner}
	}
	return s, "", nil
}

// splitRefs splits the text after the dot leader into refs: 2-2-5、2-3-3.
func splitRefs(s string) []string {
	var out []string
	for _, r := range strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ',' || r == '，' }) {
		r = strings.Join(strings.Fields(r), "")
		if r != "" {
			out = append(out, r)
		}
	}
	return out
}

// definitionNames finds, by the text's own phrasing, the English expansion
// of an acronym (XXXの略) and the other names an entry gives
// (日本語では「…」, 「…」とも呼ばれる, …とも略される, NAME（…）), and returns
// them with aliases added to the given ones.
func definitionNames(t knowledge.Term, aliases []string) (string, []string) {
	d := t.Definition
	english := ""
	if m := reEnglish.FindStringSubmatch(d); m != nil {
		english = m[1]
		if m[2] != "" && !hasLatin(m[2]) {
			aliases = append(aliases, m[2]) // Business Continuity Plan（事業継続計画）
		}
	}
	for _, m := range reQuoted.FindAllStringSubmatch(d, -1) {
		for _, q := range reQuote.FindAllStringSubmatch(m[1], -1) {
			aliases = append(aliases, q[1])
		}
	}
	for _, m := range reJapanese.FindAllStringSubmatch(d, -1) {
		aliases = append(aliases, m[1])
	}
	for _, m := range reShortFor.FindAllStringSubmatch(d, -1) {
		aliases = append(aliases, m[1])
	}
	for _, m := range reAlsoNamed.FindAllStringSubmatch(d, -1) {
		x := strings.TrimSpace(m[1])
		if a := reAcronym.FindStringSubmatch(x); a != nil {
			// BEC（ベック）Business Email Compromise
			aliases = append(aliases, a[1], a[2])
			if english == "" {
				english = a[3]
			}
			continue
		}
		aliases = append(aliases, x)
	}
	// NAME（…）: the entry glosses its own name (「AI（人工知能）」,
	// フレームワーク（サイバーセキュリティフレームワーク）とは).
	for rest := d; ; {
		i := strings.Index(rest, t.Name+"（")
		if i < 0 {
			break
		}
		rest = rest[i+len(t.Name+"（"):]
		j := strings.Index(rest, "）")
		if j <= 0 {
			break
		}
		if x := rest[:j]; x != t.Reading {
			aliases = append(aliases, x)
		}
		rest = rest[j:]
	}
	return english, dedupe(t.Name, t.Reading, aliases)
}

// dedupe drops empty aliases, repeats, and those equal to the name or reading.
func dedupe(name, reading string, aliases []string) []string {
	var out []string
	seen := map[string]bool{name: true, reading: true, "": true}
	for _, a := range aliases {
		a = strings.TrimSpace(a)
		if seen[a] || runes(a) > 40 {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

// nameContinuation returns how many of the lines from lines[i] on continue
// a name whose first line is first: while the brackets are unbalanced, every
// line; otherwise, when first fills the column, a short next line (グラム), or
// a full line and then one that closes a bracket (キュリティ対策フレームワー /
// ク（CPSF）). A line holding 、 or 。 is never part of a name.
func nameContinuation(lines []string, i int, first string) int {
	acc := first
	n := 0
	for i+n < len(lines) && unbalanced(acc) {
		l := strings.TrimSpace(lines[i+n])
		if l == "" || strings.HasPrefix(l, "■") || reLeader.MatchString(l) || n >= 3 {
			return n
		}
		acc += l
		n++
	}
	if n > 0 || width(strings.TrimSpace(first)) < nameFull {
		return n
	}
	isName := func(l string) bool {
		return l != "" && !strings.ContainsAny(l, "、。") && !strings.HasPrefix(l, "■") && !reLeader.MatchString(l)
	}
	closes := func(l string) bool { return strings.HasSuffix(l, "）") || strings.HasSuffix(l, "」") }
	if i >= len(lines) {
		return 0
	}
	l1 := strings.TrimSpace(lines[i])
	if !isName(l1) {
		return 0
	}
	if width(l1) < nameShort || closes(l1) {
		return 1
	}
	if i+1 < len(lines) {
		l2 := strings.TrimSpace(lines[i+1])
		if isName(l2) && closes(l2) {
			return 2
		}
	}
	return 0
}

// unbalanced reports whether s opens more （ or 「 than it closes.
func unbalanced(s string) bool {
	return strings.Count(s, "（") > strings.Count(s, "）") || strings.Count(s, "「") > strings.Count(s, "」")
}
