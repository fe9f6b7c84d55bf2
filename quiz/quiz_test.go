package quiz

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"secbot/knowledge"
)

// testPack is a slice of the real glossary, enough for every kind of question.
func testPack() *knowledge.Pack {
	return &knowledge.Pack{
		Sections: []knowledge.Section{{ID: "4-1-1", Title: "IT投資の現状"}, {ID: "4-2-2", Title: "経済産業省のDXレポート"}},
		Terms: []knowledge.Term{
			{Name: "AI", English: "Artificial Intelligence", Definition: "Artificial Intelligenceの略。「AI（人工知能）」という言葉は、1956年に米国の計算機科学研究者ジョン・マッカーシーが初めて使った言葉。人間が知的と感じる情報処理・技術といった広い概念で理解されている", Refs: []string{"1-1-1", "4-1-1", "4-2-2"}},
			{Name: "BCP", English: "Business Continuity Plan", Definition: "Business Continuity Plan（事業継続計画）の略。企業が災害やテロ攻撃などの緊急事態に直面した際に、被害を最小限に抑え、事業を継続または早期復旧するための計画", Refs: []string{"2-3-2"}},
			{Name: "CSIRT", Reading: "シーサート", English: "Computer Security Incident Response Team", Definition: "Computer Security Incident Response Teamの略。コンピュータセキュリティにかかるインシデントに対処するための組織の総称。インシデント関連情報、脆弱性情報、攻撃予兆情報を常に収集、分析し、対応方針や手順の策定などの活動を行う", Refs: []string{"2-1-3"}},
			{Name: "DDoS攻撃", Reading: "ディードスこうげき", English: "Distributed Denial of Service Attack", Definition: "Distributed Denial of Service Attackの略。攻撃者が複数のコンピュータを操作し、標的となるコンピュータに対して同時に大量の問い合わせを送ることで、過剰な負荷をかけてサービスを利用できなくする攻撃手法", Refs: []string{"2-2-2", "2-2-5", "第一回コラム"}},
			{Name: "EDR", Definition: "Endpoint Detection and Responseの略。パソコンやスマートフォン、サーバなどのエンドポイントにおける不審な動作を検知し、迅速な対応を支援するソリューション", Refs: []string{"2-2-4", "2-2-5", "3-1-1"}},
			{Name: "Fortinet", Definition: "セキュリティ製品の開発、製造を行う米国のメーカー。ファイアウォールやセキュリティソフトを提供している", Refs: []string{"2-3-2"}},
			{Name: "ICT", Definition: "Information and Communication Technologyの略。IT（情報技術）だけでなく、コンピュータやスマートフォンなどを用いて行うコミュニケーションを実現する技術（通信技術）を含んでいる", Refs: []string{"4-1-2"}},
			{Name: "IoT", Reading: "アイ・オー・ティー", Definition: "Internet of Thingsの略。日本語では「モノのインターネット」。インターネットにコンピュータやセンサー、カメラなどさまざまな「モノ」が接続され、データを収集したりする仕組み", Refs: []string{"1-1-1", "2-1-2", "4-1-1"}},
			{Name: "IPS", Definition: "Intrusion Prevention Systemの略。不正侵入防止システムとも呼ばれるセキュリティ確保の仕組み。IPSは、異常を検知した場合、管理者に通知するだけではなく、その通信を遮断する", Refs: []string{"2-2-2", "3-4-2"}},
			{Name: "IPアドレス", Definition: "コンピュータをネットワークで接続するために、それぞれのコンピュータに割り振られた番号", Refs: []string{"2-2-2"}},
			{Name: "ランサムウェア", Aliases: []string{"身代金要求型ウイルス"}, Definition: "感染したコンピュータのデータを暗号化し、復元と引き換えに身代金を要求するマルウェア", Refs: []string{"2-2-2", "2-2-5"}},
			{Name: "マルウェア", Definition: "コンピュータウイルスやワームなど、悪意のあるソフトウェアの総称", Refs: []string{"2-2-2"}},
			{Name: "ゼロトラスト", Definition: "ゼロトラストとは、社内外のネットワークを区別せず、すべての通信を信頼しないことを前提に対策を講じる考え方", Refs: []string{"2-2-4", "4-1-3"}},
			{Name: "VPN", English: "Virtual Private Network", Definition: "Virtual Private Networkの略。インターネット上に仮想的な専用線を設け、安全に通信する仕組み", Refs: []string{"2-1-3", "4-2-2"}},
		},
	}
}

func TestGenerate(t *testing.T) {
	pack := testPack()
	kinds := map[Kind]int{}
	for seed := int64(0); seed < 400; seed++ {
		q, err := Generate(pack, seed)
		if err != nil {
			t.Fatalf("Generate(%d): %v", seed, err)
		}
		kinds[q.Kind]++
		checkQuestion(t, pack, seed, q)
	}
	for _, k := range []Kind{KindWhichTerm, KindWhichDefinition, KindReading, KindExpansion, KindAlias} {
		if kinds[k] == 0 {
			t.Errorf("400 seeds asked no %s question (kinds: %v)", k, kinds)
		}
	}
}

// checkQuestion asserts what every generated question must satisfy.
func checkQuestion(t *testing.T, pack *knowledge.Pack, seed int64, q Question) {
	t.Helper()
	if len(q.Choices) != NumChoices || q.Answer < 0 || q.Answer >= len(q.Choices) {
		t.Fatalf("seed %d: %d choices, answer %d: %+v", seed, len(q.Choices), q.Answer, q)
	}
	seen := map[string]bool{}
	for _, c := range q.Choices {
		if c == "" || seen[c] {
			t.Errorf("seed %d: empty or repeated choice %q in %q", seed, c, q.Choices)
		}
		seen[c] = true
	}
	term, ok := pack.Term(q.Term)
	if !ok {
		t.Fatalf("seed %d: question about unknown term %q", seed, q.Term)
	}
	switch q.Kind {
	case KindWhichDefinition:
		// The question names the term; the right definition must not.
		if GivesAway(q.Choices[q.Answer], term) {
			t.Errorf("seed %d: the right definition names the term: %q", seed, q.Choices[q.Answer])
		}
	default:
		if q.Choices[q.Answer] != term.Name {
			t.Errorf("seed %d: answer %q, want the term %q", seed, q.Choices[q.Answer], term.Name)
		}
		body := q.Question
		if q.Kind == KindReading {
			body = strings.ReplaceAll(body, term.Reading, "")
		}
		if containsFold(body, term.Name) {
			t.Errorf("seed %d (%s): the question gives the answer away: %q", seed, q.Kind, q.Question)
		}
		if q.Kind == KindWhichTerm && GivesAway(q.Question, term) {
			t.Errorf("seed %d: the definition shown names the term: %q", seed, q.Question)
		}
		// Distractors are the most related fair terms (Relatedness), give
		// or take the one point of jitter: never random ones.
		chosen := map[string]bool{}
		least := 1 << 30
		for i, c := range q.Choices {
			chosen[c] = true
			if i == q.Answer {
				continue
			}
			d, ok := pack.Term(c)
			if !ok {
				t.Errorf("seed %d: distractor %q is no term", seed, c)
				continue
			}
			least = min(least, Relatedness(term, d))
		}
		for _, o := range pack.Terms {
			if chosen[o.Name] || overlaps(o.Name, term.Name) || containsFold(q.Question, o.Name) ||
				q.Kind == KindExpansion && !isASCIIName(o.Name) {
				continue
			}
			if s := Relatedness(term, o); s > least+1 {
				t.Errorf("seed %d: %q (relatedness %d) passed over for a distractor of relatedness %d in %q", seed, o.Name, s, least, q.Choices)
			}
		}
	}
	if !strings.Contains(q.Explanation, term.Name) || q.Section == "" {
		t.Errorf("seed %d: explanation %q section %q", seed, q.Explanation, q.Section)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	pack := testPack()
	for seed := int64(-3); seed < 50; seed++ {
		a, _ := Generate(pack, seed)
		b, _ := Generate(pack, seed)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Fatalf("seed %d gave two questions:\n%s\n%s", seed, ja, jb)
		}
	}
	a, _ := Generate(pack, 1)
	b, _ := Generate(pack, 2)
	c, _ := Generate(pack, 3)
	if a.Question == b.Question && b.Question == c.Question {
		t.Errorf("seeds 1, 2, 3 asked the same question %q", a.Question)
	}
}

func TestGenerateTooFew(t *testing.T) {
	pack := testPack()
	pack.Terms = pack.Terms[:3]
	if _, err := Generate(pack, 1); !errors.Is(err, ErrTooFewTerms) {
		t.Errorf("3 terms: err = %v, want ErrTooFewTerms", err)
	}
	if _, err := Generate(nil, 1); !errors.Is(err, ErrTooFewTerms) {
		t.Errorf("nil pack: err = %v, want ErrTooFewTerms", err)
	}
}

func TestMaskNames(t *testing.T) {
	pack := testPack()
	tests := []struct {
		term, text, want string
	}{
		{"IPS", "IPSは、異常を検知した場合、ipsが遮断する", "〇〇は、異常を検知した場合、〇〇が遮断する"},
		{"IPアドレス", "IPSではなくIPで通信する", "IPSではなく〇〇で通信する"},
		{"DDoS攻撃", "DDoSは攻撃手法", "〇〇は攻撃手法"},
		{"ゼロトラスト", "ゼロトラストとは", "〇〇とは"},
		{"CSIRT", "シーサートはComputer Security Incident Response Teamの略", "〇〇は〇〇の略"},
	}
	for _, tt := range tests {
		term, _ := pack.Term(tt.term)
		if got := MaskNames(tt.text, term); got != tt.want {
			t.Errorf("MaskNames(%q, %s) = %q, want %q", tt.text, tt.term, got, tt.want)
		}
	}
}

func TestLeaderboard(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	answers := []Answer{
		{RoundID: "r1", UserID: "U1", UserName: "sato", Correct: true, At: at},
		{RoundID: "r1", UserID: "U2", UserName: "suzuki", Correct: true, At: at.Add(time.Minute)},
		{RoundID: "r1", UserID: "U3", UserName: "tanaka", Correct: false, At: at},
		{RoundID: "r2", UserID: "U1", UserName: "sato", Correct: true, At: at.Add(time.Hour)},
		{RoundID: "r2", UserID: "U2", UserName: "suzuki", Correct: true, At: at.Add(time.Hour)},
		{RoundID: "r2", UserID: "U3", UserName: "tanaka", Correct: true, At: at.Add(time.Hour)},
	}
	got := Leaderboard(answers, 0)
	want := []Standing{
		{1, "U1", "sato", 2, 2}, {1, "U2", "suzuki", 2, 2}, {3, "U3", "tanaka", 1, 2},
	}
	if len(got) != len(want) {
		t.Fatalf("Leaderboard = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := Leaderboard(answers, 1); len(got) != 1 {
		t.Errorf("limit 1 gave %d rows", len(got))
	}
}

func TestWriteCSV(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	var b bytes.Buffer
	err := WriteCSV(&b, []Answer{{RoundID: "r1", Channel: "C1", UserID: "U1", UserName: "=cmd()", Choice: 1, Correct: true,
		At: time.Date(2026, 11, 30, 1, 2, 3, 0, time.UTC)}}, tokyo)
	if err != nil {
		t.Fatal(err)
	}
	want := "round,channel,user_id,user_name,choice,correct,time\nr1,C1,U1,'=cmd(),B,true,2026-11-30T10:02:03+09:00\n"
	if b.String() != want {
		t.Errorf("CSV =\n%s\nwant\n%s", b.String(), want)
	}
}

func TestParseChoice(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{{"A", 0}, {"b", 1}, {"Ｃ", 2}, {"ｄ", 3}, {"4", 3}, {"１", 0}, {"E", -1}, {"0", -1}, {"AB", -1}, {"", -1}}
	for _, tt := range tests {
		if got := ParseChoice(tt.in, 4); got != tt.want {
			t.Errorf("ParseChoice(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
