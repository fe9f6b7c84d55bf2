package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"secbot/bot"
	"secbot/knowledge"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func termReply(t *testing.T, req bot.Request) bot.Reply {
	t.Helper()
	return tableRouter().Route(context.Background(), req)
}

// renderCases are the replies whose Block Kit is kept as golden JSON.
func renderCases(t *testing.T) []struct {
	name   string
	reply  bot.Reply
	direct bool
} {
	long := strings.Repeat("経営者はサイバーセキュリティ対策を投資と捉え、リスクを管理する必要がある。", 120)
	return []struct {
		name   string
		reply  bot.Reply
		direct bool
	}{
		{"term_private", termReply(t, bot.Request{Command: "term", Text: "ゼロトラスト"}), false},
		{"term_shared", termReply(t, bot.Request{Action: &bot.Action{ID: bot.ActionShareTerm, Value: "CSIRT"}}), false},
		{"term_direct", termReply(t, bot.Request{Command: "term", Text: "vpn"}), true},
		{"term_none", termReply(t, bot.Request{Command: "term", Text: "ぜろとらすとぉ"}), false},
		{"term_usage", termReply(t, bot.Request{Command: "term"}), false},
		{"passage", termReply(t, bot.Request{Text: "2025年の崖って何？"}), false},
		{"passage_long", bot.AnswerReply(knowledge.Answer{Query: "投資", Kind: knowledge.KindPassage,
			Passages: []knowledge.Passage{{Section: "4-2-1", Title: "投資としてのセキュリティ <対策>", Text: long}}}, testPack), false},
		{"help", tableRouter().HelpReply(), false},
		{"tip", bot.Reply{Text: "今日のヒント: 経営者の責任", Tip: &bot.TipCard{
			Tip:          knowledge.Tip{ID: "t1", Section: "4-3-2", Title: "セキュリティは経営者の責任", Body: "サイバー攻撃による被害は経営に直結する。対策の実施は経営者の責任である。"},
			SectionTitle: "経営者が果たすべき責任", Related: []string{"CSIRT", "ゼロトラスト"}, Date: "2026-11-27"}}, false},
		{"round_open", bot.Reply{Text: "クイズ: CSIRTとは？", Round: &bot.RoundCard{
			RoundID: "r42", Question: "インシデントに対応する組織を何と呼ぶ？", Choices: []string{"CSIRT", "VPN", "ゼロトラスト", "EDR"},
			Answered: 3, Closes: "11月28日 10:00"}}, false},
		{"round_revealed", bot.Reply{Text: "クイズの答え: A. CSIRT", ReplaceOriginal: true, Round: &bot.RoundCard{
			RoundID: "r42", Question: "インシデントに対応する組織を何と呼ぶ？", Choices: []string{"CSIRT", "VPN", "ゼロトラスト", "EDR"},
			Answered: 5, Revealed: true, Answer: 0, Correct: 3, Explanation: "CSIRTはセキュリティインシデントに対応する組織です。",
			Section: bot.SectionRef{ID: "4-3-2", Title: "経営者が果たすべき責任"}}}, false},
		{"practice_open", bot.PracticeReply(bot.RoundCard{RoundID: "2026-12-03/U1", Question: "インシデントに対応する組織を何と呼ぶ？",
			Choices: []string{"CSIRT", "VPN", "ゼロトラスト", "EDR"}, Box: 2}), true},
		{"practice_answered", bot.PracticeReply(bot.RoundCard{RoundID: "2026-12-03/U1", Question: "インシデントに対応する組織を何と呼ぶ？",
			Choices: []string{"CSIRT", "VPN", "ゼロトラスト", "EDR"}, Box: 2, Revealed: true, Answer: 0,
			Explanation: "CSIRTはセキュリティインシデントに対応する組織です。", Section: bot.SectionRef{ID: "4-3-2", Title: "経営者が果たすべき責任"}}), true},
		{"leaderboard", bot.Reply{Text: "ランキング", Board: &bot.Leaderboard{Title: "今週のランキング", Rows: []bot.LeaderRow{
			{Rank: 1, UserID: "U1", UserName: "taro", Correct: 5, Answered: 6},
			{Rank: 2, UserID: "U2", Correct: 4, Answered: 6}}}}, false},
		{"text", bot.Reply{Private: true, Text: "「/foo」というコマンドはありません。<script>&"}, false},
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range renderCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			m := render(tc.reply, tc.direct)
			checkLimits(t, m)
			got, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", tc.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./bot/slack -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the rendering; run go test ./bot/slack -run TestRenderGolden -update and review the diff\ngot:\n%s", path, got)
			}
		})
	}
}

// checkLimits checks a message against Slack's Block Kit limits.
func checkLimits(t *testing.T, m message) {
	t.Helper()
	if strings.TrimSpace(m.Text) == "" {
		t.Error("no fallback text")
	}
	if n := utf8.RuneCountInString(m.Text); n > maxFallbackText {
		t.Errorf("fallback text has %d characters", n)
	}
	if len(m.Blocks) == 0 || len(m.Blocks) > maxBlocks {
		t.Errorf("%d blocks", len(m.Blocks))
	}
	raw, _ := json.Marshal(m.Blocks)
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		switch b["type"] {
		case "section":
			text := b["text"].(map[string]any)["text"].(string)
			if n := utf8.RuneCountInString(text); n > maxSectionText {
				t.Errorf("block %d: section text has %d characters", i, n)
			}
		case "header":
			text := b["text"].(map[string]any)["text"].(string)
			if n := utf8.RuneCountInString(text); n > maxHeaderText {
				t.Errorf("block %d: header has %d characters", i, n)
			}
		case "actions":
			els := b["elements"].([]any)
			if len(els) > maxActionsElements {
				t.Errorf("block %d: %d buttons", i, len(els))
			}
			for _, e := range els {
				el := e.(map[string]any)
				id, value := el["action_id"].(string), el["value"].(string)
				if ids[id] {
					t.Errorf("block %d: action_id %q repeats", i, id)
				}
				ids[id] = true
				if len(value) > maxButtonValue {
					t.Errorf("block %d: button value of %d bytes", i, len(value))
				}
				label := el["text"].(map[string]any)["text"].(string)
				if n := utf8.RuneCountInString(label); n > maxButtonText {
					t.Errorf("block %d: button label of %d characters", i, n)
				}
			}
		}
	}
}

func TestRenderManyPassagesStaysUnder50Blocks(t *testing.T) {
	var ps []knowledge.Passage
	for range 80 {
		ps = append(ps, knowledge.Passage{Section: "4-1-1", Title: "t", Text: "本文"})
	}
	m := render(bot.AnswerReply(knowledge.Answer{Query: "q", Kind: knowledge.KindPassage, Passages: ps}, testPack), false)
	checkLimits(t, m)
	if len(m.Blocks) != maxBlocks {
		t.Errorf("%d blocks, want %d", len(m.Blocks), maxBlocks)
	}
}

func TestRenderSkipsOversizedButtonValues(t *testing.T) {
	huge := strings.Repeat("あ", 700) // 2100 bytes
	m := render(bot.AnswerReply(knowledge.Answer{Query: "q", Kind: knowledge.KindNone, Suggestions: []string{huge, "VPN"}}, testPack), false)
	checkLimits(t, m)
	raw, _ := json.Marshal(m.Blocks)
	if strings.Contains(string(raw), huge) {
		t.Error("a button value over 2000 bytes was rendered")
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"短い", 10, "短い"},
		{"abcdefghij", 5, "abcd…"},
		{"一文目。二文目はとても長い文章です", 12, "一文目。二文目はとても…"},
		{strings.Repeat("あ", 95) + "。" + strings.Repeat("い", 10), 100, strings.Repeat("あ", 95) + "。…"},
		{"abc &amp; def", 8, "abc…"},
		{"line1\nline2 is long", 12, "line1\nline2…"},
	} {
		got := truncate(tc.in, tc.n)
		if got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
		if utf8.RuneCountInString(got) > tc.n {
			t.Errorf("truncate(%q, %d) = %q: too long", tc.in, tc.n, got)
		}
	}
}

func TestSplitActionID(t *testing.T) {
	rd := &renderer{ids: map[string]int{}}
	for i, want := range []string{"term.open", "term.open#2", "term.open#3"} {
		id := rd.actionID(bot.ActionOpenTerm)
		if id != want {
			t.Errorf("use %d: %q, want %q", i+1, id, want)
		}
		if splitActionID(id) != bot.ActionOpenTerm {
			t.Errorf("splitActionID(%q) = %q", id, splitActionID(id))
		}
	}
}

func TestStripMention(t *testing.T) {
	for _, tc := range []struct{ in, self, want string }{
		{"<@UBOT> ゼロトラストって何？", "UBOT", "ゼロトラストって何？"},
		{"<@UBOT|secbot> VPN &amp; EDR", "UBOT", "VPN & EDR"},
		{"ねえ <@UBOT> 2025年の崖は？ <@U999>", "UBOT", "ねえ 2025年の崖は？"},
		{"<@UBOT> ゼロトラスト <@U777> <#C999|general> <!here> <!subteam^S1|@sec>", "UBOT", "ゼロトラスト"},
		{"<@UBOT> /term <https://example.com|例>", "", "/term 例"},
		{"CSIRT", "UBOT", "CSIRT"},
	} {
		if got := stripMention(tc.in, tc.self); got != tc.want {
			t.Errorf("stripMention(%q, %q) = %q, want %q", tc.in, tc.self, got, tc.want)
		}
	}
}

// TestTermButtonsUnderText: a text reply's TermButtons (the terms /quiz me
// says were missed) are buttons that open each term's card.
func TestTermButtonsUnderText(t *testing.T) {
	m := render(bot.Reply{Private: true, Text: "間違えた用語: VPN、CSIRT", TermButtons: []string{"VPN", "CSIRT"}}, false)
	raw, _ := json.Marshal(m.Blocks)
	var blocks []map[string]any
	_ = json.Unmarshal(raw, &blocks)
	if len(blocks) != 2 || blocks[1]["type"] != "actions" {
		t.Fatalf("blocks = %s", raw)
	}
	els := blocks[1]["elements"].([]any)
	var got []string
	for _, e := range els {
		el := e.(map[string]any)
		got = append(got, el["action_id"].(string)+"="+el["value"].(string))
	}
	if strings.Join(got, " ") != "term.open=VPN term.open#2=CSIRT" {
		t.Errorf("buttons %v", got)
	}
}
