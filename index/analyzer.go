package index

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// analyzerName names secbot's Japanese analyzer in Bleve's registry.
const analyzerName = "secbot_ja"

func init() {
	err := registry.RegisterAnalyzer(analyzerName, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
		return bigramAnalyzer{}, nil
	})
	if err != nil {
		panic(err)
	}
}

// bigramAnalyzer turns text into the tokens secbot indexes and searches:
// the text is folded to its Key form rune by rune (offsets kept for
// highlighting), cut into runs at spaces, punctuation and script changes,
// and each run becomes tokens: a Latin run (vpn, 2025) is one token, a
// Japanese run gives its overlapping character bigrams (ゼロトラスト → ゼロ
// ロト トラ ラス スト), or itself when it is one character long.
//
// Bleve's stock cjk analyzer was measured against it (see README, "Search and
// answers"): it makes the same bigrams but folds neither hiragana nor the
// spelling variants, so ぜろとらすと or マルウエア miss in full text.
type bigramAnalyzer struct{}

// Analyze implements analysis.Analyzer.
func (bigramAnalyzer) Analyze(text []byte) analysis.TokenStream {
	var ts analysis.TokenStream
	for _, t := range textTokens(string(text)) {
		ts = append(ts, &analysis.Token{
			Start: t.start, End: t.end, Term: []byte(t.term),
			Position: len(ts) + 1, Type: t.typ,
		})
	}
	return ts
}

// token is one analyzed token.
type token struct {
	term       string
	start, end int
	typ        analysis.TokenType
	// weak is set for bigrams with a particle typed in hiragana (の, とは,
	// が低), and in text that mixes scripts for every bigram that starts
	// with a rune typed in hiragana (see tokenize): they carry little
	// meaning when judging confidence. Okurigana (攻め, 進め方) are not
	// particles and keep their weight.
	weak bool
	// grammar is set, with weak, for the bigrams of two runes typed in
	// hiragana in text that mixes scripts (ドウ, イウ in どういう): they
	// count for nothing in coverage.
	grammar bool
}

// tokenize is the analysis of a query.
func tokenize(s string) []token { return tokenizeRunes(keyRunes(s)) }

// tokenizeRunes is tokenize of a text already in key runes.
func tokenizeRunes(ks []keyRune) []token { return analyze(ks, false) }

// textTokens is the analysis of an indexed text (definitions, keywords,
// names, passages) and behind bigramAnalyzer: tokenize's tokens, and for
// every kanji with okurigana its stem as well (see stem).
func textTokens(s string) []token { return analyze(keyRunes(s), true) }

// textTokensRunes is textTokens of a text already in key runes.
func textTokensRunes(ks []keyRune) []token { return analyze(ks, true) }

// analyze cuts key runes into tokens, the indexed text's when text is set.
func analyze(ks []keyRune, text bool) []token {
	// In text that mixes scripts, content words are written in kanji,
	// katakana or Latin; a stretch typed in hiragana is grammar (particles,
	// auxiliaries, question words: どういう, どこまで, すればいい). A bigram
	// inside it (ドウ, イウ) is no word at all: grammar; one that leaves it
	// for the next word (ウ手 in どういう手順) is weak; one that enters it
	// (進メ, okurigana) keeps its weight. A query typed all in hiragana
	// (ぜろとらすと) is all content.
	mixed := false
	for _, k := range ks {
		if !k.Hira {
			mixed = true
			break
		}
	}
	out := make([]token, 0, len(ks))
	emitRun := func(run []keyRune) {
		if len(run) == 0 {
			return
		}
		if isLatin(run[0].R) {
			rs := make([]rune, len(run))
			for i, k := range run {
				rs[i] = k.R
			}
			out = append(out, token{string(rs), run[0].Start, run[len(run)-1].End, analysis.AlphaNumeric, false, false})
			return
		}
		if len(run) == 1 {
			out = append(out, token{string(run[0].R), run[0].Start, run[0].End, analysis.Ideographic, particle(run[0]), false})
			return
		}
		for i := 0; i+1 < len(run); i++ {
			if stem(run[i], run[i+1]) {
				// A verb or adjective and its inflection (盗む, 盗んだ,
				// 盗まれる, 盗み出す): the kanji alone, whatever follows.
				// A query folds a lone kanji; a compound's last kanji is
				// more often a noun before a particle (情報に, 投資って),
				// so the query keeps the bigram, and the indexed text,
				// which gives both, meets either spelling (取り組む,
				// 取組む).
				lone := i == 0 || !isKanji(run[i-1])
				if lone || text && !strings.ContainsRune(nounEndings, run[i+1].R) {
					// A verb that phrases the question (って言われてる,
					// 何て呼ぶ) says little of what is asked.
					weak := !text && strings.ContainsRune(askingVerbs, run[i].R)
					out = append(out, token{string(run[i].R), run[i].Start, run[i+1].End,
						analysis.Ideographic, weak, false})
				}
				if !text && lone {
					continue
				}
			}
			grammar := mixed && run[i].Hira && run[i+1].Hira
			weak := mixed && run[i].Hira || particle(run[i]) || particle(run[i+1]) ||
				!text && (run[i].R == '何' || run[i+1].R == '何') // 何年, 何% ask; no passage says them
			out = append(out, token{string([]rune{run[i].R, run[i+1].R}), run[i].Start, run[i+1].End,
				analysis.Ideographic, weak, grammar})
		}
	}
	start := 0
	for i := 1; i <= len(ks); i++ {
		if i == len(ks) || ks[i].Brk || isLatin(ks[i].R) != isLatin(ks[i-1].R) {
			emitRun(ks[start:i])
			start = i
		}
	}
	return out
}

// particle reports whether k was typed as a hiragana that is usually a
// particle or an auxiliary ending (の, は, が, を, に, で, と, も, か, た, て…).
func particle(k keyRune) bool {
	return k.Hira && strings.ContainsRune("ノハガヲニデトモヘヤカテタシダナネヨラレルスマ", k.R)
}

// stem reports whether k, typed in kanji, and next, typed in hiragana, are
// a verb or adjective stem and the start of its inflection (okurigana):
// 盗ま, 盗み, 盗ん, 使え, 多く. Its token is then the kanji alone, so that
// every form of the word gives the same token (盗む, 盗んだ, 盗まれる, 盗み
// 出す all give 盗) in queries and in the indexed text alike (see analyze).
// A kanji before a particle (人の, 情報は) is a noun: its bigram stays.
func stem(k, next keyRune) bool {
	if !isKanji(k) || !next.Hira {
		return false
	}
	return !strings.ContainsRune(nounParticles, next.R)
}

// isKanji reports whether k was typed as a kanji.
func isKanji(k keyRune) bool { return !k.Hira && unicode.Is(unicode.Han, k.R) }

// nounParticles are the hiragana (in Key form) that follow a noun and
// start no inflection of a verb or adjective written with one kanji: の,
// は, が, を, へ, も, や, に, で, と, だ.
const nounParticles = "ノハガヲヘモヤニデトダ"

// nounEndings follow a compound noun and start no inflection: する (不足し
// ている, 確認された) and な (具体的な). A compound's last kanji before
// them gives no stem, even in the indexed text.
const nounEndings = "シスサセソナ"

// askingVerbs are the kanji of the verbs that phrase a question rather
// than say what it is about (言う, 呼ぶ, 教える, 知る, 聞く): their stem
// is weak in a query.
const askingVerbs = "言呼教知聞"
