package teams

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"secbot/bot"
)

// ContentType is the attachment content type of an Adaptive Card.
const ContentType = "application/vnd.microsoft.card.adaptive"

// cardVersion is the Adaptive Card schema version secbot writes. Teams
// renders 1.5 on desktop and web but not everywhere on mobile, and the
// Workflows "post card" action validates against 1.4; the cards use nothing
// newer than 1.2 anyway (TextBlock, FactSet, Container).
const cardVersion = "1.4"

// buttonCardVersion is the version of cards with buttons (CardOptions.Buttons):
// Action.Execute, the Universal Action a bot answers, needs 1.4 and Teams
// documents it with 1.5. Each Action.Execute carries an Action.Submit
// fallback for older clients.
const buttonCardVersion = "1.5"

// DefaultName is the name people @mention when Config.Name is empty.
const DefaultName = "secbot"

// card is an Adaptive Card, reduced to what secbot uses.
type card struct {
	Schema   string    `json:"$schema"`
	Type     string    `json:"type"`
	Version  string    `json:"version"`
	Body     []element `json:"body"`
	MSTeams  *msteams  `json:"msteams,omitempty"`
	Fallback string    `json:"fallbackText,omitempty"`
}

// msteams holds Teams' extensions of a card.
type msteams struct {
	// Width "Full" lets a card use the whole width of the message pane
	// instead of a narrow bubble: definitions are long.
	Width string `json:"width,omitempty"`
}

// element is a card element: a TextBlock, a FactSet or a Container. One
// struct with the union of their fields keeps the tree easy to walk when a
// card has to shrink (see fit).
type element struct {
	Type      string    `json:"type"`
	Text      string    `json:"text,omitempty"`
	Size      string    `json:"size,omitempty"`
	Weight    string    `json:"weight,omitempty"`
	Color     string    `json:"color,omitempty"`
	IsSubtle  bool      `json:"isSubtle,omitempty"`
	Wrap      bool      `json:"wrap,omitempty"`
	Spacing   string    `json:"spacing,omitempty"`
	Separator bool      `json:"separator,omitempty"`
	Style     string    `json:"style,omitempty"`
	Facts     []fact    `json:"facts,omitempty"`
	Items     []element `json:"items,omitempty"`
	// Actions are an ActionSet's buttons (bot cards only).
	Actions []action `json:"actions,omitempty"`
}

// action is a card button: an Action.Execute (verb and data) with an
// Action.Submit fallback carrying the same data, which only a bot
// registered with the Bot Framework receives; or an Action.OpenUrl (the
// outgoing webhook's vote links).
type action struct {
	Type     string      `json:"type"`
	Title    string      `json:"title"`
	URL      string      `json:"url,omitempty"` // Action.OpenUrl only
	Verb     string      `json:"verb,omitempty"`
	Data     *ActionData `json:"data,omitempty"`
	Fallback *action     `json:"fallback,omitempty"`
}

// ActionData is the data of a button of a bot card: the bot.Action it
// stands for. Teams gives it back in the invoke (Action.Execute) or in the
// message's value (Action.Submit).
type ActionData struct {
	Action string `json:"action"`
	Value  string `json:"value"`
}

// button returns an Action.Execute for a bot.Action, falling back to an
// Action.Submit with the same data on clients without Universal Actions.
func button(title, id, value string) action {
	d := &ActionData{Action: id, Value: value}
	return action{Type: "Action.Execute", Title: title, Verb: id, Data: d,
		Fallback: &action{Type: "Action.Submit", Title: title, Data: d}}
}

// maxTermButtons bounds the term buttons under a card.
const maxTermButtons = 5

// fact is one row of a FactSet.
type fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// attachment is a Bot Framework attachment holding a card. ContentURL is
// always null, as the Workflows template expects it present.
type attachment struct {
	ContentType string  `json:"contentType"`
	ContentURL  *string `json:"contentUrl"`
	Content     *card   `json:"content"`
}

// message is the message activity secbot sends: the body of an outgoing
// webhook response and of a Workflows post.
type message struct {
	Type string `json:"type"`
	// Text is a one-line summary of the card (its first line) when there
	// is a card, or the whole reply when there is none. Teams shows a
	// message's text above its card, so the whole plain text would say
	// everything twice; the summary also stands in for the card in
	// notifications and in clients that cannot render it.
	Text        string       `json:"text,omitempty"`
	TextFormat  string       `json:"textFormat,omitempty"`
	Summary     string       `json:"summary,omitempty"`
	Attachments []attachment `json:"attachments,omitempty"`
}

// textBlock returns a wrapping TextBlock.
func textBlock(s string) element { return element{Type: "TextBlock", Text: s, Wrap: true} }

// renderer turns Replies into card elements.
type renderer struct {
	// name is what people @mention ("secbot").
	name string
	// buttons renders buttons where Slack has them (CardOptions.Buttons).
	buttons bool
	// voteLinks makes the 👍/👎 links of cards without buttons
	// (CardOptions.VoteLinks); nil for none.
	voteLinks func(answer string) (up, down string, ok bool)
	body      []element
	// source names the material answers come from ("第4章").
	source string
}

func (rd *renderer) add(e element) { rd.body = append(rd.body, e) }

func (rd *renderer) title(s string) {
	rd.add(element{Type: "TextBlock", Text: s, Size: "Large", Weight: "Bolder", Wrap: true})
}

func (rd *renderer) text(s string) { rd.add(textBlock(s)) }

func (rd *renderer) note(s string) {
	rd.add(element{Type: "TextBlock", Text: s, IsSubtle: true, Size: "Small", Wrap: true, Spacing: "Small"})
}

func (rd *renderer) facts(fs []fact) {
	if len(fs) > 0 {
		rd.add(element{Type: "FactSet", Facts: fs})
	}
}

// command is how a person asks secbot for something in a channel:
// "@secbot /term VPN".
func (rd *renderer) command(s string) string { return "@" + rd.name + " " + s }

// termHint tells how to open the cards of names, which Slack shows as
// buttons: outgoing webhooks cannot post a click back.
func (rd *renderer) termHint(names []string) {
	if len(names) == 0 {
		return
	}
	if rd.buttons {
		var as []action
		for _, n := range names[:min(len(names), maxTermButtons)] {
			as = append(as, button(n, bot.ActionOpenTerm, n))
		}
		rd.add(element{Type: "ActionSet", Actions: as})
		return
	}
	rd.note("詳しくは「" + rd.command("/term "+names[0]) + "」のように送ってください。")
}

// rich reports whether r (or one of its Also) needs a card rather than a
// plain text message.
func rich(r bot.Reply) bool {
	if r.Answer != nil || r.Tip != nil || r.Round != nil || r.Board != nil || len(r.Help) > 0 || len(r.TermButtons) > 0 {
		return true
	}
	for _, a := range shownAlso(r) {
		if rich(a) {
			return true
		}
	}
	return false
}

// shownAlso returns the Also replies Teams shows. A follow-up that would
// replace or delete the message a button was on (an updated round, say)
// has nothing to replace in Teams, where the person typed instead of
// clicking: it would repeat the whole round in the thread, so it is left
// out.
func shownAlso(r bot.Reply) []bot.Reply {
	var out []bot.Reply
	for _, a := range r.Also {
		if a.ReplaceOriginal || a.DeleteOriginal {
			continue
		}
		out = append(out, a)
	}
	return out
}

// plainText is r's plain text with its shown Also.
func plainText(r bot.Reply) string {
	parts := []string{r.Text}
	for _, a := range shownAlso(r) {
		parts = append(parts, plainText(a))
	}
	return strings.TrimSpace(strings.Join(parts, "\n\n"))
}

// render returns the message activity of r: an Adaptive Card with a
// one-line summary, or a plain text message when r is only text.
func render(r bot.Reply, name string) message {
	return renderWith(r, CardOptions{Name: name})
}

// CardOptions says how RenderMessage renders a Reply.
type CardOptions struct {
	// Name is what people @mention; "" means DefaultName.
	Name string
	// Buttons puts buttons where Slack has them: a round's choices (quiz
	// answers) and related terms (open the term's card), as Action.Execute
	// with an Action.Submit fallback, in an Adaptive Card 1.5. Only a Bot
	// Framework bot receives their clicks; webhook and workflow cards have
	// none and say what to type instead.
	Buttons bool
	// VoteLinks, for cards without buttons, returns the URLs of the 👍
	// and 👎 links under an answer (answer is bot.AnswerKey's); ok false,
	// or a nil VoteLinks, leaves them out. Links are Action.OpenUrl, the
	// one action an outgoing webhook's card may have.
	VoteLinks func(answer string) (up, down string, ok bool)
}

// RenderMessage returns r as a Bot Framework message activity (JSON with
// type, text, summary and an Adaptive Card attachment, or plain text when
// r is only text), cut to fit MaxMessageBytes.
func RenderMessage(r bot.Reply, opt CardOptions) ([]byte, error) {
	m := renderWith(r, opt)
	return fit(&m, MaxMessageBytes)
}

func renderWith(r bot.Reply, opt CardOptions) message {
	name := opt.Name
	if name == "" {
		name = DefaultName
	}
	if !rich(r) {
		return message{Type: "message", Text: plainText(r), TextFormat: "plain"}
	}
	rd := &renderer{name: name, buttons: opt.Buttons, voteLinks: opt.VoteLinks}
	rd.reply(r)
	for _, a := range shownAlso(r) {
		n := len(rd.body)
		rd.reply(a)
		if n < len(rd.body) {
			rd.body[n].Separator = true
			rd.body[n].Spacing = "Large"
		}
	}
	sum := summary(plainText(r))
	return message{
		Type:        "message",
		Text:        sum,
		Summary:     sum,
		Attachments: []attachment{{ContentType: ContentType, Content: newCard(rd.body, opt.Buttons)}},
	}
}

// newCard returns an Adaptive Card with body.
func newCard(body []element, buttons bool) *card {
	breakLines(body)
	v := cardVersion
	if buttons {
		v = buttonCardVersion
	}
	return &card{
		Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:    "AdaptiveCard",
		Version: v,
		Body:    body,
		MSTeams: &msteams{Width: "Full"},
	}
}

// summaryRunes bounds a message's one-line summary.
const summaryRunes = 100

// summary is the first non-empty line of s, cut to summaryRunes.
func summary(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return cut(line, summaryRunes)
		}
	}
	return ""
}

// cut shortens s to at most n runes, marking a cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	return strings.TrimRight(string([]rune(s)[:n-1]), " \n") + "…"
}

// encode marshals m without HTML escaping ("<" stays "<", as Teams shows it).
func encode(m message) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		// message holds only strings, bools and slices of them.
		panic(fmt.Sprintf("teams: encoding a message: %v", err))
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// breakLines doubles the line breaks of every TextBlock: Teams renders a
// TextBlock as Markdown, where a single "\n" does not end a line.
func breakLines(es []element) {
	for i := range es {
		e := &es[i]
		if e.Type == "TextBlock" && strings.Contains(e.Text, "\n") {
			var lines []string
			for _, l := range strings.Split(e.Text, "\n") {
				if l = strings.TrimRight(l, " \r"); l != "" {
					lines = append(lines, l)
				}
			}
			e.Text = strings.Join(lines, "\n\n")
		}
		breakLines(e.Items)
	}
}
