package seminar

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"secbot/knowledge"
)

// glossaryNames are the 82 headwords of the glossary, in its order.
var glossaryNames = []string{
	"AI", "BCP", "CSIRT", "DDoS攻撃", "EDR", "Fortinet", "ICSCoE中核人材育成プログラム", "ICT",
	"IoT", "IPS", "IPアドレス", "ISMS", "ITリテラシー", "LockBit2.0", "NIST サイバーセキュリティフレームワーク",
	"RPA", "SASE", "SDP", "SECURITY ACTION", "Society 5.0", "SWG", "UTM", "VPN", "WAF", "アクセス制御",
	"アセスメント", "暗号化", "アンダーグラウンドサービス", "インターネットバンキング", "ウイルス定義ファイル",
	"エンドポイントデバイス", "改ざん", "可用性", "完全性", "機密性", "クラッキング", "個人情報保護委員会",
	"サイバー攻撃", "サイバーセキュリティお助け隊サービス制度", "サイバーセキュリティ戦略",
	"サイバー・フィジカル・セキュリティ対策フレームワーク", "サプライチェーン", "情報資産", "情報セキュリティの3要素",
	"真正性", "信頼性", "スクリーンロック", "脆弱性", "脆弱性診断", "責任追跡性", "セキュリティインシデント",
	"セキュリティ・キャンプ", "セキュリティホール", "セキュリティポリシー", "ゼロデイ攻撃", "ゼロトラスト",
	"ソリューション", "ダークウェブ", "多要素認証", "データサイエンス", "デジタル化", "デジタル情報", "内部監査",
	"ビジネスメール詐欺", "ビッグデータ", "否認防止性", "標的型攻撃", "標的型メール攻撃", "ファイアウォール",
	"不正アクセス", "踏み台", "フォレンジック", "ブラックマーケット", "フレームワーク", "ブロックチェーン",
	"ベストプラクティス", "マルウェア", "無線LAN", "ランサムウェア", "リスクアセスメント", "リスク評価",
	"リモートデスクトップ接続",
}

func TestAllTerms(t *testing.T) {
	p := importSource(t)
	var got []string
	for _, term := range p.Terms {
		got = append(got, term.Name)
	}
	if !slices.Equal(got, glossaryNames) {
		t.Errorf("terms:\n got %q\nwant %q", got, glossaryNames)
	}
	if len(got) != 82 {
		t.Errorf("%d terms, want 82", len(got))
	}
}

// jaSpace is a space between two Japanese characters: a PDF artefact.
var jaSpace = regexp.MustCompile(`[\p{Han}\p{Hiragana}\p{Katakana}ー、。「」（）] +[\p{Han}\p{Hiragana}\p{Katakana}ー、。「」（）]`)

func TestDefinitionsClean(t *testing.T) {
	p := importSource(t)
	for _, term := range p.Terms {
		if term.Definition == "" {
			t.Errorf("%s: empty definition", term.Name)
		}
		if len(term.Refs) == 0 {
			t.Errorf("%s: no refs", term.Name)
		}
		for _, s := range append([]string{term.Name, term.Definition}, term.Aliases...) {
			for _, bad := range []string{"…", "図❷", "図❸", "第4章", "用語集", "■", "\n", "  "} {
				if strings.Contains(s, bad) {
					t.Errorf("%s: %q holds %q", term.Name, s, bad)
				}
			}
			if m := jaSpace.FindString(s); m != "" {
				t.Errorf("%s: stray space %q in %q", term.Name, m, s)
			}
			if s != strings.TrimSpace(s) {
				t.Errorf("%s: %q is not trimmed", term.Name, s)
			}
		}
		for _, r := range term.Refs {
			if !regexp.MustCompile(`^(\d+-\d+-\d+|第.回コラム)$`).MatchString(r) {
				t.Errorf("%s: odd ref %q", term.Name, r)
			}
		}
	}
}

func TestHardEntries(t *testing.T) {
	p := importSource(t)
	tests := []struct {
		name       string
		reading    string
		aliases    []string
		english    string
		defPrefix  string
		defSuffix  string
		refs       []string
		defHolds   []string
		defLacking []string
	}{
		{name: "DDoS攻撃", reading: "ディードスこうげき", english: "Distributed Denial of Service Attack",
			defPrefix: "Distributed Denial of Service Attackの略。攻撃者が複数のコンピュータを操作し、標的となる",
			defSuffix: "サービスを利用できなくする攻撃手法", refs: []string{"2-2-2", "2-2-5", "第一回コラム"}},
		{name: "CSIRT", reading: "シーサート", english: "Computer Security Incident Response Team", refs: []string{"2-1-3"}},
		{name: "IoT", reading: "アイ・オー・ティー", aliases: []string{"モノのインターネット"}, english: "Internet of Things",
			refs: []string{"1-1-1", "2-1-2", "2-2-2", "4-1-1", "4-2-5"}},
		{name: "WAF", reading: "ワフ", english: "Web Application Firewall",
			defPrefix: "Web Application Firewallの略。従来のファイアウォールが", refs: []string{"2-2-2"}},
		{name: "SASE", reading: "サシー", english: "Secure Access Service Edge"},
		{name: "ICT", english: "Information and Communication Technology",
			defPrefix: "Information and Communication Technologyの略。IT（情報技術）だけでなく", refs: []string{"4-1-2"}},
		{name: "IPS", aliases: []string{"不正侵入防止システム"}, english: "Intrusion Prevention System",
			defSuffix: "管理者に通知するだけではなく、その通信を遮断する", refs: []string{"2-2-2", "3-4-2"}},
		{name: "IPアドレス", aliases: []string{"アドレス"},
			defPrefix: "コンピュータをネットワークで接続するために",
			defHolds:  []string{"こと。IPアドレスは、127.0.0.1のように", "IPv4（アイ・ピー・ブイフォー）と呼ばれている"},
			defSuffix: "情報セキュリティ機能の追加などの改良も加えられている", refs: []string{"2-3-1"}},
		{name: "VPN", english: "Virtual Private Network", defSuffix: "安全な通信を行うことができる",
			refs: []string{"2-1-3", "2-2-2", "2-2-5", "2-3-1", "2-3-2", "2-3-3"}},
		{name: "LockBit2.0", defPrefix: "「Your files are encrypted by LockBit」というメッセージを表示させ",
			defSuffix: "拡張子が「.LockBit」に変更される", refs: []string{"2-3-2"}},
		{name: "NIST サイバーセキュリティフレームワーク", aliases: []string{"CSF"}, refs: []string{"3-3-1"}},
		{name: "Society 5.0", defSuffix: "人間中心の社会（Society）", refs: []string{"1-1-1"}},
		{name: "多要素認証", defSuffix: "近年ではFIDO2と呼ばれる、デバイスを使用したパスキーによる認証により、パスワードレスでの認証が広まっている",
			refs: []string{"2-2-5", "2-3-3"}},
		{name: "ICSCoE中核人材育成プログラム",
			defHolds: []string{"（Industrial Cyber Security Center of Excellence, ICSCoE）", "（OT：Operational Technology）"}},
		{name: "情報セキュリティの3要素", aliases: []string{"CIA"},
			defHolds: []string{"機密性（Confidentiality）、完全性（Integrity）、可用性（Availability）"}, refs: []string{"第一回コラム"}},
		{name: "ウイルス定義ファイル", aliases: []string{"パターンファイル"}, refs: []string{"3-2-2", "3-2-3"}},
		{name: "サイバー・フィジカル・セキュリティ対策フレームワーク", aliases: []string{"CPSF"}},
		{name: "アンダーグラウンドサービス", defPrefix: "合法ではない非公式な活動"},
		{name: "サイバーセキュリティお助け隊サービス制度", defSuffix: "各種サービスをワンパッケージで安価に提供するサービス"},
		{name: "ビジネスメール詐欺", aliases: []string{"BEC", "ベック"}, english: "Business Email Compromise",
			defSuffix: "BEC（ベック）Business Email Compromiseとも略される"},
		{name: "セキュリティインシデント", aliases: []string{"インシデント"},
			refs: []string{"2-1-1", "2-1-2", "2-1-3", "2-2-1", "4-1-1", "5-1-1", "5-1-2"}},
		{name: "フレームワーク", aliases: []string{"サイバーセキュリティフレームワーク"}, refs: []string{"2-2-4", "3-3-1"}},
		{name: "フォレンジック", aliases: []string{"デジタル・フォレンジック", "コンピュータ・フォレンジック"}},
		{name: "BCP", aliases: []string{"事業継続計画"}, english: "Business Continuity Plan"},
		{name: "EDR", english: "Endpoint Detection and Response", refs: []string{"2-2-4", "2-2-5", "3-1-1", "3-4-1"}},
		{name: "ISMS", english: "Information Security Management System",
			defHolds: []string{"ISO/IEC 27001（国内規格はJIS Q 27001）"}},
		{name: "無線LAN", defPrefix: "LAN は Local Area Network の略。物理的な"},
		{name: "ゼロトラスト", refs: []string{"2-2-4", "4-1-3"}},
		{name: "暗号化", refs: []string{"2-1-3", "2-2-1", "2-2-5", "2-3-2", "3-2-3", "3-3-1", "第一回コラム"}},
		{name: "可用性", refs: []string{"第一回コラム"}},
		{name: "脆弱性", refs: []string{"2-1-1", "2-1-3", "2-2-1", "2-2-2", "2-2-4", "2-2-5", "2-3-1", "2-3-2", "2-3-3", "3-3-1", "第一回コラム"}},
		{name: "ソリューション", refs: []string{"2-2-5"}},
		{name: "サイバー攻撃", defSuffix: "サイバー戦争と呼ぶこともある。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term, ok := p.Term(tt.name)
			if !ok {
				t.Fatalf("no term %q", tt.name)
			}
			if term.Reading != tt.reading {
				t.Errorf("reading = %q, want %q", term.Reading, tt.reading)
			}
			for _, a := range tt.aliases {
				if !slices.Contains(term.Aliases, a) {
					t.Errorf("aliases = %q, want %q among them", term.Aliases, a)
				}
			}
			if tt.english != "" && term.English != tt.english {
				t.Errorf("english = %q, want %q", term.English, tt.english)
			}
			if !strings.HasPrefix(term.Definition, tt.defPrefix) {
				t.Errorf("definition = %q, want prefix %q", term.Definition, tt.defPrefix)
			}
			if !strings.HasSuffix(term.Definition, tt.defSuffix) {
				t.Errorf("definition = %q, want suffix %q", term.Definition, tt.defSuffix)
			}
			for _, s := range tt.defHolds {
				if !strings.Contains(term.Definition, s) {
					t.Errorf("definition = %q, want it to hold %q", term.Definition, s)
				}
			}
			if tt.refs != nil && !slices.Equal(term.Refs, tt.refs) {
				t.Errorf("refs = %q, want %q", term.Refs, tt.refs)
			}
		})
	}
}

func TestNoReadingForPlainNames(t *testing.T) {
	p := importSource(t)
	for _, term := range p.Terms {
		if term.Reading != "" && !hasLatin(term.Name) {
			t.Errorf("%s: reading %q for a name with no Latin letters", term.Name, term.Reading)
		}
	}
}

func TestSections(t *testing.T) {
	p := importSource(t)
	want := []struct{ id, title string }{
		{"4", "企業経営で重要となるIT投資と投資としてのサイバーセキュリティ対策"},
		{"4-1", "これからの企業経営で必要な観点：社会の動向"},
		{"4-1-1", "現実社会とサイバー空間の繋がり"},
		{"4-1-2", "IT活用における課題"},
		{"4-2", "守りのIT投資と攻めのIT投資"},
		{"4-2-1", "守りのIT投資、攻めのIT投資の概要"},
		{"4-2-2", "経済産業省のDXレポートから見る、「攻めのIT」に取組む方針について"},
		{"4-2-3", "ITを活用した生産性の向上（デジタルオプティマイゼーション）"},
		{"4-2-4", "ITを活用した新たなビジネスの展開（デジタルトランスフォーメーション）"},
		{"4-2-5", "次世代技術を活用したビジネス展開"},
		{"4-3", "経営投資としてのサイバーセキュリティ対策"},
		{"4-3-1", "サイバーセキュリティ対策の重要性"},
		{"4-3-2", "経営者が重要視すべき3つのポイント"},
		{"編集後記", "編集後記"},
	}
	if len(p.Sections) != len(want) {
		var ids []string
		for _, s := range p.Sections {
			ids = append(ids, s.ID)
		}
		t.Fatalf("sections %q, want %d", ids, len(want))
	}
	for i, w := range want {
		s := p.Sections[i]
		if s.ID != w.id || s.Title != w.title {
			t.Errorf("section %d = %s %q, want %s %q", i, s.ID, s.Title, w.id, w.title)
		}
		if strings.Count(w.id, "-") == 2 && len(s.Body) == 0 {
			t.Errorf("section %s has no body", s.ID)
		}
	}
}

// inSection reports whether section id of p holds text in any field.
func inSection(p *knowledge.Pack, id, text string) bool {
	s, _ := p.Section(id)
	for _, f := range [][]string{s.Body, s.Figures, s.Lists, s.Cases, s.Citations, s.Sources} {
		for _, x := range f {
			if strings.Contains(x, text) {
				return true
			}
		}
	}
	return false
}

func TestPlacement(t *testing.T) {
	p := importSource(t)
	tests := []struct{ id, text string }{
		// The 2025年の崖 page's heading comes last: the page is 4-2-2.
		{"4-2-2", "「2025年の崖」とは、経済産業省が2018年に発表した"},
		{"4-2-2", "[10]:経済産業省."},
		// The unnumbered DX page continues 4-1-2.
		{"4-1-2", "日本でDXに取組んでいる企業の割合は"},
		{"4-1-2", "図19. DXの取組状況"},
		{"4-1-2", "図20. DXの取組の成果"},
		{"4-1-1", "図17. インターネット利用率（個人）の推移"},
		{"4-2-4", "[11]:経済産業省."},
		{"4-2-4", "dx-chushoguidebook/tebiki2-0.pdf"},
		{"4-2-5", "生成AIとは、様々なコンテンツを生成することができるAIのことです。"},
		{"4-3-1", "https://www.cybersecurity.metro.tokyo.lg.jp/security/guidebook/201/index.html"},
		{"4-3-2", "会社法の第三者責任や民法の不法行為責任が認められると"},
		{"4", "第4章では、これからの企業経営で必要な観点となる社会の動向、「守りのIT投資」や"},
		{"編集後記", "セミナー2日目では、現代社会の急速な変化の中で企業経営に必要とされるIT活用の重要性"},
	}
	for _, tt := range tests {
		if !inSection(p, tt.id, tt.text) {
			t.Errorf("section %s lacks %q", tt.id, tt.text)
		}
	}
	for _, s := range p.Sections {
		for _, f := range [][]string{{s.Title}, s.Body, s.Figures, s.Lists, s.Cases, s.Citations, s.Sources} {
			for _, x := range f {
				for _, bad := range []string{"第4章 –", "第4章.", "用語集", "■"} {
					if strings.Contains(x, bad) {
						t.Errorf("section %s: %q holds %q", s.ID, x, bad)
					}
				}
			}
		}
	}
}

func TestSectionParts(t *testing.T) {
	p := importSource(t)
	s, _ := p.Section("4-2-5")
	if len(s.Cases) != 2 || !strings.HasPrefix(s.Cases[0], "事例1：") || !strings.Contains(s.Cases[0], "地域のDX推進事業をビジネスとすることを目指しています。") {
		t.Errorf("4-2-5 cases = %q", s.Cases)
	}
	s, _ = p.Section("4-2-3")
	if len(s.Cases) != 1 || !strings.Contains(s.Cases[0], "東京のオフィスに通勤していましたが") || !strings.Contains(s.Cases[0], "完全テレワークが実現しました。") {
		t.Errorf("4-2-3 cases = %q", s.Cases)
	}
	s, _ = p.Section("4-1-2")
	if !slices.Contains(s.Citations, "[9]:総務省.”情報通信白書令和３年版”. https://www.soumu.go.jp/johotsusintokei/whitepaper/ja/r03/pdf/01honpen.pdf, (2023-07-25).") {
		t.Errorf("4-1-2 citations = %q", s.Citations)
	}
	s, _ = p.Section("4-2-2")
	if !slices.Contains(s.Lists, "DX人材の育成・確保") || !slices.Contains(s.Sources, "（出典）経済産業省「DXレポート～ITシステム「2025年の崖」の克服とDXの本格的な展開～」を基に作成") {
		t.Errorf("4-2-2 lists %q sources %q", s.Lists, s.Sources)
	}
	s, _ = p.Section("4")
	if !slices.Contains(s.Lists, "経営投資としてのサイバーセキュリティ対策の重要性を理解すること") {
		t.Errorf("4 lists = %q", s.Lists)
	}
}

// joinedSource is the vendored text with every line joined the way the
// importer joins wrapped lines (blank lines dropped).
func joinedSource(t *testing.T) string {
	data, err := os.ReadFile(source)
	if err != nil {
		t.Fatal(err)
	}
	return squeeze(joinLines(strings.Split(string(data), "\n")), false)
}

func TestTips(t *testing.T) {
	p := importSource(t)
	src := joinedSource(t)
	if len(p.Tips) < 10 {
		t.Errorf("%d tips, want at least 10", len(p.Tips))
	}
	ids := map[string]bool{}
	for _, tip := range p.Tips {
		if ids[tip.ID] {
			t.Errorf("tip id %s twice", tip.ID)
		}
		ids[tip.ID] = true
		if !regexp.MustCompile(`^4-3-[12]-\d\d$`).MatchString(tip.ID) || !strings.HasPrefix(tip.ID, tip.Section+"-") {
			t.Errorf("tip %s: odd id for section %s", tip.ID, tip.Section)
		}
		if n := utf8.RuneCountInString(tip.Body); n > MaxTipRunes || n == 0 {
			t.Errorf("tip %s: %d characters", tip.ID, n)
		}
		if tip.Title == "" || runes(tip.Title) > 40 {
			t.Errorf("tip %s: title %q", tip.ID, tip.Title)
		}
		for _, line := range strings.Split(tip.Body, "\n") {
			for _, s := range splitSentences(line) {
				if !strings.Contains(src, s) {
					t.Errorf("tip %s: sentence %q is not the chapter's", tip.ID, s)
				}
			}
		}
		for _, name := range tip.Terms {
			if !strings.Contains(tip.Body, name) {
				t.Errorf("tip %s: term %q not in body", tip.ID, name)
			}
		}
	}
	for _, want := range []string{"民法415条", "民法644条", "会社法330条", "会社法423条1項", "会社法429条1項", "サプライチェーン攻撃"} {
		found := false
		for _, tip := range p.Tips {
			found = found || strings.Contains(tip.Title, want)
		}
		if !found {
			t.Errorf("no tip titled %q", want)
		}
	}
	if tip, ok := p.Tip("4-3-2-01"); !ok || !strings.Contains(tip.Body, "外部委託先の企業のサーバが不正アクセスを受けた") ||
		!slices.Contains(tip.Terms, "不正アクセス") {
		t.Errorf("tip 4-3-2-01 = %+v", tip)
	}
}

func TestJoinLines(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"Information and ", "Communication", "Technologyの略。IT（情報"}, "Information and Communication Technologyの略。IT（情報"},
		{[]string{"「守りのIT", "", "投資」や"}, "「守りのIT投資」や"},
		{[]string{"https://www.meti.go.jp/policy/dx-", "chushoguidebook/tebiki2-0.pdf, (2023)"}, "https://www.meti.go.jp/policy/dx-chushoguidebook/tebiki2-0.pdf, (2023)"},
		{[]string{"AI", "AIは、膨大な"}, "AI AIは、膨大な"},
		{[]string{" ■VPN  "}, "■VPN"},
	}
	for _, tt := range tests {
		if got := joinLines(tt.in); got != tt.want {
			t.Errorf("joinLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSqueeze(t *testing.T) {
	tests := []struct {
		in     string
		strict bool
		want   string
	}{
		{"こと。 IPアドレスは、", true, "こと。IPアドレスは、"},
		{"ある。 現在主", true, "ある。現在主"},
		{"（Integrity） 、可用性", true, "（Integrity）、可用性"},
		{"NIST サイバー", true, "NIST サイバー"},
		{"LAN は Local Area  Network の略", true, "LAN は Local Area Network の略"},
		{"（出典） 総務省", false, "（出典）総務省"},
		{"民法 415条 債務不履行", false, "民法 415条 債務不履行"},
		{"民法 415条 債務不履行", true, "民法 415条債務不履行"},
	}
	for _, tt := range tests {
		if got := squeeze(tt.in, tt.strict); got != tt.want {
			t.Errorf("squeeze(%q, %v) = %q, want %q", tt.in, tt.strict, got, tt.want)
		}
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct {
		in, name, reading string
		aliases           []string
	}{
		{"CSIRT（シーサート）", "CSIRT", "シーサート", nil},
		{"DDoS攻撃（ディードスこうげき）", "DDoS攻撃", "ディードスこうげき", nil},
		{"ウイルス定義ファイル（パターンファイル）", "ウイルス定義ファイル", "", []string{"パターンファイル"}},
		{"情報セキュリティの3要素「CIA」", "情報セキュリティの3要素", "", []string{"CIA"}},
		{"NIST サイバーセキュリティフレームワーク（CSF）", "NIST サイバーセキュリティフレームワーク", "", []string{"CSF"}},
		{"Society 5.0 ", "Society 5.0", "", nil},
		{"ゼロトラスト", "ゼロトラスト", "", nil},
	}
	for _, tt := range tests {
		name, reading, aliases := splitName(tt.in)
		if name != tt.name || reading != tt.reading || !slices.Equal(aliases, tt.aliases) {
			t.Errorf("splitName(%q) = %q, %q, %q; want %q, %q, %q", tt.in, name, reading, aliases, tt.name, tt.reading, tt.aliases)
		}
	}
}

// TestEntryShapes feeds the glossary parser small entries in the shapes the
// PDF produces.
func TestEntryShapes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want knowledge.Term
	}{
		{"wrapped name in brackets", "■DDoS攻撃（ディードスこ\nうげき）\nDistributed Denial of \nService Attackの略。攻撃手法\n…………………    2-2-2、\n2-2-5、第一回コ\nラム\n",
			knowledge.Term{Name: "DDoS攻撃", Reading: "ディードスこうげき", English: "Distributed Denial of Service Attack",
				Definition: "Distributed Denial of Service Attackの略。攻撃手法", Refs: []string{"2-2-2", "2-2-5", "第一回コラム"}}},
		{"wrapped name filling the column", "■ICSCoE中核人材育成プロ\nグラム\n2017年4月に設置された。\n…………………    2-1-2\n",
			knowledge.Term{Name: "ICSCoE中核人材育成プログラム", Definition: "2017年4月に設置された。", Refs: []string{"2-1-2"}}},
		{"three-line name", "■サイバー・フィジカル・セ\nキュリティ対策フレームワー\nク（CPSF）\n単純なサイバー空間におけ\nる対策\n…………………    3-3-1\n",
			knowledge.Term{Name: "サイバー・フィジカル・セキュリティ対策フレームワーク", Aliases: []string{"CPSF"},
				Definition: "単純なサイバー空間における対策", Refs: []string{"3-3-1"}}},
		{"full name that does not wrap", "■インターネットバンキング\nインターネットを利用した銀\n行や金融機関との取引を行う\nサービスのこと\n…………………    3-2-2\n",
			knowledge.Term{Name: "インターネットバンキング", Definition: "インターネットを利用した銀行や金融機関との取引を行うサービスのこと", Refs: []string{"3-2-2"}}},
		{"stray marks and a page break", "■IPS\nその通信を遮断する\n…………………    2-2-2、\n3-4-2\n\n\n\n図❷\n\n図❸\n\n用語集\n\n■IPアドレス\nコンピュータのこと。 IPアドレスは、\n\n数字\n…………………    4-\n2-5\n",
			knowledge.Term{Name: "IPS", Definition: "その通信を遮断する", Refs: []string{"2-2-2", "3-4-2"}}},
		{"ref wrapped mid-id", "■IPアドレス\nコンピュータのこと。 IPアドレスは、\n\n数字\n…………………    4-\n2-5\n",
			knowledge.Term{Name: "IPアドレス", Definition: "コンピュータのこと。IPアドレスは、数字", Refs: []string{"4-2-5"}}},
		{"no dot leader", "■X\ndef\n", knowledge.Term{Name: "X", Definition: "def"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms := parseGlossary(strings.Split(tt.in, "\n"))
			if len(terms) == 0 {
				t.Fatal("no term")
			}
			got := terms[0]
			if got.Name != tt.want.Name || got.Reading != tt.want.Reading || got.English != tt.want.English ||
				got.Definition != tt.want.Definition || !slices.Equal(got.Refs, tt.want.Refs) || !slices.Equal(got.Aliases, tt.want.Aliases) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "\n\n", "hello world"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q): no error", in)
		}
	}
}

func TestWriteRoundTrip(t *testing.T) {
	p := importSource(t)
	dir := t.TempDir()
	if err := Write(dir, p); err != nil {
		t.Fatal(err)
	}
	got, err := knowledge.LoadDir(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Terms) != len(p.Terms) || len(got.Sections) != len(p.Sections) || len(got.Tips) != len(p.Tips) {
		t.Fatalf("round trip: %d/%d/%d, want %d/%d/%d", len(got.Terms), len(got.Sections), len(got.Tips),
			len(p.Terms), len(p.Sections), len(p.Tips))
	}
	for i := range p.Terms {
		a, b := p.Terms[i], got.Terms[i]
		if a.Name != b.Name || a.Definition != b.Definition || !slices.Equal(a.Refs, b.Refs) || !slices.Equal(a.Aliases, b.Aliases) {
			t.Errorf("term %d: %+v != %+v", i, a, b)
		}
	}
}
