package index

import "testing"

// TestAbbrevs: pairs come from the pack's own text, and a passage is also
// found by the other form of what it writes.
func TestAbbrevs(t *testing.T) {
	as := findAbbrevs([]string{"デジタルトランスフォーメーション（DX）を進める", "情報技術（IT）だけでなく"})
	if len(as) != 2 || as[0].short != Key("DX") || as[0].long != Key("デジタルトランスフォーメーション") {
		t.Fatalf("findAbbrevs = %+v", as)
	}
	if got := expansions(Key("攻めの投資（デジタルトランスフォーメーション）"), as); got != "\n"+Key("DX") {
		t.Errorf("expansions = %q, want DX", got)
	}
	if got := expansions(Key("DXに取組む企業"), as); got != "\n"+Key("デジタルトランスフォーメーション") {
		t.Errorf("expansions = %q, want the long form", got)
	}
	// The other order, and the glossary's abbreviations with a Japanese
	// alias (BCP, ICT), not names that are words (Fortinet).
	as = findAbbrevs([]string{"IT（情報技術）だけでなく"})
	if len(as) != 1 || as[0].short != Key("IT") || as[0].long != Key("情報技術") {
		t.Errorf("findAbbrevs, ABBR（words）= %+v", as)
	}
	as = termAbbrevs([]string{"BCP", "ICT", "Fortinet", "ゼロトラスト"}, [][]string{{"事業継続計画"}, {"情報通信技術"}, {"フォーティネット"}, {"zero trust"}})
	if len(as) != 2 || as[0] != (abbrev{Key("事業継続計画"), Key("BCP")}) || as[1] != (abbrev{Key("情報通信技術"), Key("ICT")}) {
		t.Errorf("termAbbrevs = %+v", as)
	}
}
