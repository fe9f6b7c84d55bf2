package jtext

import "testing"

func TestKey(t *testing.T) {
	same := [][2]string{
		{"ファイヤーウォール", "ふぁいあうぉーる"},
		{"ファイアウォール", "ﾌｧｲｱｳｫｰﾙ"},
		{"ＣＳＩＲＴ", "csirt"},
		{"改竄", "改ざん"},
		{"経産省", "経済産業省"},
		{"アメリカ", "米国"},
		{"我が国のICT投資", "日本のICT投資"},
		{"ヴァイオリン", "バイオリン"},
		{"ゼロ・トラスト", "ゼロトラスト"},
	}
	for _, p := range same {
		if Key(p[0]) != Key(p[1]) {
			t.Errorf("Key(%q) = %q, Key(%q) = %q; want equal", p[0], Key(p[0]), p[1], Key(p[1]))
		}
	}
	if got := Key("受けたい"); got != "受ケタイ" {
		t.Errorf("Key(受けたい) = %q, want 受ケタイ (folds go one way)", got)
	}
}

func TestRunesOffsets(t *testing.T) {
	s := "ﾃﾞｰﾀ改竄"
	for _, r := range Runes(s) {
		if r.Start < 0 || r.End > len(s) || r.Start >= r.End {
			t.Fatalf("rune %q has offsets %d…%d in %q", r.R, r.Start, r.End, s)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＳＯＣＩＥＴＹ ５．０", "society50"},
		{"Society 5.0", "society50"},
		{"ｾｷｭﾘﾃｨ", "セキュリティ"},
		{"ゼロ・トラスト", "ゼロトラスト"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   int
	}{
		{"IPの設定", "ip", 0},
		{"IPSの設定", "IP", -1},
		{"使うのはEDRです", "edr", len("使うのは")},
		{"x", "", -1},
	}
	for _, tt := range tests {
		if got := IndexFold(tt.s, tt.sub, 0); got != tt.want {
			t.Errorf("IndexFold(%q, %q) = %d, want %d", tt.s, tt.sub, got, tt.want)
		}
	}
}
