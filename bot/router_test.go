package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"secbot/knowledge"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in       Request
		wantCmd  string
		wantText string
	}{
		{Request{Text: "ゼロトラストって何？"}, "ask", "ゼロトラストって何？"},
		{Request{Text: "/term VPN"}, "term", "VPN"},
		{Request{Text: "／term　ＶＰＮ"}, "term", "ＶＰＮ"},
		{Request{Text: "/TERM vpn"}, "term", "vpn"},
		{Request{Text: "help"}, "help", ""},
		{Request{Text: "ヘルプ"}, "help", ""},
		{Request{Text: "answer B"}, "quiz", "answer B"},
		{Request{Text: "  /quiz leaderboard  "}, "quiz", "leaderboard"},
		{Request{Command: "term", Text: "help"}, "help", ""},
		{Request{Command: "term", Text: " 脆弱性 "}, "term", "脆弱性"},
		{Request{Text: "/tip"}, "tip", ""},
		{Request{Action: &Action{ID: ActionOpenTerm, Value: "VPN"}}, "term", ""},
		{Request{Action: &Action{ID: ActionQuizAnswer, Value: "r1|2"}}, "quiz", ""},
		// Zero-width and bidi controls pasted in are folded out.
		{Request{Text: "\u200bゼロ\u200dトラスト\ufeffって何？\u202e"}, "ask", "ゼロトラストって何？"},
		{Request{Command: "term", Text: "\u202aＶＰＮ\u200c"}, "term", "ＶＰＮ"},
	}
	for _, tt := range tests {
		got := Normalize(tt.in)
		if got.Command != tt.wantCmd || got.Text != tt.wantText {
			t.Errorf("Normalize(%+v) = %q %q, want %q %q", tt.in, got.Command, got.Text, tt.wantCmd, tt.wantText)
		}
	}
}

type fakeAnswerer struct {
	calls []string
	err   error
}

var _ Answerer = (*fakeAnswerer)(nil)

func (f *fakeAnswerer) Term(_ context.Context, q string) (knowledge.Answer, error) {
	f.calls = append(f.calls, "term:"+q)
	if f.err != nil {
		return knowledge.Answer{}, f.err
	}
	if q == "VPN" {
		return knowledge.Answer{Query: q, Kind: knowledge.KindTerm, Term: &knowledge.Term{Name: "VPN", Definition: "Virtual Private Networkの略。", Refs: []string{"2-1-3", "4-2-2", "4-1-3"}}, Related: []string{"ゼロトラスト"}}, nil
	}
	return knowledge.Answer{Query: q, Kind: knowledge.KindNone, Suggestions: []string{"VPN"}}, nil
}

func (f *fakeAnswerer) Ask(_ context.Context, q string) (knowledge.Answer, error) {
	f.calls = append(f.calls, "ask:"+q)
	return knowledge.Answer{Query: q, Kind: knowledge.KindPassage, Passages: []knowledge.Passage{{Section: "4-2-2", Title: "DXレポート", Text: "「2025年の崖」とは…"}}}, nil
}

func newTestRouter(a Answerer) *Router {
	pack := &knowledge.Pack{Sections: []knowledge.Section{{ID: "4-2-2", Title: "経済産業省のDXレポート"}}}
	r := NewRouter()
	r.Handle("term", NewTermHandler(a, pack), TermUsage)
	r.Handle("ask", NewAskHandler(a, pack), AskUsage)
	r.Handle("boom", HandlerFunc(func(context.Context, Request) (Reply, error) { panic("kaboom") }))
	return r
}

func TestRouterAnswers(t *testing.T) {
	ctx := context.Background()
	a := &fakeAnswerer{}
	r := newTestRouter(a)

	reply := r.Route(ctx, Request{Command: "term", Text: "VPN"})
	if reply.Answer == nil || reply.Answer.Term.Name != "VPN" || !reply.Private {
		t.Fatalf("/term VPN = %+v, want a private VPN card", reply)
	}
	if want := "2-1-3 第2章（このボットの教材外）、4-2-2 経済産業省のDXレポート、4-1-3 （この教材の抜粋にない節）"; !strings.Contains(reply.Text, want) {
		t.Errorf("/term VPN text %q lacks the sections %q", reply.Text, want)
	}

	reply = r.Route(ctx, Request{Command: "term", Text: "すし"})
	if !strings.Contains(reply.Text, "見つかりませんでした") || !strings.Contains(reply.Text, "もしかして: VPN") {
		t.Errorf("/term すし text = %q, want not found with a suggestion", reply.Text)
	}

	reply = r.Route(ctx, Request{Action: &Action{ID: ActionShareTerm, Value: "VPN"}})
	if reply.Private || !reply.DeleteOriginal || reply.Answer == nil {
		t.Errorf("share button reply = %+v, want a public card that deletes the private one", reply)
	}

	reply = r.Route(ctx, Request{Text: "2025年の崖って何？"})
	if reply.Answer == nil || reply.Answer.Kind != knowledge.KindPassage || !strings.Contains(reply.Text, "【4-2-2 DXレポート】") {
		t.Errorf("free question reply = %+v, want the 4-2-2 passage", reply)
	}
}

func TestRouterRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	a := &fakeAnswerer{}
	r := newTestRouter(a)
	tests := []struct {
		req  Request
		want string
	}{
		{Request{Command: "term", Text: strings.Repeat("あ", 201)}, "長すぎます"},
		{Request{Command: "term", Text: "VPN\x00"}, "制御文字"},
		{Request{Command: "term", Text: ""}, "使い方: /term"},
		{Request{Text: "/nosuch x"}, "/nosuch"},
		{Request{Command: "boom"}, Apology},
	}
	for _, tt := range tests {
		reply := r.Route(ctx, tt.req)
		if !strings.Contains(reply.Text, tt.want) || !reply.Private {
			t.Errorf("Route(%+v) = %q, want a private message containing %q", tt.req, reply.Text, tt.want)
		}
	}
	if len(a.calls) != 0 {
		t.Errorf("bad input reached the answerer: %v", a.calls)
	}
	// An internal error is logged and the person gets an apology, not its text.
	a.err = errors.New("index: disk on fire")
	reply := r.Route(ctx, Request{Command: "term", Text: "VPN"})
	if reply.Text != Apology {
		t.Errorf("internal error reply = %q, want the apology", reply.Text)
	}
}

func TestHelpListsCommands(t *testing.T) {
	r := newTestRouter(&fakeAnswerer{})
	for _, req := range []Request{{Command: "help"}, {Command: "term", Text: "help"}, {Text: "help"}} {
		reply := r.Route(context.Background(), req)
		for _, want := range []string{"/help", "/term 用語", "@secbot 質問"} {
			if !strings.Contains(reply.Text, want) {
				t.Errorf("help for %+v lacks %q:\n%s", req, want, reply.Text)
			}
		}
	}
}
