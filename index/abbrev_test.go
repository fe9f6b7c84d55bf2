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
}
