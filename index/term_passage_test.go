package index_test

import (
	"context"
	"strings"
	"testing"

	"secbot/knowledge"
)

// TestTermFallsBackToPassages: /term of a chapter concept that is not in
// the glossary answers with the passage that explains it, while a piece of
// several glossary names keeps its "did you mean", an unknown word stays
// unknown, and so does a name whose words the chapter does not all hold.
func TestTermFallsBackToPassages(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		query   string
		kind    knowledge.Kind
		section string // first passage's section, for passage answers
		suggest string // a suggestion that must be offered, for none answers
	}{
		{"2025年の崖", knowledge.KindPassage, "4-2-2", ""},
		{"善管注意義務とは", knowledge.KindPassage, "4-3-2", ""},
		{"攻めのIT投資", knowledge.KindPassage, "4-2", ""},
		{"守りのIT投資", knowledge.KindPassage, "4-2", ""},
		{"デジタルオプティマイゼーション", knowledge.KindPassage, "4-2", ""},
		// 闇市 is nowhere in the chapter: the passages on the Internet
		// (ネット) do not answer it, the glossary's names are suggested.
		{"ネットの闇市", knowledge.KindNone, "", "ブラックマーケット"},
		{"リスク", knowledge.KindNone, "", "リスク評価"},
		{"標的型", knowledge.KindNone, "", "標的型メール攻撃"},
		{"有給休暇", knowledge.KindNone, "", ""},
		{"寿司とは", knowledge.KindNone, "", ""},
	}
	for _, tt := range tests {
		a, err := ix.Term(context.Background(), tt.query)
		if err != nil {
			t.Fatalf("Term(%q): %v", tt.query, err)
		}
		if a.Kind != tt.kind {
			t.Errorf("Term(%q) kind = %s, want %s (%+v)", tt.query, a.Kind, tt.kind, a)
			continue
		}
		if tt.section != "" && (len(a.Passages) == 0 || !strings.HasPrefix(a.Passages[0].Section, tt.section)) {
			t.Errorf("Term(%q) passages = %+v, want %s first", tt.query, a.Passages, tt.section)
		}
		if tt.suggest != "" && !strings.Contains(strings.Join(a.Suggestions, "|"), tt.suggest) {
			t.Errorf("Term(%q) suggestions = %v, want %s among them", tt.query, a.Suggestions, tt.suggest)
		}
	}
}

// TestComparisonsAndVerbEndings: a question comparing two terms answers the
// first; a verb ending after the term does not hide it.
func TestComparisonsAndVerbEndings(t *testing.T) {
	ix := testIndex(t)
	for _, tt := range []struct{ query, want string }{
		{"可用性と完全性の違いは？", "可用性"},
		{"WAFとファイアウォールの違い", "WAF"},
		{"ゼロデイ攻撃とは", "ゼロデイ攻撃"},
		{"改ざんされるってどういう意味", "改ざん"},
	} {
		a, err := ix.Term(context.Background(), tt.query)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != knowledge.KindTerm || a.Term.Name != tt.want {
			t.Errorf("Term(%q) = %s %+v, want the term %s", tt.query, a.Kind, a.Term, tt.want)
		}
	}
	// Neither side a term: still nothing.
	if a, _ := ix.Term(context.Background(), "寿司と天ぷらの違い"); a.Kind != knowledge.KindNone {
		t.Errorf("寿司と天ぷらの違い = %s, want none", a.Kind)
	}
}
