package teamsbot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"secbot/bot"
	"secbot/bot/teams"
	"secbot/knowledge"
	"secbot/quiz/rounds"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

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
	term := bot.AnswerReply(knowledge.Answer{Query: "ゼロトラスト", Kind: knowledge.KindTerm, Term: zt, Related: []string{"VPN", "多要素認証", "境界型防御"}}, samplePack)
	term.Private = true
	passages := bot.AnswerReply(knowledge.Answer{Query: "2025年の崖って何？", Kind: knowledge.KindPassage, Passages: []knowledge.Passage{
		{Section: "4-1-1", Title: "DXとIT投資", Text: "既存システムが複雑化・ブラックボックス化したままでは、2025年以降、最大12兆円／年の経済損失が生じる可能性がある（2025年の崖）。"},
	}, Related: []string{"DX"}}, samplePack)
	none := bot.AnswerReply(knowledge.Answer{Query: "ぜろとらすと？？", Kind: knowledge.KindNone, Suggestions: []string{"ゼロトラスト", "ゼロデイ攻撃"}}, samplePack)
	tip := bot.TipReply(bot.TipCard{
		Tip:          knowledge.Tip{ID: "4-3-1-01", Section: "4-3-1", Title: "セキュリティ対策は経営者のリーダーシップで", Body: "経営者は、サイバーセキュリティリスクを経営リスクの一つとして認識し、リーダーシップを発揮して対策を進める必要がある。"},
		SectionTitle: "経営者が認識すべきサイバーセキュリティ経営の3原則",
		Related:      []string{"CSIRT", "インシデント"},
		Date:         "2026-11-27",
	})
	open := bot.RoundReply(bot.RoundCard{RoundID: "r-2026-48-C1", Question: "インシデント発生時に対応する組織内のチームを何と呼ぶか。",
		Choices: []string{"SOC", "CSIRT", "CISO", "PSIRT"}, Answered: 0, Closes: "12/1(火) 10:00"})
	reveal := bot.RoundReply(bot.RoundCard{RoundID: "r-2026-48-C1", Question: "インシデント発生時に対応する組織内のチームを何と呼ぶか。",
		Choices: []string{"SOC", "CSIRT", "CISO", "PSIRT"}, Answered: 12, Closes: "12/1(火) 10:00", Revealed: true, Answer: 1,
		Explanation: "CSIRT（シーサート）は、インシデント発生時に対応する組織内のチーム。",
		Section:     bot.SectionRef{ID: "4-3-2", Title: "サイバーセキュリティ経営の重要10項目"}, Correct: 9})
	board := bot.Reply{Text: "🏆 今週のランキング", Board: &bot.Leaderboard{Title: "今週のランキング", Rows: []bot.LeaderRow{
		{Rank: 1, UserID: "aad-1", UserName: "佐藤 太郎", Correct: 4, Answered: 4},
		{Rank: 2, UserID: "aad-2", UserName: "山田 花子", Correct: 3, Answered: 4},
	}}}
	r := bot.NewRouter()
	r.Handle("term", nil, bot.TermUsage)
	r.Handle("ask", nil, bot.AskUsage)
	r.Handle("tip", nil, bot.TipUsage...)
	r.Handle("quiz", nil, rounds.Usage...)
	return map[string]bot.Reply{
		"term": term, "passages": passages, "none": none, "tip": tip,
		"round_open": open, "round_reveal": reveal, "leaderboard": board, "help": r.HelpReply(),
	}
}

// TestCardsGolden renders each kind of Reply as the bot posts it (cards
// with buttons) and compares it with testdata/golden/NAME.json; every card
// must have the shape Teams renders (validateCard).
func TestCardsGolden(t *testing.T) {
	for name, r := range sampleReplies() {
		t.Run(name, func(t *testing.T) {
			b, err := teams.RenderMessage(r, teams.CardOptions{Buttons: true})
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Attachments []struct {
					Content map[string]any `json:"content"`
				} `json:"attachments"`
			}
			if err := json.Unmarshal(b, &m); err != nil || len(m.Attachments) != 1 {
				t.Fatalf("not a card message: %s", b)
			}
			if err := validateCard(m.Attachments[0].Content); err != nil {
				t.Error(err)
			}
			golden(t, filepath.Join("testdata", "golden", name+".json"), b)
		})
	}
}

// golden compares got (JSON) with the file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs (run go test -update and review the diff):\n%s", path, buf.String())
	}
}

func TestValidateCardRejects(t *testing.T) {
	bad := map[string]string{
		"version 1.6":  `{"type":"AdaptiveCard","version":"1.6","body":[]}`,
		"Image":        `{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Image","url":"x"}]}`,
		"nested Table": `{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Container","items":[{"type":"Table"}]}]}`,
		"Action.Http":  `{"type":"AdaptiveCard","version":"1.5","body":[{"type":"ActionSet","actions":[{"type":"Action.Http","title":"x"}]}]}`,
		"bad fallback": `{"type":"AdaptiveCard","version":"1.5","actions":[{"type":"Action.Execute","title":"x","fallback":{"type":"Action.ToggleVisibility","title":"x"}}]}`,
		"not a card":   `{"type":"HeroCard"}`,
		"untitled":     `{"type":"AdaptiveCard","version":"1.5","actions":[{"type":"Action.Submit"}]}`,
	}
	for name, js := range bad {
		var c map[string]any
		json.Unmarshal([]byte(js), &c)
		if validateCard(c) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
