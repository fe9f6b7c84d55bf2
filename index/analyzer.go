package index

import (
	"strings"

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
	for _, t := range tokenize(string(text)) {
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

// tokenize is the analysis behind bigramAnalyzer.
func tokenize(s string) []token { return tokenizeRunes(keyRunes(s)) }

// tokenizeRunes is tokenize of a text already in key runes.
func tokenizeRunes(ks []keyRune) []token {
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
			grammar := mixed && run[i].Hira && run[i+1].Hira
			weak := mixed && run[i].Hira || particle(run[i]) || particle(run[i+1])
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
