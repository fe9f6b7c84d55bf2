package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"secbot/knowledge"
)

// TestVariantFolds: the kanji spelling of a word that official writing
// puts part in kana (交ぜ書き) has the Key of the kana spelling, and the fold
// does not run backwards (受けたい stays as typed).
func TestVariantFolds(t *testing.T) {
	same := [][2]string{
		{"改竄", "改ざん"}, {"データの改竄", "データの改ざん"},
		{"情報漏洩", "情報漏えい"}, {"信用毀損", "信用き損"}, {"任務懈怠", "任務けたい"},
		{"隠蔽", "隠ぺい"}, {"補填", "補てん"}, {"捏造", "ねつ造"}, {"逼迫", "ひっ迫"},
	}
	for _, p := range same {
		if Key(p[0]) != Key(p[1]) {
			t.Errorf("Key(%q) = %q, want Key(%q) = %q", p[0], Key(p[0]), p[1], Key(p[1]))
		}
	}
	if got := Key("受けたい"); got != "受ケタイ" {
		t.Errorf("Key(受けたい) = %q, want 受ケタイ", got)
	}
	// The tokens of a folded word point at the word as typed.
	text := "データ改竄の例"
	for _, tok := range tokenize(text) {
		if tok.start < 0 || tok.end > len(text) || tok.start >= tok.end {
			t.Fatalf("token %q has offsets %d…%d in %q", tok.term, tok.start, tok.end, text)
		}
		if strings.ContainsRune(tok.term, 'ザ') && text[tok.start:tok.end] != "改竄" && text[tok.start:tok.end] != "改竄の" {
			t.Errorf("token %q spans %q, want the word 改竄", tok.term, text[tok.start:tok.end])
		}
	}
}

// TestStems: every form of a verb or adjective written with one kanji
// gives one token, the kanji, in queries and in indexed text; a noun before
// a particle keeps its bigram; a compound's last kanji gives the stem only
// in indexed text (取組む meets 取り組む), never before する or な.
func TestStems(t *testing.T) {
	has := func(toks []token, term string) bool {
		for _, t := range toks {
			if t.term == term {
				return true
			}
		}
		return false
	}
	for _, s := range []string{"パスワードを盗む", "パスワードを盗んだ", "パスワードが盗まれる", "情報を盗み出す", "盗まれた情報"} {
		if !has(tokenize(s), "盗") || !has(textTokens(s), "盗") {
			t.Errorf("%s: no stem 盗 (%v)", s, tokenize(s))
		}
	}
	for _, tt := range []struct {
		text, term string
		query, idx bool
	}{
		{"人の情報", "人ノ", true, true},      // a noun before a particle keeps its bigram
		{"人の情報", "人", false, false},     // and gives no stem
		{"2025年の崖で", "崖", false, false}, // で is a particle here
		{"DXに取組んでいる", "組ン", true, true},
		{"DXに取組んでいる", "組", false, true}, // the indexed text meets 取り組んで
		{"DXに取り組んでいる", "組", true, true},
		{"人材が不足している", "足", false, false}, // 不足する is a noun with する
		{"具体的な手順", "的", false, false},
	} {
		if got := has(tokenize(tt.text), tt.term); got != tt.query {
			t.Errorf("tokenize(%q) has %s = %v, want %v", tt.text, tt.term, got, tt.query)
		}
		if got := has(textTokens(tt.text), tt.term); got != tt.idx {
			t.Errorf("textTokens(%q) has %s = %v, want %v", tt.text, tt.term, got, tt.idx)
		}
	}
	for _, tok := range tokenize("何て言われてる") {
		if tok.term == "言" && !tok.weak {
			t.Error("言 in a question's phrasing is not weak")
		}
	}
}

// TestGrammarTokens: in a question that mixes scripts, bigrams inside a
// hiragana stretch (どういう, すればいい) count for nothing, those leaving it
// are weak, okurigana keep their weight (as the stem of the kanji before
// them, see TestStems); a query all in hiragana is content.
func TestGrammarTokens(t *testing.T) {
	kinds := func(s string) map[string]string {
		out := map[string]string{}
		for _, tok := range tokenize(s) {
			switch {
			case tok.grammar:
				out[tok.term] = "grammar"
			case tok.weak:
				out[tok.term] = "weak"
			default:
				out[tok.term] = "content"
			}
		}
		return out
	}
	tests := []struct {
		text  string
		want  map[string]string
		grams int // how many grammar tokens, at least
	}{
		{"守りのIT投資はどういう手順で進めればいい", map[string]string{
			"守": "content", "投資": "content", "手順": "content", "進": "content",
			"ドウ": "grammar", "イウ": "grammar", "バイ": "grammar", "ウ手": "weak"}, 5},
		{"セキュリティ対策でリスクはどこまで減らせる", map[string]string{
			"対策": "content", "リス": "content", "ドコ": "grammar", "コマ": "grammar"}, 2},
		{"ぜろとらすと", map[string]string{"ゼロ": "content"}, 0},
		{"どういう", map[string]string{"ドウ": "content"}, 0},
	}
	for _, tt := range tests {
		got := kinds(tt.text)
		for term, want := range tt.want {
			if got[term] != want {
				t.Errorf("tokenize(%q): %s is %q, want %q (%v)", tt.text, term, got[term], want, got)
			}
		}
		n := 0
		for _, k := range got {
			if k == "grammar" {
				n++
			}
		}
		if n < tt.grams {
			t.Errorf("tokenize(%q): %d grammar tokens, want at least %d (%v)", tt.text, n, tt.grams, got)
		}
		if tokenWeight(token{grammar: true, weak: true}) != 0 {
			t.Error("a grammar token has weight")
		}
	}
}

// TestICVariant: the -ics and -ic katakana spellings of an English word
// meet; nothing else changes.
func TestICVariant(t *testing.T) {
	tests := []struct{ in, want string }{
		{Key("フォレンジクス"), Key("フォレンジック")},
		{Key("フォレンジックス"), Key("フォレンジック")},
		{Key("グラフィックス"), Key("グラフィック")},
		{Key("フォレンジック"), ""},
		{Key("ボックス"), ""}, // too short to be a stem + ックス
		{Key("クス"), ""},
		{Key("ゼロトラスト"), ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := icVariant(tt.in); got != tt.want {
			t.Errorf("icVariant(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripConversationalWrappers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ゼロトラストについて知りたいです", "ゼロトラスト"},
		{"ゼロトラストって何のこと？", "ゼロトラスト"},
		{"CSIRTってどんなもの？", "CSIRT"},
		{"EDRとは何でしょうか", "EDR"},
	}
	for _, tt := range tests {
		if got := stripWrappers(tt.in); got != tt.want {
			t.Errorf("stripWrappers(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRulesOnDefaultPack runs the rules above through Term and Ask on the
// default pack: variant spellings, katakana aliases of Latin names (from
// knowledge/default/overrides.yaml), the -ics ending, and questions padded
// with conversational filler. The questions here are not those of the
// holdout set.
func TestRulesOnDefaultPack(t *testing.T) {
	ix := defaultIndex(t)
	ctx := context.Background()
	terms := []struct{ query, want string }{
		{"データの改竄とは", "改ざん"},
		{"フォレンジックスとは", "フォレンジック"},
		{"防火壁とは", "ファイアウォール"},
		{"ソサエティ5.0って何？", "Society 5.0"},
		{"セキュリティアクションについて教えて", "SECURITY ACTION"},
		{"フォーティネット", "Fortinet"},
		{"ゼロトラストについて知りたいです", "ゼロトラスト"},
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
	asks := []struct{ question, section string }{
		{"攻めのIT投資はどういう手順で進めればいい？", "4-2-4"},
		{"2025年の崖を越えるにはどうすればいい？", "4-2-2"},
		{"経営者はどこまで責任を負う？", "4-3-2"},
	}
	for _, tt := range asks {
		a, err := ix.Ask(ctx, tt.question)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindPassage || !strings.HasPrefix(a.Passages[0].Section, tt.section) {
			t.Errorf("Ask(%q) = %s %+v, want %s first", tt.question, a.Kind, a.Passages, tt.section)
		}
	}
	// A description asked as a recollection (…ってあったよね, …ありましたっけ)
	// names its term, even where a figure's caption and source share its
	// words (図25 and IPA「中小企業の情報セキュリティ対策ガイドライン」).
	for _, q := range []string{"中小企業向けのセキュリティ対策の宣言制度ってあったよね", "中小企業向けのセキュリティ対策の宣言制度ってありましたっけ"} {
		a, err := ix.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindTerm || a.Term.Name != "SECURITY ACTION" {
			t.Errorf("Ask(%q) = %s %v %+v, want SECURITY ACTION", q, a.Kind, a.Term, a.Passages)
		}
	}
	// An abbreviation asked alone: the passage that spells it out, not
	// the caption and source of 図22 (DXレポート…DXの本格的な展開).
	for _, q := range []string{"DXってなに？", "DXって何の略ですか"} {
		a, err := ix.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindPassage || !strings.Contains(a.Passages[0].Text, "デジタルトランスフォーメーション（DX）") {
			t.Errorf("Ask(%q) = %s %+v, want the passage spelling DX out first", q, a.Kind, a.Passages)
		}
	}
	// A term named as a verb (暗号化されて) is what happens in the
	// description, not its answer; a term that is not the kind of thing
	// described (…攻撃: 暗号化 is no attack) is no "もしかして" of it.
	for q, want := range map[string]string{
		"会社のPCが勝手に暗号化されて身代金を要求されたら、それは何の被害？": "ランサムウェア",
		"PCのファイルが勝手に暗号化されて身代金を要求される攻撃":       "ランサムウェア",
		"パスワードを何回も試して当てる攻撃って何て言うんだっけ":        "",
		// A name qualifying what is asked for (Wi-Fiのパスワード) is not
		// the topic: a request, not a question on 無線LAN; its aspects
		// (の役割, の考え方) keep it the topic.
		"うちの会社のwifiのパスワード教えて": "",
		"社内のWi-Fiのパスワードって何？":  "",
		"CSIRTの役割は？":          "CSIRT",
	} {
		a, err := ix.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got := answerName(a); got != want {
			t.Errorf("Ask(%q) = %s %q, want %q", q, a.Kind, got, want)
		}
	}
}

// TestHeadWord: the head of a description is its last word when the text
// ends on it.
func TestHeadWord(t *testing.T) {
	for core, want := range map[string]string{
		"ソフトの弱点が見つかって、まだ修正が出てないうちに狙われる攻撃": Key("攻撃"),
		"データを読めない形に変えること":                 "",
		"ウイルス対策やファイアウォールなどがひとつの箱にまとまった機器": Key("機器"),
	} {
		if got := headWord(core); got != want {
			t.Errorf("headWord(%q) = %q, want %q", core, got, want)
		}
	}
}

// TestNamesHead: a term's name ends with the head of a description when a
// word of the name ends with it (ビッグデータ, ゼロデイ攻撃), not when it is
// only inside one (エンドポイントデバイス holds ポイント).
func TestNamesHead(t *testing.T) {
	ix := defaultIndex(t)
	find := func(name string) int {
		for i, e := range ix.terms {
			if e.term.Name == name {
				return i
			}
		}
		t.Fatalf("no term %s", name)
		return -1
	}
	for _, tt := range []struct {
		term, core string
		want       bool
	}{
		{"ビッグデータ", "全体をつかみきれないほど、ものすごく量が多いデータ", true},
		{"ゼロデイ攻撃", "まだ修正が出てないうちに狙われる攻撃", true},
		{"エンドポイントデバイス", "経営者が重要視すべきポイント", false},
		{"ビッグデータ", "データを読めない形に変えること", false},
	} {
		if got := ix.namesHead(find(tt.term), tt.core); got != tt.want {
			t.Errorf("namesHead(%s, %q) = %v, want %v", tt.term, tt.core, got, tt.want)
		}
	}
}

// TestVerbAfterNoun: a kanji with okurigana right after a compound is a
// word of its own, in words and in the compounds of the vocabulary; a
// compound with する or a particle stays whole.
func TestVerbAfterNoun(t *testing.T) {
	for _, tt := range []struct{ text, has, hasNot string }{
		{"21年以上使っている基幹システム", "年以上", "年以上使"},
		{"人材が不足している", "不足", "不"},
		{"DXに取組んでいる", "取組", "取"},
	} {
		ws := words(tt.text)
		if !slices.Contains(ws, Key(tt.has)) || slices.Contains(ws, Key(tt.hasNot)) {
			t.Errorf("words(%q) = %v, want %s and no %s", tt.text, ws, tt.has, tt.hasNot)
		}
	}
	if ws := newVocabulary().compoundWords("21年以上使っている"); !slices.Contains(ws, Key("年以上")) {
		t.Errorf("compoundWords: %v", ws)
	}
}

// TestKanaInKeywords: a word typed in hiragana in a mixed description
// (いつでも) counts when a keyword holds it and the chapter hardly uses it;
// grammar (ようにしておく) never counts against a term.
func TestKanaInKeywords(t *testing.T) {
	ix := defaultIndex(t)
	score := func(q, term string) float64 {
		for _, c := range ix.describer.rank(tokenize(q), nil) {
			if ix.terms[c.term].term.Name == term {
				return c.score
			}
		}
		return 0
	}
	with, without := score("サーバがいつでも使える状態", "可用性"), score("サーバが使える状態", "可用性")
	if with <= without {
		t.Errorf("いつでも adds nothing to 可用性: %.3f vs %.3f", with, without)
	}
}

// TestOnlyNamed: a message naming one term beside a question of generic
// words (何をするもの, どういう考え方) is answered with that term; a name
// glued inside a longer katakana word, or qualifying the topic asked
// about, is not named.
func TestOnlyNamed(t *testing.T) {
	ix := defaultIndex(t)
	a, err := ix.Ask(context.Background(), "部長の資料にEDRって書いてあったんですが、何をする製品なんですか")
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != knowledge.KindTerm || a.Term == nil || a.Term.Name != "EDR" {
		t.Errorf("EDR in a background clause: got %s %+v", a.Kind, a.Term)
	}
	for _, q := range []string{"メールアドレスの書き方を教えて", "社内のVPNの設定って何でしたっけ"} {
		if got := ix.onlyNamed(q, nil); got >= 0 {
			t.Errorf("onlyNamed(%q) = %s, want none", q, ix.terms[got].term.Name)
		}
	}
}

// TestNameHints: a description that says how many letters the
// abbreviation has, or how the name starts (ゼロ何とか, ぜい…なんとか),
// allows only the terms that fit.
func TestNameHints(t *testing.T) {
	ix := defaultIndex(t)
	byName := map[string]int{}
	for i, e := range ix.terms {
		byName[e.term.Name] = i
	}
	cases := []struct {
		msg      string
		yes, not []string
	}{
		{"略語で、アルファベット3文字のほう", []string{"ICT", "RPA", "EDR"}, []string{"AI", "VPN サービス", "ランサムウェア"}},
		{"英字2文字のやつ", []string{"AI"}, []string{"ICT"}},
		{"ゼロ何とかっていう攻撃", []string{"ゼロデイ攻撃", "ゼロトラスト"}, []string{"脆弱性"}},
		{"穴のこと、ぜいなんとか", []string{"脆弱性"}, []string{"ゼロデイ攻撃"}},
	}
	for _, c := range cases {
		allowed, ok := ix.nameHints(c.msg)
		if !ok {
			t.Errorf("nameHints(%q): no hint", c.msg)
			continue
		}
		for _, n := range c.yes {
			if i, found := byName[n]; found && !allowed[i] {
				t.Errorf("nameHints(%q) leaves out %s", c.msg, n)
			}
		}
		for _, n := range c.not {
			if i, found := byName[n]; found && allowed[i] {
				t.Errorf("nameHints(%q) allows %s", c.msg, n)
			}
		}
	}
	if _, ok := ix.nameHints("なんとかしたいです"); ok {
		t.Error("なんとかしたい is no hint on a name")
	}
}

// TestCutNaming: the words asking for a name are cut from a passage query.
func TestCutNaming(t *testing.T) {
	for q, want := range map[string]string{
		"攻めのIT投資って別の言い方だと何て呼ばれてる": "攻めのIT投資",
		"この仕組みの正式な名前は":            "この仕組み",
		"クラウドの別名":                 "クラウド",
		"DXとは何か":                  "DXとは何か",
	} {
		if got := cutNaming(q); got != want {
			t.Errorf("cutNaming(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestOtherWord: two adjacent kanji replaced are another word, not a typo.
func TestOtherWord(t *testing.T) {
	if !otherWord([]rune("セキュリティ対策"), "セキュリティ戦略") {
		t.Error("対策 for 戦略 is another word")
	}
	if otherWord([]rune("ファイアーウォール"), "ファイヤーウォール") || otherWord([]rune("情報漏洩"), "情報漏れい") {
		t.Error("kana or one kanji differing may be a typo")
	}
}
