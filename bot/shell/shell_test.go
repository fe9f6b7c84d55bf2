package shell

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
)

type echoRouter struct{ got []bot.Request }

func (r *echoRouter) Route(_ context.Context, req bot.Request) bot.Reply {
	r.got = append(r.got, req)
	return bot.Reply{Text: "answer to " + req.Text}
}

func TestPipedInput(t *testing.T) {
	in := "/term VPN\n\n   \n" + strings.Repeat("あ", maxLine) + "\r\n2025年の崖って何？\r\n/exit\n/term after exit\n"
	var out bytes.Buffer
	r := &echoRouter{}
	sh := &Shell{In: strings.NewReader(in), Out: &out, Router: r, UserID: "u", ChannelID: "console"}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "answer to /term VPN\n\n" + TooLong + "\n\nanswer to 2025年の崖って何？\n"
	if out.String() != want {
		t.Errorf("output:\n%q\nwant:\n%q", out.String(), want)
	}
	if len(r.got) != 2 || r.got[0].Platform != bot.Shell || r.got[0].ChannelID != "console" || !r.got[0].Direct {
		t.Errorf("requests = %+v", r.got)
	}
}

// TestMentionStripped: "@secbot 質問" typed in the console asks the
// question, as a mention does in a channel.
func TestMentionStripped(t *testing.T) {
	in := "@secbot 2025年の崖って何？\n@SecBot　ゼロトラスト\n@secbot\n@secbotter\n"
	var out bytes.Buffer
	r := &echoRouter{}
	sh := &Shell{In: strings.NewReader(in), Out: &out, Router: r}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, req := range r.got {
		got = append(got, req.Text)
	}
	want := []string{"2025年の崖って何？", "ゼロトラスト", "@secbot", "@secbotter"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("questions = %q, want %q", got, want)
	}
}

// TestInterruptAtPrompt: Ctrl-C (the context ending) stops a console that
// waits for input, without waiting for another line.
func TestInterruptAtPrompt(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	var out bytes.Buffer
	sh := &Shell{In: pr, Out: &out, Router: &echoRouter{}, Interactive: true}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- sh.Run(ctx) }()
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the console did not stop when its context ended")
	}
	if !strings.HasPrefix(out.String(), "secbot —") || !strings.Contains(out.String(), "> ") {
		t.Errorf("interactive console shows no banner and prompt: %q", out.String())
	}
}

func TestRenderTermCard(t *testing.T) {
	r := bot.AnswerReply(knowledge.Answer{Kind: knowledge.KindTerm, Related: []string{"SDP"},
		Term: &knowledge.Term{Name: "VPN", Reading: "ブイピーエヌ", Aliases: []string{"仮想専用線"}, Definition: "Virtual Private Networkの略。", Refs: []string{"4-2-2"}}},
		&knowledge.Pack{Sections: []knowledge.Section{{ID: "4-2-2", Title: "DXレポート"}}})
	got := Render(r)
	for _, want := range []string{"■ VPN（ブイピーエヌ）", "Virtual Private Networkの略。", "別名　　: 仮想専用線", "該当箇所: 4-2-2 DXレポート", "関連用語: SDP"} {
		if !strings.Contains(got, want) {
			t.Errorf("card lacks %q:\n%s", want, got)
		}
	}
}

func TestWrapKeepsLatinWords(t *testing.T) {
	s := strings.Repeat("あ", 37) + "Endpoint Detection and Responseの略。"
	for _, l := range strings.Split(wrap(s, 38), "\n") {
		if strings.HasSuffix(l, "Endp") || strings.HasPrefix(l, "oint") {
			t.Errorf("wrap split a word: %q", wrap(s, 38))
		}
	}
}

type routerFunc func(context.Context, bot.Request) bot.Reply

func (f routerFunc) Route(ctx context.Context, req bot.Request) bot.Reply { return f(ctx, req) }

// TestFileWrittenLocally: a reply's file (a /quiz report workbook) is
// written to the console's folder, and the reply says where.
func TestFileWrittenLocally(t *testing.T) {
	dir := t.TempDir()
	data := []byte("PK\x03\x04 workbook")
	r := routerFunc(func(context.Context, bot.Request) bot.Reply {
		return bot.Reply{Private: true, Text: "クイズ集計（2026年度）", File: &bot.File{Name: "../../report.xlsx", Data: data}}
	})
	var out bytes.Buffer
	sh := &Shell{In: strings.NewReader("/quiz report\n"), Out: &out, Router: r, UserID: "console", ChannelID: "console", Dir: dir}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "report.xlsx") // the name's folders are dropped
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("file %s = %q, %v", path, got, err)
	}
	if want := "クイズ集計（2026年度）\n→ 保存しました: " + path + "\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	// A folder that is not there: the reply says the file was not saved.
	out.Reset()
	sh = &Shell{In: strings.NewReader("/quiz report\n"), Out: &out, Router: r, UserID: "console", ChannelID: "console", Dir: filepath.Join(dir, "missing")}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "保存できませんでした") {
		t.Errorf("output %q", out.String())
	}
}
