package knowledge

import (
	"slices"
	"testing"
)

func TestFigureTexts(t *testing.T) {
	s := Section{
		Figures: []string{"図19. DXの取組状況", "図20. DXの取組の成果"},
		Sources: []string{"（出典）総務省「情報通信白書令和３年版」を基に作成", "（出典）IPA「DX白書2023」を基に作成", "（出典）IPA「DX白書2023」を基に作成"},
	}
	want := []string{
		"（出典）総務省「情報通信白書令和３年版」を基に作成",
		"図19. DXの取組状況\n（出典）IPA「DX白書2023」を基に作成",
		"図20. DXの取組の成果\n（出典）IPA「DX白書2023」を基に作成",
	}
	if got := FigureTexts(s); !slices.Equal(got, want) {
		t.Errorf("FigureTexts = %q, want %q", got, want)
	}
	if got := FigureTexts(Section{Figures: []string{"図23. RPAのイメージ図"}}); !slices.Equal(got, []string{"図23. RPAのイメージ図"}) {
		t.Errorf("a caption without a source: %q", got)
	}
	if got := FigureTexts(Section{Sources: []string{"（出典）経済産業省「DX Selection 2023」を基に作成"}}); len(got) != 1 {
		t.Errorf("a source without a caption: %q", got)
	}
}
