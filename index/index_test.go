package index

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"secbot/knowledge"
)

func TestKey(t *testing.T) {
	same := [][]string{
		{"ファイアウォール", "ファイヤーウォール", "ふぁいあうぉーる", "ﾌｧｲｱｳｫｰﾙ", "ファイアーウォール"},
		{"ウイルス", "ウィルス", "ういるす"},
		{"マルウェア", "マルウエア", "まるうぇあ"},
		{"VPN", "ｖｐｎ", "vpn", "Ｖ Ｐ Ｎ"},
		{"サイバー・フィジカル・セキュリティ", "サイバーフィジカルセキュリティ", "サイバー フィジカル セキュリティ"},
		{"ディードス", "ﾃﾞｨｰﾄﾞｽ", "でぃーどす"},
		{"バイオリン", "ヴァイオリン"},
	}
	for _, group := range same {
		for _, s := range group[1:] {
			if Key(s) != Key(group[0]) {
				t.Errorf("Key(%q) = %q, want Key(%q) = %q", s, Key(s), group[0], Key(group[0]))
			}
		}
	}
	differ := [][2]string{{"リスク評価", "リスクアセスメント"}, {"脆弱性", "脆弱性診断"}, {"サッカー", "サカー"}}
	for _, d := range differ {
		if Key(d[0]) == Key(d[1]) {
			t.Errorf("Key(%q) == Key(%q)", d[0], d[1])
		}
	}
}

func TestStripWrappers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ゼロトラスト", "ゼロトラスト"},
		{"ゼロトラストって何？", "ゼロトラスト"},
		{"ランサムウェアとは", "ランサムウェア"},
		{"ランサムウェアとは何ですか？", "ランサムウェア"},
		{"CSIRTについて教えて", "CSIRT"},
		{"CSIRTについて教えてください。", "CSIRT"},
		{"What is EDR?", "EDR"},
		{"what is a VPN", "VPN"},
		{"Tell me about SASE", "SASE"},
		{"「踏み台」とは", "踏み台"},
		{"とは", "とは"}, // all wrapper: kept
		{"2025年の崖って何？", "2025年の崖"},
		{"EDRって何の略？", "EDR"},
		{"ゼロトラストとはどういう意味ですか", "ゼロトラスト"},
		// English fillers around the word people mean.
		{"Please explain EDR", "EDR"},
		{"I want to know about CSIRT", "CSIRT"},
		{"How does ransomware work?", "ransomware"},
		{"Can you explain what a VPN is?", "VPN"},
		{"what does BCP stand for", "BCP"},
		{"Internet of Things", "Internet of Things"}, // inner words stay
		{"what", "what"},
	}
	for _, tt := range tests {
		if got := stripWrappers(tt.in); got != tt.want {
			t.Errorf("stripWrappers(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenizeOffsets(t *testing.T) {
	text := "「ゼロトラスト」とは、ＶＰＮと２０２５年の崖。ﾌｧｲｱｳｫｰﾙ"
	for _, tok := range tokenize(text) {
		if got := Key(text[tok.start:tok.end]); got != tok.term {
			t.Errorf("token %q spans %q (Key %q)", tok.term, text[tok.start:tok.end], got)
		}
	}
	var terms []string
	for _, tok := range tokenize("IT投資") {
		terms = append(terms, tok.term)
	}
	if want := []string{"it", "投資"}; !slices.Equal(terms, want) {
		t.Errorf("tokenize(IT投資) = %q, want %q", terms, want)
	}
}

// smallPack is a few glossary entries and chapter sections, in the pack
// format, so that these tests do not depend on the generated default pack.
func smallPack() *knowledge.Pack {
	return &knowledge.Pack{
		Terms: []knowledge.Term{
			{Name: "ゼロトラスト", Definition: "社内外を問わず、全てのネットワーク通信を信用できない領域として扱い、全ての通信を検知し認証するという新しいセキュリティの考え方", Refs: []string{"2-2-4", "4-1-3"}},
			{Name: "ゼロデイ攻撃", Definition: "OSやソフトウェアに存在する脆弱性が公開された後、修正プログラムが提供されるまでの間に、その脆弱性を悪用して行われるサイバー攻撃のこと", Refs: []string{"2-1-3"}},
			{Name: "脆弱性", Definition: "情報システムにおけるセキュリティ上の欠陥のこと", Refs: []string{"2-1-1"}},
			{Name: "脆弱性診断", Definition: "システムや機器などにおいて、セキュリティ上の欠陥がないか診断すること", Refs: []string{"2-3-1"}},
			{Name: "CSIRT", Reading: "シーサート", English: "Computer Security Incident Response Team", Definition: "Computer Security Incident Response Teamの略。インシデントに対処するための組織の総称", Refs: []string{"2-1-3"}},
			{Name: "BCP", Aliases: []string{"事業継続計画"}, Definition: "Business Continuity Plan（事業継続計画）の略。緊急事態に事業を継続するための計画"},
			{Name: "IPS", Definition: "Intrusion Prevention Systemの略。不正侵入防止システムとも呼ばれるセキュリティ確保の仕組み"},
			{Name: "ファイアウォール", Definition: "外部のネットワークからの攻撃や不正なアクセスから組織のネットワークを守るためのソフトウェアやハードウェア"},
			{Name: "リスクアセスメント", Definition: "情報資産に対するリスクの分析・評価を行うプロセス。リスク評価の結果、対策を講じる"},
			{Name: "リスク評価", Definition: "特定されたリスクに対して、重要度や影響度を評価するプロセス"},
		},
		Sections: []knowledge.Section{
			{ID: "4-2-2", Title: "経済産業省のDXレポートから見る方針", Body: []string{
				"「2025年の崖」とは、経済産業省が2018年に発表したDXレポートにて提示されているキーワードです。",
				"IT人材の不足が約43万人に拡大すると予測されています。",
			}},
			{ID: "4-3-2", Title: "経営者が重要視すべき3つのポイント", Body: []string{
				"取締役の善管注意義務違反として、経営者が損害賠償責任を負う場合があります。",
				"ゼロトラストの考え方で、脆弱性を突くゼロデイ攻撃に備えます。",
			}},
		},
	}
}

func smallIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := Build(smallPack())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestTerm(t *testing.T) {
	ix := smallIndex(t)
	tests := []struct {
		query, want string // want "" for kind none
	}{
		{"ゼロトラスト", "ゼロトラスト"},
		{"ぜろとらすと", "ゼロトラスト"},
		{"ゼロトラストって何？", "ゼロトラスト"},
		{"ゼロデイ", "ゼロデイ攻撃"},
		{"ぜろでいこうげき", "ゼロデイ攻撃"},
		{"しーさーと", "CSIRT"},
		{"ｃｓｉｒｔ", "CSIRT"},
		{"computer security incident response team", "CSIRT"},
		{"事業継続計画", "BCP"},
		{"不正侵入防止システム", "IPS"},
		{"ファイヤーウォール", "ファイアウォール"},
		{"ファイアウォーレ", "ファイアウォール"}, // typo
		{"脆弱性", "脆弱性"},
		{"脆弱性診断", "脆弱性診断"},
		{"リスク評価", "リスク評価"},
		{"リスクアセスメント", "リスクアセスメント"},
		{"寿司", ""},
		{"有給休暇", ""},
		{"Kubernetes", ""},
		{"リスク", ""}, // two terms start so: suggestions, not a guess
	}
	for _, tt := range tests {
		ans, err := ix.Term(context.Background(), tt.query)
		if err != nil {
			t.Errorf("Term(%q): %v", tt.query, err)
			continue
		}
		switch {
		case tt.want == "" && ans.Kind != knowledge.KindNone:
			t.Errorf("Term(%q) = %s %v, want none", tt.query, ans.Kind, ans.Term)
		case tt.want != "" && (ans.Kind != knowledge.KindTerm || ans.Term.Name != tt.want):
			t.Errorf("Term(%q) = %s %v (suggestions %q), want term %s", tt.query, ans.Kind, ans.Term, ans.Suggestions, tt.want)
		}
	}
}

func TestTermNoneSuggests(t *testing.T) {
	ix := smallIndex(t)
	ans, err := ix.Term(context.Background(), "リスク")
	if err != nil {
		t.Fatal(err)
	}
	if ans.Kind != knowledge.KindNone || !slices.Contains(ans.Suggestions, "リスク評価") || !slices.Contains(ans.Suggestions, "リスクアセスメント") {
		t.Errorf("Term(リスク) = %s, suggestions %q; want none suggesting both リスク terms", ans.Kind, ans.Suggestions)
	}
}

func TestRelated(t *testing.T) {
	ix := smallIndex(t)
	ans, err := ix.Term(context.Background(), "ゼロデイ攻撃")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(ans.Related, "ゼロデイ攻撃") {
		t.Errorf("related %q names the term itself", ans.Related)
	}
	if len(ans.Related) == 0 || ans.Related[0] != "脆弱性" {
		t.Errorf("related = %q, want 脆弱性 first (the definition uses it)", ans.Related)
	}
	if len(ans.Passages) == 0 || ans.Passages[0].Section != "4-3-2" {
		t.Errorf("passages = %v, want the 4-3-2 passage naming it", ans.Passages)
	}
}

func TestAsk(t *testing.T) {
	ix := smallIndex(t)
	tests := []struct {
		question string
		kind     knowledge.Kind
		want     string // term name or section id
	}{
		{"ゼロトラストって何？", knowledge.KindTerm, "ゼロトラスト"},
		{"What is CSIRT?", knowledge.KindTerm, "CSIRT"},
		{"2025年の崖って何？", knowledge.KindPassage, "4-2-2"},
		{"取締役の善管注意義務", knowledge.KindPassage, "4-3-2"},
		{"寿司", knowledge.KindNone, ""},
		{"有給休暇の申請", knowledge.KindNone, ""},
	}
	for _, tt := range tests {
		ans, err := ix.Ask(context.Background(), tt.question)
		if err != nil {
			t.Errorf("Ask(%q): %v", tt.question, err)
			continue
		}
		got := ""
		switch ans.Kind {
		case knowledge.KindTerm:
			got = ans.Term.Name
		case knowledge.KindPassage:
			got = ans.Passages[0].Section
		}
		if ans.Kind != tt.kind || got != tt.want {
			t.Errorf("Ask(%q) = %s %q, want %s %q", tt.question, ans.Kind, got, tt.kind, tt.want)
		}
	}
}

// TestAnswerJSON checks the JSON contract: passages and suggestions are
// always arrays, a term's aliases and refs too.
func TestAnswerJSON(t *testing.T) {
	ix := smallIndex(t)
	for _, q := range []string{"ゼロトラスト", "寿司", "2025年の崖って何？"} {
		for _, f := range []func(context.Context, string) (knowledge.Answer, error){ix.Term, ix.Ask} {
			ans, err := f(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(ans)
			if strings.Contains(string(b), "null") {
				t.Errorf("%q: JSON has null: %s", q, b)
			}
		}
	}
}

func TestBadQueries(t *testing.T) {
	ix := smallIndex(t)
	tests := []struct {
		q    string
		want error
	}{
		{"", knowledge.ErrEmptyQuery},
		{"   ", knowledge.ErrEmptyQuery},
		{strings.Repeat("あ", knowledge.MaxQueryRunes+1), knowledge.ErrLongQuery},
		{"ゼロ\x00トラスト", knowledge.ErrControlChars},
		{"ゼロ\nトラスト", knowledge.ErrControlChars},
		{"\xff", knowledge.ErrInvalidUTF8},
	}
	for _, tt := range tests {
		for name, f := range map[string]func(context.Context, string) (knowledge.Answer, error){"Term": ix.Term, "Ask": ix.Ask} {
			if _, err := f(context.Background(), tt.q); !errors.Is(err, tt.want) {
				t.Errorf("%s(%q) error = %v, want %v", name, tt.q, err, tt.want)
			}
		}
	}
	// 200 characters are fine.
	if _, err := ix.Term(context.Background(), strings.Repeat("あ", knowledge.MaxQueryRunes)); err != nil {
		t.Errorf("200 characters: %v", err)
	}
}

// TestQuerySyntaxIsText: what looks like Bleve query syntax is searched as
// text, never parsed.
func TestQuerySyntaxIsText(t *testing.T) {
	ix := smallIndex(t)
	for _, q := range []string{`+name:ゼロトラスト -foo`, `definition:*`, `"2025年の崖" AND x`, `/.*/`, `name:CSIRT^10`, `~~~`} {
		for _, f := range []func(context.Context, string) (knowledge.Answer, error){ix.Term, ix.Ask} {
			if _, err := f(context.Background(), q); err != nil {
				t.Errorf("%q: %v", q, err)
			}
		}
	}
	ans, _ := ix.Term(context.Background(), `definition:*`)
	if ans.Kind != knowledge.KindNone {
		t.Errorf("definition:* = %s %v, want none", ans.Kind, ans.Term)
	}
}

func TestSearchFragment(t *testing.T) {
	ix := smallIndex(t)
	hits, err := ix.Search(context.Background(), "2025年の崖って何？", 1)
	if err != nil || len(hits) == 0 {
		t.Fatalf("Search: %v, %d hits", err, len(hits))
	}
	h := hits[0]
	if strings.Contains(h.Passage.Text, "**") {
		t.Errorf("passage text carries highlighting: %q", h.Passage.Text)
	}
	frag := h.Fragment(200, "**", "**")
	if !strings.Contains(frag, "**2025年の崖**") {
		t.Errorf("fragment = %q, want 2025年の崖 highlighted", frag)
	}
	if short := h.Fragment(10, "[", "]"); !strings.HasSuffix(short, "…") {
		t.Errorf("short fragment = %q, want it cut with …", short)
	}
}

// TestConcurrent runs queries from many goroutines while the full-text part
// is still being built (go test -race shows races, where cgo is available).
func TestConcurrent(t *testing.T) {
	ix, err := Build(smallPack())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, q := range []string{"ゼロトラスト", "2025年の崖", "ｃｓｉｒｔ", "寿司", "善管注意義務"} {
				if _, err := ix.Term(context.Background(), q); err != nil {
					t.Error(err)
				}
				if _, err := ix.Ask(context.Background(), q); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestCanceled(t *testing.T) {
	ix := smallIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Ask(ctx, "2025年の崖"); !errors.Is(err, context.Canceled) {
		t.Errorf("Ask with a canceled context: %v", err)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"LockBit2.0", "lockbit20"},
		{"ＮＩＳＴ サイバー", "nistサイバー"},
		{"サイバー・フィジカル", "サイバーフィジカル"},
		{"ぜろ", "ぜろ"},
		{"ﾃﾞｨｰﾄﾞｽ", "ディードス"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStages pins which stage answers what: a regression here means a
// query is now answered by a less certain stage (or a more lenient one).
func TestStages(t *testing.T) {
	ix := smallIndex(t)
	tests := []struct{ query, stage string }{
		{"しーさーと", stageExact},
		{"事業継続計画", stageExact},
		{"ぜろでいこうげき", stageExact},
		{"ゼロデイ", stagePart},
		{"ゼロトラストセキュリティ", stageContains},
		{"ファイアウォーレ", stageTypo},
		{"ネットワーク通信を信用できない領域として扱う考え方", stageDescribe},
		{"寿司", stageNone},
	}
	for _, tt := range tests {
		res, err := ix.resolve(context.Background(), tt.query, true, fullTextAnswer)
		if err != nil {
			t.Fatal(err)
		}
		if res.stage != tt.stage {
			t.Errorf("%q: stage %q, want %q", tt.query, res.stage, tt.stage)
		}
	}
}

// TestEmptyPack: a pack with nothing in it answers none, without errors.
func TestEmptyPack(t *testing.T) {
	ix, err := Build(&knowledge.Pack{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, f := range []func(context.Context, string) (knowledge.Answer, error){ix.Term, ix.Ask} {
		ans, err := f(context.Background(), "ゼロトラストって何？")
		if err != nil || ans.Kind != knowledge.KindNone {
			t.Errorf("answer %v, error %v; want none", ans.Kind, err)
		}
	}
}
