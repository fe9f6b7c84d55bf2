package index

import (
	"math"
	"strings"
	"sync"
)

// Synonyms: employees ask in everyday words (ネット, 会社, 社長, 工場) where
// the chapter writes the formal ones (インターネット, 企業, 経営者, 生産設備).
// synonymPairs maps an everyday word to the chapter's words for it, written
// as general Japanese usage, never from a query set. In passage search a
// formal word stands in for an everyday word of the question that a
// passage (or its section) lacks, at synonymWeight of the word's weight:
// the passage that says the everyday word itself keeps the full weight,
// and a synonym never adds to what the question asks.
var synonymPairs = map[string][]string{
	// the Internet, computers, systems
	"ネット": {"インターネット"}, "ウェブ": {"インターネット", "Web"}, "ホームページ": {"Webサイト"}, "サイト": {"Webサイト"},
	"パソコン": {"コンピュータ", "PC"}, "スマホ": {"スマートフォン"}, "携帯": {"スマートフォン"}, "アプリ": {"アプリケーション", "ソフトウェア"},
	"ソフト": {"ソフトウェア"}, "エクセル": {"表計算ソフトウェア"}, "表計算": {"表計算ソフトウェア"}, "メール": {"電子メール", "メール"},
	"サーバー": {"サーバ"}, "システム屋": {"ベンダー"}, "業者": {"ベンダー", "事業者"}, "外注": {"外部委託"}, "丸投げ": {"外部委託"},
	"委託先": {"外部委託先"}, "下請け": {"外部委託先"}, "古いシステム": {"レガシーシステム", "従来型のシステム"}, "昔のシステム": {"レガシーシステム"},
	"基幹システム": {"基幹系システム"}, "クラウド": {"クラウドサービス", "クラウド"}, "ロボット": {"RPA"}, "自動化": {"自動"},
	"人工知能": {"AI"}, "チャット": {"チャットボット"}, "ボット": {"チャットボット"}, "センサ": {"センサー"},
	// companies and people
	"会社": {"企業"}, "わが社": {"自社"}, "弊社": {"自社"}, "自分の会社": {"自社"}, "よその会社": {"他社"}, "ほかの会社": {"他社"},
	"社長": {"経営者"}, "トップ": {"経営者"}, "経営陣": {"経営者"}, "役員": {"取締役"}, "重役": {"取締役"}, "社員": {"従業員"}, "スタッフ": {"従業員"},
	"お客": {"顧客"}, "お客さん": {"顧客"}, "お客様": {"顧客"}, "客": {"顧客"}, "ユーザー": {"利用者"}, "取引相手": {"取引先"}, "ライバル": {"競合他社"}, "競合": {"競合他社"},
	"中小": {"中小企業"}, "小さい会社": {"中小企業"}, "大企業": {"大手企業"}, "工場": {"生産設備", "製造"}, "メーカー": {"製造業"}, "ものづくり": {"製造業"},
	"保険会社": {"生命保険会社"}, "役所": {"省庁"}, "経産省": {"経済産業省"},
	"アメリカ": {"米国"}, "日本": {"我が国"}, "エンジニア": {"ICT人材", "IT人材"}, "技術者": {"IT人材"}, "人手": {"人材"},
	// money and business
	"お金": {"費用", "金銭"}, "コスト": {"費用", "コスト"}, "予算": {"IT予算"}, "出費": {"費用"}, "損する": {"損失"},
	"売り上げ": {"売上"}, "アップ": {"向上", "拡大"}, "ダウン": {"低下", "減少"}, "もうけ": {"収益"}, "儲け": {"収益"}, "利益": {"収益"}, "稼ぐ": {"収益"}, "値段": {"価格"}, "安く": {"安価"},
	"賠償金": {"損害賠償"}, "弁償": {"損害賠償"}, "罰則": {"刑罰"}, "法律": {"法令", "法律"}, "条文": {"条項"},
	"新しい商売": {"新規事業"}, "新事業": {"新規事業"}, "商売": {"ビジネス"}, "仕事": {"業務"}, "作業": {"業務"}, "事務": {"業務"},
	"仕事のやり方": {"業務プロセス"}, "流れ": {"フロー", "プロセス"}, "段取り": {"手順"}, "やり方": {"方法", "手順"}, "ステップ": {"手順", "STEP"},
	"ゴール": {"目的", "実現"}, "狙い": {"目的"}, "目標": {"目的", "目標"}, "ねらい": {"目的"}, "方針": {"指針"}, "計画": {"戦略"},
	"作戦": {"戦略"}, "将来": {"ビジョン"}, "見据える": {"視点", "中長期"}, "見据え": {"視点", "中長期"}, "年先": {"年後"}, "先々": {"中長期"},
	"中心": {"主体"}, "一番最初": {"最初", "手順1"}, "段階": {"ステージ", "STEP"}, "経済損失": {"損失", "経済的な損失"}, "日本全体": {"我が国", "日本"}, "真っ先": {"最初"}, "中心になって": {"主体"}, "主役": {"主体"}, "夢": {"ビジョン"}, "問題": {"課題"}, "悩み": {"課題"}, "困りごと": {"課題"},
	"解決策": {"ソリューション"}, "対処": {"対策"}, "備え": {"対策"}, "守る": {"保護"}, "守り": {"防御"},
	// amounts, change, research
	"パーセント": {"%"}, "何割": {"割"}, "増える": {"増加"}, "増えた": {"増加"}, "試算": {"算出"},
	"進まなかった": {"推進できなかった"}, "減る": {"減少"}, "減った": {"減少"},
	"伸びる": {"上昇"}, "上がる": {"上昇"}, "下がる": {"低下"}, "落ちる": {"低下", "減少"}, "足りない": {"不足"}, "足りなく": {"不足"}, "人手不足": {"人材不足"},
	"アンケート": {"調査"}, "統計": {"調査"}, "データ元": {"出典"}, "グラフ": {"図"}, "資料": {"出典"},
	"遅れ": {"後れ"}, "遅れた": {"後れ"}, "遅い": {"後れ"}, "進まない": {"進んでいない"}, "うまくいった": {"成果が出ている"},
	"故障": {"故障予知"}, "壊れる": {"故障"}, "予想": {"予測"}, "見える": {"可視化"}, "見える化": {"可視化"},
	"在宅勤務": {"テレワーク", "リモートワーク"}, "在宅": {"テレワーク"}, "リモート": {"テレワーク", "リモートワーク"}, "出勤": {"出社"},
	"紙": {"紙ベース"}, "ハンコ": {"押印"}, "判子": {"押印"}, "契約書": {"電子契約"}, "請求書": {"請求業務"},
	"漏れた": {"漏えい", "流出"}, "漏れる": {"漏えい"}, "漏洩": {"漏えい"}, "情報漏れ": {"情報漏えい"}, "盗まれた": {"流出"},
	"ハッカー": {"攻撃者"}, "ハッキング": {"サイバー攻撃"}, "乗っ取り": {"不正アクセス"}, "事故": {"インシデント"},
	"ウイルス": {"マルウェア"}, "サイバー犯罪": {"サイバー攻撃"}, "責任者": {"経営者"}, "責任をとる": {"責任を追及"},
}

// synonymWeight is what a formal word counts for in place of the everyday
// word the passage lacks.
const synonymWeight = 0.5

// synHint is one everyday word of a question with the chapter's words for
// it: the terms (bigrams) of each.
type synHint struct {
	word    string     // the everyday word, Key form
	from    []string   // its terms
	formals []string   // the chapter's words, Key form
	to      [][]string // their terms, one list per formal word
}

var synonymTable = sync.OnceValue(func() []synHint {
	out := make([]synHint, 0, len(synonymPairs))
	for w, fs := range synonymPairs {
		h := synHint{word: Key(w), from: strongTerms(w)}
		for _, f := range fs {
			if Key(f) == h.word {
				continue
			}
			h.formals = append(h.formals, Key(f))
			h.to = append(h.to, strongTerms(f))
		}
		if h.word != "" && len(h.from) > 0 && len(h.to) > 0 {
			out = append(out, h)
		}
	}
	return out
})

// strongTerms are the terms of text's tokens that count in coverage.
func strongTerms(text string) []string {
	var out []string
	for _, t := range textTokens(text) {
		if tokenWeight(t) > 0 {
			out = append(out, t.term)
		}
	}
	return out
}

// synonymHints returns the everyday words of text (Key form: key) whose
// formal words it does not use. A word that is part of a longer everyday
// word found (ネット in ネット予約 is kept; 人手 in 人手不足 gives way) is
// left out.
func synonymHints(key string) []synHint {
	var out []synHint
	for _, h := range synonymTable() {
		if !strings.Contains(key, h.word) {
			continue
		}
		var fs []string
		var to [][]string
		for i, f := range h.formals {
			if !strings.Contains(key, f) {
				fs, to = append(fs, f), append(to, h.to[i])
			}
		}
		if len(fs) == 0 {
			continue // the question says the formal word too
		}
		out = append(out, synHint{word: h.word, from: h.from, formals: fs, to: to})
	}
	// Drop a word inside a longer one found.
	kept := out[:0]
	for i, h := range out {
		inner := false
		for j, o := range out {
			if i != j && len(o.word) > len(h.word) && strings.Contains(o.word, h.word) {
				inner = true
				break
			}
		}
		if !inner {
			kept = append(kept, h)
		}
	}
	return kept
}

// synonymText is the chapter's words for hints, to add to a full-text
// query.
func synonymText(hints []synHint) string {
	var b strings.Builder
	for _, h := range hints {
		for _, f := range h.formals {
			b.WriteString(" ")
			b.WriteString(f)
		}
	}
	return b.String()
}

// coverageSyn is coverage of qt by what holds, with the formal words of
// hints standing in, at synonymWeight, for the everyday words it lacks.
func coverageSyn(qt []token, hints []synHint, holds func(string) bool) float64 {
	var have, total float64
	weight := map[string]float64{}
	for _, t := range qt {
		if _, seen := weight[t.term]; seen {
			continue
		}
		w := tokenWeight(t)
		weight[t.term] = w
		total += w
		if w > 0 && holds(t.term) {
			have += w
		}
	}
	if total == 0 {
		return 0
	}
	for _, h := range hints {
		missing := 0.0
		for _, term := range h.from {
			if w := weight[term]; w > 0 && !holds(term) {
				missing += w
			}
		}
		if missing == 0 {
			continue
		}
		have += synonymWeight * missing * bestShare(h.to, holds)
	}
	return math.Min(1, have/total)
}

// bestShare is the largest share of one list of terms that holds holds.
func bestShare(lists [][]string, holds func(string) bool) float64 {
	best := 0.0
	for _, l := range lists {
		if len(l) == 0 {
			continue
		}
		n := 0
		for _, term := range l {
			if holds(term) {
				n++
			}
		}
		best = math.Max(best, float64(n)/float64(len(l)))
	}
	return best
}

// wordCoverageSyn is wordCoverage with the formal words of hints standing
// in, at synonymWeight, for an everyday word (or a word holding one: ネット
// 利用率 → インターネット利用率) that key lacks.
func wordCoverageSyn(ws []string, hints []synHint, key string) float64 {
	if len(hints) == 0 {
		return wordCoverage(ws, key)
	}
	total, have := 0, 0.0
	for _, w := range ws {
		if len([]rune(w)) < 2 {
			continue
		}
		total++
		if containsKey(key, w) {
			have++
			continue
		}
	hint:
		for _, h := range hints {
			if !strings.Contains(w, h.word) {
				continue
			}
			for _, f := range h.formals {
				if containsKey(key, strings.Replace(w, h.word, f, 1)) || containsKey(key, f) && w == h.word {
					have += synonymWeight
					break hint
				}
			}
		}
	}
	if total == 0 {
		return 1
	}
	return have / float64(total)
}
