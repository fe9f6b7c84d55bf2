package teamsbot

import (
	"context"
	"encoding/json"
	"strings"

	"secbot/bot"
	"secbot/bot/teams"
	"secbot/knowledge"
)

// Invoke names secbot answers.
const (
	invokeAction = "adaptiveCard/action"    // a click on an Action.Execute
	invokeQuery  = "composeExtension/query" // the search message extension
)

// Content types of an adaptiveCard/action response.
const (
	typeCard    = "application/vnd.microsoft.card.adaptive"
	typeMessage = "application/vnd.microsoft.activity.message"
)

// maxResults bounds the cards a compose extension search returns.
const maxResults = 8

// actionResponse is the body of an answer to adaptiveCard/action.
type actionResponse struct {
	StatusCode int    `json:"statusCode"`
	Type       string `json:"type"`
	Value      any    `json:"value"`
}

// invokeMessage is an adaptiveCard/action answer that shows text to the
// person who clicked.
func invokeMessage(text string) actionResponse {
	return actionResponse{StatusCode: 200, Type: typeMessage, Value: text}
}

// duplicateInvoke is the answer to an invoke seen before: its work was done
// (or is being done) by the first delivery.
func duplicateInvoke(name string) any {
	if name == invokeQuery {
		return composeMessage("もう一度入力してください。")
	}
	return invokeMessage("受け付け済みです。")
}

// invoke answers an invoke activity.
func (b *Bot) invoke(ctx context.Context, act *activity) any {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.InvokeTimeout)
	defer cancel()
	switch act.Name {
	case invokeAction:
		return b.cardAction(ctx, act)
	case invokeQuery:
		return b.search(ctx, act)
	}
	b.log.Info("invoke not handled", "name", act.Name)
	return nil
}

// cardAction answers a click on an Action.Execute button. What the Router
// answers privately goes back in the invoke response, which Teams shows to
// the person who clicked only: a text (the quiz receipt, right or wrong) as
// a message, a card (a term opened) as that person's view of the card. An
// updated round replaces the round card for everyone (coalesced). Anything
// public is posted in the conversation.
func (b *Bot) cardAction(ctx context.Context, act *activity) any {
	var v struct {
		Action struct {
			Verb string           `json:"verb"`
			Data teams.ActionData `json:"data"`
		} `json:"action"`
	}
	if err := json.Unmarshal(act.Value, &v); err != nil || v.Action.Data.Action == "" {
		b.log.Warn("card action without secbot data", "activity", act.ID)
		return invokeMessage("このボタンには対応していません。")
	}
	req := b.request(act)
	req.Text = ""
	req.Action = &bot.Action{ID: v.Action.Data.Action, Value: v.Action.Data.Value}
	// The invoke's answer is shown to the clicker alone.
	req.PublicReplies = false
	reply := b.cfg.Router.Route(ctx, req)
	conv := act.reference(b.cfg.Now())

	var private, public []bot.Reply
	for _, r := range append([]bot.Reply{reply}, reply.Also...) {
		r.Also = nil
		switch {
		case r.ReplaceOriginal && act.ReplyToID != "":
			b.updates.schedule(conv, act.ReplyToID, r)
		case r.DeleteOriginal:
			// Teams cannot delete a view; a shared card is posted below.
			public = append(public, r)
		case r.Private:
			private = append(private, r)
		default:
			public = append(public, r)
		}
	}
	for _, r := range public {
		b.reply(ctx, act, r)
	}
	if len(private) == 0 {
		return invokeMessage("受け付けました。")
	}
	first := private[0]
	first.Also = private[1:]
	if !isRich(first) {
		return invokeMessage(strings.TrimSpace(plain(first)))
	}
	card, err := renderCard(first, teams.CardOptions{Name: b.cfg.Name, Buttons: true})
	if err != nil {
		b.log.Error("cannot render a card answer", "err", err)
		return invokeMessage(bot.Apology)
	}
	return actionResponse{StatusCode: 200, Type: typeCard, Value: card}
}

// isRich reports whether r or its Also renders as a card.
func isRich(r bot.Reply) bool {
	if r.Answer != nil || r.Tip != nil || r.Round != nil || r.Board != nil || len(r.Help) > 0 || len(r.TermButtons) > 0 {
		return true
	}
	for _, a := range r.Also {
		if isRich(a) {
			return true
		}
	}
	return false
}

// plain is the text of r and its Also.
func plain(r bot.Reply) string {
	parts := []string{r.Text}
	for _, a := range r.Also {
		parts = append(parts, plain(a))
	}
	return strings.TrimSpace(strings.Join(parts, "\n\n"))
}

// renderCard returns the Adaptive Card of r (the content of the rendered
// message's attachment).
func renderCard(r bot.Reply, opt teams.CardOptions) (json.RawMessage, error) {
	b, err := teams.RenderMessage(r, opt)
	if err != nil {
		return nil, err
	}
	var m struct {
		Attachments []struct {
			Content json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(b, &m); err != nil || len(m.Attachments) == 0 {
		return nil, errNoAnswer
	}
	return m.Attachments[0].Content, nil
}

// composeResponse is the answer to composeExtension/query.
type composeResponse struct {
	ComposeExtension composeResult `json:"composeExtension"`
}

type composeResult struct {
	Type             string          `json:"type"` // result or message
	AttachmentLayout string          `json:"attachmentLayout,omitempty"`
	Attachments      []composeResult `json:"attachments,omitempty"`
	Text             string          `json:"text,omitempty"`
	// Attachment fields (a result's attachments reuse this struct).
	ContentType string          `json:"contentType,omitempty"`
	Content     json.RawMessage `json:"content,omitempty"`
	Preview     *preview        `json:"preview,omitempty"`
}

// preview is the list entry Teams shows for a result (a thumbnail card).
type preview struct {
	ContentType string `json:"contentType"`
	Content     struct {
		Title string `json:"title"`
		Text  string `json:"text,omitempty"`
	} `json:"content"`
}

func composeMessage(text string) composeResponse {
	return composeResponse{composeResult{Type: "message", Text: text}}
}

// search answers the compose box search: the term asked for and the ones
// it suggests or relates to, each as a card to insert. It asks the Router
// ("term" command) for each, so the cards are exactly what /term shows.
func (b *Bot) search(ctx context.Context, act *activity) any {
	var v struct {
		Parameters []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"parameters"`
	}
	json.Unmarshal(act.Value, &v)
	var query string
	for _, p := range v.Parameters {
		if p.Name != "initialRun" {
			query = strings.TrimSpace(p.Value)
		}
	}
	if query == "" {
		return composeMessage("用語を入力してください（例: ゼロトラスト、CSIRT、ランサムウェア）。")
	}
	base := b.request(act)
	base.Text, base.Action, base.Command = query, nil, "term"
	first := b.cfg.Router.Route(ctx, base)
	if first.Answer == nil {
		return composeMessage(plain(first))
	}
	replies := []bot.Reply{first}
	names := append(append([]string{}, first.Answer.Suggestions...), first.Answer.Related...)
	seen := map[string]bool{}
	if first.Answer.Term != nil {
		seen[first.Answer.Term.Name] = true
	}
	for _, n := range names {
		if len(replies) >= maxResults || seen[n] {
			continue
		}
		seen[n] = true
		req := base
		req.Text = n
		if r := b.cfg.Router.Route(ctx, req); r.Answer != nil && r.Answer.Shows() == knowledge.KindTerm {
			replies = append(replies, r)
		}
	}
	res := composeResult{Type: "result", AttachmentLayout: "list"}
	for _, r := range replies {
		// Cards inserted by a person carry no buttons: their clicks would
		// reach the bot from a message it did not send.
		card, err := renderCard(r, teams.CardOptions{Name: b.cfg.Name})
		if err != nil {
			continue
		}
		p := &preview{ContentType: "application/vnd.microsoft.card.thumbnail"}
		p.Content.Title, p.Content.Text = resultTitle(r), summaryOf(r)
		res.Attachments = append(res.Attachments, composeResult{ContentType: typeCard, Content: card, Preview: p})
	}
	if len(res.Attachments) == 0 {
		return composeMessage(plain(first))
	}
	return composeResponse{res}
}

// resultTitle names a search result: the term, or the query.
func resultTitle(r bot.Reply) string {
	if r.Answer.Term != nil && r.Answer.Shows() == knowledge.KindTerm {
		return r.Answer.Term.Name
	}
	return r.Answer.Query
}

// summaryOf is the start of a result's text.
func summaryOf(r bot.Reply) string {
	s := r.Text
	if r.Answer.Term != nil && r.Answer.Shows() == knowledge.KindTerm {
		s = r.Answer.Term.Definition
	}
	if rs := []rune(s); len(rs) > 80 {
		s = string(rs[:79]) + "…"
	}
	return s
}
