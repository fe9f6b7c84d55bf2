package knowledge

import (
	"strings"
	"testing"
)

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

// TestListGroups: a list's heading and its items are one passage; steps
// keep the lines under them; items of no list stay alone.
func TestListGroups(t *testing.T) {
	got := ListGroups([]string{"進め方", "手順１：可視化", "手順2：洗い出し", "STEP1 導入前", "口頭での業務", "STEP2 置き換え", "紙をITに", "経営面", "人材面", "これは一文の項目です。単独で残ります。"})
	want := []string{"進め方\n手順１：可視化\n手順2：洗い出し", "STEP1 導入前\n口頭での業務\nSTEP2 置き換え\n紙をITに", "経営面\n人材面", "これは一文の項目です。単独で残ります。"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("ListGroups = %q, want %q", got, want)
	}
	// A numbered list that starts again at 1 is another list: the next
	// page's items are not more reasons.
	got = ListGroups([]string{"遅れた３つの理由", "1. 予算", "2. 人材", "３．経験", "1. 取組状況", "２．成果"})
	want = []string{"遅れた３つの理由\n1. 予算\n2. 人材\n３．経験", "1. 取組状況\n２．成果"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("ListGroups = %q, want %q", got, want)
	}
}
