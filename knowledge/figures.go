package knowledge

import "strings"

// FigureTexts returns the passages of a section's figures: each caption
// with its source line under it (図19. DXの取組状況 / （出典）IPA「DX白書2023」
// を基に作成), so that a question on a figure's source finds it with the
// figure. In the chapter each caption is followed by its source, and a
// list or table may have a source of its own before the figures: the
// figures take the last sources in order, and a source left over (that of
// a list, or of a section without captions) is a passage of its own.
func FigureTexts(s Section) []string {
	var figs, srcs []string
	for _, f := range s.Figures {
		if f = strings.TrimSpace(f); f != "" {
			figs = append(figs, f)
		}
	}
	for _, src := range s.Sources {
		if src = strings.TrimSpace(src); src != "" {
			srcs = append(srcs, src)
		}
	}
	var out []string
	extra := len(srcs) - len(figs)
	if extra > 0 {
		out = append(out, srcs[:extra]...)
		srcs = srcs[extra:]
	}
	off := len(figs) - len(srcs) // captions without a source come first
	for i, f := range figs {
		if j := i - off; j >= 0 {
			f += "\n" + srcs[j]
		}
		out = append(out, f)
	}
	return out
}
