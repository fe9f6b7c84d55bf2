package knowledge

import "testing"

func TestAnswerShows(t *testing.T) {
	term := &Term{Name: "VPN", Definition: "…"}
	tests := []struct {
		a    Answer
		want Kind
	}{
		{Answer{Kind: KindTerm, Term: term}, KindTerm},
		{Answer{Kind: KindTerm}, KindNone}, // no term to show
		{Answer{Kind: KindPassage, Passages: []Passage{{Section: "4-2-2"}}}, KindPassage},
		{Answer{Kind: KindPassage}, KindNone}, // no passage to show
		{Answer{Kind: KindNone, Term: term}, KindNone},
		{Answer{}, KindNone},
	}
	for _, tt := range tests {
		if got := tt.a.Shows(); got != tt.want {
			t.Errorf("%+v.Shows() = %s, want %s", tt.a, got, tt.want)
		}
	}
}
