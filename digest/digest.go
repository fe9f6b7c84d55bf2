// Package digest writes the weekly digest managers get by DM: the week's
// tips, the participation and correct rate of the quiz channels they follow
// against the week before, and the questions secbot could not answer. The
// scheduler decides when (digest.schedule) and claims each manager's slot;
// this package decides what.
package digest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/store"
)

// Store is what the digest reads. store/sqlite and store/postgres implement it.
type Store interface {
	Answers(ctx context.Context, f quiz.Filter) ([]quiz.Answer, error)
	Gaps(ctx context.Context, since time.Time, limit int) ([]store.Gap, error)
}

// Tips picks the tip of a day (schedules.Tips implements it).
type Tips interface {
	TipFor(channel string, at time.Time) (tip knowledge.Tip, day time.Time, err error)
}

// Builder writes digests. Store is required; without Tips the digest has
// no tips section.
type Builder struct {
	Store    Store
	Tips     Tips
	Location *time.Location
}

// Week is one channel's quiz figures of a week.
type Week struct {
	People, Answers, Correct int
}

// Rate is the percentage of right answers (0 with none).
func (w Week) Rate() int { return quiz.Tally{Answered: w.Answers, Correct: w.Correct}.Share() }

// Build writes the digest of the week that at falls in, for a manager who
// follows channels.
func (b *Builder) Build(ctx context.Context, channels []string, at time.Time) (bot.Reply, error) {
	loc := b.Location
	if loc == nil {
		loc = time.UTC
	}
	start := bot.WeekStart(at, loc)
	prev := start.AddDate(0, 0, -7)
	var s strings.Builder
	fmt.Fprintf(&s, "今週のセキュリティ ダイジェスト（%s〜%s）\n", start.Format("1/2"), at.In(loc).Format("1/2"))

	if b.Tips != nil {
		var titles []string
		seen := map[string]bool{}
		for day := start; !day.After(at); day = day.AddDate(0, 0, 1) {
			tip, _, err := b.Tips.TipFor(bot.DigestChannel, day.Add(23*time.Hour))
			if err != nil || seen[tip.ID] {
				continue
			}
			seen[tip.ID] = true
			titles = append(titles, fmt.Sprintf("・%s（%s）", tip.Title, tip.Section))
		}
		if len(titles) > 0 {
			s.WriteString("\n■ 今週のヒント\n" + strings.Join(titles, "\n") + "\n")
		}
	}

	if len(channels) > 0 {
		s.WriteString("\n■ クイズ（フォローしているチャンネル）\n")
		for _, ch := range channels {
			this, err := b.week(ctx, ch, start, at)
			if err != nil {
				return bot.Reply{}, err
			}
			last, err := b.week(ctx, ch, prev, start)
			if err != nil {
				return bot.Reply{}, err
			}
			fmt.Fprintf(&s, "・%s: 回答 %d人（先週 %d人）、正答率 %d%%（先週 %d%%）\n", channelRef(ch), this.People, last.People, this.Rate(), last.Rate())
		}
	}

	gaps, err := b.Store.Gaps(ctx, start, 5)
	if err != nil {
		return bot.Reply{}, err
	}
	s.WriteString("\n■ secbot が答えられなかった質問（今週）\n")
	if len(gaps) == 0 {
		s.WriteString("（ありません）\n")
	}
	for _, g := range gaps {
		fmt.Fprintf(&s, "・%s（%d回）\n", g.Text, g.Count)
	}
	return bot.Reply{Text: strings.TrimRight(s.String(), "\n")}, nil
}

// week counts channel's answers in [from, to).
func (b *Builder) week(ctx context.Context, channel string, from, to time.Time) (Week, error) {
	as, err := b.Store.Answers(ctx, quiz.Filter{From: from, To: to, Channel: channel})
	if err != nil {
		return Week{}, err
	}
	var w Week
	people := map[string]bool{}
	for _, a := range as {
		w.Answers++
		if a.Correct {
			w.Correct++
		}
		people[a.UserID] = true
	}
	w.People = len(people)
	return w, nil
}

// channelRef shows a Slack channel id as a link Slack renders with its
// name; other channels (teams:NAME) as they are.
func channelRef(ch string) string {
	if len(ch) > 1 && (ch[0] == 'C' || ch[0] == 'G') {
		return "<#" + ch + ">"
	}
	return ch
}
