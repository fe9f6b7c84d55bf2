package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"secbot/knowledge"
	"secbot/quiz"
)

// EncodeAnswer is the Value of a quiz answer button (ActionQuizAnswer):
// "ROUNDID|CHOICE". Round ids never contain '|'.
func EncodeAnswer(roundID string, choice int) string {
	return roundID + "|" + strconv.Itoa(choice)
}

// DecodeAnswer reverses EncodeAnswer.
func DecodeAnswer(value string) (roundID string, choice int, err error) {
	i := strings.LastIndex(value, "|")
	if i <= 0 {
		return "", 0, fmt.Errorf("quiz answer %q: want ROUND|CHOICE", value)
	}
	choice, err = strconv.Atoi(value[i+1:])
	if err != nil || choice < 0 {
		return "", 0, fmt.Errorf("quiz answer %q: bad choice", value)
	}
	return value[:i], choice, nil
}

// QuizStore is what the /quiz handler reads and writes: store/sqlite
// implements it (it is quiz.Rounds and quiz.Answers, less what only the
// scheduler needs).
type QuizStore interface {
	OpenRound(ctx context.Context, channel string) (quiz.Round, error)
	Round(ctx context.Context, id string) (quiz.Round, error)
	AddAnswer(ctx context.Context, a quiz.Answer) (quiz.Answer, bool, error)
	Tally(ctx context.Context, roundID string) (quiz.Tally, error)
	Answers(ctx context.Context, f quiz.Filter) ([]quiz.Answer, error)
}

// RoundControl opens and closes rounds now, posting them to the channel as a
// scheduled round would be. schedules.Scheduler implements it.
type RoundControl interface {
	// StartRound opens a round in channel; quiz.ErrRoundOpen when one is open.
	StartRound(ctx context.Context, channel string) (quiz.Round, error)
	// StopRound closes the channel's open round now and reveals it;
	// quiz.ErrNotFound when none is open.
	StopRound(ctx context.Context, channel string) (quiz.Round, error)
}

// QuizUsage lists the help lines of /quiz.
var QuizUsage = []HelpLine{
	{Usage: "/quiz", What: "このチャンネルで開催中のクイズを表示します（ボタン、または「answer B」で回答）"},
	{Usage: "/quiz leaderboard [week|all|channel]", What: "クイズのランキング（今週・通算・このチャンネル）"},
	{Usage: "/quiz start | /quiz stop", What: "（管理者）このチャンネルでクイズを今すぐ開始・締め切ります"},
}

// QuizConfig is what the /quiz handler needs.
type QuizConfig struct {
	Pack  *knowledge.Pack
	Store QuizStore
	// Control may be nil: then /quiz start and stop say rounds are off.
	Control RoundControl
	// Location is the zone for "this week" and closing times (default UTC).
	Location *time.Location
	// Now defaults to time.Now.
	Now func() time.Time
}

// NewQuizHandler returns the handler of /quiz, its answer buttons and
// Teams' "answer B".
func NewQuizHandler(cfg QuizConfig) Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	h := &quizHandler{cfg}
	return HandlerFunc(h.handle)
}

type quizHandler struct{ QuizConfig }

func (h *quizHandler) handle(ctx context.Context, req Request) (Reply, error) {
	if req.Action != nil {
		if req.Action.ID != ActionQuizAnswer {
			return Reply{}, fmt.Errorf("unknown quiz action %q", req.Action.ID)
		}
		id, choice, err := DecodeAnswer(req.Action.Value)
		if err != nil {
			return Reply{}, Userf("このボタンは読み取れませんでした。/quiz で開催中のクイズを表示してください。")
		}
		r, err := h.Store.Round(ctx, id)
		if errors.Is(err, quiz.ErrNotFound) {
			return Reply{}, Userf("このクイズは見つかりませんでした。/quiz で開催中のクイズを表示してください。")
		} else if err != nil {
			return Reply{}, err
		}
		return h.answer(ctx, req, r, choice, true)
	}
	word, rest := splitWord(strings.TrimSpace(req.Text))
	switch strings.ToLower(word) {
	case "":
		r, err := h.Store.OpenRound(ctx, req.ChannelID)
		if errors.Is(err, quiz.ErrNotFound) {
			return Reply{Private: true, Text: "このチャンネルで開催中のクイズはありません。/quiz leaderboard でランキングを表示できます。"}, nil
		} else if err != nil {
			return Reply{}, err
		}
		t, err := h.Store.Tally(ctx, r.ID)
		if err != nil {
			return Reply{}, err
		}
		reply := RoundReply(NewRoundCard(h.Pack, r, t, h.Location))
		reply.Private = true
		return reply, nil
	case "answer", "回答":
		r, err := h.Store.OpenRound(ctx, req.ChannelID)
		if errors.Is(err, quiz.ErrNotFound) {
			return Reply{}, Userf("このチャンネルで開催中のクイズはありません。")
		} else if err != nil {
			return Reply{}, err
		}
		choice := quiz.ParseChoice(strings.TrimSpace(rest), len(r.Question.Choices))
		if choice < 0 {
			return Reply{}, Userf("回答は A〜%s の記号で入力してください（例: answer B）。", quiz.ChoiceLetter(len(r.Question.Choices)-1))
		}
		return h.answer(ctx, req, r, choice, false)
	case "leaderboard", "ranking", "ランキング", "rank":
		return h.leaderboard(ctx, req, strings.ToLower(strings.TrimSpace(rest)))
	case "start", "開始":
		if !req.Admin {
			return Reply{}, Userf("/quiz start は管理者だけが使えます。管理者は設定ファイルの admins で指定します。")
		}
		if h.Control == nil {
			return Reply{}, Userf("この環境ではクイズの配信が設定されていません。")
		}
		r, err := h.Control.StartRound(ctx, req.ChannelID)
		if errors.Is(err, quiz.ErrRoundOpen) {
			return Reply{}, Userf("このチャンネルではすでにクイズを開催中です。/quiz stop で締め切ってから開始してください。")
		} else if errors.Is(err, ErrPermanent) {
			// not_in_channel, channel_not_found: waiting will not help.
			return Reply{}, Userf("このチャンネルにクイズを投稿できませんでした。secbot をチャンネルに招待してから（/invite @secbot）もう一度お試しください。")
		} else if err != nil {
			return Reply{}, err
		}
		return Reply{Private: true, Text: fmt.Sprintf("クイズを開始しました（締切: %s）。", formatCloses(r.Closes, h.Location))}, nil
	case "stop", "締切", "終了":
		if !req.Admin {
			return Reply{}, Userf("/quiz stop は管理者だけが使えます。管理者は設定ファイルの admins で指定します。")
		}
		if h.Control == nil {
			return Reply{}, Userf("この環境ではクイズの配信が設定されていません。")
		}
		_, err := h.Control.StopRound(ctx, req.ChannelID)
		if errors.Is(err, quiz.ErrNotFound) {
			return Reply{}, Userf("このチャンネルで開催中のクイズはありません。")
		} else if err != nil {
			return Reply{}, err
		}
		return Reply{Private: true, Text: "クイズを締め切り、チャンネルに正解を発表しました。"}, nil
	default:
		return Reply{}, Userf("使い方: /quiz（開催中のクイズ）、/quiz leaderboard [week|all|channel]（ランキング）、answer B（回答）")
	}
}

// answer records a person's answer; only their first one counts.
func (h *quizHandler) answer(ctx context.Context, req Request, r quiz.Round, choice int, button bool) (Reply, error) {
	now := h.Now()
	if !r.Open(now) {
		return Reply{}, Userf("このクイズは締め切られました。正解と解説はチャンネルで発表されます。")
	}
	if choice < 0 || choice >= len(r.Question.Choices) {
		return Reply{}, Userf("その選択肢はありません。")
	}
	if req.UserID == "" {
		return Reply{}, Userf("回答者を確認できませんでした。")
	}
	a := quiz.Answer{RoundID: r.ID, Channel: r.Channel, UserID: req.UserID, UserName: req.UserName,
		Choice: choice, Correct: choice == r.Question.Answer, At: now}
	counted, added, err := h.Store.AddAnswer(ctx, a)
	if err != nil {
		return Reply{}, err
	}
	var msg string
	switch {
	case !added:
		msg = fmt.Sprintf("回答済みです（あなたの回答: %s）。最初の回答だけが有効なので、今回の回答は記録していません。",
			quiz.ChoiceLetter(counted.Choice))
	case req.PublicReplies:
		// Everyone in the channel reads this reply: say nothing of right or wrong.
		msg = fmt.Sprintf("%s さんの回答（%s）を記録しました。正解と解説は締切（%s）後にチャンネルで発表します。",
			orName(req), quiz.ChoiceLetter(choice), formatCloses(r.Closes, h.Location))
	case counted.Correct:
		msg = fmt.Sprintf("%s と回答しました。正解です！ 解説は締切（%s）後にチャンネルで発表します。",
			quiz.ChoiceLetter(choice), formatCloses(r.Closes, h.Location))
	default:
		msg = fmt.Sprintf("%s と回答しました。残念、不正解です。正解と解説は締切（%s）後にチャンネルで発表します。",
			quiz.ChoiceLetter(choice), formatCloses(r.Closes, h.Location))
	}
	private := Reply{Private: true, Text: msg}
	if !button || !added {
		return private, nil
	}
	t, err := h.Store.Tally(ctx, r.ID)
	if err != nil {
		return Reply{}, err
	}
	update := RoundReply(NewRoundCard(h.Pack, r, t, h.Location))
	update.ReplaceOriginal = true
	update.Also = []Reply{private}
	return update, nil
}

func (h *quizHandler) leaderboard(ctx context.Context, req Request, which string) (Reply, error) {
	f := quiz.Filter{Revealed: true}
	var title string
	switch which {
	case "", "week", "weekly", "今週":
		f.From = WeekStart(h.Now(), h.Location)
		title = "今週のクイズ ランキング"
	case "all", "total", "通算":
		title = "通算のクイズ ランキング"
	case "channel", "here", "チャンネル":
		f.Channel = req.ChannelID
		title = "このチャンネルのクイズ ランキング（通算）"
	default:
		return Reply{}, Userf("使い方: /quiz leaderboard week（今週）、all（通算）、channel（このチャンネル）")
	}
	as, err := h.Store.Answers(ctx, f)
	if err != nil {
		return Reply{}, err
	}
	board := &Leaderboard{Title: title}
	for _, s := range quiz.Leaderboard(as, 10) {
		board.Rows = append(board.Rows, LeaderRow{Rank: s.Rank, UserID: s.UserID, UserName: s.UserName, Correct: s.Correct, Answered: s.Answered})
	}
	var b strings.Builder
	b.WriteString(title + "\n")
	if len(board.Rows) == 0 {
		b.WriteString(EmptyBoard + "\n")
	}
	for _, r := range board.Rows {
		name := r.UserName
		if name == "" {
			name = r.UserID
		}
		fmt.Fprintf(&b, "%d. %s　%d問正解 / %d問回答\n", r.Rank, name, r.Correct, r.Answered)
	}
	return Reply{Private: true, Board: board, Text: strings.TrimRight(b.String(), "\n")}, nil
}

// WeekStart returns Monday 00:00 of the week t falls in, in loc.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	back := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, loc)
}

var weekdays = []string{"日", "月", "火", "水", "木", "金", "土"}

// formatCloses formats a closing time for people: 12/1(火) 10:00.
func formatCloses(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return fmt.Sprintf("%d/%d(%s) %s", t.Month(), t.Day(), weekdays[t.Weekday()], t.Format("15:04"))
}

// NewRoundCard returns the card of round r with tally t; a revealed round's
// card carries the answer, explanation, section and share of right answers.
func NewRoundCard(pack *knowledge.Pack, r quiz.Round, t quiz.Tally, loc *time.Location) RoundCard {
	q := r.Question
	c := RoundCard{RoundID: r.ID, Question: q.Question, Choices: append([]string(nil), q.Choices...),
		Answered: t.Answered, Closes: formatCloses(r.Closes, loc), Revealed: r.Revealed}
	if r.Revealed {
		c.Answer, c.Explanation, c.Correct = q.Answer, q.Explanation, t.Correct
		c.Section = SectionRef{ID: q.Section}
		if pack != nil {
			c.Section.Title = pack.SectionTitle(q.Section)
		}
	}
	return c
}

// RoundReply renders a round card as a public Reply: the round message, or
// once revealed, the reveal (正解, the explanation with its section, and the
// share who got it right).
func RoundReply(c RoundCard) Reply {
	var b strings.Builder
	if c.Revealed {
		b.WriteString("クイズの答え合わせ\n")
	} else {
		b.WriteString("今週のセキュリティクイズ\n")
	}
	b.WriteString(c.Question + "\n")
	for i, ch := range c.Choices {
		fmt.Fprintf(&b, "%s. %s\n", quiz.ChoiceLetter(i), ch)
	}
	if !c.Revealed {
		fmt.Fprintf(&b, "回答済み: %d人　締切: %s　回答は1人1回（ボタン、または「answer B」）", c.Answered, c.Closes)
		return Reply{Round: &c, Text: b.String()}
	}
	if c.Answer >= 0 && c.Answer < len(c.Choices) {
		fmt.Fprintf(&b, "正解: %s. %s\n", quiz.ChoiceLetter(c.Answer), c.Choices[c.Answer])
	}
	if c.Explanation != "" {
		b.WriteString("解説: " + c.Explanation + "\n")
	}
	if c.Section.ID != "" {
		b.WriteString("該当箇所: " + SectionsText([]SectionRef{c.Section}) + "\n")
	}
	share := 0
	if c.Answered > 0 {
		share = c.Correct * 100 / c.Answered
	}
	fmt.Fprintf(&b, "正解した人: %d人 / 回答 %d人（正答率 %d%%）", c.Correct, c.Answered, share)
	return Reply{Round: &c, Text: b.String()}
}

// orName is how a reply names the asker.
func orName(req Request) string {
	if req.UserName != "" {
		return req.UserName
	}
	return "あなた"
}
