package index

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"secbot/knowledge"
)

// seedPack parses the shared seminar text crudely into a pack: enough to
// exercise the index while the real importer's pack is not there. Tests
// skip when the seed is absent.
func seedPack(t testing.TB) *knowledge.Pack {
	t.Helper()
	f, err := os.Open("../../shared/seed/000_91b200b167a5b78a.txt")
	if err != nil {
		t.Skip("no shared seed:", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	pack := &knowledge.Pack{}
	reSec := regexp.MustCompile(`^\s*(4-\d-\d)\.\s*(.+)$`)
	reSkip := regexp.MustCompile(`^\s*(第4章|4-\d\.|図❷|図❸|用語集)`)
	glossary := 0
	var cur *knowledge.Section
	var para []string
	flush := func() {
		if cur != nil && len(para) > 0 {
			cur.Body = append(cur.Body, strings.Join(para, ""))
		}
		para = nil
	}
	for i, l := range lines {
		if strings.TrimSpace(l) == "用語集" && i > 900 {
			glossary = i
			break
		}
		if m := reSec.FindStringSubmatch(l); m != nil {
			flush()
			if cur == nil || cur.ID != m[1] {
				if s, ok := pack.Section(m[1]); ok {
					_ = s
				}
				found := false
				for j := range pack.Sections {
					if pack.Sections[j].ID == m[1] {
						cur, found = &pack.Sections[j], true
					}
				}
				if !found {
					pack.Sections = append(pack.Sections, knowledge.Section{ID: m[1], Title: strings.TrimSpace(m[2])})
					cur = &pack.Sections[len(pack.Sections)-1]
				}
			}
			continue
		}
		if reSkip.MatchString(l) {
			continue
		}
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		para = append(para, strings.TrimSpace(l))
	}
	flush()
	// Glossary.
	var term *knowledge.Term
	inRefs := false
	reRefs := regexp.MustCompile(`^…+\s*(.*)$`)
	for _, l := range lines[glossary:] {
		s := strings.TrimSpace(l)
		if s == "" || s == "用語集" || strings.HasPrefix(s, "図") {
			continue
		}
		if strings.HasPrefix(s, "■") {
			pack.Terms = append(pack.Terms, knowledge.Term{Name: strings.TrimPrefix(s, "■")})
			term, inRefs = &pack.Terms[len(pack.Terms)-1], false
			continue
		}
		if term == nil {
			continue
		}
		if open := strings.Count(term.Name, "（") - strings.Count(term.Name, "）"); open > 0 && term.Definition == "" {
			term.Name += s
			continue
		}
		if m := reRefs.FindStringSubmatch(s); m != nil {
			inRefs = true
			s = m[1]
		}
		if inRefs {
			term.Refs = append(term.Refs, s)
			continue
		}
		term.Definition += s
	}
	for i := range pack.Terms {
		t := &pack.Terms[i]
		refs := strings.Join(t.Refs, "")
		t.Refs = nil
		for _, r := range strings.Split(refs, "、") {
			if r = strings.TrimSpace(r); r != "" {
				t.Refs = append(t.Refs, r)
			}
		}
		// Names that wrapped mid-line: 名（よみ） / 名「CIA」.
		if m := regexp.MustCompile(`^(.+?)（(.+)）$`).FindStringSubmatch(t.Name); m != nil {
			t.Name = m[1]
			if regexp.MustCompile(`^[ァ-ヶー・]+$`).MatchString(strings.ReplaceAll(m[2], " ", "")) || regexp.MustCompile(`^[ぁ-んー]+$`).MatchString(m[2]) {
				t.Reading = m[2]
			} else {
				t.Aliases = append(t.Aliases, m[2])
			}
		}
		if strings.HasPrefix(t.Definition, "「CIA」") {
			t.Aliases = append(t.Aliases, "CIA")
			t.Definition = strings.TrimPrefix(t.Definition, "「CIA」")
		}
		if t.Name == "ビジネスメール詐欺" {
			t.Aliases = append(t.Aliases, "BEC")
		}
	}
	return pack
}

func TestSeedPack(t *testing.T) {
	p := seedPack(t)
	if len(p.Terms) != 82 {
		for _, x := range p.Terms {
			t.Logf("%q %q %q %v", x.Name, x.Reading, x.Aliases, x.Refs)
		}
		t.Errorf("terms = %d, want 82", len(p.Terms))
	}
	if len(p.Sections) < 8 {
		t.Errorf("sections = %d", len(p.Sections))
	}
}
