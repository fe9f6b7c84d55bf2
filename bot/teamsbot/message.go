package teamsbot

import (
	"context"
	"encoding/json"
	"strings"
	"unicode"

	"secbot/bot"
	"secbot/bot/teams"
)

// commandWords are the commands people type without a slash ("term VPN",
// "tip subscribe", "quiz leaderboard"), as the app manifest lists them,
// with their Japanese names.
var commandWords = map[string]string{
	"term": "term", "tip": "tip", "quiz": "quiz", "help": "help",
	"用語": "term", "ヒント": "tip", "クイズ": "quiz",
}

// text returns what the person wrote: the bot's mention removed, HTML gone,
// and a leading command word turned into its slash command.
func (b *Bot) text(act *activity) string {
	raw := act.Text
	name := b.cfg.Name
	if m := act.botMention(); m != "" {
		name = strings.TrimSuffix(strings.TrimPrefix(m, "<at>"), "</at>")
	} else {
		// No mention of the bot (a 1:1 chat): keep every <at> as a name.
		raw = strings.NewReplacer("<at>", "", "</at>", "").Replace(raw)
	}
	s := teams.MessageText(raw, name)
	word, rest := s, ""
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		word, rest = s[:i], s[i:]
	}
	if cmd, ok := commandWords[strings.ToLower(word)]; ok {
		return "/" + cmd + rest
	}
	return s
}

// actionOf reads the bot.Action an Action.Submit sent in a message's value.
func actionOf(value json.RawMessage) *bot.Action {
	if len(value) == 0 {
		return nil
	}
	var d teams.ActionData
	if json.Unmarshal(value, &d) != nil || d.Action == "" {
		return nil
	}
	return &bot.Action{ID: d.Action, Value: d.Value}
}

// request is the bot.Request of act.
func (b *Bot) request(act *activity) bot.Request {
	typ := act.conversationType()
	channel := baseConversation(act.Conv.ID)
	if typ == Channel && act.ChannelData.Channel.ID != "" {
		channel = act.ChannelData.Channel.ID
	}
	if name, ok := b.cfg.Channels[channel]; ok && name != "" {
		channel = name
	}
	req := bot.Request{
		Platform:  bot.Teams,
		UserID:    act.userID(),
		UserName:  act.From.Name,
		ChannelID: channel,
		Direct:    typ == Personal,
		// A message's reply is read by everyone in a channel or group chat.
		PublicReplies: typ != Personal,
	}
	if a := actionOf(act.Value); a != nil {
		req.Action = a
	} else {
		req.Text = b.text(act)
	}
	return req
}

// message answers a message activity through the connector.
func (b *Bot) message(ctx context.Context, act *activity) {
	req := b.request(act)
	if req.Action == nil && strings.TrimSpace(req.Text) == "" {
		return // a mention alone, or a card sent with no text
	}
	b.log.Info("message", "activity", act.ID, "channel", req.ChannelID, "user", req.UserID, "direct", req.Direct)
	reply := b.cfg.Router.Route(ctx, req)
	conv := act.reference(b.cfg.Now())
	if req.Action != nil && act.ReplyToID != "" {
		// A click (Action.Submit): an updated round replaces the card the
		// button was on; the rest is a reply.
		for _, r := range append([]bot.Reply{reply}, reply.Also...) {
			if r.ReplaceOriginal {
				r.Also = nil
				b.updates.schedule(conv, act.ReplyToID, r)
			}
		}
		if reply.ReplaceOriginal {
			reply = bot.Reply{Also: reply.Also, Text: ""}
			if !hasShown(reply) {
				return
			}
		}
	}
	b.reply(ctx, act, reply)
}

// hasShown reports whether r has something to post once the replaced
// parts are left out.
func hasShown(r bot.Reply) bool {
	if strings.TrimSpace(r.Text) != "" {
		return true
	}
	for _, a := range r.Also {
		if !a.ReplaceOriginal && !a.DeleteOriginal && hasShown(a) {
			return true
		}
	}
	return false
}

// reply posts r in act's conversation, as a reply to act.
func (b *Bot) reply(ctx context.Context, act *activity, r bot.Reply) {
	body, err := teams.RenderMessage(r, teams.CardOptions{Name: b.cfg.Name, Buttons: true})
	if err != nil {
		b.log.Error("reply does not fit in a Teams message", "err", err)
		body, _ = json.Marshal(map[string]string{"type": "message", "text": bot.Apology})
	}
	if _, err := b.conn.send(ctx, act.ServiceURL, act.Conv.ID, act.ID, body); err != nil {
		b.log.Error("cannot send a reply", "conversation", act.Conv.ID, "activity", act.ID, "err", err)
	}
}

// welcome posts the help where the bot was just added (a team, a group
// chat, a person's 1:1 chat), so people learn what to type.
func (b *Bot) welcome(ctx context.Context, act *activity) {
	req := b.request(act)
	req.Text, req.Action, req.Command = "", nil, "help"
	reply := b.cfg.Router.Route(ctx, req)
	body, err := b.render(reply)
	if err != nil {
		b.log.Error("cannot render the welcome", "err", err)
		return
	}
	if _, err := b.conn.send(ctx, act.ServiceURL, baseConversation(act.Conv.ID), "", body); err != nil {
		b.log.Error("cannot post the welcome", "conversation", act.Conv.ID, "err", err)
	}
}
