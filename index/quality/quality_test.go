package quality

import (
	"context"
	"strings"
	"testing"

	"secbot/knowledge"
)

func TestParse(t *testing.T) {
	in := "# comment\nゼロトラスト\tゼロトラスト\nLockBit\tLockBit2.0|LockBit\n\n寿司\tnone\n"
	set, err := Parse(strings.NewReader(in), "term_x.tsv", ModeTerm)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Cases) != 3 || !set.Cases[0].Term || len(set.Cases[1].Expected) != 2 || !set.Cases[2].None || set.Cases[2].Line != 5 {
		t.Errorf("cases = %+v", set.Cases)
	}
	ask, err := Parse(strings.NewReader("What is EDR?\tterm:EDR\n2025年の崖\t4-2-2\n"), "ask_x.tsv", ModeAsk)
	if err != nil {
		t.Fatal(err)
	}
	if !ask.Cases[0].Term || ask.Cases[0].Expected[0] != "EDR" || ask.Cases[1].Term {
		t.Errorf("ask cases = %+v", ask.Cases)
	}
	if _, err := Parse(strings.NewReader("no tab here\n"), "bad.tsv", ModeTerm); err == nil || !strings.Contains(err.Error(), "bad.tsv:1") {
		t.Errorf("error = %v, want it to name bad.tsv:1", err)
	}
	if ModeOf("../shared/eval/ask_queries.tsv") != ModeAsk || ModeOf("term_queries.tsv") != ModeTerm {
		t.Error("ModeOf")
	}
}

func TestHits(t *testing.T) {
	term := func(name string) knowledge.Answer {
		return knowledge.Answer{Kind: knowledge.KindTerm, Term: &knowledge.Term{Name: name}}
	}
	termTests := []struct {
		name     string
		expected []string
		want     bool
	}{
		{"LockBit2.0", []string{"LockBit2.0"}, true},
		{"LockBit2.0", []string{"lockbit"}, true}, // contained, case folded
		{"NIST サイバーセキュリティフレームワーク", []string{"NISTサイバーセキュリティフレームワーク"}, true},
		{"サイバー・フィジカル・セキュリティ対策フレームワーク", []string{"サイバーフィジカルセキュリティ対策フレームワーク"}, true},
		{"リスク評価", []string{"リスクアセスメント"}, false},
		{"脆弱性", []string{"脆弱性診断"}, false},
	}
	for _, tt := range termTests {
		if got := TermHit(term(tt.name), tt.expected); got != tt.want {
			t.Errorf("TermHit(%s, %q) = %v", tt.name, tt.expected, got)
		}
	}
	if TermHit(knowledge.Answer{Kind: knowledge.KindNone}, []string{"x"}) {
		t.Error("a none answer hit a term")
	}
	passages := knowledge.Answer{Kind: knowledge.KindPassage, Passages: []knowledge.Passage{{Section: "4-2-1"}, {Section: "4-2-4"}}}
	if !SectionHit(passages, []string{"4-2"}) || SectionHit(passages, []string{"4-2-4"}) {
		t.Error("SectionHit must look at the first passage, by prefix")
	}
}

// fake answers every query with kind none.
type fake struct{}

func (fake) Term(_ context.Context, q string) (knowledge.Answer, error) {
	return knowledge.Answer{Query: q, Kind: knowledge.KindNone}, nil
}
func (fake) Ask(_ context.Context, q string) (knowledge.Answer, error) {
	return knowledge.Answer{Query: q, Kind: knowledge.KindNone}, nil
}

var _ Answerer = fake{}

func TestRunScores(t *testing.T) {
	set, _ := Parse(strings.NewReader("a\tA\nb\tnone\n"), "t.tsv", ModeTerm)
	rep := Run(context.Background(), fake{}, set)
	if rep.HitAt1() != 0 || rep.Refused() != 1 || rep.Pass() {
		t.Errorf("hit@1 %v, refused %v, pass %v", rep.HitAt1(), rep.Refused(), rep.Pass())
	}
	var b strings.Builder
	rep.Write(&b, false)
	if !strings.HasPrefix(b.String(), "FAIL t.tsv") || !strings.Contains(b.String(), `MISS t.tsv:1 "a" want A, got none`) {
		t.Errorf("report:\n%s", b.String())
	}
}
