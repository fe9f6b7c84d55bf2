package knowledge

import (
	"strings"
	"unicode"
)

// Source names what a pack teaches, for the messages that say where an
// answer comes from: "第4章" and its title for the default pack. A pack
// whose sections belong to several chapters (the chapter and a company's
// own pack, say) or to none is "教材" (the course material), without a
// title: no message then claims a chapter the answer may not be from.
func (p *Pack) Source() (label, title string) {
	var tops []Section
	for _, s := range p.Sections {
		if s.ID != "" && strings.IndexFunc(s.ID, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
			tops = append(tops, s)
		}
	}
	chapters := map[string]bool{}
	for _, s := range p.Sections {
		if id, _, _ := strings.Cut(s.ID, "-"); id != "" && strings.IndexFunc(id, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
			chapters[id] = true
		}
	}
	if len(chapters) != 1 {
		return "教材", ""
	}
	for id := range chapters {
		label = "第" + id + "章"
	}
	if len(tops) == 1 {
		title = tops[0].Title
	}
	return label, title
}
