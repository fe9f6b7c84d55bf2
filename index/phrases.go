package index

// Phrases of chat and of questions that understand.go reads (see its
// comment): general shapes of Japanese messages, not sentences of any set.

import "strings"

// pleasantries are the phrases of a sentence that carries no question:
// greetings, thanks, closings, announcements that a question follows.
var pleasantries = []string{
	"お世話になっております", "お世話になります", "お世話様です", "お疲れ様です", "お疲れさまです", "おつかれさまです", "お疲れ様でございます",
	"こんにちは", "こんばんは", "おはようございます", "おはよう", "はじめまして", "初めまして", "失礼します", "失礼いたします",
	"よろしくお願いします", "よろしくお願いいたします", "よろしくお願い致します", "宜しくお願いします", "よろしく",
	"ありがとうございます", "ありがとう", "助かります", "お願いします", "お願いいたします",
	"質問です", "質問があります", "質問させてください", "教えてください", "すみません", "すいません", "恐れ入ります",
	"hello", "hi", "thanks", "thank you",
}

// cushions are words that open a question without adding to it; they are
// removed where a clause starts.
var cushions = []string{
	"すみませんが", "すみません", "すいません", "恐れ入りますが", "恐れ入ります", "恐縮ですが", "申し訳ないのですが", "申し訳ありませんが",
	"お忙しいところ", "お手数ですが", "失礼ですが", "突然ですが", "素朴な疑問なんですが", "素朴な疑問ですが", "素朴な疑問",
	"初歩的な質問ですが", "初歩的な質問で恐縮ですが", "今さらですが", "今更ですが", "今さら聞けない", "今更聞けない", "ちょっと質問です",
	"質問なのですが", "質問なんですが", "質問ですが", "ちょっと", "ところで", "ちなみに", "そもそも", "あのー", "あの", "えっと", "えーと", "ええと",
	"なんですが", "ねえ", "ねぇ", "あらためて", "改めて", "簡単に", "ざっくり", "ざっくりと", "一言で", "わかりやすく", "分かりやすく", "具体的に",
	"特に", "まず", "あと", "で、", "じゃあ", "では", "結局", "超初歩的ですが", "初歩的ですが",
	"最近よく聞く", "最近よく耳にする", "最近耳にする", "最近聞く", "よく聞く", "よく耳にする", "最近話題の", "話題の", "いわゆる", "例の",
	// the chapter itself, pointed at: この内容はセミナーの何日目
	"この内容は", "この内容って", "この話は", "この話って", "この章は", "この章って", "このテキストは", "この資料は", "この講義は",
}

// clauseEnds are the endings of a clause that gives background before the
// question (部長に聞かれたんですけど、…): what follows them is the question.
var clauseEnds = []string{
	"んですけど", "んですけれど", "んですけれども", "んですが", "のですが", "のですけど", "ですけど", "ですけれど", "ですけれども",
	"ましたが", "ますが", "ですが", "けれども", "けれど", "けど", "んだけど", "んだが", "ので", "のに",
}

// contrastMarks follow a word that a contrast sets aside.
var contrastMarks = []string{
	"とは違って", "とは違い", "とは違う", "と違って", "と違い", "と違う", "とはちがって", "とちがって", "とはちがう", "とちがう",
	"とは異なり", "とは異なる", "と異なり", "と異なる", "ではなくて", "ではなく", "じゃなくて", "じゃなく", "ではない", "以外の", "以外で",
	"とは別の", "とは別に", "と別の", "より", "に比べて", "と比べて", "と比較して",
}

// topicMarks end the topic of a question clause (Xって…, Xとは…).
var topicMarks = []string{"っていうのは", "というのは", "ってのは", "っていう", "って言う", "という", "とは", "って", "について", "に関して", "は"}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// questionCues are the words that make a sentence a question.
var questionCues = []string{"何", "なに", "なん", "どう", "どんな", "どの", "どれ", "どこ", "なぜ", "いつ", "誰", "とは", "って", "教え", "知りたい", "意味", "詳し", "まとめ", "か", "っけ", "よね", "全部", "全て", "すべて", "ぜんぶ", "一覧"}

// questionMarks are the markers after which a question form may follow
// what is asked (ゼロトラストって何をするの, BCPは何のため).
var questionMarks = []string{"っていうのは", "というのは", "ってのは", "っていう", "という", "とは", "って", "について", "に関して", "は", "の", "を", "が"}

// questionKanji are the kanji a question form may use after what is asked:
// 何, 意味, 簡単, 説明, 教える, 具体, 一言, 知る, 聞く, 分かる, 為.
const questionKanji = "何意味簡単説明教具体的一言知聞分解理事物為誰結局要約詳細今更初歩質問概念定義指読方名前呼称言全部覧"
