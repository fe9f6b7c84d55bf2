package seminar

import (
	"regexp"
	"strings"

	"secbot/knowledge"
)

// The chapter's layout: pages follow one another; most start on a line that
// begins with a space, and a page's running headers (第4章. …, 4-2. …, the
// subsection 4-2-2. …) and its number (第4章 – 06) may stand anywhere on it,
// often at its end. So the chapter is cut into chunks at lines that begin
// with a space, and a chunk belongs to the subsection its own header names;
// a chunk with no subsection header (a figure caption that begins with a
// space, the footnote of a page, the unnumbered DX page) continues the
// section of the chunk before it. Chunks before the first subsection are the
// chapter's introduction (section "4"); the chunk headed 編集後記 starts the
// afterword (section "編集後記").

// IDs of the sections that are not numbered subsections.
const (
	afterwordID = "編集後記"
)

var (
	reSubsection = regexp.MustCompile(`^(\d+-\d+-\d+)\.\s*(.+)$`)
	rePart       = regexp.MustCompile(`^(\d+-\d+)\.\s*(.+)$`)
	reChapter    = regexp.MustCompile(`^第(\d+)章\.\s*(.+)$`)
	rePageNo     = regexp.MustCompile(`^第\d+章\s*[–-]\s*\d+$`)
	reFigure     = regexp.MustCompile(`^図\d+\.`)
	reCitation   = regexp.MustCompile(`^\[\d+\][:：]`)
	reStep       = regexp.MustCompile(`^(手順\s*[0-9０-９]+|ポイント\s*[0-9０-９①-⑨]+|STEP\s*\d+|\d+\.\s)`)
	reRow        = regexp.MustCompile(`^(?:(\S+法)\s+)?(\d+条)(?:\s*(\d+項))?\s+(.+)$`)
	reCase       = regexp.MustCompile(`^事例`)
	reBullet     = regexp.MustCompile(`(?:^|\s)[・•]\s*`)
)

// kind is what a block of the chapter is.
type kind int

const (
	kBody     kind = iota // running text: sentences
	kLabel                // a heading or figure text: no sentence
	kItem                 // a bulleted item
	kFigure               // 図NN. caption
	kSource               // （出典）…
	kCitation             // [N]:…
	kCase                 // 事例… heading
	kRow                  // a row of a table of laws (民法 415条 …)
)

// block is a paragraph-like run of lines of one section.
type block struct {
	lines []string
	chunk int
	kind  kind
	text  string
	// inCase marks blocks taken into a case study.
	inCase bool
}

// section is a section as parsed, with its blocks in order.
type section struct {
	id, title string
	blocks    []*block
}

// parseChapter reads the chapter's lines (before the glossary) into sections.
func parseChapter(lines []string) []*section {
	type chunk struct {
		lines []string
		sub   string
	}
	var chunks []*chunk
	titles := map[string]string{}
	chapterID := ""
	for _, raw := range lines {
		if strings.HasPrefix(raw, " ") || len(chunks) == 0 {
			chunks = append(chunks, &chunk{})
		}
		c := chunks[len(chunks)-1]
		l := strings.TrimSpace(raw)
		if m := reSubsection.FindStringSubmatch(l); m != nil {
			titles[m[1]] = squeeze(m[2], false)
			if c.sub == "" {
				c.sub = m[1]
			}
			continue
		}
		if m := rePart.FindStringSubmatch(l); m != nil {
			if titles[m[1]] == "" {
				titles[m[1]] = squeeze(m[2], false)
			}
			continue
		}
		if m := reChapter.FindStringSubmatch(l); m != nil {
			if chapterID == "" {
				chapterID = m[1]
				titles[m[1]] = squeeze(m[2], false)
			}
			continue
		}
		if rePageNo.MatchString(l) {
			continue
		}
		if l == afterwordID && c.sub == "" {
			c.sub = afterwordID
			titles[afterwordID] = afterwordID
			continue
		}
		c.lines = append(c.lines, l)
	}
	if chapterID == "" {
		chapterID = "4"
		if _, ok := titles[chapterID]; !ok {
			titles[chapterID] = ""
		}
	}

	var secs []*section
	byID := map[string]*section{}
	get := func(id string) *section {
		if s := byID[id]; s != nil {
			return s
		}
		// A numbered subsection brings in its part (4-1) first.
		if parts := strings.Split(id, "-"); len(parts) == 3 {
			pid := parts[0] + "-" + parts[1]
			if byID[pid] == nil {
				p := &section{id: pid, title: titles[pid]}
				byID[pid] = p
				secs = append(secs, p)
			}
		}
		s := &section{id: id, title: titles[id]}
		byID[id] = s
		secs = append(secs, s)
		return s
	}
	cur := ""
	for ci, c := range chunks {
		if c.sub != "" {
			cur = c.sub
		}
		if cur == "" {
			cur = chapterID
		}
		s := get(cur)
		s.blocks = append(s.blocks, splitBlocks(c.lines, ci)...)
	}
	// Parts (4-1) that only appear in running headers still get a section.
	for _, s := range secs {
		if s.title == "" {
			s.title = titles[s.id]
		}
		s.blocks = mergeBlocks(s.blocks)
		classify(s.blocks)
		markCases(s.blocks)
	}
	return secs
}

// isMarker reports whether a line starts a new block whatever precedes it:
// a bullet, a figure caption, a source, a citation, a case, a step.
func isMarker(l string) bool {
	return strings.HasPrefix(l, "・") || strings.HasPrefix(l, "•") ||
		reFigure.MatchString(l) || strings.HasPrefix(l, "（出典）") ||
		reCitation.MatchString(l) || reCase.MatchString(l) || reStep.MatchString(l) ||
		reRow.MatchString(l)
}

// splitBlocks cuts a chunk's lines into blocks at blank lines and at marker
// lines, and splits a short heading off the paragraph it tops
// (攻めのIT活用指針 / 経済産業省は、…).
func splitBlocks(lines []string, ci int) []*block {
	var out []*block
	var cur *block
	flush := func() {
		if cur != nil && len(cur.lines) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	for _, l := range lines {
		if l == "" {
			flush()
			continue
		}
		if cur != nil && (isMarker(l) || (reStep.MatchString(cur.lines[0]) && len(cur.lines) == 1 && runes(cur.lines[0]) <= 25)) {
			flush()
		}
		if cur == nil {
			cur = &block{chunk: ci}
		}
		cur.lines = append(cur.lines, l)
	}
	flush()
	// A heading on the first line of a paragraph.
	var res []*block
	for _, b := range out {
		if len(b.lines) >= 2 && !strings.ContainsAny(b.lines[0], "、。") && !isItem(b.lines[0]) &&
			runes(b.lines[0]) <= 25 && (runes(b.lines[1]) >= 30 ||
			(runes(b.lines[0]) <= 4 && strings.ContainsAny(b.lines[1], "、。"))) {
			res = append(res, &block{lines: b.lines[:1], chunk: b.chunk},
				&block{lines: b.lines[1:], chunk: b.chunk})
			continue
		}
		res = append(res, b)
	}
	return res
}

func isItem(l string) bool { return strings.HasPrefix(l, "・") || strings.HasPrefix(l, "•") }

// terminal reports whether a line ends a paragraph: a sentence mark or a
// citation mark ([9]).
func terminal(l string) bool {
	return strings.HasSuffix(l, "。") || strings.HasSuffix(l, "！") || strings.HasSuffix(l, "？") ||
		strings.HasSuffix(l, "]")
}

// mergeBlocks joins paragraphs that a blank line cut in two: the PDF puts
// blank lines inside paragraphs (「守りのIT / 投資」や…). A block continues
// the one before when that one's last line is long and ends mid-sentence;
// a bulleted item in a narrow table continues onto a narrow block; a source
// or citation continues onto its URL.
func mergeBlocks(bs []*block) []*block {
	var out []*block
	for _, b := range bs {
		if len(out) > 0 && continues(out[len(out)-1], b) {
			p := out[len(out)-1]
			p.lines = append(p.lines, b.lines...)
			continue
		}
		out = append(out, b)
	}
	return out
}

func continues(a, b *block) bool {
	if a.chunk != b.chunk {
		return false // a new page starts a new paragraph
	}
	first := b.lines[0]
	head := a.lines[0]
	last := a.lines[len(a.lines)-1]
	if strings.HasPrefix(first, "http://") || strings.HasPrefix(first, "https://") {
		// A source's URL on its own line continues it, unless it repeats
		// the URL the citation already gives ([9]).
		return (strings.HasPrefix(head, "（出典）") || reCitation.MatchString(head)) &&
			!strings.Contains(strings.Join(a.lines, ""), first)
	}
	if isMarker(first) || terminal(last) || inURL(last) {
		return false
	}
	// Figure text broken by a blank line (…変革が必 / 要に).
	if len(a.lines) >= 2 && len(b.lines) == 1 && runes(first) <= 3 &&
		!strings.Contains(strings.Join(a.lines, "")+first, "。") && !isMarker(head) {
		return true
	}
	if strings.HasPrefix(head, "（出典）") || reCitation.MatchString(head) || reFigure.MatchString(head) {
		return false
	}
	if isItem(head) {
		if runes(last) > 20 {
			return false
		}
		for _, l := range b.lines {
			if runes(l) > 20 {
				return false
			}
		}
		return strings.Contains(strings.Join(b.lines, ""), "。")
	}
	if reStep.MatchString(head) && len(a.lines) == 1 {
		return false
	}
	return runes(last) >= 30
}

// classify sets each block's kind and text.
func classify(bs []*block) {
	for _, b := range bs {
		head := b.lines[0]
		b.text = squeeze(joinLines(b.lines), false)
		switch {
		case isItem(head):
			b.kind = kItem
		case reFigure.MatchString(head):
			b.kind = kFigure
		case strings.HasPrefix(head, "（出典）"):
			b.kind = kSource
		case reCitation.MatchString(head):
			b.kind = kCitation
		case reCase.MatchString(head):
			b.kind = kCase
			b.text = strings.Join(b.lines, "\n")
		case reRow.MatchString(head):
			b.kind = kRow
		case strings.Contains(b.text, "。"):
			b.kind = kBody
		default:
			b.kind = kLabel
		}
	}
}

// maxRunes is the length of the longest line of b.
func maxRunes(b *block) int {
	n := 0
	for _, l := range b.lines {
		n = max(n, runes(l))
	}
	return n
}

// isSubLabel reports whether b is a case study's own label (課題, 解決への取組み).
func isSubLabel(b *block) bool {
	return b.kind == kLabel && runes(b.text) <= 10 && len(b.lines) <= 2
}

// markCases groups each case study: the 事例 heading and the paragraphs
// that follow it on its page, in the case's own (narrower or equal) width;
// when the heading stands after its text (the RPA case), the paragraphs
// and steps before it on the page.
func markCases(bs []*block) {
	for i, b := range bs {
		if b.kind != kCase {
			continue
		}
		w := 0
		taken := 0
		for j := i + 1; j < len(bs); j++ {
			n := bs[j]
			if n.chunk != b.chunk || n.inCase {
				break
			}
			if isSubLabel(n) && j+1 < len(bs) && bs[j+1].kind == kBody {
				n.inCase = true
				continue
			}
			if n.kind != kBody {
				break
			}
			if w == 0 {
				w = maxRunes(n)
			} else if maxRunes(n) > w+3 {
				break
			}
			n.inCase = true
			taken++
		}
		// The run of paragraphs and steps just before the heading on its
		// page is the case's too when the heading has no text after it
		// (the RPA case), or when the run holds the case's steps (手順…).
		var run []*block
		steps := false
		for j := i - 1; j >= 0; j-- {
			n := bs[j]
			if n.chunk != b.chunk || n.inCase {
				break
			}
			step := n.kind == kLabel && reStep.MatchString(n.text)
			if n.kind != kBody && !step {
				break
			}
			steps = steps || step
			run = append(run, n)
		}
		if taken == 0 || steps {
			for _, n := range run {
				n.inCase = true
			}
		}
	}
}

// caseText returns the case study headed by bs[i], whole: the heading, the
// text after it, then the steps before it.
func caseText(bs []*block, i int) string {
	parts := []string{bs[i].text}
	for j := i + 1; j < len(bs) && bs[j].inCase && bs[j].chunk == bs[i].chunk; j++ {
		parts = append(parts, bs[j].text)
	}
	k := i
	for k > 0 && bs[k-1].inCase && bs[k-1].chunk == bs[i].chunk && bs[k-1].kind != kCase {
		k--
	}
	for j := k; j < i; j++ {
		parts = append(parts, bs[j].text)
	}
	return strings.Join(parts, "\n")
}

// toSection turns a parsed section into the pack's form.
func (s *section) toSection() knowledge.Section {
	out := knowledge.Section{ID: s.id, Title: s.title}
	var lastRef *string
	for i, b := range s.blocks {
		switch b.kind {
		case kCase:
			out.Cases = append(out.Cases, caseText(s.blocks, i))
			continue
		case kSource:
			out.Sources = append(out.Sources, b.text)
			lastRef = &out.Sources[len(out.Sources)-1]
			continue
		case kCitation:
			out.Citations = append(out.Citations, b.text)
			lastRef = &out.Citations[len(out.Citations)-1]
			continue
		case kFigure:
			out.Figures = append(out.Figures, b.text)
			continue
		}
		if b.inCase {
			continue
		}
		if strings.HasPrefix(b.text, "http://") || strings.HasPrefix(b.text, "https://") {
			// A bare URL repeating the citation above it.
			if lastRef != nil && strings.Contains(*lastRef, b.text) {
				continue
			}
		}
		switch b.kind {
		case kBody:
			out.Body = append(out.Body, b.text)
		case kItem:
			out.Lists = append(out.Lists, items(b.text)...)
		default:
			out.Lists = append(out.Lists, b.text)
		}
	}
	return out
}

// items splits a bulleted line into its items (・A ・B ・C on one line).
func items(s string) []string {
	var out []string
	for _, f := range reBullet.Split(s, -1) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
