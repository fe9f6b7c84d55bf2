package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Question understanding: what a chat message asks, once the chat around it
// is peeled off. People write messages, not queries: a greeting and a
// self-introduction first (いつもお世話になっております。経理の田中です。), a
// cushion (すみません、恐れ入りますが), a background clause before the real
// question (部長に聞かれたんですけど、), a question form after what they mean
// (って何をするの, ってどういう意味, は何のため), a trailing w, 笑, ! or emoji.
// Each is removed by a general rule on the message's shape — a sentence
// that is only a pleasantry, a clause that ends in a conjunction, a tail of
// grammar and question words — never by a list of whole messages.
//
// A contrast (ファイアウォールと違って…, VPNではなくSDP, IPSとは違う…) sets
// a term aside: the term before the contrast marker is recorded in
// setAside, and whatever answers the message, it is never that term.

// understood is what a message asks.
type understood struct {
	// core is the question with the chat, wrappers and contrast removed.
	core string
	// whole is core with the contrast kept (read when the contrast sets
	// aside no term: パスワード以外の認証); question is the message with
	// pleasantries, decorations and cushions removed but background
	// clauses kept, for passage search.
	whole, question string
	// setAside holds the texts a contrast set aside (ファイアウォール in
	// ファイアウォールと違って…); resolve never answers the terms they name.
	setAside []string
	// chat is set when anything but wrappers was removed.
	chat bool
	// asked is what follows a contrast (ハッキングという言葉と違って、はっきり
	// 悪意を持って…: the part after 違って), "" without one.
	asked string
	// topics are what the message's clauses ask about, the last clause
	// first: the part before a topic marker (ランサムウェアって普通のウイルスと
	// 何が違うんですか → ランサムウェア) and each clause stripped of its
	// question form. resolve tries them as names. marked says which came
	// from a topic mark.
	topics []string
	marked map[string]bool
}

// understand peels the chat off q (already checked).
func understand(q string) understood {
	var u understood
	s := dropDecorations(q)
	if s != strings.TrimSpace(q) {
		u.chat = true
	}
	// Sentences: drop those that are only pleasantries or a
	// self-introduction; keep the rest, joined.
	var kept []string
	for _, sent := range sentences(s) {
		if isPleasantry(sent) || isSelfIntro(sent) {
			u.chat = true
			continue
		}
		kept = append(kept, sent)
	}
	if len(kept) == 0 {
		c := stripWrappers(q)
		return understood{core: c, whole: c, question: c}
	}
	u.question = stripWrappers(stripCushions(strings.Join(kept, "。")))
	// A question sentence after a background one: the last sentence that
	// keeps content of its own once stripped answers for the message, the
	// earlier ones are background (最近SASEという言葉を聞きました。どういう意味ですか
	// keeps both: the last has no content).
	u.topics, u.marked = topics(kept)
	s = strings.Join(kept, "。")
	if len(kept) > 1 {
		last := kept[len(kept)-1]
		prev := strings.TrimRight(kept[len(kept)-2], trimChars)
		if hasContent(stripQuestion(stripCushions(last))) && !describesThing(prev) {
			s, u.chat = last, true
		}
	}
	s = stripCushions(s)
	// A contrast sets a word aside (before background clauses are cut:
	// …けど、それと違って refers to the clause before it).
	whole := s
	if aside, rest, ok := cutContrast(s); ok {
		u.setAside = append(u.setAside, aside)
		s = rest
		u.asked = stripQuestion(stripCushions(rest[strings.LastIndex(rest, " ")+1:]))
	}
	// A background clause: what follows its conjunction is the question,
	// when it has content of its own.
	if rest, ok := afterClause(s); ok {
		s, u.chat = rest, true
	}
	if rest, ok := afterClause(whole); ok {
		whole = rest
	}
	u.whole = stripQuestion(stripCushions(whole))
	u.core = stripQuestion(stripCushions(s))
	if u.core == "" {
		u.core = stripWrappers(q)
	}
	if u.whole == "" {
		u.whole = u.core
	}
	if u.question == "" {
		u.question = u.core
	}
	return u
}

// dropDecorations removes what decorates a message but says nothing:
// emoji and symbols, laughter at the end (w, ｗ, 笑, (笑)), exclamation and
// question marks repeated, ー and 〜 stretching the end.
// placeholders are the symbols written for a word left unsaid (○○攻撃,
// ××社): no emoji.
const placeholders = "○◯●×✕△□"

func dropDecorations(q string) string {
	var b strings.Builder
	for _, r := range q {
		if strings.ContainsRune(placeholders, r) {
			// ○○攻撃: a placeholder for a word, part of the sentence.
			b.WriteRune(r)
			continue
		}
		if unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r == 0xFE0F || r == 0x200D || unicode.Is(unicode.Cs, r) {
			// An emoji ends what it follows, like a full stop.
			b.WriteRune('。')
			continue
		}
		b.WriteRune(r)
	}
	s := strings.TrimSpace(b.String())
	for {
		before := s
		s = strings.TrimRight(s, " 　!！?？。.…〜～ー♪")
		for _, l := range []string{"(笑)", "（笑）", "笑", "草"} {
			s = strings.TrimSuffix(s, l)
		}
		// Trailing w's laugh only after Japanese: EDRw is not a laugh
		// but ランサムウェアってなにw is.
		if t := strings.TrimRight(s, "wWｗＷ"); t != s {
			if r, _ := utf8.DecodeLastRuneInString(t); r >= utf8.RuneSelf && !isFullWidthLatin(r) {
				s = t
			}
		}
		if s == before {
			break
		}
	}
	if s == "" {
		return strings.TrimSpace(q)
	}
	return s
}

func isFullWidthLatin(r rune) bool {
	return r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A
}

// sentences cuts s at sentence ends (。！？!? and line breaks).
func sentences(s string) []string {
	var out []string
	// A stretched ending (お疲れさまです〜 ) ends a sentence too.
	// A pause before a name half remembered (ぜい…なんとか) is none.
	s = strings.NewReplacer("…なんとか", "なんとか", "…何とか", "何とか", "…なんちゃら", "なんちゃら").Replace(s)
	s = strings.NewReplacer("〜 ", "。", "～ ", "。", "〜　", "。", "～　", "。", "…", "。").Replace(s)
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '。' || r == '！' || r == '？' || r == '!' || r == '?' || r == '\n' || r == '\r'
	}) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// isPleasantry reports whether sent is only pleasantries: nothing is left
// once they, cushions and punctuation are removed.
func isPleasantry(sent string) bool {
	s := asciiLower(sent)
	found := false
	for _, p := range pleasantries {
		if strings.Contains(s, p) {
			s = strings.ReplaceAll(s, p, "")
			found = true
		}
	}
	if !found {
		return false
	}
	s = stripCushions(strings.Trim(s, trimChars))
	return !hasContent(strings.Trim(s, trimChars+"ですますでした"))
}

// isSelfIntro reports whether sent introduces the writer: a short sentence
// ending in です that asks nothing (経理の田中です, 新人の佐藤と申します).
func isSelfIntro(sent string) bool {
	s := strings.Trim(sent, trimChars)
	for _, end := range []string{"と申します", "といいます", "と言います", "です"} {
		if body, ok := strings.CutSuffix(s, end); ok {
			n := utf8.RuneCountInString(body)
			if n == 0 || n > 14 || hasQuestionCue(body) || strings.ContainsAny(body, "はがをとってでも") && end == "です" && !strings.Contains(body, "の") {
				return false
			}
			// A name or a team and a name: no hiragana but の and no Latin
			// word (EDRです is not an introduction).
			for _, r := range body {
				if r >= 0x3041 && r <= 0x309F && r != 'の' || isLatin(unicode.ToLower(r)) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// topics returns the topics of the sentences' clauses, the last clause
// first (see understood.topics).
func topics(sents []string) ([]string, map[string]bool) {
	var out []string
	seen := map[string]bool{}
	marked := map[string]bool{}
	add := func(s string) string {
		s = strings.Trim(stripWrappers(stripCushions(s)), trimChars)
		if hasContent(s) && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
		return s
	}
	for i := len(sents) - 1; i >= 0; i-- {
		cl := clauses(sents[i])
		for j := len(cl) - 1; j >= 0; j-- {
			c := stripCushions(cl[j])
			add(stripQuestion(c))
			// The topic: before the first topic mark.
			first := -1
			for _, m := range topicMarks {
				if k := strings.Index(c, m); k > 0 && (first < 0 || k < first) && endsInNoun(stripWrappers(c[:k])) {
					first = k
				}
			}
			if first > 0 {
				marked[add(c[:first])] = true
			}
		}
	}
	return out, marked
}

// endsInNoun reports whether s ends in what can be a noun before a topic
// mark: a katakana or Latin rune, or a run of two kanji or more (a single
// kanji before って is a verb stem: 作って, 使って).
func endsInNoun(s string) bool {
	rs := []rune(strings.TrimRight(s, " 　"))
	if len(rs) == 0 {
		return false
	}
	last := rs[len(rs)-1]
	switch {
	case last >= 0x3041 && last <= 0x309F:
		return false
	case unicode.Is(unicode.Han, last):
		if len(rs) < 2 {
			return false
		}
		prev := rs[len(rs)-2]
		if unicode.Is(unicode.Han, prev) {
			return true
		}
		// 踏み台: okurigana inside a word, not a particle before a verb.
		return prev >= 0x3041 && prev <= 0x309F && !strings.ContainsRune("をにがではもとへやのか", prev) &&
			len(rs) >= 3 && unicode.Is(unicode.Han, rs[len(rs)-3])
	}
	return true
}

// clauses cuts a sentence at commas and background-clause endings.
func clauses(sent string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(sent, func(r rune) bool { return r == '、' || r == ',' || r == '，' }) {
		for {
			cut := -1
			var end string
			for _, e := range clauseEnds {
				if k := strings.Index(part, e); k > 0 && (cut < 0 || k < cut) && k+len(e) < len(part) {
					cut, end = k, e
				}
			}
			if cut < 0 {
				break
			}
			out = append(out, part[:cut+len(end)])
			part = part[cut+len(end):]
		}
		if strings.TrimSpace(part) != "" {
			out = append(out, part)
		}
	}
	return out
}

func hasQuestionCue(s string) bool {
	return containsAny(s, questionCues)
}

// stripCushions removes cushions where a clause starts, repeatedly, with
// the punctuation after them.
func stripCushions(s string) string {
	s = strings.Trim(s, trimChars)
	for {
		before := s
		for _, c := range cushions {
			if strings.HasPrefix(s, c) && len(s) > len(c) && !gluedKana(c, s[len(c):]) {
				s = strings.Trim(s[len(c):], trimChars)
			}
		}
		if s == before {
			return s
		}
	}
}

// gluedKana reports whether a cushion typed in hiragana is the start of a
// longer word: the hiragana after it goes on (あとから is 後から, not あと,
// から; ではなく is no では), unless it is は (まずは) or another cushion
// (ねえねえ).
func gluedKana(c, rest string) bool {
	last, _ := utf8.DecodeLastRuneInString(c)
	next, _ := utf8.DecodeRuneInString(rest)
	if !isHiraganaRune(last) || !isHiraganaRune(next) || next == 'は' || next == 'ー' {
		return false
	}
	for _, o := range cushions {
		if strings.HasPrefix(rest, o) {
			return false
		}
	}
	return true
}

func isHiraganaRune(r rune) bool { return r >= 0x3041 && r <= 0x309F }

// afterClause returns what follows the last background clause of s (see
// clauseEnds), when it has content of its own.
func afterClause(s string) (string, bool) {
	best := -1
	for _, e := range clauseEnds {
		for off := 0; ; {
			i := strings.Index(s[off:], e)
			if i < 0 {
				break
			}
			i += off
			end := i + len(e)
			// The clause must end there: a comma or a space follows, or
			// the conjunction is one that cannot end a noun (けど, ので).
			if end < len(s) && end > best {
				rest := strings.TrimLeft(s[end:], trimChars)
				if hasContent(stripQuestion(stripCushions(rest))) && isClauseBreak(s, end, e) {
					best = end
				}
			}
			off = i + len(e)
		}
	}
	if best < 0 {
		return s, false
	}
	return strings.Trim(s[best:], trimChars), true
}

// isClauseBreak reports whether the conjunction e ending at s[:end] ends a
// clause: a comma or space follows, or e is a conjunction no noun ends in.
func isClauseBreak(s string, end int, e string) bool {
	r, _ := utf8.DecodeRuneInString(s[end:])
	if r == '、' || r == ',' || r == '，' || r == ' ' || r == '　' {
		return true
	}
	return strings.Contains(e, "けど") || strings.Contains(e, "けれ") || strings.HasSuffix(e, "すが") || strings.HasSuffix(e, "たが")
}

// cutContrast finds a contrast in s: the word before a contrast mark (see
// contrastMarks) is set aside, and what follows is the question. The word
// is the run before the mark back to a particle or punctuation.
func cutContrast(s string) (aside, rest string, ok bool) {
	for _, m := range contrastMarks {
		i := strings.Index(s, m)
		if i <= 0 {
			continue
		}
		before := s[:i]
		w := lastWord(before)
		for _, d := range []string{"それ", "これ", "あれ", "そちら", "こちら", "そっち", "こっち"} {
			if w == "" && strings.HasSuffix(before, d) {
				// それと違って: what is set aside is what came before.
				w = strings.Trim(strings.TrimSuffix(before, d), trimChars)
				before = d
			}
		}
		if w == "" {
			continue
		}
		after := strings.Trim(s[i+len(m):], trimChars)
		// AではなくB: B is asked (VPNではなくSDPとは); Aと違って…: the
		// description after it is.
		if m == "より" && !hasContent(after) {
			continue
		}
		// A list set aside together: AIやIoTとは別に.
		head := strings.TrimSuffix(before, w)
		for _, sep := range []string{"や", "、", "と", "・"} {
			if h, ok := strings.CutSuffix(head, sep); ok {
				if w2 := lastWord(h); w2 != "" {
					w, head = w2+sep+w, strings.TrimSuffix(h, w2)
				}
			}
		}
		rest = strings.TrimSpace(head) + " " + after
		return w, strings.Trim(rest, trimChars), true
	}
	return "", "", false
}

// lastWord returns the word that ends s: the runs of kanji, katakana and
// Latin letters (and the ・ and spaces inside a Latin name) after the last
// hiragana or punctuation.
func lastWord(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if r >= 0x3041 && r <= 0x309F || (dropRune(r) && r != 'ー' && r != '・' && r != ' ' && r != '-' && r != '.') {
			break
		}
		i -= size
	}
	return strings.TrimSpace(s[i:])
}

// stripQuestion strips the wrappers of s (see stripWrappers) and then a
// question form: everything after the last question mark whose tail is
// made of grammar (hiragana, punctuation) and question words only.
func stripQuestion(s string) string {
	s = stripWrappers(s)
	for {
		before := s
		best := -1
		for _, m := range questionMarks {
			for off := 0; ; {
				i := strings.Index(s[off:], m)
				if i < 0 {
					break
				}
				i += off
				off = i + len(m)
				if i == 0 || (best >= 0 && i >= best) || strings.HasPrefix(m, "と") && strings.HasSuffix(s[:i], "こ") {
					// …やることは: the と of こと is no mark.
					continue
				}
				if isQuestionTail(s[i+len(m):]) && hasContent(s[:i]) {
					best = i
				}
			}
		}
		if best > 0 {
			s = stripWrappers(strings.Trim(s[:best], trimChars))
		}
		if s == before {
			return s
		}
	}
}

// isQuestionTail reports whether t is made of hiragana, punctuation and
// question kanji only, with at least one question cue in it.
func isQuestionTail(t string) bool {
	t = strings.Trim(t, trimChars)
	if t == "" {
		return false
	}
	for _, n := range kanaNouns {
		if strings.HasSuffix(t, n) {
			return false // …をやりとりするしくみ: a description's noun
		}
	}
	for _, r := range t {
		switch {
		case r >= 0x3041 && r <= 0x309F, r == 'ー', dropRune(r):
		case strings.ContainsRune(questionKanji, r):
		default:
			return false
		}
	}
	return hasQuestionCue(t) || strings.Contains(t, "する") || strings.Contains(t, "ため")
}

// hasContent reports whether s holds a content word: a run of kanji,
// katakana or Latin letters (hiragana alone is grammar), or is hiragana
// of four runes or more (ぜろとらすと).
func hasContent(s string) bool {
	hira := 0
	for _, r := range s {
		switch {
		case r >= 0x3041 && r <= 0x309F:
			hira++
		case r == '何' || r == '誰':
			// question words, not content
		case unicode.Is(unicode.Han, r), unicode.Is(unicode.Katakana, r) && r != 'ー' && r != '・', isLatin(unicode.ToLower(r)), isFullWidthLatin(r):
			return true
		}
	}
	return hira >= 4 && !hasQuestionCue(s)
}

// describesThing reports whether a sentence before the last one describes
// a thing (…本物であること。なりすましで損なわれる性質): it ends in a noun
// or a nominalizer and asks nothing, so the sentences describe one thing
// together.
func describesThing(sent string) bool {
	if strings.ContainsAny(sent, "?？") || asksWhatItIs(sent) || stripQuestion(sent) != sent {
		return false
	}
	return isThing(sent) || isDescription(sent, sent) && !endsInHiragana(sent)
}

// endsInHiragana reports whether s ends in a hiragana rune.
func endsInHiragana(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r >= 0x3041 && r <= 0x309F
}
