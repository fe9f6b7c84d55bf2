package bot

import (
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

// BoardReply renders a leaderboard as a private reply, with its text form.
func BoardReply(board *Leaderboard) Reply {
	var b strings.Builder
	b.WriteString(board.Title + "\n")
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
	return Reply{Private: true, Board: board, Text: strings.TrimRight(b.String(), "\n")}
}

// WeekStart returns Monday 00:00 of the week t falls in, in loc.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	back := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, loc)
}

var weekdays = []string{"日", "月", "火", "水", "木", "金", "土"}

// FormatCloses formats a closing time for people: 12/1(火) 10:00.
func FormatCloses(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return FormatDay(t) + " " + t.Format("15:04")
}

// FormatDay formats the day t falls on (in t's zone) for people: 12/1(火).
func FormatDay(t time.Time) string {
	return fmt.Sprintf("%d/%d(%s)", t.Month(), t.Day(), weekdays[t.Weekday()])
}

// NewRoundCard returns the card of round r with tally t; a revealed round's
// card carries the answer, explanation, section and share of right answers.
func NewRoundCard(pack *knowledge.Pack, r quiz.Round, t quiz.Tally, loc *time.Location) RoundCard {
	q := r.Question
	c := RoundCard{RoundID: r.ID, Question: q.Question, Choices: append([]string(nil), q.Choices...),
		Answered: t.Answered, Closes: FormatCloses(r.Closes, loc), Revealed: r.Revealed, Source: SourceOf(pack)}
	if r.Revealed {
		c.Answer, c.Explanation, c.Correct = q.Answer, q.Explanation, t.Correct
		c.Section = SectionRef{ID: q.Section}
		if pack != nil {
			c.Section.Title = pack.SectionTitle(q.Section)
		}
	}
	return c
}

// PracticeReply renders a spaced-practice question (c.Practice) as a
// private Reply: the question with its buttons, or once answered
// (c.Revealed), the answer and its explanation.
func PracticeReply(c RoundCard) Reply {
	c.Practice = true
	var b strings.Builder
	if c.Revealed {
		b.WriteString("復習クイズの答え\n")
	} else {
		fmt.Fprintf(&b, "復習クイズ（ボックス%d）\n", c.Box)
	}
	b.WriteString(c.Question + "\n")
	for i, ch := range c.Choices {
		fmt.Fprintf(&b, "%s. %s\n", quiz.ChoiceLetter(i), ch)
	}
	if !c.Revealed {
		b.WriteString("ボタンで回答してください（1回だけ有効です）。")
		return Reply{Private: true, Round: &c, Text: b.String()}
	}
	if c.Answer >= 0 && c.Answer < len(c.Choices) {
		fmt.Fprintf(&b, "正解: %s. %s\n", quiz.ChoiceLetter(c.Answer), c.Choices[c.Answer])
	}
	if c.Explanation != "" {
		b.WriteString("解説: " + c.Explanation + "\n")
	}
	if c.Section.ID != "" {
		b.WriteString("該当箇所: " + SectionsText([]SectionRef{c.Section}))
	}
	return Reply{Private: true, Round: &c, Text: strings.TrimRight(b.String(), "\n")}
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
	fmt.Fprintf(&b, "正解した人: %d人 / 回答 %d人（正答率 %d%%）", c.Correct, c.Answered, c.Share())
	return Reply{Round: &c, Text: b.String()}
}
