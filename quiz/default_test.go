package quiz

import (
	"testing"

	"secbot/knowledge"
)

// TestGenerateDefaultPack checks every rule of generation on the embedded
// pack, the one secbot asks its questions from.
func TestGenerateDefaultPack(t *testing.T) {
	pack, err := knowledge.Default()
	if err != nil {
		t.Skipf("default pack: %v", err)
	}
	kinds := map[Kind]int{}
	terms := map[string]bool{}
	for seed := int64(0); seed < 300; seed++ {
		q, err := Generate(pack, seed)
		if err != nil {
			t.Fatalf("Generate(%d): %v", seed, err)
		}
		kinds[q.Kind]++
		terms[q.Term] = true
		checkQuestion(t, pack, seed, q)
	}
	if len(kinds) < 4 || len(terms) < len(pack.Terms)/2 {
		t.Errorf("300 seeds asked %d kinds about %d terms: %v", len(kinds), len(terms), kinds)
	}
	t.Logf("kinds %v, %d of %d terms", kinds, len(terms), len(pack.Terms))
}
