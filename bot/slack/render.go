package slack

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
)

// Block Kit limits (docs.slack.dev/reference/block-kit). A message over them
// is refused whole with invalid_blocks, so the renderer truncates instead.
const (
	maxBlocks          = 50
	maxSectionText     = 3000
	maxHeaderText      = 150
	maxButtonText      = 75
	maxButtonValue     = 2000
	maxActionsElements = 25
	// maxFallbackText bounds the notification text. Slack accepts 40,000
	// characters but shows far fewer; the blocks carry the whole answer.
	maxFallbackText = 3000
)

// shareLabel is the label of the button that posts a private card in the
// channel.
const shareLabel = "チャンネルに共有"

// message is a reply rendered for Slack: the fallback text every message
// needs (notifications, screen readers) and its blocks.
type message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// render renders r as Block Kit. direct is true in a direct message, where a
// "share in channel" button makes no sense.
func render(r bot.Reply, direct bool) message {
	rd := &renderer{direct: direct, ids: map[string]int{}}
	switch {
	case r.Answer != nil:
		rd.answer(r)
	case r.Tip != nil:
		rd.tip(r.Tip)
	case r.Round != nil:
		rd.round(r.Round)
	case r.Board != nil:
		rd.board(r.Board)
	case len(r.Help) > 0:
		rd.help(r)
	default:
		rd.text(r.Text)
		rd.termButtons(r.TermButtons)
	}
	text := r.Text
	if strings.TrimSpace(text) == "" {
		text = "secbot"
	}
	return message{Text: truncate(escape(text), maxFallbackText), Blocks: rd.finish()}
}

// renderer accumulates the blocks of one message.
type renderer struct {
	direct bool
	// source names the material answers come from ("第4章").
	source string
	blocks []slack.Block
	// ids counts the uses of each action id: Slack refuses a message whose
	// buttons repeat an action_id, so the second "term.open" button is
	// "term.open#2" (see actionID and splitActionID).
	ids map[string]int
}

func (rd *renderer) add(b slack.Block) { rd.blocks = append(rd.blocks, b) }

// finish returns the blocks, cut to Slack's 50 with a note when longer.
func (rd *renderer) finish() []slack.Block {
	if len(rd.blocks) <= maxBlocks {
		return rd.blocks
	}
	out := append([]slack.Block(nil), rd.blocks[:maxBlocks-1]...)
	return append(out, contextBlock("（長いため一部を省略しました）"))
}

func (rd *renderer) header(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	rd.add(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, truncate(s, maxHeaderText), false, false)))
}

// section adds mrkdwn (already escaped) as one section, truncated to Slack's
// 3000 characters.
func (rd *renderer) section(mrkdwn string) {
	mrkdwn = strings.TrimSpace(mrkdwn)
	if mrkdwn == "" {
		return
	}
	rd.add(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, truncate(mrkdwn, maxSectionText), false, false), nil, nil))
}

// longSection adds mrkdwn as as many sections as it needs, split at lines.
func (rd *renderer) longSection(mrkdwn string) {
	for _, chunk := range splitLines(mrkdwn, maxSectionText) {
		rd.section(chunk)
	}
}

func (rd *renderer) context(mrkdwn string) {
	if strings.TrimSpace(mrkdwn) == "" {
		return
	}
	rd.add(contextBlock(mrkdwn))
}

func contextBlock(mrkdwn string) *slack.ContextBlock {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, truncate(mrkdwn, maxSectionText), false, false))
}

// actionID returns id the first time and id#n the n-th time.
func (rd *renderer) actionID(id string) string {
	rd.ids[id]++
	if n := rd.ids[id]; n > 1 {
		return id + "#" + strconv.Itoa(n)
	}
	return id
}

// splitActionID undoes actionID: "term.open#3" → "term.open".
func splitActionID(actionID string) string {
	id, _, _ := strings.Cut(actionID, "#")
	return id
}

// button is one button to render.
type button struct {
	label, action, value string
	primary              bool
}

// buttons adds buttons in actions blocks of at most 25. Buttons whose value
// is over Slack's limit are left out: a cut value would open the wrong card.
func (rd *renderer) buttons(bs []button) {
	var els []slack.BlockElement
	flush := func() {
		if len(els) > 0 {
			rd.add(slack.NewActionBlock("", els...))
			els = nil
		}
	}
	for _, b := range bs {
		if b.value == "" || len(b.value) > maxButtonValue || strings.TrimSpace(b.label) == "" {
			continue
		}
		el := slack.NewButtonBlockElement(rd.actionID(b.action), b.value,
			slack.NewTextBlockObject(slack.PlainTextType, truncate(b.label, maxButtonText), false, false))
		if b.primary {
			el = el.WithStyle(slack.StylePrimary)
		}
		els = append(els, el)
		if len(els) == maxActionsElements {
			flush()
		}
	}
	flush()
}

// termButtons adds a button per name that opens its card.
func (rd *renderer) termButtons(names []string) {
	bs := make([]button, 0, len(names))
	for _, n := range names {
		bs = append(bs, button{label: n, action: bot.ActionOpenTerm, value: n})
	}
	rd.buttons(bs)
}

func (rd *renderer) answer(r bot.Reply) {
	a := r.Answer
	rd.source = bot.SourceLabel(r.Source)
	switch a.Shows() {
	case knowledge.KindTerm:
		rd.termCard(r)
	case knowledge.KindPassage:
		rd.passages(r)
	default:
		rd.none(a)
	}
}

func (rd *renderer) termCard(r bot.Reply) {
	a, t := r.Answer, r.Answer.Term
	title := t.Name
	if t.Reading != "" {
		title += "（" + t.Reading + "）"
	}
	if a.Tentative {
		rd.context(escape(bot.TentativeNote(t.Name)))
	}
	rd.header(title)
	rd.section(escape(t.Definition))
	var meta []string
	if len(t.Aliases) > 0 {
		meta = append(meta, "別名: "+escape(strings.Join(t.Aliases, "、")))
	}
	if t.English != "" {
		meta = append(meta, "英語: "+escape(t.English))
	}
	rd.context(strings.Join(meta, "　"))
	if len(r.Sections) > 0 {
		var b strings.Builder
		b.WriteString("*本章・テキストの該当箇所*")
		for _, s := range r.Sections {
			b.WriteString("\n• `" + escape(s.ID) + "`")
			if s.Title != "" {
				b.WriteString(" " + escape(s.Title))
			}
		}
		rd.section(b.String())
	}
	if len(a.Related) > 0 {
		rd.section("*関連用語*")
		rd.termButtons(a.Related)
	}
	if a.Tentative && len(a.Suggestions) > 0 {
		rd.section("*" + bot.OtherCandidates + "*")
		rd.termButtons(a.Suggestions)
	}
	if r.Private && !rd.direct {
		rd.context("この回答はあなたにだけ表示されています。")
		rd.buttons([]button{{label: shareLabel, action: bot.ActionShareTerm, value: t.Name, primary: true}})
	}
	rd.voteButtons(a)
}

// voteButtons asks whether the answer helped (👍/👎, one vote a person):
// what the glossary's owners see in /term gaps.
func (rd *renderer) voteButtons(a *knowledge.Answer) {
	key := bot.AnswerKey(a)
	rd.buttons([]button{{label: "👍 役に立った", action: bot.ActionVoteUp, value: key}, {label: "👎 役に立たなかった", action: bot.ActionVoteDown, value: key}})
}

func (rd *renderer) passages(r bot.Reply) {
	a := r.Answer
	if q := strings.TrimSpace(a.Query); q != "" {
		rd.context("「" + escape(q) + "」について、" + rd.source + "の該当箇所です。")
	}
	for i, p := range a.Passages {
		if i > 0 {
			rd.add(slack.NewDividerBlock())
		}
		head := "*" + escape(p.Section)
		if p.Title != "" {
			head += " " + escape(p.Title)
		}
		rd.section(head + "*\n" + escape(p.Text))
	}
	if len(a.Related) > 0 {
		rd.section("*関連用語*")
		rd.termButtons(a.Related)
	}
	if q := strings.TrimSpace(a.Query); r.Private && !rd.direct && q != "" {
		// Sharing looks the query up again, as /term: the same passages.
		rd.context("この回答はあなたにだけ表示されています。")
		rd.buttons([]button{{label: shareLabel, action: bot.ActionShareTerm, value: q, primary: true}})
	}
	rd.voteButtons(a)
}

func (rd *renderer) none(a *knowledge.Answer) {
	rd.section("「" + escape(a.Query) + "」は用語集にも" + rd.source + "にも見つかりませんでした。")
	if len(a.Suggestions) > 0 {
		rd.section("*もしかして:*")
		rd.termButtons(a.Suggestions)
	}
	rd.context("/help で使い方を確認できます。")
}

func (rd *renderer) tip(c *bot.TipCard) {
	rd.header("💡 " + c.Tip.Title)
	rd.section(escape(c.Tip.Body))
	var src []string
	if c.Tip.Section != "" {
		s := "出典: " + bot.SourceLabel(c.Source) + " " + escape(c.Tip.Section)
		if c.SectionTitle != "" {
			s += " " + escape(c.SectionTitle)
		}
		src = append(src, s)
	}
	if c.Date != "" {
		src = append(src, escape(c.Date))
	}
	rd.context(strings.Join(src, "　"))
	if len(c.Related) > 0 {
		rd.section("*関連用語*")
		rd.termButtons(c.Related)
	}
}

// choiceLetter names choice i as the quiz does (A, B, …), so that the
// buttons match the text fallback and Teams' "answer B".
var choiceLetter = quiz.ChoiceLetter

func (rd *renderer) round(c *bot.RoundCard) {
	title := "*クイズ*"
	switch {
	case c.Practice && c.Revealed:
		title = "*復習クイズの答え*"
	case c.Practice:
		title = fmt.Sprintf("*復習クイズ*（ボックス%d）", c.Box)
	}
	rd.section(title + "\n" + escape(c.Question))
	var b strings.Builder
	for i, ch := range c.Choices {
		mark := ""
		if c.Revealed && i == c.Answer {
			mark = " ✅"
		}
		fmt.Fprintf(&b, "*%s.* %s%s\n", choiceLetter(i), escape(ch), mark)
	}
	rd.longSection(b.String())
	if !c.Revealed {
		bs := make([]button, len(c.Choices))
		for i, ch := range c.Choices {
			bs[i] = button{label: choiceLetter(i) + ". " + ch, action: c.ButtonAction(), value: bot.EncodeAnswer(c.RoundID, i)}
		}
		rd.buttons(bs)
		if c.Practice {
			rd.context("以前まちがえた用語の復習です。ボタンで回答してください（1回だけ有効です）。")
			return
		}
		info := fmt.Sprintf("回答済み: %d人", c.Answered)
		if c.Closes != "" {
			info += "　締切: " + escape(c.Closes)
		}
		rd.context(info + "　回答は1人1回です。")
		return
	}
	if c.Answer >= 0 && c.Answer < len(c.Choices) {
		rd.section(fmt.Sprintf("*正解: %s. %s*", choiceLetter(c.Answer), escape(c.Choices[c.Answer])))
	}
	if c.Explanation != "" {
		rd.section(escape(c.Explanation))
	}
	if c.Section.ID != "" {
		s := "解説の出典: " + bot.SourceLabel(c.Source) + " " + escape(c.Section.ID)
		if c.Section.Title != "" {
			s += " " + escape(c.Section.Title)
		}
		rd.context(s)
	}
	if c.Practice {
		return
	}
	stats := fmt.Sprintf("正解 %d人 / 回答 %d人", c.Correct, c.Answered)
	if c.Answered > 0 {
		stats += fmt.Sprintf("（正答率 %d%%）", c.Share())
	}
	rd.context(stats)
}

func (rd *renderer) board(lb *bot.Leaderboard) {
	title := lb.Title
	if title == "" {
		title = "クイズ ランキング"
	}
	rd.header("🏆 " + title)
	if len(lb.Rows) == 0 {
		rd.section(bot.EmptyBoard)
		return
	}
	var b strings.Builder
	for _, row := range lb.Rows {
		fmt.Fprintf(&b, "*%d.* %s　%d問正解 / %d問回答\n", row.Rank, playerName(row), row.Correct, row.Answered)
	}
	rd.longSection(b.String())
}

// playerName shows a player by name, which does not notify them the way a
// <@U…> mention would; the id is the fallback.
func playerName(row bot.LeaderRow) string {
	if row.UserName != "" {
		return escape(row.UserName)
	}
	if row.UserID != "" {
		return "<@" + row.UserID + ">"
	}
	return "?"
}

func (rd *renderer) help(r bot.Reply) {
	rd.header("secbot の使い方")
	if lines := strings.Split(r.Text, "\n"); len(lines) > len(r.Help) {
		rd.section(escape(lines[0]))
	}
	var b strings.Builder
	for _, l := range r.Help {
		fmt.Fprintf(&b, "`%s`　%s\n", escape(l.Usage), escape(l.What))
	}
	rd.longSection(b.String())
}

func (rd *renderer) text(s string) {
	rd.longSection(escape(s))
}

// escape escapes the three characters Slack's mrkdwn reserves.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// truncate cuts s to at most n characters. It prefers to end at a line or
// sentence break near the limit, never inside an &entity;, and marks the cut
// with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)[:n-1]
	cut := string(runes)
	// Prefer a clean break in the last tenth.
	floor := len(string(runes[:n-1-(n-1)/10]))
	if i := strings.LastIndexAny(cut, "\n。"); i >= floor {
		if cut[i] == '\n' {
			cut = cut[:i]
		} else {
			cut = cut[:i+len("。")]
		}
	}
	// Do not leave half an entity (&am…).
	if i := strings.LastIndexByte(cut, '&'); i >= 0 && !strings.Contains(cut[i:], ";") {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \n") + "…"
}

// splitLines splits s into chunks of at most n characters at line breaks;
// a single line longer than n becomes its own (later truncated) chunk.
func splitLines(s string, n int) []string {
	s = strings.TrimRight(s, "\n")
	if utf8.RuneCountInString(s) <= n {
		return []string{s}
	}
	var out []string
	var cur strings.Builder
	size := 0
	for _, line := range strings.Split(s, "\n") {
		l := utf8.RuneCountInString(line) + 1
		if size > 0 && size+l > n {
			out = append(out, cur.String())
			cur.Reset()
			size = 0
		}
		if size > 0 {
			cur.WriteString("\n")
		}
		cur.WriteString(line)
		size += l
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
