package index

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"secbot/knowledge"
)

// Name tiers: how sure a match on that name is. A lower tier wins a tie.
const (
	tierName  = iota // the headword
	tierAlias        // reading, aliases, English expansion
	tierGloss        // a name the definition gives (事業継続計画, モノのインターネット)
)

// name is one string that names a term, in Key form.
type name struct {
	key  string
	term int
	tier int
}

var (
	// "Business Continuity Plan（事業継続計画）の略" / "Endpoint Detection and Responseの略"
	reExpansion = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9 .,'’/&\-]*[A-Za-z0-9])\s*(?:[（(]([^）)]+)[）)])?\s*の略`)
	// 日本語では「モノのインターネット」
	reJapaneseGloss = regexp.MustCompile(`日本語では「([^」]+)」`)
	// 単に「インシデント」とも呼ばれる / 「デジタル・フォレンジック」や「…」などと呼ばれる
	reQuotedAlso = regexp.MustCompile(`((?:「[^」]+」(?:や|、)?)+)(?:とも|などと|と)(?:呼ばれる|呼ぶ|略される)`)
	// 不正侵入防止システムとも呼ばれる
	reBareAlso = regexp.MustCompile(`([^、。「」（）()\s]+)とも呼ばれる`)
	reQuoted   = regexp.MustCompile(`「([^」]+)」`)
	// 名前（括弧書き）
	reParen = regexp.MustCompile(`^(.+?)\s*[（(]([^）)]+)[）)]\s*$`)
)

// termNames returns every name of t with its tier: the pack's own fields,
// then what the definition itself says the term is called. The English
// expansion is taken from the definition ("…の略") when the pack has none.
func termNames(t knowledge.Term) (names []string, tiers []int) {
	add := func(s string, tier int) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		names = append(names, s)
		tiers = append(tiers, tier)
	}
	add(t.Name, tierName)
	if m := reParen.FindStringSubmatch(t.Name); m != nil {
		// A headword that carries its reading or acronym: CSIRT（シーサート）.
		add(m[1], tierName)
		add(m[2], tierAlias)
	}
	add(t.Reading, tierAlias)
	for _, a := range t.Aliases {
		add(a, tierAlias)
	}
	add(t.English, tierAlias)
	def := t.Definition
	if m := reExpansion.FindStringSubmatch(def); m != nil {
		if t.English == "" {
			add(m[1], tierAlias)
		}
		add(m[2], tierGloss)
	}
	for _, m := range reJapaneseGloss.FindAllStringSubmatch(def, -1) {
		add(m[1], tierGloss)
	}
	for _, m := range reQuotedAlso.FindAllStringSubmatch(def, -1) {
		for _, q := range reQuoted.FindAllStringSubmatch(m[1], -1) {
			add(q[1], tierGloss)
		}
	}
	for _, m := range reBareAlso.FindAllStringSubmatch(def, -1) {
		if utf8.RuneCountInString(m[1]) <= 20 {
			add(m[1], tierGloss)
		}
	}
	// 「AI（人工知能）」: the headword glossed in brackets.
	for _, q := range reQuoted.FindAllStringSubmatch(def, -1) {
		if m := reParen.FindStringSubmatch(q[1]); m != nil && Key(m[1]) == Key(t.Name) {
			add(m[2], tierGloss)
		}
	}
	return names, tiers
}
