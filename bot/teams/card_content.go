package teams

// This file renders what each kind of Reply shows; card.go holds the
// Adaptive Card types and the message around them.

import (
	"fmt"
	"strings"

	"secbot/bot"
	"secbot/knowledge"
)

// reply renders one Reply (not its Also).
func (rd *renderer) reply(r bot.Reply) {
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
		rd.text(inert(r.Text))
		rd.termHint(r.TermButtons)
	}
}

// inertChars turns the Markdown a TextBlock would act on into full-width
// look-alikes. Teams renders TextBlocks as Markdown, and backslash escapes
// are handled differently on desktop and mobile, so text that carries what
// a person typed (their query, a command word) is made inert this way: a
// user must not make secbot post a link of theirs.
var inertChars = strings.NewReplacer("[", "［", "]", "］", "(", "（", ")", "）", "*", "＊", "_", "＿", "~", "～", "#", "＃", "`", "｀", "<", "＜", ">", "＞")

func inert(s string) string { return inertChars.Replace(s) }

func (rd *renderer) answer(r bot.Reply) {
	a := r.Answer
	rd.source = bot.SourceLabel(r.Source)
	switch a.Shows() {
	case knowledge.KindTerm:
		rd.term(r)
	case knowledge.KindPassage:
		rd.passages(a)
	default:
		rd.none(a)
	}
}

func (rd *renderer) term(r bot.Reply) {
	a, t := r.Answer, r.Answer.Term
	if a.Tentative {
		rd.note(inert(bot.TentativeNote(t.Name)))
	}
	rd.title(t.Name)
	if t.Reading != "" {
		rd.add(element{Type: "TextBlock", Text: t.Reading, IsSubtle: true, Wrap: true, Spacing: "None"})
	}
	rd.text(t.Definition)
	var fs []fact
	if len(t.Aliases) > 0 {
		fs = append(fs, fact{"別名", strings.Join(t.Aliases, "、")})
	}
	if t.English != "" {
		fs = append(fs, fact{"英語", t.English})
	}
	for i, s := range r.Sections {
		title := ""
		if i == 0 {
			title = "該当箇所"
		}
		v := s.ID
		if s.Title != "" {
			v += " " + s.Title
		}
		fs = append(fs, fact{title, v})
	}
	if len(a.Related) > 0 {
		fs = append(fs, fact{"関連用語", strings.Join(a.Related, "、")})
	}
	if a.Tentative && len(a.Suggestions) > 0 {
		fs = append(fs, fact{bot.OtherCandidates, strings.Join(a.Suggestions, "、")})
	}
	rd.facts(fs)
	rd.termHint(append(append([]string(nil), a.Related...), suggestionsIf(a)...))
	rd.voteButtons(a)
}

// voteButtons asks whether the answer helped (👍/👎, one vote a person):
// buttons where cards can have them (the bot), else links when the
// adapter makes them (the outgoing webhook, CardOptions.VoteLinks).
func (rd *renderer) voteButtons(a *knowledge.Answer) {
	key := bot.AnswerKey(a)
	if rd.buttons {
		rd.add(element{Type: "ActionSet", Actions: []action{
			button("👍 役に立った", bot.ActionVoteUp, key), button("👎 役に立たなかった", bot.ActionVoteDown, key)}})
		return
	}
	if rd.voteLinks == nil {
		return
	}
	up, down, ok := rd.voteLinks(key)
	if !ok {
		return
	}
	rd.note("この回答は役に立ちましたか？ リンクを開くと、質問した人の評価として記録されます（1人1票、開き直すと変わります）。")
	rd.add(element{Type: "ActionSet", Actions: []action{
		{Type: "Action.OpenUrl", Title: "👍 役に立った", URL: up},
		{Type: "Action.OpenUrl", Title: "👎 役に立たなかった", URL: down}}})
}

// suggestionsIf is a tentative answer's runners-up (none otherwise).
func suggestionsIf(a *knowledge.Answer) []string {
	if a.Tentative {
		return a.Suggestions
	}
	return nil
}

func (rd *renderer) passages(a *knowledge.Answer) {
	if q := strings.TrimSpace(a.Query); q != "" {
		rd.note("「" + inert(q) + "」について、" + rd.source + "の該当箇所です。")
	}
	for i, p := range a.Passages {
		head := p.Section
		if p.Title != "" {
			head += " " + p.Title
		}
		c := element{Type: "Container", Separator: i > 0, Spacing: "Medium", Items: []element{
			{Type: "TextBlock", Text: head, Weight: "Bolder", Wrap: true},
			textBlock(p.Text),
		}}
		rd.add(c)
	}
	if len(a.Related) > 0 {
		rd.facts([]fact{{"関連用語", strings.Join(a.Related, "、")}})
		rd.termHint(a.Related)
	}
	rd.voteButtons(a)
}

func (rd *renderer) none(a *knowledge.Answer) {
	rd.text("「" + inert(a.Query) + "」は用語集にも" + rd.source + "にも見つかりませんでした。")
	if len(a.Suggestions) > 0 {
		rd.facts([]fact{{"もしかして", strings.Join(a.Suggestions, "、")}})
		rd.termHint(a.Suggestions)
	}
	rd.note("使い方は「" + rd.command("help") + "」で確認できます。")
}

func (rd *renderer) tip(c *bot.TipCard) {
	head := "今日の「経営者のためのセキュリティ」"
	if c.Date != "" {
		head += "（" + c.Date + "）"
	}
	rd.note(head)
	rd.add(element{Type: "TextBlock", Text: "💡 " + c.Tip.Title, Size: "Large", Weight: "Bolder", Wrap: true, Spacing: "None"})
	rd.text(c.Tip.Body)
	var fs []fact
	if c.Tip.Section != "" {
		v := bot.SourceLabel(c.Source) + " " + c.Tip.Section
		if c.SectionTitle != "" {
			v += " " + c.SectionTitle
		}
		fs = append(fs, fact{"出典", v})
	}
	if len(c.Related) > 0 {
		fs = append(fs, fact{"関連用語", strings.Join(c.Related, "、")})
	}
	rd.facts(fs)
	rd.termHint(c.Related)
}

// choiceLetter names choice i: A, B, … Z, then 27, 28, … (as quiz.ChoiceLetter).
func choiceLetter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return fmt.Sprint(i + 1)
}

func (rd *renderer) round(c *bot.RoundCard) {
	head := "今週のセキュリティクイズ"
	switch {
	case c.Practice && c.Revealed:
		head = "復習クイズの答え"
	case c.Practice:
		head = fmt.Sprintf("復習クイズ（ボックス%d）", c.Box)
	case c.Revealed:
		head = "クイズの答え合わせ"
	}
	rd.note(head)
	rd.add(element{Type: "TextBlock", Text: c.Question, Size: "Medium", Weight: "Bolder", Wrap: true, Spacing: "None"})
	fs := make([]fact, len(c.Choices))
	for i, ch := range c.Choices {
		title := choiceLetter(i) + "."
		if c.Revealed && i == c.Answer {
			title = "✅ " + title
		}
		fs[i] = fact{title, ch}
	}
	rd.facts(fs)
	if !c.Revealed && rd.buttons {
		as := make([]action, len(c.Choices))
		for i := range c.Choices {
			as[i] = button(choiceLetter(i), c.ButtonAction(), bot.EncodeAnswer(c.RoundID, i))
		}
		rd.add(element{Type: "ActionSet", Actions: as})
		if c.Practice {
			rd.note("以前まちがえた用語の復習です。ボタンで回答してください（1回だけ有効です）。")
			return
		}
		info := []string{fmt.Sprintf("回答済み: %d人", c.Answered)}
		if c.Closes != "" {
			info = append(info, "締切: "+c.Closes)
		}
		rd.note("ボタンで回答してください（1人1回、最初の回答が有効です）。" + strings.Join(info, "　"))
		return
	}
	if !c.Revealed {
		letter := "A"
		if len(c.Choices) > 1 {
			letter = "B"
		}
		rd.text("回答は「" + rd.command("answer "+letter) + "」のように、記号を添えて送ってください（1人1回、最初の回答が有効です）。")
		// A workflow post is never updated (Workflows cannot edit), so a
		// count of 0 would stay on the round message all week: show the
		// count only when there is one (/quiz asked in the channel).
		var info []string
		if c.Answered > 0 {
			info = append(info, fmt.Sprintf("回答済み: %d人", c.Answered))
		}
		if c.Closes != "" {
			info = append(info, "締切: "+c.Closes)
		}
		if len(info) > 0 {
			rd.note(strings.Join(info, "　"))
		}
		return
	}
	if c.Answer >= 0 && c.Answer < len(c.Choices) {
		rd.add(element{Type: "TextBlock", Text: fmt.Sprintf("正解: %s. %s", choiceLetter(c.Answer), c.Choices[c.Answer]), Weight: "Bolder", Color: "Good", Wrap: true})
	}
	if c.Explanation != "" {
		rd.text(c.Explanation)
	}
	var fs2 []fact
	if c.Section.ID != "" {
		v := bot.SourceLabel(c.Source) + " " + c.Section.ID
		if c.Section.Title != "" {
			v += " " + c.Section.Title
		}
		fs2 = append(fs2, fact{"出典", v})
	}
	if !c.Practice {
		stats := fmt.Sprintf("正解 %d人 / 回答 %d人", c.Correct, c.Answered)
		if c.Answered > 0 {
			stats += fmt.Sprintf("（正答率 %d%%）", c.Share())
		}
		fs2 = append(fs2, fact{"結果", stats})
	}
	if len(fs2) > 0 {
		rd.facts(fs2)
	}
}

func (rd *renderer) board(lb *bot.Leaderboard) {
	title := lb.Title
	if title == "" {
		title = "クイズ ランキング"
	}
	rd.title("🏆 " + title)
	if len(lb.Rows) == 0 {
		rd.text(bot.EmptyBoard)
		return
	}
	fs := make([]fact, len(lb.Rows))
	for i, row := range lb.Rows {
		name := row.UserName
		if name == "" {
			name = row.UserID
		}
		if name == "" {
			name = "?"
		}
		fs[i] = fact{fmt.Sprintf("%d. %s", row.Rank, name), fmt.Sprintf("%d問正解 / %d問回答", row.Correct, row.Answered)}
	}
	rd.facts(fs)
}

func (rd *renderer) help(r bot.Reply) {
	rd.title(rd.name + " の使い方")
	if lines := strings.Split(r.Text, "\n"); len(lines) > len(r.Help) {
		rd.text(lines[0])
	}
	fs := make([]fact, 0, len(r.Help))
	for _, l := range r.Help {
		if strings.Contains(l.Usage, "subscribe") && !rd.buttons {
			// The DM digest: Teams has none (outgoing webhooks cannot
			// send a direct message), and /tip subscribe says so.
			continue
		}
		usage := l.Usage
		if strings.HasPrefix(usage, "/") {
			usage = rd.command(usage)
		} else if rest, ok := strings.CutPrefix(usage, "@secbot "); ok {
			usage = rd.command(rest)
		}
		fs = append(fs, fact{usage, l.What})
	}
	rd.facts(fs)
	if rd.buttons {
		rd.note("チャンネルでは @" + rd.name + " をメンションして、1対1のチャットではそのまま、コマンド（term ゼロトラスト、tip subscribe、quiz など）や質問を入力します。")
		return
	}
	rd.note("Teams ではチャンネルで " + "@" + rd.name + " をメンションし、続けてコマンドや質問を入力します。返信はスレッドに届き、スレッドの全員に見えます。")
}
