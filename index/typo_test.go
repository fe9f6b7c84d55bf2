package index

import (
	"math/rand/v2"
	"testing"
)

// TestRuneBagBoundsOSA: the rune count bound that typo checks before osa
// never exceeds the edit distance, so no name within the distance is
// skipped.
func TestRuneBagBoundsOSA(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("アイウ情報セキュリティab")
	word := func() []rune {
		w := make([]rune, r.IntN(12))
		for i := range w {
			w[i] = alphabet[r.IntN(len(alphabet))]
		}
		return w
	}
	var rows osaRows
	for range 20000 {
		a, b := word(), word()
		limit := r.IntN(4)
		bag := newRuneBag(a)
		d := rows.osa(a, string(b), 100)
		lb := bag.lowerBound(string(b), limit)
		if lb > d && d <= limit {
			t.Fatalf("%q %q: bound %d > distance %d (limit %d)", string(a), string(b), lb, d, limit)
		}
		if d <= limit && lb > limit {
			t.Fatalf("%q %q: skipped at distance %d", string(a), string(b), d)
		}
		if again := bag.lowerBound(string(b), 100); again > d {
			t.Fatalf("%q %q: bound %d > distance %d", string(a), string(b), again, d)
		}
	}
}
