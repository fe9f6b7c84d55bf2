package index

import (
	"context"
	"strings"
	"testing"

	"secbot/knowledge"
)

// TestAskedFor: what a question asks for, from its question words.
func TestAskedFor(t *testing.T) {
	for q, want := range map[string]askedKind{
		"売上は前の年から何%伸びた？":      askedPercent,
		"導入した会社の割合は":          askedPercent,
		"その制度ができたのはいつ？":       askedYear,
		"法律が施行されたのは何年ですか":     askedYear,
		"被害額はいくらだったの":         askedNumber,
		"何年後を見据えればいい？":        askedNumber,
		"研修には何人参加したの":         askedNumber,
		"なぜ工場を止めたんですか":        askedReason,
		"移転を決めたきっかけは":         askedReason,
		"ゼロトラストの考え方を教えて":      askedAny,
		"会議室の予約はどこからするんでしたっけ": askedAny,
	} {
		if got := askedFor(q); got != want {
			t.Errorf("askedFor(%q) = %d, want %d", q, got, want)
		}
	}
}

// TestLeadSentence: the sentence that holds the asked figure or reason
// leads; the others keep their order; nothing moves when the first
// sentence answers as well; a list keeps its heading first.
func TestLeadSentence(t *testing.T) {
	para := "当社は地方の小さな工場です。2010年に新しい機械を導入しました。売上は3年で20%伸びました。その理由は、納期が短くなったことで注文が増えたからです。"
	tests := []struct {
		text, question, want string
	}{
		// A percentage: the sentence with the % leads.
		{para, "工場の売上は何%伸びた？",
			"売上は3年で20%伸びました。当社は地方の小さな工場です。2010年に新しい機械を導入しました。その理由は、納期が短くなったことで注文が増えたからです。"},
		// A year: the sentence with the year leads.
		{para, "新しい機械を入れたのはいつ？",
			"2010年に新しい機械を導入しました。当社は地方の小さな工場です。売上は3年で20%伸びました。その理由は、納期が短くなったことで注文が増えたからです。"},
		// A reason: the sentence that gives it leads.
		{para, "売上が伸びた理由は？",
			"その理由は、納期が短くなったことで注文が増えたからです。当社は地方の小さな工場です。2010年に新しい機械を導入しました。売上は3年で20%伸びました。"},
		// Nothing asked for and the first sentence is as good: unchanged.
		{para, "地方の工場について教えて", para},
		// One sentence: unchanged.
		{"売上は3年で20%伸びました。", "売上は何%？", "売上は3年で20%伸びました。"},
		// A list: the heading stays first, the best item follows it.
		{"失敗した3つの理由\n1. 予算の不足\n2. 人材の不足\n3. 経営者の無関心", "経営者に関する理由は？",
			"失敗した3つの理由\n3. 経営者の無関心\n1. 予算の不足\n2. 人材の不足"},
		// Quotes and brackets stay with their sentence.
		{"最も多い回答は「費用が高いから」（40.1%）でした。2番目に多い回答は「時間がないから」（30.5%）でした。", "2番目に多い回答は何%？",
			"2番目に多い回答は「時間がないから」（30.5%）でした。最も多い回答は「費用が高いから」（40.1%）でした。"},
	}
	// A rank asked leads even where both sentences carry a percentage.
	ranks := "2番目に多い回答は「時間がないから」（30.5%）でした。最も多い回答は「費用が高いから」（40.1%）でした。"
	tests = append(tests, struct{ text, question, want string }{ranks, "一番多い回答は何%？",
		"最も多い回答は「費用が高いから」（40.1%）でした。2番目に多い回答は「時間がないから」（30.5%）でした。"})
	for _, tt := range tests {
		got := leadSentence(tt.text, tokenize(tt.question), askedFor(tt.question), rankOf(tt.question))
		if got != tt.want {
			t.Errorf("leadSentence(%q)\n got %q\nwant %q", tt.question, got, tt.want)
		}
		if len(got) != len(tt.text) {
			t.Errorf("leadSentence(%q) changed the text's length", tt.question)
		}
	}
}

// TestAskLeadsWithTheAnswer: on the default pack, a passage answer shows
// the sentence with the asked figure first.
func TestAskLeadsWithTheAnswer(t *testing.T) {
	ix := defaultIndex(t)
	tests := []struct{ question, lead string }{
		// The 4-1-1 paragraph opens on IT in daily life; the figure is in
		// its second sentence.
		{"インターネットの利用率は2022年に何%になった？", "84.9%"},
		// The second reason's paragraph: its percentage is in its first
		// sentence already, so that one stays first.
		{"デジタル化が進まない2番目の理由は何%？", "44.2%"},
		// The first reason, asked in everyday words: the passage that
		// states the first leads, not the second's.
		{"デジタル化が進まない理由で一番多かったのは何？何%?", "52.2%"},
		{"デジタル化が遅れている理由で最も多いのはどれ？", "52.2%"},
	}
	for _, tt := range tests {
		a, err := ix.Ask(context.Background(), tt.question)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindPassage || len(a.Passages) == 0 {
			t.Errorf("Ask(%q) = %s, want a passage answer", tt.question, a.Kind)
			continue
		}
		first := wholeSentences(a.Passages[0].Text)[0]
		if !strings.Contains(first, tt.lead) {
			t.Errorf("Ask(%q): first sentence %q, want the one with %s", tt.question, first, tt.lead)
		}
	}
}

// TestRankOf: the rank a question asks for or a sentence states.
func TestRankOf(t *testing.T) {
	for s, want := range map[string]int{
		"一番多い理由は？":        1,
		"最も多く挙げられたのが":     1,
		"2番目に多く挙げられたのが":   2,
		"２番目の理由":          2,
		"三番目に多い":          3,
		"ゼロトラストの考え方を教えて":  0,
		"番号を教えて":          0,
		"何番目に多いの？":        0,
		"情報セキュリティ対策の順番は？": 0,
	} {
		if got := rankOf(s); got != want {
			t.Errorf("rankOf(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestAskedCounter: a question asking a number of something with 何 (何条,
// 何万人) prefers the passage giving a number of it; a question asking for
// a percentage or a count is no description of a term.
func TestAskedCounter(t *testing.T) {
	for q, want := range map[string]string{
		"任務懈怠による損害賠償責任は会社法の何条？": "条",
		"IT人材は何万人不足する？":         "万",
		"何をやるの":                 "",
		"いつでも使える状態":             "",
	} {
		if got := askedCounter(q); got != want {
			t.Errorf("askedCounter(%q) = %q, want %q", q, got, want)
		}
	}
	if !carriesCounter("423条 1項 任務懈怠による損害賠償責任", "条") || carriesCounter("主に2つあります。第三者の条件", "条") {
		t.Error("carriesCounter")
	}
	for q, want := range map[string]bool{
		"DXしてる米国の会社はどれくらいの割合？":     true,
		"契約違反で損害賠償を負うのは民法の何条？":     true,
		"どのくらい危ないのかを洗い出して評価する作業":   false,
		"使いたいときにいつでも使えるようになっていること": false,
	} {
		if got := asksFigure(q); got != want {
			t.Errorf("asksFigure(%q) = %v, want %v", q, got, want)
		}
	}
}

// The step after the one a question names leads, with its lines, after
// the heading.
func TestLeadNextStep(t *testing.T) {
	text := "進め方\n手順１：業務内容・業務フローの可視化\n手順2：削減・短縮可能な業務の洗い出し\n手順3：改善や対応の実施\n手順4：業務改革の実現"
	got, ok := leadNextStep(text, stepBefore("業務の洗い出しの次にやることは"))
	if !ok || !strings.HasPrefix(got, "進め方\n手順3：改善や対応の実施\n") || len(got) != len(text) {
		t.Errorf("leadNextStep = %q, %v", got, ok)
	}
	got, ok = leadNextStep(text, stepBefore("業務を見える化した次のステップ"))
	if !ok || !strings.HasPrefix(got, "進め方\n手順2：") {
		t.Errorf("leadNextStep (見える化) = %q, %v", got, ok)
	}
	if _, ok := leadNextStep(text, stepBefore("業務改革を実現した次は")); ok {
		t.Error("the last step has no next one")
	}
}
