package bot

import (
	"strings"
	"testing"
	"time"

	"secbot/knowledge"
	"secbot/quiz"
)

func TestEncodeDecodeAnswer(t *testing.T) {
	for _, id := range []string{"r1", "20261130T1000-C0987654321", "20261130T1000-teams:exec"} {
		v := EncodeAnswer(id, 3)
		gotID, choice, err := DecodeAnswer(v)
		if err != nil || gotID != id || choice != 3 {
			t.Errorf("DecodeAnswer(EncodeAnswer(%q, 3)) = %q %d %v", id, gotID, choice, err)
		}
	}
	if v := EncodeAnswer("r1", 2); v != "r1|2" {
		t.Errorf("EncodeAnswer = %q, want r1|2 (the Slack adapter's format)", v)
	}
	for _, bad := range []string{"", "r1", "|2", "r1|x", "r1|-1"} {
		if _, _, err := DecodeAnswer(bad); err == nil {
			t.Errorf("DecodeAnswer(%q) succeeded", bad)
		}
	}
}

func TestRoundReply(t *testing.T) {
	q := quiz.Question{Question: "どれ？", Choices: []string{"EDR", "IPS", "VPN", "SOC"}, Answer: 1, Explanation: "「IPS」：不正侵入防止", Section: "4-1-1"}
	pack := &knowledge.Pack{Sections: []knowledge.Section{{ID: "4-1-1", Title: "IT投資の現状"}}}
	r := quiz.Round{ID: "r1", Question: q, Closes: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}
	open := RoundReply(NewRoundCard(pack, r, quiz.Tally{Answered: 3, Correct: 2}, time.UTC))
	if open.Round.Revealed || open.Round.Correct != 0 || strings.Contains(open.Text, "正解") || !strings.Contains(open.Text, "回答済み: 3人") {
		t.Errorf("open round leaks or miscounts: %+v\n%s", open.Round, open.Text)
	}
	r.Revealed = true
	rev := RoundReply(NewRoundCard(pack, r, quiz.Tally{Answered: 3, Correct: 2}, time.UTC))
	for _, want := range []string{"正解: B. IPS", "不正侵入防止", "4-1-1 IT投資の現状", "66%"} {
		if !strings.Contains(rev.Text, want) {
			t.Errorf("reveal lacks %q:\n%s", want, rev.Text)
		}
	}
}

// TestTentativeAnswerSaysSo: a term answer secbot is not sure of says
// もしかして and offers the runners-up; a sure one does not.
func TestTentativeAnswerSaysSo(t *testing.T) {
	term := &knowledge.Term{Name: "WAF", Definition: "Webアプリケーションへの攻撃を防ぐ。"}
	sure := AnswerText(knowledge.Answer{Query: "q", Kind: knowledge.KindTerm, Term: term, Suggestions: []string{"IPS"}}, nil, "第4章")
	unsure := AnswerText(knowledge.Answer{Query: "q", Kind: knowledge.KindTerm, Term: term, Tentative: true, Suggestions: []string{"IPS", "ファイアウォール"}}, nil, "第4章")
	if strings.Contains(sure, "もしかして") || strings.Contains(sure, OtherCandidates) {
		t.Errorf("a sure answer hedges:\n%s", sure)
	}
	for _, want := range []string{"もしかして「WAF」", OtherCandidates + ": IPS、ファイアウォール", "■ WAF"} {
		if !strings.Contains(unsure, want) {
			t.Errorf("tentative answer lacks %q:\n%s", want, unsure)
		}
	}
}
