package seminar

import (
	"os"
	"strings"
	"testing"

	"secbot/knowledge"
)

// FuzzImport checks that arbitrary input never makes the importer panic,
// and that whatever it accepts it can write as YAML that loads back.
//
//	go test -run='^$' -fuzz=FuzzImport -fuzztime=60s ./knowledge/seminar
func FuzzImport(f *testing.F) {
	src, err := os.ReadFile(source)
	if err != nil {
		f.Fatal(err)
	}
	// Pieces of the real text, small enough for the fuzzer to mutate
	// quickly (the whole text is covered by the other tests): the title
	// page, the 2025年の崖 page, the 4-3 pages with the case and the law
	// table, glossary pages with wrapped names and stray marks.
	lines := strings.SplitAfter(string(src), "\n")
	for _, r := range [][2]int{{0, 40}, {270, 300}, {320, 345}, {755, 790}, {810, 830}, {855, 900}, {1050, 1110}, {1130, 1160}, {1400, 1450}} {
		f.Add([]byte(strings.Join(lines[r[0]:min(r[1], len(lines))], "")))
	}
	for _, s := range []string{
		"",
		"■",
		"■A（",
		"■DDoS攻撃（ディードスこ\nうげき）\nDistributed Denial of \nService Attackの略。\n…………………    2-2-2、\n第一回コ\nラム\n",
		" 4-1-1. 題\n本文です。\n 事例：某社\n事例の文。\n",
		" 4-3-1. 題\nポイント①\n\nA\n\nポイント1：B\n\n本文。\n民法 415条 責任 文。\n423条 1項 任務懈怠による責任\n",
		"[1]:http://a/\n\nhttp://a/\n（出典）x\n\nhttps://b-\nc\n",
		"\r\n\r■\xff\xfe\n…",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8<<10 {
			// Larger inputs hold no new shapes and make each run (and the
			// minimizing of each new input) slow.
			return
		}
		p, err := Parse(data)
		if err != nil {
			return
		}
		files, err := Files(p)
		if err != nil {
			t.Fatalf("Files: %v", err)
		}
		for name, b := range files {
			q, err := knowledge.ParseFile(name, b)
			if err != nil {
				t.Fatalf("%s does not load back: %v\n%s", name, err, b)
			}
			if len(q.Terms)+len(q.Sections)+len(q.Tips) == 0 && len(p.Terms)+len(p.Sections)+len(p.Tips) > 0 &&
				name == knowledge.GlossaryFile && len(p.Terms) > 0 {
				t.Fatalf("%s lost its terms", name)
			}
		}
	})
}
