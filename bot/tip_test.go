package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"secbot/knowledge"
)

type fakeTips struct{ channels []string }

var _ TipSource = (*fakeTips)(nil)

func (f *fakeTips) TipFor(ch string, at time.Time) (knowledge.Tip, time.Time, error) {
	f.channels = append(f.channels, ch)
	return knowledge.Tip{ID: "4-3-1-01", Section: "4-3-1", Title: "経営者が重要視すべき3つのポイント", Body: "本文", Terms: []string{"サイバー攻撃"}},
		time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC), nil
}

type fakeSubs map[string]bool

var _ Subscriptions = fakeSubs{}

func (f fakeSubs) Subscribe(_ context.Context, s Subscription) (bool, error) {
	k := string(s.Platform) + ":" + s.UserID
	if f[k] {
		return false, nil
	}
	f[k] = true
	return true, nil
}

func (f fakeSubs) Unsubscribe(_ context.Context, p Platform, user string) (bool, error) {
	k := string(p) + ":" + user
	had := f[k]
	delete(f, k)
	return had, nil
}

func TestTipHandler(t *testing.T) {
	ctx := context.Background()
	tips, subs := &fakeTips{}, fakeSubs{}
	r := NewRouter()
	r.Handle("tip", NewTipHandler(TipConfig{
		Pack: &knowledge.Pack{Sections: []knowledge.Section{{ID: "4-3-1", Title: "経営者が重要視すべきポイント"}}},
		Tips: tips, Subs: subs, Channels: []string{"CTIPS"},
		Now: func() time.Time { return time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC) },
	}), TipUsage...)

	reply := r.Route(ctx, Request{Platform: Slack, UserID: "U1", ChannelID: "CTIPS", Text: "/tip"})
	if !reply.Private || reply.Tip == nil || reply.Tip.SectionTitle != "経営者が重要視すべきポイント" ||
		reply.Tip.Date != "2026-11-30" || len(reply.Tip.Related) != 1 || !strings.Contains(reply.Text, "出典: 第4章 4-3-1") {
		t.Fatalf("/tip = %+v", reply)
	}
	r.Route(ctx, Request{Platform: Slack, UserID: "U1", ChannelID: "COTHER", Text: "/tip"})
	if tips.channels[0] != "CTIPS" || tips.channels[1] != DigestChannel {
		t.Errorf("/tip sequences = %q, want the tip channel's, then the digest's", tips.channels)
	}

	tests := []struct {
		req  Request
		want string
	}{
		{Request{Platform: Slack, UserID: "U1", Text: "/tip subscribe"}, "登録しました"},
		{Request{Platform: Slack, UserID: "U1", Text: "/tip subscribe"}, "すでに登録"},
		{Request{Platform: Slack, UserID: "U1", Text: "/tip unsubscribe"}, "停止しました"},
		{Request{Platform: Slack, UserID: "U1", Text: "/tip unsubscribe"}, "登録されていません"},
		{Request{Platform: Teams, UserID: "U2", Text: "/tip subscribe"}, "Teams では"},
		{Request{Platform: Slack, UserID: "U1", Text: "/tip nonsense"}, "使い方: /tip"},
	}
	for _, tt := range tests {
		reply := r.Route(ctx, tt.req)
		if !reply.Private || !strings.Contains(reply.Text, tt.want) {
			t.Errorf("%s (%s) = %q, want %q", tt.req.Text, tt.req.Platform, reply.Text, tt.want)
		}
	}
	// With the Teams bot running, Teams people can take the digest too.
	withBot := NewTipHandler(TipConfig{Tips: tips, Subs: subs, TeamsDirect: true})
	if reply, err := withBot.Handle(ctx, Request{Platform: Teams, UserID: "aad-2", Text: "subscribe"}); err != nil || !strings.Contains(reply.Text, "登録しました") {
		t.Errorf("Teams subscribe with the bot: %q, %v", reply.Text, err)
	}
	help := r.Route(ctx, Request{Text: "help"})
	if !strings.Contains(help.Text, "/tip subscribe") {
		t.Errorf("help lacks /tip subscribe")
	}
}
