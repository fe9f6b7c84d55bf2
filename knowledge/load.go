package knowledge

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// A pack on disk is a directory of YAML files:
//
//	DIR/glossary.yaml   terms:    [{name, reading, aliases, english, definition, refs, keywords}]
//	DIR/chapter.yaml    sections: [{id, title, body, figures, lists, cases, citations, sources}]
//	DIR/tips.yaml       tips:     [{id, section, title, body, terms}]
//
// Any one file may hold any of the three keys (an operator's company glossary
// is often a single file with terms only). Unknown keys are errors, so that a
// misspelt key does not silently drop data.

// The file names of a pack directory, in load order.
const (
	GlossaryFile = "glossary.yaml"
	ChapterFile  = "chapter.yaml"
	TipsFile     = "tips.yaml"
	// OverridesFile holds hand corrections to the generated default pack.
	OverridesFile = "overrides.yaml"
)

// MaxTipRunes is the longest tip body a pack may hold, in characters.
const MaxTipRunes = 500

// File is the YAML layout of one pack file.
type File struct {
	Terms    []Term    `yaml:"terms,omitempty"`
	Sections []Section `yaml:"sections,omitempty"`
	Tips     []Tip     `yaml:"tips,omitempty"`
}

// ErrInvalid marks a pack that does not load: malformed YAML, an unknown
// key, a term without a definition, a name defined twice. The error's text
// names the file (and the line where YAML gives one).
var ErrInvalid = errors.New("invalid pack")

// packError is an ErrInvalid with the file it is about.
type packError struct {
	file string
	msg  string
}

func (e *packError) Error() string { return e.file + ": " + e.msg }
func (e *packError) Unwrap() error { return ErrInvalid }

func invalid(file, format string, args ...any) error {
	return &packError{file: file, msg: fmt.Sprintf(format, args...)}
}

// ParseFile parses one pack file's data; name is the file's name, used in
// errors and recorded as each term's Origin. It checks the pack (see Validate).
func ParseFile(name string, data []byte) (*Pack, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, invalid(name, "%s", yamlMessage(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, invalid(name, "more than one YAML document")
	}
	p := &Pack{Terms: f.Terms, Sections: f.Sections, Tips: f.Tips}
	for i := range p.Terms {
		p.Terms[i].Origin = name
	}
	if err := p.validate(name, data); err != nil {
		return nil, err
	}
	return p, nil
}

var reUnknownKey = regexp.MustCompile(`field (\S+) not found in type knowledge\.(\w+)`)

// yamlMessage turns a yaml.v3 error into a message for the operator: the
// line, and what is wrong there ("line 3: unknown key \"defintion\" in a Term").
func yamlMessage(err error) string {
	var te *yaml.TypeError
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for i, m := range msgs {
		msgs[i] = reUnknownKey.ReplaceAllString(strings.TrimSpace(m), `unknown key "$1" in a $2`)
	}
	return strings.Join(msgs, "; ")
}

// LoadFile reads and parses one pack file.
func LoadFile(name string) (*Pack, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("load pack: %w", err)
	}
	return ParseFile(name, data)
}

// LoadDir loads the pack in dir of fsys: glossary.yaml, chapter.yaml and
// tips.yaml, each optional, and merges them (see Merge). A directory with
// none of them is an error.
func LoadDir(fsys fs.FS, dir string) (*Pack, error) {
	var packs []*Pack
	for _, f := range []string{GlossaryFile, ChapterFile, TipsFile} {
		name := path.Join(dir, f)
		data, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load pack: %w", err)
		}
		p, err := ParseFile(name, data)
		if err != nil {
			return nil, err
		}
		packs = append(packs, p)
	}
	if len(packs) == 0 {
		return nil, invalid(dir, "no %s, %s or %s", GlossaryFile, ChapterFile, TipsFile)
	}
	return Merge(packs...)
}

// Load loads the pack at name on disk: a directory (see LoadDir) or a
// single file (see LoadFile).
func Load(name string) (*Pack, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("load pack: %w", err)
	}
	if st.IsDir() {
		return LoadDir(os.DirFS(name), ".")
	}
	return LoadFile(name)
}

// Merge returns one pack holding every term, section and tip of packs, in
// order. Two terms with one name, two sections with one id or two tips
// with one id are an error that names both files: secbot never guesses
// which of two definitions an operator meant.
func Merge(packs ...*Pack) (*Pack, error) {
	out := &Pack{}
	terms := map[string]Term{}
	sections := map[string]bool{}
	tips := map[string]bool{}
	for _, p := range packs {
		if p == nil {
			continue
		}
		for _, t := range p.Terms {
			if prev, ok := terms[t.Name]; ok {
				return nil, fmt.Errorf("%w: term %q is defined twice: in %s and in %s",
					ErrInvalid, t.Name, origin(prev.Origin), origin(t.Origin))
			}
			terms[t.Name] = t
			out.Terms = append(out.Terms, t)
		}
		for _, s := range p.Sections {
			if sections[s.ID] {
				return nil, fmt.Errorf("%w: section %q is defined twice", ErrInvalid, s.ID)
			}
			sections[s.ID] = true
			out.Sections = append(out.Sections, s)
		}
		for _, t := range p.Tips {
			if tips[t.ID] {
				return nil, fmt.Errorf("%w: tip %q is defined twice", ErrInvalid, t.ID)
			}
			tips[t.ID] = true
			out.Tips = append(out.Tips, t)
		}
	}
	return out, nil
}

func origin(s string) string {
	if s == "" {
		return "(unnamed)"
	}
	return s
}

// Validate checks that p is usable: every term has a name and a
// definition and no two terms share a name; every section has an id and a
// title; every tip has an id, a section, a title and a body of at most
// MaxTipRunes characters; all text is valid UTF-8.
func (p *Pack) Validate() error { return p.validate("pack", nil) }

// validate is Validate naming file, with the line of the offending entry
// when data (the file's YAML) is given.
func (p *Pack) validate(file string, data []byte) error {
	at := func(key string, i int) string {
		if l := entryLine(data, key, i); l > 0 {
			return fmt.Sprintf("line %d: ", l)
		}
		return ""
	}
	names := map[string]bool{}
	for i, t := range p.Terms {
		switch {
		case strings.TrimSpace(t.Name) == "":
			return invalid(file, "%sterm %d has no name", at("terms", i), i+1)
		case strings.TrimSpace(t.Definition) == "":
			return invalid(file, "%sterm %q has no definition", at("terms", i), t.Name)
		case names[t.Name]:
			return invalid(file, "%sterm %q is defined twice", at("terms", i), t.Name)
		case !validText(t.Name, t.Reading, t.English, t.Definition) || !validText(t.Aliases...) || !validText(t.Refs...) || !validText(t.Keywords...):
			return invalid(file, "%sterm %q is not valid UTF-8", at("terms", i), t.Name)
		}
		if err := checkKeywords(t.Keywords); err != nil {
			return invalid(file, "%sterm %q: %v", at("terms", i), t.Name, err)
		}
		names[t.Name] = true
	}
	ids := map[string]bool{}
	for i, s := range p.Sections {
		switch {
		case strings.TrimSpace(s.ID) == "":
			return invalid(file, "%ssection %d has no id", at("sections", i), i+1)
		case strings.TrimSpace(s.Title) == "":
			return invalid(file, "%ssection %q has no title", at("sections", i), s.ID)
		case ids[s.ID]:
			return invalid(file, "%ssection %q is defined twice", at("sections", i), s.ID)
		}
		ids[s.ID] = true
	}
	tipIDs := map[string]bool{}
	for i, t := range p.Tips {
		switch {
		case strings.TrimSpace(t.ID) == "":
			return invalid(file, "%stip %d has no id", at("tips", i), i+1)
		case strings.TrimSpace(t.Section) == "" || strings.TrimSpace(t.Title) == "":
			return invalid(file, "%stip %q needs a section and a title", at("tips", i), t.ID)
		case strings.TrimSpace(t.Body) == "":
			return invalid(file, "%stip %q has no body", at("tips", i), t.ID)
		case utf8.RuneCountInString(t.Body) > MaxTipRunes:
			return invalid(file, "%stip %q is %d characters long; at most %d",
				at("tips", i), t.ID, utf8.RuneCountInString(t.Body), MaxTipRunes)
		case tipIDs[t.ID]:
			return invalid(file, "%stip %q is defined twice", at("tips", i), t.ID)
		}
		tipIDs[t.ID] = true
	}
	return nil
}

// MaxKeywordRunes is the longest keyword a term may have, in characters: a
// keyword is a word or a short phrase, not a sentence.
const MaxKeywordRunes = 30

// checkKeywords checks a term's keywords: none blank, none longer than
// MaxKeywordRunes, none twice.
func checkKeywords(kws []string) error {
	seen := map[string]bool{}
	for _, k := range kws {
		switch k = strings.TrimSpace(k); {
		case k == "":
			return fmt.Errorf("a blank keyword")
		case utf8.RuneCountInString(k) > MaxKeywordRunes:
			return fmt.Errorf("keyword %q is longer than %d characters", k, MaxKeywordRunes)
		case seen[k]:
			return fmt.Errorf("keyword %q is given twice", k)
		}
		seen[k] = true
	}
	return nil
}

func validText(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// entryLine returns the line of the i-th element of the top-level sequence
// key in the YAML data, or 0. It parses data again: it runs only on errors.
func entryLine(data []byte, key string, i int) int {
	if data == nil {
		return 0
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	m := doc.Content[0]
	for k := 0; k+1 < len(m.Content); k += 2 {
		if m.Content[k].Value == key && i < len(m.Content[k+1].Content) {
			return m.Content[k+1].Content[i].Line
		}
	}
	return 0
}

// Encode writes f as YAML the way the importer writes packs: two-space
// indents, fields in the types' order, the same bytes for the same pack.
func Encode(w io.Writer, f File) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return err
	}
	return enc.Close()
}

//go:embed default/*.yaml
var defaultFS embed.FS

// defaultDir is where the default pack lives in defaultFS.
const defaultDir = "default"

var loadDefault = sync.OnceValues(func() (*Pack, error) { return parseDefault() })

// parseDefault parses the embedded default pack and applies its overrides.
func parseDefault() (*Pack, error) {
	p, err := LoadDir(defaultFS, defaultDir)
	if err != nil {
		return nil, fmt.Errorf("default pack: %w", err)
	}
	for i := range p.Terms {
		// Name the file as it stands in the repository, for merge errors.
		p.Terms[i].Origin = "knowledge/" + p.Terms[i].Origin + " (embedded)"
	}
	data, err := defaultFS.ReadFile(path.Join(defaultDir, OverridesFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("default pack: %w", err)
	}
	if err == nil {
		o, err := ParseOverrides(path.Join(defaultDir, OverridesFile), data)
		if err != nil {
			return nil, fmt.Errorf("default pack: %w", err)
		}
		if err := o.Apply(p); err != nil {
			return nil, fmt.Errorf("default pack: %w", err)
		}
	}
	return p, nil
}

// Default returns the pack embedded in secbot: the importer's output for
// the seminar text (knowledge/default), with the hand corrections of
// knowledge/default/overrides.yaml applied. It is parsed once; each call
// returns a fresh copy that the caller may change.
func Default() (*Pack, error) {
	p, err := loadDefault()
	if err != nil {
		return nil, err
	}
	return p.Clone(), nil
}

// Clone returns a deep copy of p.
func (p *Pack) Clone() *Pack {
	if p == nil {
		return nil
	}
	out := &Pack{
		Terms:    make([]Term, len(p.Terms)),
		Sections: make([]Section, len(p.Sections)),
		Tips:     make([]Tip, len(p.Tips)),
	}
	for i, t := range p.Terms {
		t.Aliases = clone(t.Aliases)
		t.Refs = clone(t.Refs)
		t.Keywords = clone(t.Keywords)
		out.Terms[i] = t
	}
	for i, s := range p.Sections {
		s.Body, s.Figures, s.Lists = clone(s.Body), clone(s.Figures), clone(s.Lists)
		s.Cases, s.Citations, s.Sources = clone(s.Cases), clone(s.Citations), clone(s.Sources)
		out.Sections[i] = s
	}
	for i, t := range p.Tips {
		t.Terms = clone(t.Terms)
		out.Tips[i] = t
	}
	return out
}

func clone(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

// LoadPacks returns the default pack merged with the operator's packs at
// names (directories or files, see Load), in order. Any error stops the
// load: the bot never starts half-loaded.
func LoadPacks(names ...string) (*Pack, error) {
	def, err := Default()
	if err != nil {
		return nil, err
	}
	packs := []*Pack{def}
	for _, n := range names {
		p, err := Load(filepath.Clean(n))
		if err != nil {
			return nil, err
		}
		packs = append(packs, p)
	}
	return Merge(packs...)
}
