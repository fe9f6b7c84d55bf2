package index

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"secbot/jtext"
	"secbot/knowledge"
)

// Figures: the chapter's figure captions (図21. 攻めのIT活用指針の概要) are
// passages of their sections with their source line under them (see
// knowledge.FigureTexts). A question that names a figure by its number
// (図21って何の図, 図18の出典) is answered with that figure's passage; one
// that asks where a figure or a figure's data comes from (出典, どこの調査,
// どこのデータ) prefers, in passage search, a passage that gives a source.

// reFigureNumber finds a figure's number in a question (図21, 図 21, 図２１
// after width folding).
var reFigureNumber = regexp.MustCompile(`図\s*([0-9]+)`)

// reFigureCaption finds the number of the figure a passage is the caption of.
var reFigureCaption = regexp.MustCompile(`^図\s*([0-9]+)\s*[.．]`)

// figureAnswer answers q with the passage of the figure it names by
// number, and whether there is one.
func (ix *Index) figureAnswer(q string) (knowledge.Answer, bool) {
	m := reFigureNumber.FindStringSubmatch(jtext.WidthFold(q, false))
	if m == nil {
		return knowledge.Answer{}, false
	}
	for _, p := range ix.passages {
		c := reFigureCaption.FindStringSubmatch(jtext.WidthFold(p.p.Text, false))
		if c != nil && c[1] == m[1] {
			return knowledge.Answer{Query: q, Kind: knowledge.KindPassage, Passages: []knowledge.Passage{p.p}, Suggestions: []string{}}, true
		}
	}
	return knowledge.Answer{}, false
}

// sourceCues are the ways a question asks where a figure or its data
// comes from.
var sourceCues = []string{"出典", "出所", "引用元", "どこの調査", "どこの資料", "どこのデータ", "どこのレポート", "どこの報告", "どこの統計", "どこが出した", "どこが調べ",
	"何の調査", "何の資料", "何のデータ", "なんの資料", "なんの調査", "何をもとに", "なにをもとに", "何を元に", "何を基に", "元になって", "もとになって", "基になって", "もとにして", "元にして", "基にして", "ソース"}

// asksSource reports whether q asks for a source.
func asksSource(q string) bool {
	return containsAny(q, sourceCues)
}

// isCaption reports whether a passage is a figure's caption (with its
// source line, see knowledge.FigureTexts).
func isCaption(text string) bool {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "図") {
		return false
	}
	if len(text) > 32 {
		text = text[:32] // 図 and its number; a cut rune does not matter
	}
	return reFigureCaption.MatchString(jtext.WidthFold(text, false))
}

// givesSource reports whether a passage gives a source line.
func givesSource(text string) bool {
	return strings.Contains(text, "出典")
}

// Steps: a question asking for a step by its position (最初にやること,
// 2番目の手順, 最後のステップ) is answered by a list of steps (STEP1 …,
// 手順1：…) rather than by a paragraph that shares its words.

// ordinalCues are the ways a question asks for a position in a sequence.
var ordinalCues = []string{"最初", "初め", "はじめ", "一番目", "番目", "つ目", "最後", "最終", "ゴール", "第一段階", "次に", "次のステップ", "次の手順", "次の段階", "次は", "の次"}

// asksOrdinal reports whether q asks for a step by its position.
func asksOrdinal(q string) bool {
	return containsAny(q, ordinalCues)
}

// reStepMarker finds the markers of a list of steps (STEP1, 手順１：).
var reStepMarker = regexp.MustCompile(`(?m)^(?:STEP|手順)\s*[0-9０-９]`)

// namesHeading reports whether the question (ck, in Key form) names the
// heading of a list passage, its first line when short (進め方 over 手順１
// …手順4: 守りのIT投資の進め方で最後のゴールは).
func namesHeading(text, ck string) bool {
	first, rest, ok := strings.Cut(text, "\n")
	if !ok || rest == "" {
		return false
	}
	k := Key(first)
	n := utf8.RuneCountInString(k)
	return n >= 2 && n <= maxHeading && strings.Contains(ck, k)
}

// nextCues ask for the step after another (見える化した次のステップ).
var nextCues = []string{"次のステップ", "次の手順", "次の段階", "の次", "次は", "次に"}

// stepBefore returns the words of the step a question asks the next one
// of, in Key form with the chapter's words for them (synonyms.go): the
// words of the clause before its cue (業務を見える化した次のステップ: 業務,
// 見, エル化 … and 可視化; a kanji alone is a verb stem); nil when it asks
// no next step.
func stepBefore(q string) []string {
	for _, clause := range strings.FieldsFunc(q, func(r rune) bool { return strings.ContainsRune("、。,，？?", r) }) {
		for _, c := range nextCues {
			i := strings.Index(clause, c)
			if i <= 0 {
				continue
			}
			var out []string
			k := Key(clause[:i])
			out = append(out, words(clause[:i])...)
			for _, h := range synonymHints(k) {
				out = append(out, h.formals...)
			}
			return out
		}
	}
	return nil
}

// stepHolds reports whether a step of a list of steps (a line with its
// marker: 手順１：業務内容・業務フローの可視化) holds one of ws.
func stepHolds(text string, ws []string) bool {
	for _, line := range strings.Split(text, "\n") {
		if !reStepMarker.MatchString(line) {
			continue
		}
		k := Key(line)
		for _, w := range ws {
			if utf8.RuneCountInString(w) >= 2 && containsKey(k, w) {
				return true
			}
		}
	}
	return false
}

// maxHeading is the longest first line read as a list's heading.
const maxHeading = 10

// listsSteps reports whether a passage lists at least two steps.
func listsSteps(text string) bool {
	return len(reStepMarker.FindAllStringIndex(text, 3)) >= 2
}
