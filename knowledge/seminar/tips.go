package seminar

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"secbot/knowledge"
)

// Tips are cut from the subsections of part 4-3 by rules on its structure:
//   - the running text under each heading (the section's title, then each
//     ポイントN：… heading) makes one tip, titled by the heading; text longer
//     than MaxTipRunes is cut at sentence ends into several tips;
//   - a case study (事例：…) makes one tip of its text, titled by the case;
//   - each row of a table of laws (民法 415条 …) makes one tip titled by the
//     law, the article and the row's summary; a row with no sentence of its
//     own is followed by the section's first sentence on the row's subject
//     (任務懈怠, 第三者);
//   - a list of points (ポイント① / …) makes one tip of its lines, titled by
//     the section that explains the points.
//
// Paragraphs that point at the page layout (次のページから…) are left out.
// A tip's body holds only the chapter's sentences, whole, joined by newlines.

// MaxTipRunes is the longest tip body, in characters.
const MaxTipRunes = knowledge.MaxTipRunes

// tipPart is the part of the chapter tips are cut from.
const tipPart = "4-3-"

var (
	rePointHeading = regexp.MustCompile(`^ポイント\s*[0-9０-９]+\s*[：:]\s*(.+)$`)
	rePointMark    = regexp.MustCompile(`^ポイント\s*[①-⑨]$`)
	reRowSubject   = regexp.MustCompile(`^(.+?)(?:による|に対する|の)`)
)

// tipGroup is a run of the chapter that makes one or more tips.
type tipGroup struct {
	title string
	paras []string
	whole bool // do not pack: one tip
}

// cutTips cuts the tips of every section of part 4-3.
func cutTips(secs []*section, terms []knowledge.Term) []knowledge.Tip {
	var tips []knowledge.Tip
	for si, s := range secs {
		if !strings.HasPrefix(s.id, tipPart) {
			continue
		}
		next := ""
		for _, n := range secs[si+1:] {
			if strings.HasPrefix(n.id, tipPart) {
				next = n.title
				break
			}
		}
		n := 0
		for _, g := range tipGroups(s, next) {
			for k, body := range pack(g) {
				n++
				title := g.title
				if k > 0 {
					title = fmt.Sprintf("%s（%d）", g.title, k+1)
				}
				tips = append(tips, knowledge.Tip{
					ID:      fmt.Sprintf("%s-%02d", s.id, n),
					Section: s.id,
					Title:   title,
					Body:    body,
					Terms:   termsIn(body, terms),
				})
			}
		}
	}
	return tips
}

// tipGroups walks a section's blocks and groups them into tips' material.
func tipGroups(s *section, nextTitle string) []tipGroup {
	var groups []tipGroup
	cur := &tipGroup{title: s.title}
	flush := func() {
		if len(cur.paras) > 0 {
			groups = append(groups, *cur)
		}
	}
	law := ""
	bs := s.blocks
	for i := 0; i < len(bs); i++ {
		b := bs[i]
		switch {
		case b.kind == kLabel && rePointHeading.MatchString(b.text):
			flush()
			cur = &tipGroup{title: rePointHeading.FindStringSubmatch(b.text)[1]}
		case b.kind == kLabel && rePointMark.MatchString(b.text) && i+1 < len(bs) && bs[i+1].kind == kLabel:
			// ポイント① / ビジネスの継続… : a list of points.
			var lines []string
			j := i
			for ; j+1 < len(bs) && bs[j].kind == kLabel && rePointMark.MatchString(bs[j].text) && bs[j+1].kind == kLabel; j += 2 {
				lines = append(lines, bs[j].text, bs[j+1].text)
			}
			i = j - 1
			title := nextTitle
			if !strings.Contains(title, "ポイント") {
				title = s.title
			}
			groups = append(groups, tipGroup{title: title, paras: lines, whole: true})
		case b.kind == kCase:
			var paras []string
			for j := i + 1; j < len(bs) && bs[j].inCase && bs[j].chunk == b.chunk; j++ {
				if bs[j].kind == kBody {
					paras = append(paras, bs[j].text)
				}
			}
			title := strings.TrimLeft(strings.TrimPrefix(b.lines[0], "事例"), "：: 0123456789")
			if len(paras) > 0 {
				groups = append(groups, tipGroup{title: title, paras: paras})
			}
		case b.kind == kRow:
			// The text before a table is told before the table's rows.
			flush()
			cur = &tipGroup{title: cur.title}
			m := reRow.FindStringSubmatch(b.text)
			if m == nil {
				continue
			}
			if m[1] != "" {
				law = m[1]
			}
			subject := m[4]
			if f := strings.Fields(m[4]); len(f) > 0 {
				subject = f[0]
			}
			title := law + m[2] + m[3] + " " + subject
			paras := []string{b.text}
			if !strings.Contains(b.text, "。") {
				if sm := reRowSubject.FindStringSubmatch(subject); sm != nil {
					if sent := firstSentence(bs, sm[1]); sent != "" {
						paras = append(paras, sent)
					}
				}
			}
			groups = append(groups, tipGroup{title: title, paras: paras, whole: true})
		case b.kind == kBody && !b.inCase:
			if strings.Contains(b.text, "次のページ") {
				continue
			}
			cur.paras = append(cur.paras, b.text)
		}
	}
	flush()
	return groups
}

// firstSentence returns the first sentence of the section's running text
// that mentions subject.
func firstSentence(bs []*block, subject string) string {
	for _, b := range bs {
		if b.kind != kBody || b.inCase {
			continue
		}
		for _, s := range splitSentences(b.text) {
			if strings.Contains(s, subject) {
				return s
			}
		}
	}
	return ""
}

// pack packs a group's paragraphs into tip bodies of at most MaxTipRunes,
// cutting a long paragraph at sentence ends.
func pack(g tipGroup) []string {
	if g.whole {
		body := strings.Join(g.paras, "\n")
		if runes(body) <= MaxTipRunes {
			return []string{body}
		}
	}
	var out []string
	cur := ""
	add := func(piece, sep string) {
		switch {
		case cur == "":
			cur = piece
		case runes(cur)+runes(sep)+runes(piece) <= MaxTipRunes:
			cur += sep + piece
		default:
			out = append(out, cur)
			cur = piece
		}
	}
	for _, p := range g.paras {
		if runes(p) <= MaxTipRunes {
			add(p, "\n")
			continue
		}
		first := true
		for _, s := range splitSentences(p) {
			sep := ""
			if first {
				sep = "\n"
			}
			add(truncate(s), sep)
			first = false
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// truncate keeps a lone sentence longer than a tip (never in this text)
// to MaxTipRunes, so that no tip breaks the limit.
func truncate(s string) string {
	if runes(s) <= MaxTipRunes {
		return s
	}
	return string([]rune(s)[:MaxTipRunes])
}

// termsIn returns the names of the glossary terms that occur in s, in
// glossary order; a name found only inside a longer one (脆弱性 in
// 脆弱性診断) does not count.
func termsIn(s string, terms []knowledge.Term) []string {
	names := make([]string, 0, len(terms))
	for _, t := range terms {
		if t.Name != "" {
			names = append(names, t.Name)
		}
	}
	byLen := append([]string(nil), names...)
	sort.SliceStable(byLen, func(a, b int) bool { return len(byLen[a]) > len(byLen[b]) })
	covered := make([]bool, len(s))
	found := map[string]bool{}
	for _, n := range byLen {
		for off := 0; off < len(s); {
			k := strings.Index(s[off:], n)
			if k < 0 {
				break
			}
			i, j := off+k, off+k+len(n)
			free := false
			for x := i; x < j; x++ {
				if !covered[x] {
					free = true
				}
			}
			if free {
				found[n] = true
				for x := i; x < j; x++ {
					covered[x] = true
				}
			}
			off = j
		}
	}
	var out []string
	for _, n := range names {
		if found[n] {
			out = append(out, n)
			delete(found, n)
		}
	}
	return out
}
