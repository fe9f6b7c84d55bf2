package index_test

import (
	"context"
	"strings"
	"testing"

	"secbot/knowledge"
)

// TestFigureQuestions: a figure named by its number answers with its
// caption and source; a question on a source shows the source line; a step
// asked by its position shows the list of steps.
func TestFigureQuestions(t *testing.T) {
	t.Parallel()
	ix := testIndex(t)
	for _, c := range []struct{ q, want string }{
		{"図21ってなんの図ですか", "攻めのIT活用指針の概要"},
		{"図２０の出典は？", "DX白書2023"},
		{"2025年の崖の図はどこのレポートが元になってるの？", "（出典）経済産業省「DXレポート"},
		{"守りのIT投資の進め方で、最初にやることは？", "業務内容・業務フローの可視化"},
	} {
		a, err := ix.Ask(context.Background(), c.q)
		if err != nil {
			t.Fatal(err)
		}
		var shown []string
		for _, p := range a.Passages {
			shown = append(shown, p.Text)
		}
		if a.Kind != knowledge.KindPassage || !strings.Contains(strings.Join(shown, "\n"), c.want) {
			t.Errorf("Ask(%q) = %s %q, want a passage showing %q", c.q, a.Kind, shown, c.want)
		}
	}
}
