package knowledge

import "testing"

func TestSource(t *testing.T) {
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if label, title := def.Source(); label != "第4章" || title != "企業経営で重要となるIT投資と投資としてのサイバーセキュリティ対策" {
		t.Errorf("default pack: %q %q", label, title)
	}
	two := &Pack{Sections: []Section{{ID: "4", Title: "IT投資"}, {ID: "4-1"}, {ID: "7", Title: "社内規程"}}}
	if label, title := two.Source(); label != "教材" || title != "" {
		t.Errorf("two chapters: %q %q", label, title)
	}
	company := &Pack{Sections: []Section{{ID: "規程-1", Title: "情報管理規程"}}}
	if label, _ := company.Source(); label != "教材" {
		t.Errorf("a company pack without chapters: %q", label)
	}
}
