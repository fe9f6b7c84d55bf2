package rounds

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"secbot/bot"
	"secbot/metrics"
	"secbot/quiz"
)

// Usage lists the help lines of /quiz.
var Usage = []bot.HelpLine{
	{Usage: "/quiz", What: "このチャンネルで開催中のクイズを表示します（ボタン、または「answer B」で回答）"},
	{Usage: "/quiz leaderboard [week|season|all|channel]", What: "クイズのランキング（今週・今シーズン・通算・このチャンネル）"},
	{Usage: "/quiz me", What: "あなたの成績（回答数・正解率・連続正解・今シーズンの順位・間違えた用語・復習の進み具合）"},
	{Usage: "/quiz practice on|off", What: "クイズで間違えた用語を 1・3・7・14 日後に DM で復習します（1日1問まで）"},
	{Usage: "/quiz start | /quiz stop", What: "（管理者）このチャンネルでクイズを今すぐ開始・締め切ります"},
	{Usage: "/quiz report [all] [--from YYYY-MM-DD --to YYYY-MM-DD]", What: "（管理者）このチャンネル（all で全チャンネル）の集計レポート（Excel）を DM に送ります。既定は今シーズン"},
}

// Handler returns the handler of /quiz, its answer buttons and Teams'
// "answer B". With control false (the console's scheduler-less set-ups),
// /quiz start and stop say rounds are off.
func (r *Rounds) Handler() bot.Handler { return bot.HandlerFunc(r.handle) }

func (r *Rounds) handle(ctx context.Context, req bot.Request) (bot.Reply, error) {
	st := r.cfg.Store
	if req.Action != nil {
		if req.Action.ID == bot.ActionPracticeAnswer {
			return r.practice(ctx, req)
		}
		if req.Action.ID != bot.ActionQuizAnswer {
			return bot.Reply{}, fmt.Errorf("unknown quiz action %q", req.Action.ID)
		}
		id, choice, err := bot.DecodeAnswer(req.Action.Value)
		if err != nil {
			return bot.Reply{}, bot.Userf("このボタンは読み取れませんでした。/quiz で開催中のクイズを表示してください。")
		}
		rd, err := st.Round(ctx, id)
		if errors.Is(err, quiz.ErrNotFound) {
			return bot.Reply{}, bot.Userf("このクイズは見つかりませんでした。/quiz で開催中のクイズを表示してください。")
		} else if err != nil {
			return bot.Reply{}, err
		}
		if req.ChannelID != "" && rd.Channel != req.ChannelID {
			// A button carries its round's id; a payload naming another
			// channel's round was not clicked on a card secbot posted here.
			r.log.Warn("refused an answer to another channel's round", "round", id, "round_channel", rd.Channel, "channel", req.ChannelID, "user", req.UserID)
			return bot.Reply{}, bot.Userf("このボタンはこのチャンネルのクイズのものではありません。/quiz で開催中のクイズを表示してください。")
		}
		return r.answer(ctx, req, rd, choice)
	}
	word, rest := splitWord(strings.TrimSpace(req.Text))
	switch strings.ToLower(word) {
	case "":
		rd, err := st.OpenRound(ctx, req.ChannelID)
		if errors.Is(err, quiz.ErrNotFound) {
			return bot.Reply{Private: true, Text: "このチャンネルで開催中のクイズはありません。/quiz leaderboard でランキングを表示できます。"}, nil
		} else if err != nil {
			return bot.Reply{}, err
		}
		t, err := st.Tally(ctx, rd.ID)
		if err != nil {
			return bot.Reply{}, err
		}
		reply := bot.RoundReply(bot.NewRoundCard(r.cfg.Pack, rd, t, r.cfg.Location))
		reply.Private = true
		return reply, nil
	case "answer", "回答":
		rd, err := st.OpenRound(ctx, req.ChannelID)
		if errors.Is(err, quiz.ErrNotFound) {
			return bot.Reply{}, bot.Userf("このチャンネルで開催中のクイズはありません。")
		} else if err != nil {
			return bot.Reply{}, err
		}
		choice := quiz.ParseChoice(strings.TrimSpace(rest), len(rd.Question.Choices))
		if choice < 0 {
			return bot.Reply{}, bot.Userf("回答は A〜%s の記号で入力してください（例: answer B）。", quiz.ChoiceLetter(len(rd.Question.Choices)-1))
		}
		return r.answer(ctx, req, rd, choice)
	case "leaderboard", "ranking", "ランキング", "rank":
		return r.leaderboard(ctx, req, strings.ToLower(strings.TrimSpace(rest)))
	case "report", "レポート", "集計":
		return r.report(ctx, req, rest)
	case "me", "自分", "成績":
		return r.me(ctx, req)
	case "practice", "練習", "復習":
		return r.practice(ctx, req)
	case "start", "開始":
		if !req.Admin {
			return bot.Reply{}, bot.Userf("/quiz start は管理者だけが使えます。管理者は設定ファイルの admins で指定します。")
		}
		rd, err := r.Start(ctx, req.ChannelID)
		if errors.Is(err, quiz.ErrRoundOpen) {
			return bot.Reply{}, bot.Userf("このチャンネルではすでにクイズを開催中です。/quiz stop で締め切ってから開始してください。")
		} else if errors.Is(err, bot.ErrPermanent) || errors.Is(err, ErrNoPoster) {
			// not_in_channel, channel_not_found: waiting will not help.
			return bot.Reply{}, bot.Userf("このチャンネルにクイズを投稿できませんでした。secbot をチャンネルに招待してから（/invite @secbot）もう一度お試しください。")
		} else if err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Private: true, Text: fmt.Sprintf("クイズを開始しました（締切: %s）。", bot.FormatCloses(rd.Closes, r.cfg.Location))}, nil
	case "stop", "締切", "終了":
		if !req.Admin {
			return bot.Reply{}, bot.Userf("/quiz stop は管理者だけが使えます。管理者は設定ファイルの admins で指定します。")
		}
		_, err := r.Stop(ctx, req.ChannelID)
		if errors.Is(err, quiz.ErrNotFound) {
			return bot.Reply{}, bot.Userf("このチャンネルで開催中のクイズはありません。")
		} else if err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Private: true, Text: "クイズを締め切り、チャンネルに正解を発表しました。"}, nil
	default:
		return bot.Reply{}, bot.Userf("使い方: /quiz（開催中のクイズ）、/quiz leaderboard [week|season|all|channel]（ランキング）、/quiz me（自分の成績）、/quiz practice on|off（復習）、answer B（回答）")
	}
}

// practice hands /quiz practice and the practice buttons to Config.Practice.
func (r *Rounds) practice(ctx context.Context, req bot.Request) (bot.Reply, error) {
	if r.cfg.Practice == nil {
		return bot.Reply{}, bot.Userf("復習（/quiz practice）はこの環境では使えません。")
	}
	return r.cfg.Practice.Handle(ctx, req)
}

// answer records a person's answer (their earliest counts) and returns
// their private receipt; the round card's count follows, coalesced.
func (r *Rounds) answer(ctx context.Context, req bot.Request, rd quiz.Round, choice int) (bot.Reply, error) {
	at := req.At
	now := r.cfg.Now()
	if at.IsZero() || at.After(now) {
		at = now
	}
	if !rd.Open(at) {
		r.countAnswer(metrics.QuizClosed)
		return bot.Reply{}, bot.Userf("このクイズは締め切られました。正解と解説はチャンネルで発表されます。")
	}
	if choice < 0 || choice >= len(rd.Question.Choices) {
		return bot.Reply{}, bot.Userf("その選択肢はありません。")
	}
	if req.UserID == "" {
		return bot.Reply{}, bot.Userf("回答者を確認できませんでした。")
	}
	a := quiz.Answer{RoundID: rd.ID, Channel: rd.Channel, UserID: req.UserID, UserName: req.UserName,
		Choice: choice, Correct: choice == rd.Question.Answer, At: at}
	counted, added, err := r.cfg.Store.AddAnswer(ctx, a)
	if err != nil {
		return bot.Reply{}, err
	}
	if added {
		r.countAnswer(metrics.QuizRecorded)
		r.cards.touch(rd)
	} else {
		r.countAnswer(metrics.QuizDuplicate)
	}
	closes := bot.FormatCloses(rd.Closes, r.cfg.Location)
	var msg string
	switch {
	case !added:
		msg = fmt.Sprintf("回答済みです（あなたの回答: %s）。最初の回答だけが有効なので、今回の回答は記録していません。",
			quiz.ChoiceLetter(counted.Choice))
	case req.PublicReplies:
		// Everyone in the channel reads this reply: say nothing of right or wrong.
		msg = fmt.Sprintf("%s さんの回答（%s）を記録しました。正解と解説は締切（%s）後にチャンネルで発表します。",
			orName(req), quiz.ChoiceLetter(choice), closes)
	case counted.Correct:
		msg = fmt.Sprintf("%s と回答しました。正解です！ 解説は締切（%s）後にチャンネルで発表します。", quiz.ChoiceLetter(choice), closes)
	default:
		msg = fmt.Sprintf("%s と回答しました。残念、不正解です。正解と解説は締切（%s）後にチャンネルで発表します。", quiz.ChoiceLetter(choice), closes)
	}
	return bot.Reply{Private: true, Text: msg}, nil
}

func (r *Rounds) leaderboard(ctx context.Context, req bot.Request, which string) (bot.Reply, error) {
	f := quiz.Filter{Revealed: true}
	var title string
	which, year := splitWord(which)
	if year != "" && which != "season" && which != "シーズン" && which != "年度" {
		return bot.Reply{}, bot.Userf("使い方: /quiz leaderboard week（今週）、season [YYYY]（シーズン）、all（通算）、channel（このチャンネル）")
	}
	switch which {
	case "season", "シーズン", "年度":
		s := r.cfg.Seasons.At(r.cfg.Now())
		if year != "" {
			y, err := strconv.Atoi(strings.TrimSuffix(year, "年度"))
			if err != nil || y < 2000 || y > 2100 {
				return bot.Reply{}, bot.Userf("シーズンは始まる年で指定してください（例: /quiz leaderboard season %d）。", s.Year)
			}
			s = r.cfg.Seasons.Year(y)
		}
		f.From, f.To = s.From, s.To
		title = seasonName(s, r.cfg.Location) + "のクイズ ランキング"
	case "", "week", "weekly", "今週":
		f.From = bot.WeekStart(r.cfg.Now(), r.cfg.Location)
		title = "今週のクイズ ランキング"
	case "all", "total", "通算":
		title = "通算のクイズ ランキング"
	case "channel", "here", "チャンネル":
		f.Channel = req.ChannelID
		title = "このチャンネルのクイズ ランキング（通算）"
	default:
		return bot.Reply{}, bot.Userf("使い方: /quiz leaderboard week（今週）、season [YYYY]（シーズン）、all（通算）、channel（このチャンネル）")
	}
	as, err := r.cfg.Store.Answers(ctx, f)
	if err != nil {
		return bot.Reply{}, err
	}
	board := &bot.Leaderboard{Title: title}
	for _, s := range quiz.Leaderboard(as, 10) {
		board.Rows = append(board.Rows, bot.LeaderRow{Rank: s.Rank, UserID: s.UserID, UserName: s.UserName, Correct: s.Correct, Answered: s.Answered})
	}
	return bot.BoardReply(board), nil
}

// countAnswer tells Metrics, if any, what became of an answer.
func (r *Rounds) countAnswer(outcome string) {
	if r.cfg.Metrics != nil {
		r.cfg.Metrics.QuizAnswer(outcome)
	}
}

// orName is how a reply names the asker.
func orName(req bot.Request) string {
	if req.UserName != "" {
		return req.UserName
	}
	return "あなた"
}

// splitWord splits s at its first run of spaces (ASCII or ideographic).
func splitWord(s string) (word, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}
