package rounds

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"secbot/bot"
	"secbot/quiz"
)

// maxMissedTerms bounds the term buttons of /quiz me.
const maxMissedTerms = 10

// Progress is one person's record in a season, as /quiz me shows it. Only
// answers to revealed rounds count: an open round's answer would tell
// whether it was right.
type Progress struct {
	Season quiz.Season
	// Rounds counts the rounds the person answered; Correct the right ones.
	Rounds, Correct int
	// Streak counts the latest revealed rounds of the person's channels
	// answered right, back to the first one skipped or answered wrong.
	Streak int
	// Rank is the person's place on the season's leaderboard (0 when they
	// have no answer there), of Players.
	Rank, Players int
	// Missed lists the terms of the rounds answered wrong, the latest
	// first, each once.
	Missed []string
}

// roundLister is the store's list of rounds (store/sqlite and
// store/postgres have it, for reports).
type roundLister interface {
	ListRounds(ctx context.Context, f quiz.Filter) ([]quiz.Round, error)
}

// Progress works out userID's record in the season containing at.
func (r *Rounds) Progress(ctx context.Context, userID string, at time.Time) (Progress, error) {
	s := r.cfg.Seasons.At(at)
	p := Progress{Season: s}
	all, err := r.cfg.Store.Answers(ctx, quiz.Filter{From: s.From, To: s.To, Revealed: true})
	if err != nil {
		return p, err
	}
	var mine []quiz.Answer
	for _, a := range all {
		if a.UserID == userID {
			mine = append(mine, a)
		}
	}
	if len(mine) == 0 {
		return p, nil
	}
	board := quiz.Leaderboard(all, 0)
	p.Players = len(board)
	for _, row := range board {
		if row.UserID == userID {
			p.Rank = row.Rank
			break
		}
	}
	right := make(map[string]bool, len(mine))
	channels := map[string]bool{}
	for _, a := range mine {
		p.Rounds++
		if a.Correct {
			p.Correct++
		}
		right[a.RoundID] = a.Correct
		channels[a.Channel] = true
	}

	// The season's rounds (and those opened a little before it that were
	// answered in it): their terms, and the streak.
	byID := map[string]quiz.Round{}
	var theirs []quiz.Round
	if rl, ok := r.cfg.Store.(roundLister); ok {
		rs, err := rl.ListRounds(ctx, quiz.Filter{From: s.From.Add(-8 * 24 * time.Hour), To: s.To})
		if err != nil {
			return p, err
		}
		for _, rd := range rs {
			byID[rd.ID] = rd
			if rd.Revealed && channels[rd.Channel] && s.Contains(rd.Opened) {
				theirs = append(theirs, rd)
			}
		}
	}
	slices.SortFunc(theirs, func(a, b quiz.Round) int {
		return cmp.Or(b.Opened.Compare(a.Opened), cmp.Compare(b.ID, a.ID))
	})
	for _, rd := range theirs {
		if !right[rd.ID] {
			break
		}
		p.Streak++
	}

	seen := map[string]bool{}
	for i := len(mine) - 1; i >= 0; i-- {
		a := mine[i]
		if a.Correct {
			continue
		}
		rd, ok := byID[a.RoundID]
		if !ok {
			if rd, err = r.cfg.Store.Round(ctx, a.RoundID); errors.Is(err, quiz.ErrNotFound) {
				continue
			} else if err != nil {
				return p, err
			}
		}
		if t := rd.Question.Term; t != "" && !seen[t] {
			seen[t] = true
			p.Missed = append(p.Missed, t)
		}
	}
	return p, nil
}

// me answers /quiz me: the asker's season record, privately, with a
// button per missed term that opens its definition.
func (r *Rounds) me(ctx context.Context, req bot.Request) (bot.Reply, error) {
	if req.UserID == "" {
		return bot.Reply{}, bot.Userf("あなたが誰かを確認できませんでした。")
	}
	if req.PublicReplies {
		return bot.Reply{}, bot.Userf("成績はチャンネルには表示しません。secbot との個人チャットで /quiz me を送ってください。")
	}
	p, err := r.Progress(ctx, req.UserID, r.cfg.Now())
	if err != nil {
		return bot.Reply{}, err
	}
	season := seasonName(p.Season, r.cfg.Location)
	practice := ""
	if r.cfg.Practice != nil {
		line, err := r.cfg.Practice.Summary(ctx, req.UserID)
		if err != nil {
			return bot.Reply{}, err
		}
		practice = "\n" + line
	}
	if p.Rounds == 0 {
		return bot.Reply{Private: true, Text: fmt.Sprintf("%sは、締め切られたクイズへのあなたの回答はまだありません。/quiz で開催中のクイズを表示できます。", season) + practice}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "📊 あなたの成績（%s）\n", season)
	fmt.Fprintf(&b, "回答したラウンド: %d回\n", p.Rounds)
	fmt.Fprintf(&b, "正解率: %d%%（%d/%d）\n", p.Correct*100/p.Rounds, p.Correct, p.Rounds)
	fmt.Fprintf(&b, "連続正解: %d回\n", p.Streak)
	if p.Rank > 0 {
		fmt.Fprintf(&b, "今シーズンの順位: %d位 / %d人\n", p.Rank, p.Players)
	}
	reply := bot.Reply{Private: true}
	if len(p.Missed) == 0 {
		b.WriteString("間違えた用語はありません。")
	} else {
		shown := p.Missed[:min(len(p.Missed), maxMissedTerms)]
		fmt.Fprintf(&b, "間違えた用語: %s", strings.Join(shown, "、"))
		if more := len(p.Missed) - len(shown); more > 0 {
			fmt.Fprintf(&b, " ほか%d語", more)
		}
		if req.Platform != bot.Shell {
			// The console says how to look them up instead.
			b.WriteString("\n用語のボタンで定義を表示できます。")
		}
		reply.TermButtons = shown
	}
	reply.Text = b.String() + practice
	return reply, nil
}
