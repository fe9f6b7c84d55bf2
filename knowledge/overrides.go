package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// Overrides are hand corrections to a generated pack. The generated files
// are never edited by hand: re-running the importer would lose the edit.
// Instead knowledge/default/overrides.yaml says what to change, and Default
// applies it after loading:
//
//	terms:
//	  - name: Society 5.0          # the term to correct (required)
//	    add_aliases: [Society5.0]
//	    remove_aliases: []
//	    reading: ""                # set when present
//	    english: ""                # set when present
//	    definition: ""             # set when present
//	    add_refs: []
//	    add_keywords: [大量アクセス] # everyday words for the thing (see Term.Keywords)
//
// An override naming no term of the pack is an error: a correction that no
// longer applies is caught when the importer changes.
type Overrides struct {
	Terms []TermOverride `yaml:"terms"`
}

// TermOverride corrects one term.
type TermOverride struct {
	Name          string   `yaml:"name"`
	Reading       *string  `yaml:"reading"`
	English       *string  `yaml:"english"`
	Definition    *string  `yaml:"definition"`
	AddAliases    []string `yaml:"add_aliases"`
	RemoveAliases []string `yaml:"remove_aliases"`
	AddRefs       []string `yaml:"add_refs"`
	AddKeywords   []string `yaml:"add_keywords"`
}

// ParseOverrides parses an overrides file; name is used in errors.
func ParseOverrides(name string, data []byte) (*Overrides, error) {
	var o Overrides
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&o); err != nil && !errors.Is(err, io.EOF) {
		return nil, invalid(name, "%s", yamlMessage(err))
	}
	for i, t := range o.Terms {
		if strings.TrimSpace(t.Name) == "" {
			return nil, invalid(name, "override %d names no term", i+1)
		}
	}
	return &o, nil
}

// Apply applies the overrides to p.
func (o *Overrides) Apply(p *Pack) error {
	for _, ov := range o.Terms {
		i := -1
		for k := range p.Terms {
			if p.Terms[k].Name == ov.Name {
				i = k
				break
			}
		}
		if i < 0 {
			return fmt.Errorf("%w: override for term %q: no such term", ErrInvalid, ov.Name)
		}
		t := &p.Terms[i]
		if ov.Reading != nil {
			t.Reading = *ov.Reading
		}
		if ov.English != nil {
			t.English = *ov.English
		}
		if ov.Definition != nil {
			if strings.TrimSpace(*ov.Definition) == "" {
				return fmt.Errorf("%w: override for term %q: empty definition", ErrInvalid, ov.Name)
			}
			t.Definition = *ov.Definition
		}
		if len(ov.RemoveAliases) > 0 {
			drop := map[string]bool{}
			for _, a := range ov.RemoveAliases {
				drop[a] = true
			}
			kept := t.Aliases[:0:0]
			for _, a := range t.Aliases {
				if !drop[a] {
					kept = append(kept, a)
				}
			}
			t.Aliases = kept
		}
		t.Aliases = appendNew(t.Aliases, ov.AddAliases...)
		t.Refs = appendNew(t.Refs, ov.AddRefs...)
		if err := checkKeywords(ov.AddKeywords); err != nil {
			return fmt.Errorf("%w: override for term %q: %v", ErrInvalid, ov.Name, err)
		}
		t.Keywords = appendNew(t.Keywords, ov.AddKeywords...)
		if err := checkKeywords(t.Keywords); err != nil {
			return fmt.Errorf("%w: override for term %q: %v", ErrInvalid, ov.Name, err)
		}
	}
	return nil
}

// appendNew appends the strings of add that s does not hold yet.
func appendNew(s []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, x := range s {
			found = found || x == a
		}
		if !found && strings.TrimSpace(a) != "" {
			s = append(s, a)
		}
	}
	return s
}
