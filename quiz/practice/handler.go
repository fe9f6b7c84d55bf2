package practice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"secbot/bot"
	"secbot/quiz"
	"secbot/store"
)

// Handle answers /quiz practice [on|off] and the buttons of a practice
// question (bot.ActionPracticeAnswer). Rounds hands them over.
func (p *Practice) Handle(ctx context.Context, req bot.Request) (bot.Reply, error) {
	if req.Action != nil {
		return p.answer(ctx, req)
	}
	_, arg := cut(strings.TrimSpace(req.Text)) // the first word is "practice"
	if req.UserID == "" {
		return bot.Reply{}, bot.Userf("あなたが誰かを確認できませんでした。")
	}
	switch {
	case isWord(arg, "on", "オン", "開始", "start"):
		return p.turnOn(ctx, req)
	case isWord(arg, "off", "オフ", "停止", "stop"):
		l, ok, err := p.cfg.Store.Learner(ctx, req.UserID)
		if err != nil {
			return bot.Reply{}, err
		}
		if !ok || !l.On {
			return bot.Reply{Private: true, Text: "復習はオフです（オンにするには /quiz practice on）。"}, nil
		}
		l.On = false
		if err := p.cfg.Store.SetLearner(ctx, l); err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Private: true, Text: "復習をオフにしました。これまでの進み具合は残っています（再開は /quiz practice on）。"}, nil
	case arg == "" || isWord(arg, "status", "状態"):
		line, err := p.Summary(ctx, req.UserID)
		if err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Private: true, Text: line}, nil
	default:
		return bot.Reply{}, bot.Userf("使い方: /quiz practice on（復習を始める）、/quiz practice off（やめる）、/quiz practice（進み具合）")
	}
}

// canPractice says why req's person cannot take practice here ("" when
// they can).
func (p *Practice) canPractice(req bot.Request) string {
	switch {
	case req.Platform == bot.Shell:
		return "コンソールからは復習の DM を送れません。Slack か Teams の secbot で /quiz practice on を送ってください。"
	case req.PublicReplies || p.cfg.Direct == nil || !p.cfg.Direct(req.Platform):
		return "この環境では secbot から個人宛ての DM を送れないため、復習は使えません（Teams では secbot アプリの追加が必要です）。"
	case p.cfg.Days == nil:
		return "復習の問題はヒントの配信日（tips.schedule）に届きますが、この環境では配信日が設定されていません。管理者にお問い合わせください。"
	}
	return ""
}

func (p *Practice) turnOn(ctx context.Context, req bot.Request) (bot.Reply, error) {
	if why := p.canPractice(req); why != "" {
		return bot.Reply{}, bot.Userf("%s", why)
	}
	l, ok, err := p.cfg.Store.Learner(ctx, req.UserID)
	if err != nil {
		return bot.Reply{}, err
	}
	was := ok && l.On
	if !was {
		if err := p.cfg.Store.SetLearner(ctx, store.Learner{Platform: string(req.Platform), UserID: req.UserID, UserName: req.UserName, On: true}); err != nil {
			return bot.Reply{}, err
		}
	}
	n, err := p.seed(ctx, req.UserID)
	if err != nil {
		return bot.Reply{}, err
	}
	var b strings.Builder
	if was {
		b.WriteString("復習はすでにオンです。")
	} else {
		fmt.Fprintf(&b, "復習をオンにしました。クイズで間違えた用語を 1・3・7・14 日後に DM で出題します（1日1問まで、ヒントの配信日だけ）。")
	}
	if n > 0 {
		fmt.Fprintf(&b, "今シーズンに間違えた %d語 を復習に加えました。", n)
	}
	line, err := p.Summary(ctx, req.UserID)
	if err != nil {
		return bot.Reply{}, err
	}
	b.WriteString("\n" + line)
	return bot.Reply{Private: true, Text: b.String()}, nil
}

// Summary is the practice line of /quiz me: on or off, the terms in each
// box, those learned, and the next question's day.
func (p *Practice) Summary(ctx context.Context, userID string) (string, error) {
	l, ok, err := p.cfg.Store.Learner(ctx, userID)
	if err != nil {
		return "", err
	}
	if !ok || !l.On {
		return "復習: オフ（/quiz practice on で、間違えた用語が DM で復習できます）", nil
	}
	cards, err := p.cfg.Store.Cards(ctx, userID)
	if err != nil {
		return "", err
	}
	var boxes [store.LearnedBox + 1]int
	next := ""
	for _, c := range cards {
		if c.Box >= 1 && c.Box <= store.LearnedBox {
			boxes[c.Box]++
		}
		if c.Box < store.LearnedBox && (next == "" || c.Due < next) {
			next = c.Due
		}
	}
	practising := boxes[1] + boxes[2] + boxes[3] + boxes[4]
	if practising == 0 {
		s := "復習: オン（復習中の用語はありません。クイズで間違えた用語が翌日から出題されます）"
		if boxes[store.LearnedBox] > 0 {
			s = fmt.Sprintf("復習: オン（復習中の用語はありません。覚えた用語 %d語）", boxes[store.LearnedBox])
		}
		return s, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "復習: オン（復習中 %d語: ", practising)
	var parts []string
	for i := 1; i < store.LearnedBox; i++ {
		if boxes[i] > 0 {
			parts = append(parts, fmt.Sprintf("ボックス%d %d語", i, boxes[i]))
		}
	}
	b.WriteString(strings.Join(parts, "・"))
	if boxes[store.LearnedBox] > 0 {
		fmt.Fprintf(&b, "、覚えた用語 %d語", boxes[store.LearnedBox])
	}
	today := p.Day(p.cfg.Now())
	if next < today {
		next = today
	}
	if t, ok := p.nextDay(next); ok {
		fmt.Fprintf(&b, "、次の出題 %s", bot.FormatDay(t))
	}
	b.WriteString("）")
	return b.String(), nil
}

// answer records a click on a practice question's button: once, by the
// person it was sent to; the term moves box, and the question shows its
// answer.
func (p *Practice) answer(ctx context.Context, req bot.Request) (bot.Reply, error) {
	if req.Action.ID != bot.ActionPracticeAnswer {
		return bot.Reply{}, fmt.Errorf("unknown practice action %q", req.Action.ID)
	}
	id, choice, err := bot.DecodeAnswer(req.Action.Value)
	day, user, ok := strings.Cut(id, "/")
	if err != nil || !ok || user == "" {
		return bot.Reply{}, bot.Userf("このボタンは読み取れませんでした。")
	}
	if req.UserID != user {
		return bot.Reply{}, bot.Userf("この復習問題は別の人宛てです。")
	}
	d, err := p.cfg.Store.Drill(ctx, user, day)
	if errors.Is(err, store.ErrNoDrill) {
		return bot.Reply{}, bot.Userf("この復習問題は見つかりませんでした。")
	} else if err != nil {
		return bot.Reply{}, err
	}
	q, err := decode(d)
	if err != nil {
		return bot.Reply{}, err
	}
	if choice >= len(q.Choices) {
		return bot.Reply{}, bot.Userf("その選択肢はありません。")
	}
	if d.Choice >= 0 {
		return p.answered(d, q, fmt.Sprintf("回答済みです（あなたの回答: %s）。", quiz.ChoiceLetter(d.Choice))), nil
	}
	at := req.At
	if now := p.cfg.Now(); at.IsZero() || at.After(now) {
		at = now
	}
	today := p.Day(at)
	box := d.Box
	cards, err := p.cfg.Store.Cards(ctx, user)
	if err != nil {
		return bot.Reply{}, err
	}
	for _, c := range cards {
		if c.Term == d.Term {
			box = c.Box
		}
	}
	correct := choice == q.Answer
	next := p.next(d, box, correct, today, at)
	d.Choice, d.Correct, d.Answered = choice, correct, at
	recorded, err := p.cfg.Store.AnswerDrill(ctx, d, next)
	if err != nil {
		return bot.Reply{}, err
	}
	if !recorded {
		// Another click won the race: show what was kept.
		if kept, err := p.cfg.Store.Drill(ctx, user, day); err == nil {
			return p.answered(kept, q, fmt.Sprintf("回答済みです（あなたの回答: %s）。", quiz.ChoiceLetter(kept.Choice))), nil
		}
		return bot.Reply{}, bot.Userf("回答済みです。")
	}
	var msg string
	switch {
	case !correct:
		msg = fmt.Sprintf("残念、不正解です。「%s」はボックス1に戻り、", d.Term) + p.when(next.Due) + "また出題します。"
	case next.Box == store.LearnedBox:
		msg = fmt.Sprintf("正解です！「%s」は覚えた用語になりました 🎉", d.Term)
	default:
		msg = fmt.Sprintf("正解です！「%s」はボックス%dへ。", d.Term, next.Box) + p.when(next.Due) + "また出題します。"
	}
	return p.answered(d, q, msg), nil
}

// when says when a term due on day comes back: "12/7(月)に".
func (p *Practice) when(day string) string {
	if t, ok := p.nextDay(day); ok {
		return bot.FormatDay(t) + "に"
	}
	return day + "以降に"
}

// answered is the reply to a click: the question with its answer, in place
// of the one clicked, then msg.
func (p *Practice) answered(d store.Drill, q quiz.Question, msg string) bot.Reply {
	card := bot.PracticeReply(p.card(d, q, true))
	card.ReplaceOriginal = true
	card.Also = []bot.Reply{{Private: true, Text: msg}}
	return card
}

// cut splits s at its first run of spaces.
func cut(s string) (word, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}
