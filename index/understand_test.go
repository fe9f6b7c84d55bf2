package index

import (
	"secbot/knowledge"

	"context"
	"slices"
	"strings"
	"testing"
)

// TestUnderstand: the chat around a question is peeled off by the shape of
// the message, not by whole sentences.
func TestUnderstand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		msg, core string
		aside     []string
		topic     string // one of the topics, when set
	}{
		{msg: "ゼロトラストって何？", core: "ゼロトラスト"},
		{msg: "いつもお世話になっております。経理の田中です。最近よく聞くSASEについて簡単に教えていただけますか", core: "SASE"},
		{msg: "部長に聞かれたんですけど、そもそもゼロトラストって", core: "ゼロトラスト"},
		{msg: "ランサムウェアってなに笑", core: "ランサムウェア"},
		{msg: "EDRってなに？w", core: "EDR"},
		{msg: "EDRって何をするの？😅", core: "EDR"},
		{msg: "すみません、恐れ入りますがBCPは何のため？", core: "BCP"},
		{msg: "WAFってどういう意味！！", core: "WAF"},
		{msg: "情報セキュリティの3要素を全部教えて", core: "情報セキュリティの3要素"},
		{msg: "中小企業向けのセキュリティ対策の宣言制度ってあったよね", core: "中小企業向けのセキュリティ対策の宣言制度"},
		{msg: "SASEってなんだっけ", core: "SASE"},
		{msg: "ファイアウォールと違って、通信の中身まで見て侵入を遮断する仕組み", core: "通信の中身まで見て侵入を遮断する仕組み", aside: []string{"ファイアウォール"}},
		{msg: "IPSとは違って検知するだけの仕組み", core: "検知するだけの仕組み", aside: []string{"IPS"}},
		{msg: "VPNではなくSDPとは", core: "SDP", aside: []string{"VPN"}},
		{msg: "お疲れ様です。ランサムウェアって普通のウイルスと何が違うんですか", topic: "ランサムウェア"},
	}
	for _, tt := range tests {
		u := understand(tt.msg)
		if tt.core != "" && u.core != tt.core {
			t.Errorf("understand(%q).core = %q, want %q", tt.msg, u.core, tt.core)
		}
		if !slices.Equal(u.setAside, tt.aside) {
			t.Errorf("understand(%q).setAside = %q, want %q", tt.msg, u.setAside, tt.aside)
		}
		if tt.topic != "" && !slices.Contains(u.topics, tt.topic) {
			t.Errorf("understand(%q).topics = %q, want %q among them", tt.msg, u.topics, tt.topic)
		}
	}
}

// TestContrastNeverAnswersSetAside: whatever answers a contrast, it is not
// the term the contrast sets aside.
func TestContrastNeverAnswersSetAside(t *testing.T) {
	t.Parallel()
	ix := smallIndex(t)
	for q, aside := range map[string]string{
		"ファイアウォールと違って、通信の中身まで見て侵入を遮断する仕組み": "ファイアウォール",
		"ファイアウォールとは違うWebアプリ専用の防御":          "ファイアウォール",
		"ゼロトラストではなく従来の境界型の考え方":             "ゼロトラスト",
		"IPSとは違って検知するだけの仕組み":               "IPS",
		// A Latin word before the name (a mention left in the text, a
		// product) does not hide it.
		"@secbot IPSとは違って検知するだけの仕組み": "IPS",
		"うちのUTM IPSとは違って検知するだけの仕組み?": "IPS",
	} {
		for _, f := range []func(context.Context, string) (string, error){
			func(ctx context.Context, q string) (string, error) {
				a, err := ix.Term(ctx, q)
				return answerName(a), err
			},
			func(ctx context.Context, q string) (string, error) {
				a, err := ix.Ask(ctx, q)
				return answerName(a), err
			},
		} {
			got, err := f(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got == aside {
				t.Errorf("%q answered %q, the term it sets aside", q, got)
			}
		}
	}
}

func answerName(a knowledge.Answer) string {
	if a.Term == nil {
		return ""
	}
	return a.Term.Name
}

// TestDescriptionSentences: a description in two sentences, the first
// ending in a noun or こと, is read whole; a background sentence ending in
// a verb is not.
func TestDescriptionSentences(t *testing.T) {
	if got := understand("取引の相手が確かに本人であること。偽物で損なわれる性質").core; !strings.Contains(got, "本人") {
		t.Errorf("two-sentence description cut: %q", got)
	}
	if got := understand("最近ゼロトラストという言葉を聞きました。社内のネットワークも信用しない考え方とは").core; strings.Contains(got, "聞き") {
		t.Errorf("background sentence kept: %q", got)
	}
}
