package index

import "testing"

func TestSynonymHints(t *testing.T) {
	formal := func(q string) []string {
		var out []string
		for _, h := range synonymHints(Key(q)) {
			out = append(out, h.formals...)
		}
		return out
	}
	if got := formal("ネットの利用率は？"); len(got) != 1 || got[0] != Key("インターネット") {
		t.Errorf("ネット: %q, want インターネット", got)
	}
	if got := formal("インターネットの利用率は？"); len(got) != 0 {
		t.Errorf("インターネット needs no synonym: %q", got)
	}
	// The formal word stands in at half weight for the word a text lacks,
	// and adds nothing to a text that has it.
	qt := tokenize("会社の割合")
	hints := synonymHints(Key("会社の割合"))
	in := func(s string) func(string) bool {
		set := map[string]struct{}{}
		for _, t := range textTokens(s) {
			set[t.term] = struct{}{}
		}
		return inSet(set)
	}
	own, formalCov, none := coverageSyn(qt, hints, in("会社の割合")), coverageSyn(qt, hints, in("企業の割合")), coverageSyn(qt, hints, in("割合"))
	if !(own > formalCov && formalCov > none) {
		t.Errorf("coverage: own word %.2f, formal word %.2f, neither %.2f", own, formalCov, none)
	}
}
