package knowledge

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefault(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Terms) != 82 {
		t.Errorf("default pack has %d terms, want 82", len(p.Terms))
	}
	if len(p.Tips) < 10 {
		t.Errorf("default pack has %d tips, want at least 10", len(p.Tips))
	}
	for _, id := range []string{"4-1-1", "4-1-2", "4-2-1", "4-2-2", "4-2-3", "4-2-4", "4-2-5", "4-3-1", "4-3-2"} {
		if p.SectionTitle(id) == "" {
			t.Errorf("section %s has no title", id)
		}
	}
	// overrides.yaml is applied.
	s, ok := p.Term("Society 5.0")
	if !ok || !slices.Contains(s.Aliases, "Society5.0") {
		t.Errorf("overrides not applied: %+v", s)
	}
	if term, _ := p.Term("VPN"); term.Origin != "knowledge/default/glossary.yaml (embedded)" {
		t.Errorf("origin = %q", term.Origin)
	}
}

func TestDefaultIsACopy(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a.Terms[0].Name = "changed"
	a.Terms[1].Aliases[0] = "changed"
	a.Sections[2].Body[0] = "changed"
	a.Tips = nil
	b, _ := Default()
	if b.Terms[0].Name == "changed" || b.Terms[1].Aliases[0] == "changed" || b.Sections[2].Body[0] == "changed" || len(b.Tips) == 0 {
		t.Error("changing one Default() result changed the next")
	}
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"malformed", "terms:\n  - name: A\n    definition: [oops\n", []string{"company.yaml: line 2: "}},
		{"unknown key", "terms:\n  - name: A\n    defintion: typo\n", []string{"company.yaml: ", "line 3", "defintion"}},
		{"unknown top key", "term:\n  - name: A\n", []string{"company.yaml: ", "line 1", "term"}},
		{"no definition", "terms:\n  - name: A\n    definition: ok\n  - name: B\n", []string{"company.yaml: line 4: ", `term "B" has no definition`}},
		{"no name", "terms:\n  - definition: x\n", []string{"company.yaml: line 2: ", "term 1 has no name"}},
		{"twice", "terms:\n  - {name: A, definition: x}\n  - {name: A, definition: y}\n", []string{"line 3", `term "A" is defined twice`}},
		{"section without title", "sections:\n  - id: 9-9-9\n", []string{"line 2", `section "9-9-9" has no title`}},
		{"long tip", "tips:\n  - id: t1\n    section: s\n    title: T\n    body: " + strings.Repeat("あ", 501) + "\n",
			[]string{"line 2", `tip "t1" is 501 characters long; at most 500`}},
		{"tip without section", "tips:\n  - {id: t1, title: T, body: b}\n", []string{`tip "t1" needs a section and a title`}},
		{"two documents", "terms: []\n---\nterms: []\n", []string{"more than one YAML document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile("company.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v is not ErrInvalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseFile(t *testing.T) {
	p, err := ParseFile("company.yaml", []byte(`
terms:
  - name: 社内CSIRT窓口
    reading: しゃないしーさーとまどぐち
    aliases: [窓口]
    definition: セキュリティ事故の連絡先。
    refs: [4-3-2]
sections:
  - id: X-1
    title: 社内規程
    body: [本文。]
tips:
  - id: X-1-01
    section: X-1
    title: 連絡
    body: まず窓口へ。
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Terms) != 1 || p.Terms[0].Origin != "company.yaml" || p.Terms[0].Aliases[0] != "窓口" {
		t.Errorf("terms = %+v", p.Terms)
	}
	if len(p.Sections) != 1 || len(p.Tips) != 1 {
		t.Errorf("pack = %+v", p)
	}
	// An empty file is an empty pack.
	if p, err := ParseFile("empty.yaml", nil); err != nil || len(p.Terms) != 0 {
		t.Errorf("empty file: %v, %v", p, err)
	}
}

func TestMerge(t *testing.T) {
	a := &Pack{Terms: []Term{{Name: "VPN", Definition: "a", Origin: "default/glossary.yaml"}}}
	b := &Pack{Terms: []Term{{Name: "社内VPN", Definition: "b", Origin: "company.yaml"}}}
	c := &Pack{Terms: []Term{{Name: "VPN", Definition: "c", Origin: "company.yaml"}}}
	p, err := Merge(a, b, nil)
	if err != nil || len(p.Terms) != 2 {
		t.Fatalf("Merge(a, b) = %+v, %v", p, err)
	}
	_, err = Merge(a, b, c)
	if err == nil || !errors.Is(err, ErrInvalid) {
		t.Fatalf("Merge(a, b, c): %v", err)
	}
	for _, w := range []string{`"VPN"`, "default/glossary.yaml", "company.yaml"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if _, err := Merge(&Pack{Sections: []Section{{ID: "4-1", Title: "x"}}}, &Pack{Sections: []Section{{ID: "4-1", Title: "y"}}}); err == nil {
		t.Error("duplicate section: no error")
	}
	if _, err := Merge(&Pack{Tips: []Tip{{ID: "t"}}}, &Pack{Tips: []Tip{{ID: "t"}}}); err == nil {
		t.Error("duplicate tip: no error")
	}
}

func TestLoadDir(t *testing.T) {
	fsys := fstest.MapFS{
		"p/glossary.yaml":  {Data: []byte("terms:\n  - {name: A, definition: x}\n")},
		"p/tips.yaml":      {Data: []byte("tips:\n  - {id: t, section: s, title: T, body: b}\n")},
		"bad/chapter.yaml": {Data: []byte("sections:\n  - id: 1\n    title: [\n")},
		"none/readme.txt":  {Data: []byte("hi")},
	}
	p, err := LoadDir(fsys, "p")
	if err != nil || len(p.Terms) != 1 || len(p.Tips) != 1 || p.Terms[0].Origin != "p/glossary.yaml" {
		t.Errorf("LoadDir(p) = %+v, %v", p, err)
	}
	if _, err := LoadDir(fsys, "bad"); err == nil || !strings.Contains(err.Error(), "bad/chapter.yaml: line 3") {
		t.Errorf("LoadDir(bad): %v", err)
	}
	if _, err := LoadDir(fsys, "none"); err == nil {
		t.Error("LoadDir(none): no error")
	}
}

func TestLoadPacks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "company.yaml")
	os.WriteFile(file, []byte("terms:\n  - {name: 社内用語, definition: x}\n"), 0o644)
	sub := filepath.Join(dir, "pack")
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "glossary.yaml"), []byte("terms:\n  - {name: 別の用語, definition: y}\n"), 0o644)
	p, err := LoadPacks(file, sub)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Terms) != 84 {
		t.Errorf("%d terms, want 84", len(p.Terms))
	}
	if _, err := LoadPacks(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing pack: no error")
	}
	os.WriteFile(file, []byte("terms:\n  - {name: ゼロトラスト, definition: 社内の定義}\n"), 0o644)
	if _, err := LoadPacks(file); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("duplicate of a default term: %v", err)
	}
}

func TestOverrides(t *testing.T) {
	p := &Pack{Terms: []Term{{Name: "A", Definition: "x", Aliases: []string{"a1", "a2"}}}}
	o, err := ParseOverrides("o.yaml", []byte("terms:\n  - name: A\n    add_aliases: [a3, a1]\n    remove_aliases: [a2]\n    reading: えー\n    add_refs: [1-1-1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(p); err != nil {
		t.Fatal(err)
	}
	got := p.Terms[0]
	if !slices.Equal(got.Aliases, []string{"a1", "a3"}) || got.Reading != "えー" || !slices.Equal(got.Refs, []string{"1-1-1"}) {
		t.Errorf("after overrides: %+v", got)
	}
	o, _ = ParseOverrides("o.yaml", []byte("terms:\n  - name: Gone\n    add_aliases: [x]\n"))
	if err := o.Apply(p); err == nil {
		t.Error("override of a missing term: no error")
	}
	if _, err := ParseOverrides("o.yaml", []byte("terms:\n  - name: A\n    add_alias: [x]\n")); err == nil || !strings.Contains(err.Error(), "o.yaml") {
		t.Errorf("unknown override key: %v", err)
	}
}

// BenchmarkDefault measures loading the embedded default pack without the
// cache: parsing its YAML, checking it and applying the overrides.
//
//	go test -run='^$' -bench=BenchmarkDefault -benchmem ./knowledge
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := parseDefault(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDefaultCached measures Default after the first call: a copy.
func BenchmarkDefaultCached(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
