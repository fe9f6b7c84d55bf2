package teams

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"secbot/bot"
	"secbot/knowledge"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/NAME.json, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/teams -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./bot/teams -update rewrites it):\n%s", path, got)
	}
}

// indent re-indents JSON for readable golden files, keeping "<" and "&".
func indent(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

var samplePack = &knowledge.Pack{Sections: []knowledge.Section{
	{ID: "4-1-3", Title: "サイバーセキュリティ対策は「投資」である"},
	{ID: "4-3-1", Title: "経営者が認識すべきサイバーセキュリティ経営の3原則"},
	{ID: "4-3-2", Title: "サイバーセキュリティ経営の重要10項目"},
}}

// sampleReplies are one Reply of each kind the core makes.
func sampleReplies() map[string]bot.Reply {
	zt := &knowledge.Term{
		Name:       "ゼロトラスト",
		Aliases:    []string{"ゼロトラストセキュリティ", "Zero Trust"},
		Definition: "「社内は安全、社外は危険」という境界型の考え方をやめ、すべてのアクセスを信頼せずに都度検証するセキュリティの考え方。",
		Refs:       []string{"2-2-4", "4-1-3"},
	}
	csirt := &knowledge.Term{
		Name:       "CSIRT",
		Reading:    "シーサート",
		Definition: "Computer Security Incident Response Team の略。インシデント発生時に対応する組織内のチーム。",
		Refs:       []string{"4-3-2"},
	}
	term := bot.AnswerReply(knowledge.Answer{Query: "ゼロトラスト", Kind: knowledge.KindTerm, Term: zt, Related: []string{"VPN", "多要素認証", "境界型防御"}}, samplePack)
	term.Private = true
	reading := bot.AnswerReply(knowledge.Answer{Query: "シーサート", Kind: knowledge.KindTerm, Term: csirt}, samplePack)
	passages := bot.AnswerReply(knowledge.Answer{Query: "2025年の崖って何？", Kind: knowledge.KindPassage, Passages: []knowledge.Passage{
		{Section: "4-1-1", Title: "DXとIT投資", Text: "既存システムが複雑化・ブラックボックス化したままでは、2025年以降、最大12兆円／年の経済損失が生じる可能性がある（2025年の崖）。"},
		{Section: "4-1-2", Title: "攻めのIT投資と守りのIT投資", Text: "IT投資を「守り」だけでなく、売上や競争力を高める「攻め」に振り向けることが求められる。"},
	}, Related: []string{"DX"}}, samplePack)
	none := bot.AnswerReply(knowledge.Answer{Query: "ぜろとらすと？？", Kind: knowledge.KindNone, Suggestions: []string{"ゼロトラスト", "ゼロデイ攻撃"}}, samplePack)
	tip := bot.TipReply(bot.TipCard{
		Tip:          knowledge.Tip{ID: "4-3-1-01", Section: "4-3-1", Title: "セキュリティ対策は経営者のリーダーシップで", Body: "経営者は、サイバーセキュリティリスクを経営リスクの一つとして認識し、リーダーシップを発揮して対策を進める必要がある。"},
		SectionTitle: "経営者が認識すべきサイバーセキュリティ経営の3原則",
		Related:      []string{"CSIRT", "インシデント"},
		Date:         "2026-11-27",
	})
	open := bot.RoundReply(bot.RoundCard{RoundID: "r-2026-48-C1", Question: "インシデント発生時に対応する組織内のチームを何と呼ぶか。",
		Choices: []string{"SOC", "CSIRT", "CISO", "PSIRT"}, Answered: 3, Closes: "12/1(火) 10:00"})
	reveal := bot.RoundReply(bot.RoundCard{RoundID: "r-2026-48-C1", Question: "インシデント発生時に対応する組織内のチームを何と呼ぶか。",
		Choices: []string{"SOC", "CSIRT", "CISO", "PSIRT"}, Answered: 12, Closes: "12/1(火) 10:00", Revealed: true, Answer: 1,
		Explanation: "CSIRT（シーサート）は、インシデント発生時に対応する組織内のチーム。",
		Section:     bot.SectionRef{ID: "4-3-2", Title: "サイバーセキュリティ経営の重要10項目"}, Correct: 9})
	board := bot.Reply{Text: "🏆 今週のランキング", Board: &bot.Leaderboard{Title: "今週のランキング", Rows: []bot.LeaderRow{
		{Rank: 1, UserID: taroAAD, UserName: "佐藤 太郎", Correct: 4, Answered: 4},
		{Rank: 2, UserID: hanakoAAD, UserName: "山田 花子", Correct: 3, Answered: 4},
		{Rank: 2, UserID: "29:anon", Correct: 3, Answered: 3},
	}}}
	r := bot.NewRouter()
	r.Handle("term", nil, bot.TermUsage)
	r.Handle("ask", nil, bot.AskUsage)
	r.Handle("tip", nil, bot.TipUsage...)
	help := r.HelpReply()
	plain := bot.Reply{Private: true, Text: "使い方: /term 用語　（例: /term ゼロトラスト、/term シーサート、/term vpn）\n/help でほかのコマンドを確認できます。"}
	// A button answer as the quiz handler makes it: the updated round
	// (which Teams cannot put in place of the original) with a private note.
	answered := open
	answered.ReplaceOriginal = true
	answered.Also = []bot.Reply{{Private: true, Text: "B と回答しました。"}}
	withAlso := tip
	withAlso.Also = []bot.Reply{{Text: "明日もお楽しみに。"}}
	return map[string]bot.Reply{
		"term": term, "term_reading": reading, "passages": passages, "none": none, "tip": tip,
		"round_open": open, "round_reveal": reveal, "leaderboard": board, "help": help,
		"plain": plain, "answered": answered, "also": withAlso,
	}
}

// TestCardsGolden renders one Reply of each kind, as the outgoing webhook
// answers it and as a workflow posts it.
func TestCardsGolden(t *testing.T) {
	replies := sampleReplies()
	names := make([]string, 0, len(replies))
	for n := range replies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			r := replies[name]
			m := render(r, "")
			golden(t, "reply_"+name, indent(t, encode(m)))
			if name == "round_open" || name == "round_reveal" || name == "tip" || name == "plain" {
				golden(t, "workflow_"+name, indent(t, encode(cardMessage(r, ""))))
			}
			checkCard(t, m)
		})
	}
}

// checkCard checks what Teams requires of every message secbot sends.
func checkCard(t *testing.T, m message) {
	t.Helper()
	if m.Type != "message" {
		t.Errorf("type %q", m.Type)
	}
	if len(m.Attachments) == 0 {
		if m.Text == "" {
			t.Error("a message with neither text nor card")
		}
		return
	}
	c := m.Attachments[0].Content
	if c.Type != "AdaptiveCard" || c.Version > "1.4" || len(c.Body) == 0 {
		t.Errorf("card %+v", c)
	}
	if m.Text == "" || strings.Contains(m.Text, "\n") {
		t.Errorf("summary text %q: want one line", m.Text)
	}
	b := encode(m)
	for _, bad := range []string{"Action.Submit", "Action.Execute", "Action.ShowCard", `"actions"`} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("card has %s: outgoing webhooks allow openUrl only", bad)
		}
	}
}

func TestRoundCardTellsHowToAnswer(t *testing.T) {
	m := render(sampleReplies()["round_open"], "セキュボ")
	b := string(encode(m))
	for _, want := range []string{"@セキュボ answer B", `"A."`, `"D."`, "PSIRT", "回答済み: 3人", "12/1(火) 10:00"} {
		if !strings.Contains(b, want) {
			t.Errorf("round card lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(b, "✅") {
		t.Error("open round marks an answer")
	}
	// As first posted (through a workflow, never updated): no stale count.
	fresh := *sampleReplies()["round_open"].Round
	fresh.Answered = 0
	b = string(encode(cardMessage(bot.RoundReply(fresh), "")))
	if strings.Contains(b, "回答済み") || !strings.Contains(b, "締切: 12/1(火) 10:00") {
		t.Errorf("fresh round card:\n%s", b)
	}
}

func TestTermCardSuggestsCommands(t *testing.T) {
	b := string(encode(render(sampleReplies()["term"], "")))
	for _, want := range []string{"ゼロトラスト", "VPN、多要素認証、境界型防御", "@secbot /term VPN", "4-1-3 サイバーセキュリティ対策は「投資」である", "2-2-4"} {
		if !strings.Contains(b, want) {
			t.Errorf("term card lacks %q:\n%s", want, b)
		}
	}
	b = string(encode(render(sampleReplies()["none"], "")))
	if !strings.Contains(b, "ゼロトラスト、ゼロデイ攻撃") || !strings.Contains(b, "@secbot /term ゼロトラスト") {
		t.Errorf("none card lacks its suggestions:\n%s", b)
	}
}

func TestMessageText(t *testing.T) {
	tests := []struct {
		in, name, want string
	}{
		{"<at>secbot</at> ゼロトラスト", "secbot", "ゼロトラスト"},
		{"<at>secbot</at> ゼロトラスト\n", "secbot", "ゼロトラスト"},
		{"<at>secbot</at>&nbsp;/term VPN", "secbot", "/term VPN"},
		{"<p><at>secbot</at>&nbsp;2025年の崖って何？</p>", "secbot", "2025年の崖って何？"},
		{"<div><p><at>secbot</at> help</p></div>", "secbot", "help"},
		{"<at>SecBot</at> answer B", "secbot", "answer B"},
		{"<at>secbot</at>　answer　Ｂ", "secbot", "answer Ｂ"},
		{"VPN とは？ <at>secbot</at>", "secbot", "VPN とは？"},
		{"<at>山田 花子</at> さん、<at>secbot</at> /term CSIRT", "secbot", "山田 花子 さん、 /term CSIRT"},
		// A renamed webhook: its mention is the first one.
		{"<at>セキュリティ先生</at> ゼロトラスト", "secbot", "ゼロトラスト"},
		{"<at>secbot</at> a &lt; b &amp;&amp; c &gt; d", "secbot", "a < b && c > d"},
		{"<at>secbot</at> &lt;at&gt;x&lt;/at&gt;", "secbot", "<at>x</at>"},
		{"<at>secbot</at> 1 < 2", "secbot", "1 < 2"},
		{"<at>secbot</at> <strong>ランサムウェア</strong>とは", "secbot", "ランサムウェアとは"},
		{"<at>secbot</at> 情報<br>セキュリティ<br/>ポリシー", "secbot", "情報 セキュリティ ポリシー"},
		{"<at>secbot</at> &quot;BEC&quot; &#12398;意味", "secbot", `"BEC" の意味`},
		{"<at>secbot</at>", "secbot", ""},
		{"<at>secbot</at> <!-- x --> VPN", "secbot", "VPN"},
		{"<at>secbot</at> unclosed <b", "secbot", "unclosed <b"},
		{"", "secbot", ""},
		{"plain text", "secbot", "plain text"},
	}
	for _, tt := range tests {
		if got := messageText(tt.in, tt.name); got != tt.want {
			t.Errorf("messageText(%q, %q) = %q, want %q", tt.in, tt.name, got, tt.want)
		}
	}
}

func TestFitShrinksCleanly(t *testing.T) {
	long := strings.Repeat("経営者はサイバーセキュリティを投資として捉える。", 400) // ~ 70 KB
	passages := make([]knowledge.Passage, 5)
	for i := range passages {
		passages[i] = knowledge.Passage{Section: fmt.Sprintf("4-1-%d", i+1), Title: "タイトル", Text: long}
	}
	rows := make([]bot.LeaderRow, 3000)
	for i := range rows {
		rows[i] = bot.LeaderRow{Rank: i + 1, UserID: fmt.Sprintf("user-%d", i), UserName: strings.Repeat("長い名前", 10), Correct: 1, Answered: 2}
	}
	tests := map[string]bot.Reply{
		"passages":    bot.AnswerReply(knowledge.Answer{Query: "q", Kind: knowledge.KindPassage, Passages: passages}, samplePack),
		"leaderboard": {Text: "ランキング", Board: &bot.Leaderboard{Title: "全期間", Rows: rows}},
		"plain":       {Text: long},
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			m := render(r, "")
			b, err := fit(&m, MaxMessageBytes)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > MaxMessageBytes {
				t.Errorf("%d bytes, over %d", len(b), MaxMessageBytes)
			}
			if len(b) < MaxMessageBytes/4 {
				t.Errorf("only %d bytes: cut far more than needed", len(b))
			}
			var back message
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("not JSON after fitting: %v", err)
			}
			if len(back.Attachments) > 0 && !bytes.Contains(b, []byte(shrunkNote)) {
				t.Error("a cut card does not say so")
			}
		})
	}
	// A small message is left alone.
	m := render(sampleReplies()["term"], "")
	want := encode(m)
	got, err := fit(&m, MaxMessageBytes)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("fit changed a small message: %v", err)
	}
}

// TestUserTextIsInert: what a person typed comes back in a card, but never as
// Markdown: secbot must not post a link of theirs.
func TestUserTextIsInert(t *testing.T) {
	q := "[パスワード再設定はこちら](https://evil.example/login) **至急**"
	for _, r := range []bot.Reply{
		{Text: "x", Answer: &knowledge.Answer{Query: q, Kind: knowledge.KindNone}},
		{Text: "x", Answer: &knowledge.Answer{Query: q, Kind: knowledge.KindPassage, Passages: []knowledge.Passage{{Section: "4-1-1", Title: "t", Text: "本文"}}}},
		{Text: "「/" + q + "」というコマンドはありません。"},
	} {
		out, err := json.Marshal(render(r, DefaultName))
		if err != nil {
			t.Fatal(err)
		}
		plain := strings.Contains(string(out), `"textFormat":"plain"`) && !strings.Contains(string(out), "attachments")
		if !plain && (strings.Contains(string(out), "](https://") || strings.Contains(string(out), "**至急")) {
			t.Errorf("user Markdown survives in %s", out)
		}
		if !strings.Contains(string(out), "パスワード再設定はこちら") {
			t.Errorf("the query is not shown at all: %s", out)
		}
	}
}

// TestTermButtonsUnderText: a bot card offers a text reply's TermButtons as
// buttons; a webhook card, which takes no clicks, says what to type.
func TestTermButtonsUnderText(t *testing.T) {
	r := bot.Reply{Private: true, Text: "間違えた用語: VPN、CSIRT", TermButtons: []string{"VPN", "CSIRT"}}
	withButtons, err := RenderMessage(r, CardOptions{Buttons: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"ActionSet"`, `"verb":"term.open"`, `"value":"CSIRT"`} {
		if !strings.Contains(string(withButtons), want) {
			t.Errorf("bot card lacks %s: %s", want, withButtons)
		}
	}
	plain, err := RenderMessage(r, CardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), "ActionSet") || !strings.Contains(string(plain), "/term VPN") {
		t.Errorf("webhook card: %s", plain)
	}
}
