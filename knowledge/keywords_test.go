package knowledge

import (
	"errors"
	"strings"
	"testing"
)

// TestDefaultKeywords: every glossary term of the default pack has
// keywords (overrides.yaml), none of them the name of another term.
func TestDefaultKeywords(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tm := range p.Terms {
		names[tm.Name] = true
	}
	for _, tm := range p.Terms {
		if len(tm.Keywords) < 3 {
			t.Errorf("term %q has %d keywords, want at least 3", tm.Name, len(tm.Keywords))
		}
		for _, k := range tm.Keywords {
			if names[k] && k != tm.Name {
				t.Errorf("term %q: keyword %q is another term's name", tm.Name, k)
			}
		}
	}
}

// TestKeywordValidation: blank, overlong and repeated keywords are invalid,
// in a pack file and in an override.
func TestKeywordValidation(t *testing.T) {
	for _, kw := range []string{`[""]`, `[` + strings.Repeat("あ", MaxKeywordRunes+1) + `]`, `[乗っ取り, 乗っ取り]`} {
		data := "terms:\n  - name: X\n    definition: d\n    keywords: " + kw + "\n"
		if _, err := ParseFile("k.yaml", []byte(data)); !errors.Is(err, ErrInvalid) {
			t.Errorf("keywords %s: err = %v, want ErrInvalid", kw, err)
		}
	}
	p := &Pack{Terms: []Term{{Name: "X", Definition: "d"}}}
	o, err := ParseOverrides("o.yaml", []byte("terms:\n  - name: X\n    add_keywords: [\"  \"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Apply(p); !errors.Is(err, ErrInvalid) {
		t.Errorf("blank override keyword: err = %v, want ErrInvalid", err)
	}
	ok, err := ParseFile("k.yaml", []byte("terms:\n  - name: X\n    definition: d\n    keywords: [乗っ取り, 大量アクセス]\n"))
	if err != nil || len(ok.Terms[0].Keywords) != 2 {
		t.Fatalf("valid keywords: %v, %+v", err, ok)
	}
}
