package rounds

import (
	"context"
	"fmt"
	"strings"
	"time"

	"secbot/bot"
	"secbot/quiz"
	"secbot/report"
)

// reportUsage is what /quiz report says when its arguments are wrong.
const reportUsage = "使い方: /quiz report [all|チャンネルID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]（管理者のみ。期間の既定は今シーズン）"

// reportArgs is what /quiz report was asked for.
type reportArgs struct {
	all      bool
	channel  string
	from, to time.Time // to is exclusive (the day after --to)
	dated    bool      // --from or --to was given
}

// parseReportArgs reads "[all|CHANNEL] [--from D] [--to D]" (also
// --from=D; an em dash typed for "--" by a phone's keyboard is taken too).
func parseReportArgs(text string, loc *time.Location) (reportArgs, error) {
	var a reportArgs
	words := strings.Fields(text)
	for i := 0; i < len(words); i++ {
		w := words[i]
		for _, dash := range []string{"—", "–", "ー", "－"} {
			if strings.HasPrefix(w, dash) {
				w = "--" + strings.TrimLeft(w[len(dash):], "-")
			}
		}
		if strings.HasPrefix(w, "-") {
			name, val, hasVal := strings.Cut(strings.TrimLeft(w, "-"), "=")
			if name != "from" && name != "to" {
				return a, bot.Userf("「%s」は指定できません。%s", w, reportUsage)
			}
			if !hasVal {
				if i+1 >= len(words) {
					return a, bot.Userf("--%s の日付がありません。%s", name, reportUsage)
				}
				i++
				val = words[i]
			}
			d, err := time.ParseInLocation(time.DateOnly, val, loc)
			if err != nil {
				return a, bot.Userf("--%s %s: 日付は YYYY-MM-DD で書いてください（例: 2026-04-01）。", name, val)
			}
			if name == "from" {
				a.from = d
			} else {
				a.to = d.AddDate(0, 0, 1)
			}
			a.dated = true
			continue
		}
		switch lw := strings.ToLower(w); {
		case lw == "all" || w == "全体" || w == "全チャンネル":
			a.all = true
		case a.channel == "" && !a.all:
			a.channel = w
		default:
			return a, bot.Userf("「%s」は指定できません。%s", w, reportUsage)
		}
	}
	if !a.from.IsZero() && !a.to.IsZero() && !a.from.Before(a.to) {
		return a, bot.Userf("--from が --to より後になっています。")
	}
	return a, nil
}

// reportSource is the store as /quiz report reads it.
func (r *Rounds) reportSource() (report.Source, bool) {
	src, ok := r.cfg.Store.(report.Source)
	return src, ok
}

// report answers /quiz report (admins only): the HR workbook of the
// channel (all channels with "all", or in a direct message) over the
// current season unless --from/--to say otherwise, sent to the admin
// privately. Slack gets the file in the admin's DM with the summary; the
// console gets the file written locally; Teams, which takes no files from
// secbot, gets the summary text.
func (r *Rounds) report(ctx context.Context, req bot.Request, text string) (bot.Reply, error) {
	if !req.Admin {
		return bot.Reply{}, bot.Userf("/quiz report は管理者だけが使えます。管理者は設定ファイルの admins で指定します。")
	}
	if req.PublicReplies {
		// A Teams channel reads every reply: HR's figures stay out of it.
		return bot.Reply{}, bot.Userf("集計はチャンネルには表示しません。secbot との個人チャットで /quiz report all（または /quiz report チャンネル名）を送ってください。")
	}
	src, ok := r.reportSource()
	if !ok {
		return bot.Reply{}, bot.Userf("このストアでは集計レポートを作れません。")
	}
	args, err := parseReportArgs(text, r.cfg.Location)
	if err != nil {
		return bot.Reply{}, err
	}
	now := r.cfg.Now()
	q := report.Query{Location: r.cfg.Location, Now: now, From: args.from, To: args.to}
	if !args.dated {
		s := r.cfg.Seasons.At(now)
		q.From, q.To = s.From, s.To
	}
	switch {
	case args.all:
	case args.channel != "":
		q.Channel = args.channel
	case req.Direct:
		// A direct message has no rounds of its own: report every channel.
	default:
		q.Channel = req.ChannelID
	}
	rep, err := report.Make(ctx, src, q)
	if err != nil {
		return bot.Reply{}, err
	}
	summary := rep.Summary()
	if rep.Totals.Rounds == 0 && rep.Totals.Answers == 0 {
		if q.Channel != "" && !args.all {
			summary += "\n全チャンネルの集計は /quiz report all で作れます。"
		}
		return bot.Reply{Private: true, Text: summary}, nil
	}
	switch req.Platform {
	case bot.Slack, bot.Shell:
	default:
		return bot.Reply{Private: true, Text: summary + "\n\n（Excel のブックはこの画面には送れません。Slack で /quiz report を使うか、サーバーで secbot quiz report --out report.xlsx を実行してください。）"}, nil
	}
	name, data, err := rep.XLSX()
	if err != nil {
		return bot.Reply{}, fmt.Errorf("quiz report: %w", err)
	}
	f := &bot.File{Name: name, Data: data, Title: "secbot クイズ集計（" + rep.Period() + "）", Comment: summary}
	if req.Platform == bot.Slack {
		return bot.Reply{Private: true, File: f,
			Text: fmt.Sprintf("集計レポート %s を DM に送りました（%s）。", name, rep.Period())}, nil
	}
	return bot.Reply{Private: true, File: f, Text: summary}, nil
}

// seasonName names a season for people: "2026年度（2026-04-01〜2027-03-31）".
func seasonName(s quiz.Season, loc *time.Location) string {
	return fmt.Sprintf("%s年度（%s〜%s）", s.Name(), s.From.In(loc).Format(time.DateOnly), s.To.Add(-time.Nanosecond).In(loc).Format(time.DateOnly))
}
