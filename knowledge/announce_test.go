package knowledge

import (
	"strings"
	"testing"
)

// A body sentence announcing a list takes the section's enumeration (a
// line ending in など), which leaves the lists.
func TestAnnouncedLists(t *testing.T) {
	body := []string{"導入の話です。", "「守りのIT投資」には、以下のようなものがあります。"}
	groups := []string{"進め方\n手順１：可視化", "業務効率化\n定期的なシステム更新サイクル・法規制対応など"}
	b, g := announcedLists(body, groups)
	if len(b) != 2 || !strings.Contains(b[1], "法規制対応など") || !strings.HasPrefix(b[1], "「守りのIT投資」には") {
		t.Errorf("body = %q", b)
	}
	if len(g) != 1 || g[0] != groups[0] {
		t.Errorf("groups = %q", g)
	}
	// Without an enumeration the sentence stays alone.
	b, g = announcedLists(body, groups[:1])
	if b[1] != body[1] || len(g) != 1 {
		t.Errorf("no enumeration: %q %q", b, g)
	}
}

func TestDefaultAnnouncedList(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range p.Passages() {
		if strings.HasPrefix(ps.Text, "「守りのIT投資」には") {
			if !strings.Contains(ps.Text, "法規制対応") {
				t.Errorf("守りのIT投資's list not joined: %q", ps.Text)
			}
			return
		}
	}
	t.Error("no passage announces 守りのIT投資's list")
}

// A table's row: a short name followed by long cells is one passage.
func TestListGroupsRow(t *testing.T) {
	items := []string{"IoT", "生産設備にセンサーを設置し、振動データを取得し分析することで、部品の故障予知や性能維持が可能", "生産設備の稼働状況を可視化したことで、全ての拠点での生産状況をリアルタイムに把握可能", "クラウドサービス", "社内情報の一元管理"}
	got := ListGroups(items)
	if len(got) == 0 || !strings.HasPrefix(got[0], "IoT\n生産設備") || !strings.Contains(got[0], "リアルタイム") {
		t.Errorf("ListGroups = %q", got)
	}
}
