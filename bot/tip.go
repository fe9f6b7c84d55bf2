package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"secbot/knowledge"
)

// TipSource picks the tip of a day. schedules.Tips implements it; the
// scheduler posts what it picks, so /tip, `secbot tip` and the channel agree.
type TipSource interface {
	// TipFor returns the tip channel gets on the tip day that at falls on
	// (or the last one before it: a weekend shows Friday's), and that day.
	TipFor(channel string, at time.Time) (tip knowledge.Tip, day time.Time, err error)
}

// Subscription is a person who takes the daily tip as a direct message.
type Subscription struct {
	Platform Platform
	UserID   string
	UserName string
	// Since is when they subscribed; the store sets it.
	Since time.Time
}

// Subscriptions records who takes the DM digest. store/sqlite implements it.
type Subscriptions interface {
	// Subscribe adds s and reports whether it was new.
	Subscribe(ctx context.Context, s Subscription) (bool, error)
	// Unsubscribe removes a subscription and reports whether there was one.
	Unsubscribe(ctx context.Context, platform Platform, userID string) (bool, error)
}

// TipUsage lists the help lines of /tip.
var TipUsage = []HelpLine{
	{Usage: "/tip", What: "今日の「経営者のためのセキュリティ」ヒントを表示します"},
	{Usage: "/tip subscribe", What: "毎営業日のヒントを DM で受け取ります（/tip unsubscribe で停止）"},
}

// TipConfig is what the /tip handler needs.
type TipConfig struct {
	Pack *knowledge.Pack
	Tips TipSource
	// Subs may be nil: then subscribe and unsubscribe say the digest is off.
	Subs Subscriptions
	// Channels are the channels that get the tip on a schedule: /tip asked
	// there shows that channel's tip; anywhere else, the DM digest's.
	Channels []string
	// Now defaults to time.Now.
	Now func() time.Time
	// TeamsDirect is set when the Teams bot (Bot Framework, bot/teamsbot)
	// runs: it can send the digest as a 1:1 chat. Without it, Teams has
	// only the outgoing webhook, which cannot, and /tip subscribe on Teams
	// says so.
	TeamsDirect bool
}

// DigestChannel is the tip sequence of the DM digest and of /tip outside
// the tip channels.
const DigestChannel = ""

// NewTipHandler returns the handler of /tip, /tip subscribe and
// /tip unsubscribe.
func NewTipHandler(cfg TipConfig) Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return HandlerFunc(func(ctx context.Context, req Request) (Reply, error) {
		switch arg := strings.ToLower(strings.TrimSpace(req.Text)); arg {
		case "":
			channel := DigestChannel
			for _, c := range cfg.Channels {
				if c == req.ChannelID && c != "" {
					channel = c
				}
			}
			tip, day, err := cfg.Tips.TipFor(channel, now())
			if err != nil {
				return Reply{}, fmt.Errorf("tip for %q: %w", channel, err)
			}
			r := TipReply(NewTipCard(cfg.Pack, tip, day))
			r.Private = true
			return r, nil
		case "subscribe", "登録":
			if req.Platform == Teams && !cfg.TeamsDirect {
				return Reply{}, Userf("Teams では DM でのヒント配信に対応していません。チャンネルに毎朝届くヒントか、/tip をご利用ください。")
			}
			if cfg.Subs == nil || req.UserID == "" {
				return Reply{}, Userf("DM でのヒント配信はこの環境では設定されていません。/tip で今日のヒントを表示できます。")
			}
			added, err := cfg.Subs.Subscribe(ctx, Subscription{Platform: req.Platform, UserID: req.UserID, UserName: req.UserName})
			if err != nil {
				return Reply{}, fmt.Errorf("subscribe %s: %w", req.UserID, err)
			}
			if !added {
				return Reply{Private: true, Text: "すでに登録されています。毎営業日のヒントを DM でお届けしています（停止は /tip unsubscribe）。"}, nil
			}
			return Reply{Private: true, Text: "登録しました。毎営業日の配信時刻にヒントを DM でお届けします（停止は /tip unsubscribe）。"}, nil
		case "unsubscribe", "解除":
			if cfg.Subs == nil || req.UserID == "" {
				return Reply{}, Userf("DM でのヒント配信はこの環境では設定されていません。")
			}
			removed, err := cfg.Subs.Unsubscribe(ctx, req.Platform, req.UserID)
			if err != nil {
				return Reply{}, fmt.Errorf("unsubscribe %s: %w", req.UserID, err)
			}
			if !removed {
				return Reply{Private: true, Text: "DM 配信には登録されていません（登録は /tip subscribe）。"}, nil
			}
			return Reply{Private: true, Text: "DM 配信を停止しました。/tip でいつでも今日のヒントを表示できます。"}, nil
		default:
			return Reply{}, Userf("使い方: /tip（今日のヒント）、/tip subscribe（DM で毎営業日受け取る）、/tip unsubscribe（停止）")
		}
	})
}

// NewTipCard returns the card of tip for day (zero day: undated).
func NewTipCard(pack *knowledge.Pack, tip knowledge.Tip, day time.Time) TipCard {
	c := TipCard{Tip: tip, Related: append([]string(nil), tip.Terms...), Source: SourceOf(pack)}
	if pack != nil {
		c.SectionTitle = pack.SectionTitle(tip.Section)
	}
	if !day.IsZero() {
		c.Date = day.Format("2006-01-02")
	}
	return c
}

// TipReply renders a tip card as a public Reply (the scheduled post).
func TipReply(c TipCard) Reply {
	var b strings.Builder
	b.WriteString("今日の「経営者のためのセキュリティ」")
	if c.Date != "" {
		b.WriteString("（" + c.Date + "）")
	}
	b.WriteString("\n■ " + c.Tip.Title + "\n" + c.Tip.Body + "\n")
	b.WriteString("出典: " + SourceLabel(c.Source) + " " + SectionsText([]SectionRef{{ID: c.Tip.Section, Title: c.SectionTitle}}) + "\n")
	if len(c.Related) > 0 {
		b.WriteString("関連用語: " + strings.Join(c.Related, "、") + "（/term で詳しく）\n")
	}
	return Reply{Tip: &c, Text: strings.TrimRight(b.String(), "\n")}
}
