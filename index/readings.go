package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// kanjiReadings is a small reading dictionary: the words written in kanji in
// the default glossary's names and aliases, and their readings. With it a
// name typed wholly in kana resolves (ぜいじゃくせいしんだん → 脆弱性診断,
// ひょうてきがたこうげき → 標的型攻撃), and a reading given partly in kana
// meets one given in kanji (でぃーどす攻撃 → DDoS攻撃, whose reading is
// ディードスこうげき).
//
// A morphological dictionary (kagome with IPADIC) would give readings for any
// word, but it would be a new dependency whose dictionary alone costs more
// start-up time and memory than secbot's budget for `secbot term` (300 ms,
// 100 MB) leaves; names outside this table still resolve by their written
// form, typos and full text.
var kanjiReadings = map[string]string{
	"攻撃": "こうげき", "中核": "ちゅうかく", "人材": "じんざい", "育成": "いくせい",
	"無線": "むせん", "制御": "せいぎょ", "暗号化": "あんごうか", "暗号": "あんごう",
	"改": "かい", "可用性": "かようせい", "完全性": "かんぜんせい", "機密性": "きみつせい",
	"機密": "きみつ", "個人情報": "こじんじょうほう", "個人": "こじん", "情報": "じょうほう",
	"保護": "ほご", "委員会": "いいんかい", "助け隊": "たすけたい", "制度": "せいど",
	"戦略": "せんりゃく", "対策": "たいさく", "資産": "しさん", "要素": "ようそ",
	"3要素": "さんようそ", "真正性": "しんせいせい", "信頼性": "しんらいせい",
	"脆弱性": "ぜいじゃくせい", "脆弱": "ぜいじゃく", "診断": "しんだん", "責任": "せきにん",
	"追跡性": "ついせきせい", "追跡": "ついせき", "多要素": "たようそ", "認証": "にんしょう",
	"化": "か", "内部": "ないぶ", "監査": "かんさ", "詐欺": "さぎ", "否認": "ひにん",
	"防止性": "ぼうしせい", "防止": "ぼうし", "標的型": "ひょうてきがた", "標的": "ひょうてき",
	"不正": "ふせい", "踏み台": "ふみだい", "評価": "ひょうか", "接続": "せつぞく",
	"定義": "ていぎ", "人工知能": "じんこうちのう", "事業": "じぎょう", "継続": "けいぞく",
	"計画": "けいかく", "侵入": "しんにゅう", "性": "せい", "型": "がた",
}

// maxReadingRunes is the length of the longest word in kanjiReadings.
var maxReadingRunes = func() int {
	n := 0
	for w := range kanjiReadings {
		n = max(n, utf8.RuneCountInString(w))
	}
	return n
}()

// toKana replaces the words of s found in kanjiReadings by their readings,
// longest first. complete reports whether no kanji is left.
func toKana(s string) (kana string, complete bool) {
	rs := []rune(s)
	var b strings.Builder
	complete = true
	for i := 0; i < len(rs); {
		found := false
		for n := min(maxReadingRunes, len(rs)-i); n >= 1; n-- {
			if r, ok := kanjiReadings[string(rs[i:i+n])]; ok {
				b.WriteString(r)
				i += n
				found = true
				break
			}
		}
		if found {
			continue
		}
		if unicode.Is(unicode.Han, rs[i]) {
			complete = false
		}
		b.WriteRune(rs[i])
		i++
	}
	return b.String(), complete
}

// hasHan reports whether s holds a kanji.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
