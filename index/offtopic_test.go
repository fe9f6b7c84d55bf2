package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"secbot/knowledge"
)

// derivePack is a small pack whose definitions give names in brackets.
func derivePack() *knowledge.Pack {
	return &knowledge.Pack{
		Terms: []knowledge.Term{
			{Name: "QMS", English: "Quality Management System", Definition: "Quality Management Systemの略。品質を管理する仕組み"},
			{Name: "外部監査", Definition: "外部の監査人が行う監査。品質マネジメントシステム（QMS）の認証審査もその一つ"},
			{Name: "闇サイト", Definition: "違法な情報をやりとりするネット上の場（裏サイト）"},
			{Name: "裏取引", Definition: "表に出ない取引。ネット上の取引所（裏市場）。"},
			{Name: "地下経済", Definition: "統計に現れない経済。違法な取引の場（裏市場）"},
			{Name: "クラウド化", Definition: "社内のシステムをクラウドに移すマイグレーション（migration）と、最初からクラウドで作るクラウドネイティブ（cloud native）がある"},
			{Name: "サプライチェーン", Definition: "原材料の調達から販売までの一連の流れ"},
			{Name: "ブロック暗号", Definition: "データを一定の長さの塊（チェーン）に分けて暗号化する方式"},
		},
		Sections: []knowledge.Section{
			{ID: "4-1-1", Title: "顧客と取引先", Body: []string{
				"生命保険会社や自動車保険の代理店でも、顧客情報の管理が課題になっている。",
				"サイバー攻撃による被害は、取引先にも広がる。",
			}},
			{ID: "4-1-3", Title: "自動化の事例", Body: []string{
				"チャットボットを導入して、問い合わせへの回答を自動化した事例がある。",
			}},
			{ID: "4-1-2", Title: "経済産業省の指針", Body: []string{
				"経済産業省は、中小企業向けの指針を公表している。",
			}},
		},
	}
}

// TestDerivedNames: a name another term's definition gives in brackets
// (品質マネジメントシステム（QMS）), a gloss that ends a term's own defining
// sentence (裏サイト), a katakana word with its Latin spelling (マイグレーション
// （migration）) name the term; a bracket that is part of another name
// (チェーン) names nothing; a gloss two definitions give (裏市場) is
// answered with "did you mean" both.
func TestDerivedNames(t *testing.T) {
	ix, err := Build(derivePack())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	terms := []struct{ query, want string }{
		{"品質マネジメントシステム", "QMS"},
		{"裏サイトとは", "闇サイト"},
		{"マイグレーション", "クラウド化"},
		{"migration", "クラウド化"},
	}
	for _, tt := range terms {
		a, err := ix.Term(ctx, tt.query)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindTerm || a.Term.Name != tt.want {
			t.Errorf("Term(%q) = %s %v (suggestions %q), want %s", tt.query, a.Kind, a.Term, a.Suggestions, tt.want)
		}
	}
	a, err := ix.Term(ctx, "チェーン")
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind == knowledge.KindTerm && a.Term.Name == "ブロック暗号" {
		t.Errorf("Term(チェーン) = ブロック暗号, want no name from 塊（チェーン）")
	}
	a, err = ix.Term(ctx, "裏市場")
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != knowledge.KindNone || !slices.Contains(a.Suggestions, "裏取引") || !slices.Contains(a.Suggestions, "地下経済") {
		t.Errorf("Term(裏市場) = %s %v, suggestions %q; want none suggesting 裏取引 and 地下経済", a.Kind, a.Term, a.Suggestions)
	}
}

// TestOffTopic: a question with a Latin word the pack never uses, or a
// katakana–kanji compound the pack never makes (and whose kanji part it
// never uses alone), is answered none however
// many of its other words match; the words the pack does use still answer.
func TestOffTopic(t *testing.T) {
	ix, err := Build(derivePack())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	none := []string{
		"サイバー補償ってどんなもの？",        // サイバー and 補償 occur, サイバー補償 nowhere
		"Salesforceの顧客情報の管理が課題", // salesforce is nowhere in the pack
		"macOSで取引先の顧客情報を管理",
	}
	for _, q := range none {
		a, err := ix.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindNone {
			t.Errorf("Ask(%q) = %s %+v, want none", q, a.Kind, a.Passages)
		}
	}
	answered := []struct{ q, section string }{
		{"生命保険会社の顧客情報の管理", "4-1-1"},
		{"サイバー攻撃の被害は取引先にも広がる？", "4-1-1"},
		{"QMSの顧客情報の管理", "4-1-1"}, // qms is in the glossary
		{"経産省の指針", "4-1-2"},      // 経産省 is 経済産業省
	}
	for _, tt := range answered {
		a, err := ix.Ask(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindPassage || !strings.HasPrefix(a.Passages[0].Section, tt.section) {
			t.Errorf("Ask(%q) = %s %+v, want %s first", tt.q, a.Kind, a.Passages, tt.section)
		}
	}
}

// TestOrgFolds: the short names of ministries and the agency the text
// cites have the Key of the names the pack writes.
func TestOrgFolds(t *testing.T) {
	for _, p := range [][2]string{{"経産省", "経済産業省"}, {"厚労省の指針", "厚生労働省の指針"}, {"情報処理推進機構", "IPA"}} {
		if Key(p[0]) != Key(p[1]) {
			t.Errorf("Key(%q) = %q, want Key(%q) = %q", p[0], Key(p[0]), p[1], Key(p[1]))
		}
	}
}

// TestQualifiedName: a query that qualifies a short name with words of a
// longer one names the longer (NIST … → NIST サイバーセキュリティフレームワーク),
// on the default pack; the short name alone stays itself.
func TestQualifiedName(t *testing.T) {
	ix := defaultIndex(t)
	ctx := context.Background()
	for _, tt := range []struct{ query, want string }{
		{"NISTが作ったフレームワーク", "NIST サイバーセキュリティフレームワーク"},
		{"フレームワーク", "フレームワーク"},
		{"情報セキュリティマネジメントシステムとは", "ISMS"},
		{"デジタイゼーション", "デジタル化"},
		{"Confidentiality", "機密性"},
	} {
		a, err := ix.Term(ctx, tt.query)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindTerm || a.Term.Name != tt.want {
			t.Errorf("Term(%q) = %s %v (suggestions %q), want %s", tt.query, a.Kind, a.Term, a.Suggestions, tt.want)
		}
	}
}

// TestSoundKeys: a loanword and its English spelling, or a Latin name and
// its katakana, have one sound key; words that only look alike do not.
func TestSoundKeys(t *testing.T) {
	same := [][2]string{
		{"malware", "マルウェア"}, {"software", "ソフトウェア"}, {"computer", "コンピューター"},
		{"dark web", "ダークウェブ"}, {"security hole", "セキュリティホール"}, {"Fortinet", "フォーティネット"},
	}
	for _, p := range same {
		if l, k := latinSoundKey(p[0]), kanaSoundKey(p[1]); l != k || len(l) < minSoundKey {
			t.Errorf("latinSoundKey(%q) = %q, kanaSoundKey(%q) = %q: want the same, %d consonants or more", p[0], l, p[1], k, minSoundKey)
		}
	}
	if l, k := latinSoundKey("forensic"), kanaSoundKey("フォレンジック"); l == k {
		t.Logf("forensic and フォレンジック now meet (%q): update the README", l)
	}
	for _, s := range []string{"認証", "ゼロ信頼"} {
		if k := kanaSoundKey(s); k != "" {
			t.Errorf("kanaSoundKey(%q) = %q, want \"\" (not katakana)", s, k)
		}
	}
	ix, err := Build(derivePack())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	for _, tt := range []struct{ query, want string }{
		{"supply chain", "サプライチェーン"},
		{"QMSとは", "QMS"},
		{"password", ""}, // no term is パスワード
		{"NFT", ""},      // an acronym, said letter by letter
	} {
		a, err := ix.Term(ctx, tt.query)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if a.Kind == knowledge.KindTerm {
			got = a.Term.Name
		}
		if got != tt.want {
			t.Errorf("Term(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}
