package quiz

import (
	"errors"
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"secbot/knowledge"
)

// NumChoices is how many choices every question offers.
const NumChoices = 4

// Kind says what a question asks.
type Kind string

// The kinds of question Generate asks.
const (
	// KindWhichTerm shows a definition (the term's names masked) and asks
	// which term it defines.
	KindWhichTerm Kind = "which-term"
	// KindWhichDefinition names a term and asks which definition is its.
	KindWhichDefinition Kind = "which-definition"
	// KindReading gives a reading (シーサート) and asks which term is read so.
	KindReading Kind = "reading"
	// KindExpansion gives an English expansion and asks for its acronym.
	KindExpansion Kind = "expansion"
	// KindAlias gives another name of a term and asks which term it is.
	KindAlias Kind = "alias"
)

// Question is one multiple-choice question about a glossary term.
type Question struct {
	Question string   `json:"question"`
	Choices  []string `json:"choices"`
	// Answer indexes Choices.
	Answer int `json:"answer"`
	// Term names the glossary term the question is about.
	Term string `json:"term"`
	// Explanation is shown at the reveal: the term and its definition.
	Explanation string `json:"explanation"`
	// Section is the chapter section the term is covered in (a 4-x-x id
	// when the term cites one, else its first reference; "" when none).
	Section string `json:"section,omitempty"`
	Kind    Kind   `json:"kind,omitempty"`
}

// ErrTooFewTerms is returned when a pack cannot make a 4-choice question.
var ErrTooFewTerms = errors.New("quiz: the pack has too few glossary terms for a 4-choice question")

// mask replaces a term's own names in question text.
const mask = "〇〇"

// Generate returns a question about one of pack's glossary terms. It is a
// pure function of the pack and the seed: the same seed gives the same
// question, on every machine and Go release.
func Generate(pack *knowledge.Pack, seed int64) (Question, error) {
	if pack == nil {
		return Question{}, ErrTooFewTerms
	}
	a := askableOf(pack.Terms)
	if len(a.terms) < NumChoices || len(a.cands) == 0 {
		return Question{}, ErrTooFewTerms
	}
	// Every askable (term, kind) is equally likely: a term that cannot be
	// asked does not hand its turn to its neighbour.
	r := newRNG(seed)
	start := r.intn(len(a.cands))
	for i := range a.cands {
		c := a.cands[(start+i)%len(a.cands)]
		if q, ok := build(pack, a.terms, a.terms[c.term], c.kind, r); ok {
			return q, nil
		}
	}
	return Question{}, ErrTooFewTerms
}

// allKinds are the kinds of question Generate asks.
var allKinds = []Kind{KindWhichTerm, KindWhichDefinition, KindReading, KindExpansion, KindAlias}

type candidate struct {
	term int // index in askable.terms
	kind Kind
}

// askable is what a set of terms can be asked: the terms with a name and a
// definition, and every (term, kind) build can make a question of. Whether
// build can is a function of the terms alone (the generator only orders
// the distractors and shuffles the choices), so it is worked out once per
// set of terms and cached by a hash of their content.
type askable struct {
	terms []knowledge.Term
	cands []candidate
}

var (
	askableMu    sync.Mutex
	askableCache = map[uint64]*askable{}
)

func askableOf(all []knowledge.Term) *askable {
	key := termsHash(all)
	askableMu.Lock()
	defer askableMu.Unlock()
	if a, ok := askableCache[key]; ok {
		return a
	}
	a := &askable{}
	for _, t := range all {
		if strings.TrimSpace(t.Name) != "" && gist(t, 200) != "" {
			a.terms = append(a.terms, t)
		}
	}
	if len(a.terms) >= NumChoices {
		scratch := &knowledge.Pack{}
		for i, t := range a.terms {
			for _, k := range allKinds {
				if _, ok := build(scratch, a.terms, t, k, newRNG(0)); ok {
					a.cands = append(a.cands, candidate{i, k})
				}
			}
		}
	}
	if len(askableCache) >= 16 {
		clear(askableCache) // packs are few; tests make many
	}
	askableCache[key] = a
	return a
}

// termsHash hashes every field of the terms that build reads.
func termsHash(terms []knowledge.Term) uint64 {
	h := fnv.New64a()
	w := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, t := range terms {
		w(t.Name)
		w(t.Reading)
		w(t.English)
		w(t.Definition)
		for _, x := range t.Aliases {
			w("a" + x)
		}
		for _, x := range t.Refs {
			w("r" + x)
		}
		h.Write([]byte{1})
	}
	return h.Sum64()
}

// build makes a question of kind k about t, or reports that t cannot be
// asked that way (no reading, too few distinct distractors, a leak).
func build(pack *knowledge.Pack, terms []knowledge.Term, t knowledge.Term, k Kind, r *rng) (Question, bool) {
	q := Question{Term: t.Name, Kind: k, Section: section(pack, t)}
	q.Explanation = fmt.Sprintf("「%s」%s", t.Name, readingNote(t)) + "：" + t.Definition
	answer := t.Name
	var others []string // distractors, most related first
	switch k {
	case KindWhichTerm:
		g := gist(t, 110)
		if utf8.RuneCountInString(g) < 15 || GivesAway(g, t) {
			return q, false
		}
		q.Question = "次の説明に当てはまる用語はどれですか？\n「" + g + "」"
		others = nameChoices(terms, t, q.Question, false, r)
	case KindWhichDefinition:
		answer = gist(t, 70)
		if answer == "" || GivesAway(answer, t) {
			return q, false
		}
		q.Question = "「" + t.Name + "」の説明として正しいものはどれですか？"
		for _, o := range related(terms, t, false, r) {
			g := gist(o, 70)
			if g != "" && !Leaks(g, t) && !Leaks(g, o) {
				others = append(others, g)
			}
		}
	case KindReading:
		if t.Reading == "" || t.Reading == t.Name || normOverlaps(t.Reading, t.Name) {
			return q, false
		}
		q.Question = "「" + t.Reading + "」と読む用語はどれですか？"
		others = nameChoices(terms, t, q.Question, false, r)
	case KindExpansion:
		en := english(t)
		if en == "" || normOverlaps(en, t.Name) {
			return q, false
		}
		q.Question = "「" + en + "」を略した用語はどれですか？"
		others = nameChoices(terms, t, q.Question, true, r)
	case KindAlias:
		var alias string
		for _, a := range t.Aliases {
			if !overlaps(a, t.Name) && !containsFold(a, t.Reading) && !normOverlaps(a, t.Name) {
				alias = a
				break
			}
		}
		if alias == "" {
			return q, false
		}
		q.Question = "「" + alias + "」とも呼ばれる用語はどれですか？"
		others = nameChoices(terms, t, q.Question, false, r)
	default:
		return q, false
	}
	// However it is written (Society5.0 for Society 5.0, ＶＰＮ for VPN),
	// the question must not print its answer.
	if na := normalize(answer); na == "" || strings.Contains(normalize(q.Question), na) {
		return q, false
	}
	choices := []string{answer}
	for _, o := range others {
		if len(choices) == NumChoices {
			break
		}
		dup := false
		for _, c := range choices {
			if c == o {
				dup = true
			}
		}
		if !dup {
			choices = append(choices, o)
		}
	}
	if len(choices) < NumChoices {
		return q, false
	}
	r.shuffle(len(choices), func(i, j int) { choices[i], choices[j] = choices[j], choices[i] })
	for i, c := range choices {
		if c == answer {
			q.Answer = i
		}
	}
	q.Choices = choices
	return q, true
}

// nameChoices returns names of terms related to t that make fair distractors:
// none overlaps t's names (a choice "DDoS" beside "DDoS攻撃" would give the
// game away) and none is printed in the question.
func nameChoices(terms []knowledge.Term, t knowledge.Term, question string, acronyms bool, r *rng) []string {
	var out []string
	for _, o := range related(terms, t, acronyms, r) {
		if containsFold(question, o.Name) {
			continue
		}
		clash := false
		for _, n := range t.Names() {
			if overlaps(n, o.Name) {
				clash = true
			}
		}
		if !clash {
			out = append(out, o.Name)
		}
	}
	return out
}

// related returns the other terms ordered for use as distractors: the most
// related first (Relatedness), with a little seeded jitter.
func related(terms []knowledge.Term, t knowledge.Term, acronyms bool, r *rng) []knowledge.Term {
	type cand struct {
		t   knowledge.Term
		key int
	}
	var cs []cand
	for _, o := range terms {
		if o.Name == t.Name {
			continue
		}
		if acronyms && !isASCIIName(o.Name) {
			continue
		}
		// A jitter below one point: ties are broken at random, and a term
		// one point less related sometimes wins, so that one term does not
		// always meet the same three rivals; an unrelated term never beats a
		// clearly related one.
		cs = append(cs, cand{o, Relatedness(t, o)*1000 + r.intn(1500)})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].key > cs[j].key })
	out := make([]knowledge.Term, len(cs))
	for i, c := range cs {
		out[i] = c.t
	}
	return out
}

// Relatedness scores how plausible b is as a distractor for a question about
// a: shared chapter references, the same kind of name (an acronym beside
// acronyms), one definition naming the other, and similar names.
func Relatedness(a, b knowledge.Term) int {
	score := 0
	for _, x := range a.Refs {
		for _, y := range b.Refs {
			if x == y {
				score += 3
			}
		}
	}
	if isASCIIName(a.Name) == isASCIIName(b.Name) {
		score += 2
	}
	if containsFold(a.Definition, b.Name) || containsFold(b.Definition, a.Name) {
		score += 3
	}
	score += min(3, sharedBigrams(a.Name, b.Name))
	ar, br := []rune(a.Name), []rune(b.Name)
	if len(ar) >= 2 && len(br) >= 2 && string(ar[len(ar)-2:]) == string(br[len(br)-2:]) {
		score += 2 // 〜攻撃, 〜ウェア
	}
	return score
}

func sharedBigrams(a, b string) int {
	grams := func(s string) map[string]bool {
		rs := []rune(asciiLower(s))
		m := map[string]bool{}
		for i := 0; i+1 < len(rs); i++ {
			m[string(rs[i:i+2])] = true
		}
		return m
	}
	ga, gb := grams(a), grams(b)
	n := 0
	for g := range ga {
		if gb[g] {
			n++
		}
	}
	return n
}

// section picks the chapter section a term is covered in.
func section(pack *knowledge.Pack, t knowledge.Term) string {
	for _, ref := range t.Refs {
		if strings.HasPrefix(ref, "4-") {
			return ref
		}
	}
	for _, ref := range t.Refs {
		if _, ok := pack.Section(ref); ok {
			return ref
		}
	}
	if len(t.Refs) > 0 {
		return t.Refs[0]
	}
	return ""
}

func readingNote(t knowledge.Term) string {
	if t.Reading != "" && t.Reading != t.Name {
		return "（" + t.Reading + "）"
	}
	return ""
}

// expansionRe finds "Endpoint Detection and Responseの略" (optionally with a
// Japanese gloss in brackets before の略) at the start of a definition.
var expansionRe = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9 ,.'&/\-]*[A-Za-z])\s*(?:（[^）]*）)?\s*の略`)

// english returns t's English expansion: the pack's, or the one its
// definition opens with.
func english(t knowledge.Term) string {
	if t.English != "" {
		return strings.Join(strings.Fields(t.English), " ")
	}
	if m := expansionRe.FindStringSubmatch(t.Definition); m != nil && strings.Contains(m[1], " ") {
		return strings.Join(strings.Fields(m[1]), " ")
	}
	return ""
}

// gist returns the heart of t's definition, at most limit runes: its
// sentences without the "… の略" one, with t's own names masked.
func gist(t knowledge.Term, limit int) string {
	def := strings.Join(strings.Fields(t.Definition), " ")
	var parts []string
	for _, s := range strings.SplitAfter(def, "。") {
		s = strings.TrimSpace(s)
		if s == "" || expansionRe.MatchString(s) && utf8.RuneCountInString(s) < 80 && strings.HasSuffix(strings.TrimSuffix(s, "。"), "の略") {
			continue
		}
		parts = append(parts, s)
	}
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 && utf8.RuneCountInString(b.String()) >= 30 {
			break
		}
		b.WriteString(p)
	}
	text := strings.TrimSuffix(MaskNames(b.String(), t), "。")
	if rs := []rune(text); len(rs) > limit {
		text = string(rs[:limit-1]) + "…"
	}
	return strings.TrimSpace(text)
}
