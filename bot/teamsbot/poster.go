package teamsbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"secbot/bot"
	"secbot/bot/teams"
)

// ErrNoConversation is returned (wrapped, with bot.ErrPermanent) by Post,
// Update and PostDirect when the bot has no stored conversation to post
// in: it was never added to that channel, or the person never used it.
var ErrNoConversation = errNoConversation

// conversationOf resolves a channel as the config names it: "teams:NAME"
// through Config.Channels to its Teams channel id, or a conversation id as
// is; then the stored conversation.
func (b *Bot) conversationOf(ctx context.Context, channel string) (Conversation, error) {
	id := channel
	if tid, ok := b.channels[channel]; ok {
		id = tid
	}
	c, err := b.cfg.Store.Conversation(ctx, baseConversation(id), false)
	if errors.Is(err, ErrNotFound) {
		return Conversation{}, fmt.Errorf("teamsbot: channel %q: %w (add the app to the team first): %w", channel, ErrNoConversation, bot.ErrPermanent)
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("teamsbot: channel %q: %w", channel, err)
	}
	return c, nil
}

// render is r as a message activity with buttons.
func (b *Bot) render(r bot.Reply) ([]byte, error) {
	body, err := teams.RenderMessage(r, teams.CardOptions{Name: b.cfg.Name, Buttons: true})
	if err != nil {
		return nil, fmt.Errorf("teamsbot: %w: %w", err, bot.ErrPermanent)
	}
	return body, nil
}

// Post implements bot.Poster: it starts a new post in a channel (a new
// thread) or a new message in a chat, and returns the message's id. The
// bot must have a stored conversation for channel (see ErrNoConversation).
func (b *Bot) Post(ctx context.Context, channel string, r bot.Reply) (string, error) {
	c, err := b.conversationOf(ctx, channel)
	if err != nil {
		return "", err
	}
	body, err := b.render(r)
	if err != nil {
		return "", err
	}
	id, err := b.conn.send(ctx, c.ServiceURL, c.ID, "", body)
	if err != nil {
		return "", fmt.Errorf("teamsbot: post to %q: %w", channel, err)
	}
	return id, nil
}

// Update implements bot.Poster: it replaces message messageID of channel
// with r, for everyone who sees it.
func (b *Bot) Update(ctx context.Context, channel, messageID string, r bot.Reply) error {
	c, err := b.conversationOf(ctx, channel)
	if err != nil {
		return err
	}
	return b.updateIn(ctx, c, messageID, r)
}

func (b *Bot) updateIn(ctx context.Context, c Conversation, messageID string, r bot.Reply) error {
	body, err := b.render(r)
	if err != nil {
		return err
	}
	// An update names the activity it replaces.
	var m map[string]any
	if err := json.Unmarshal(body, &m); err == nil {
		m["id"] = messageID
		body, _ = json.Marshal(m)
	}
	if err := b.conn.update(ctx, c.ServiceURL, c.ID, messageID, body); err != nil {
		return fmt.Errorf("teamsbot: update %s in %s: %w", messageID, c.ID, err)
	}
	return nil
}

// PostDirect implements bot.DirectPoster: it sends r in the person's 1:1
// chat with the bot, opening one when the bot has seen them in a team or
// chat it is in. userID is their Entra object id (bot.Request.UserID). It
// fails with ErrNoConversation (and bot.ErrPermanent) for someone the bot
// has never seen; Teams lets a bot message only people who have the app.
func (b *Bot) PostDirect(ctx context.Context, userID string, r bot.Reply) error {
	c, err := b.cfg.Store.Conversation(ctx, userID, true)
	if errors.Is(err, ErrNotFound) {
		c, err = b.openChat(ctx, userID)
	}
	if err != nil {
		return fmt.Errorf("teamsbot: direct message to %s: %w", userID, err)
	}
	body, err := b.render(r)
	if err != nil {
		return err
	}
	if _, err := b.conn.send(ctx, c.ServiceURL, c.ID, "", body); err != nil {
		return fmt.Errorf("teamsbot: direct message to %s: %w", userID, err)
	}
	return nil
}

// openChat creates the 1:1 chat of a member and remembers it.
func (b *Bot) openChat(ctx context.Context, userID string) (Conversation, error) {
	m, err := b.cfg.Store.Member(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return Conversation{}, fmt.Errorf("%w (they have not used the app): %w", ErrNoConversation, bot.ErrPermanent)
	}
	if err != nil {
		return Conversation{}, err
	}
	id, err := b.conn.createConversation(ctx, m)
	if err != nil {
		return Conversation{}, fmt.Errorf("open a 1:1 chat: %w", err)
	}
	c := Conversation{ID: id, ServiceURL: m.ServiceURL, TenantID: m.TenantID, Type: Personal,
		BotID: m.BotID, UserID: m.UserID, UpdatedAt: b.cfg.Now()}
	if err := b.cfg.Store.SaveConversation(ctx, c); err != nil {
		b.log.Error("cannot remember a 1:1 chat", "user", userID, "err", err)
	}
	return c, nil
}

// Knows reports whether the bot can post to channel: it has a stored
// conversation for it.
func (b *Bot) Knows(ctx context.Context, channel string) bool {
	_, err := b.conversationOf(ctx, channel)
	return err == nil
}

// Or returns a bot.Poster that posts through the bot to the channels it
// has a conversation for, and through fallback (the Workflows poster) to
// the others. Message ids are each poster's own; an Update goes where the
// channel's Post went.
func (b *Bot) Or(fallback bot.Poster) bot.Poster { return orPoster{b, fallback} }

type orPoster struct {
	bot      *Bot
	fallback bot.Poster
}

func (p orPoster) Post(ctx context.Context, channel string, r bot.Reply) (string, error) {
	if p.fallback == nil || p.bot.Knows(ctx, channel) {
		return p.bot.Post(ctx, channel, r)
	}
	return p.fallback.Post(ctx, channel, r)
}

func (p orPoster) Update(ctx context.Context, channel, messageID string, r bot.Reply) error {
	if p.fallback == nil || p.bot.Knows(ctx, channel) {
		return p.bot.Update(ctx, channel, messageID, r)
	}
	return p.fallback.Update(ctx, channel, messageID, r)
}

// coalescer rewrites a card at most once per Config.UpdateDelay: answers
// to a round arrive in bursts, and each would otherwise rewrite the card
// (Teams throttles a bot's messages per conversation).
type coalescer struct {
	bot     *Bot
	mu      sync.Mutex
	pending map[string]*pendingUpdate // conversation + "\x00" + activity id
}

type pendingUpdate struct {
	conv  Conversation
	id    string
	reply bot.Reply
}

// schedule updates message id of conv to r, after the delay, with the
// newest r scheduled by then.
func (u *coalescer) schedule(conv Conversation, id string, r bot.Reply) {
	b := u.bot
	if b.cfg.UpdateDelay < 0 {
		ctx, cancel := context.WithTimeout(b.ctx, b.cfg.Timeout)
		defer cancel()
		if err := b.updateIn(ctx, conv, id, r); err != nil {
			b.log.Error("cannot update a card", "err", err)
		}
		return
	}
	key := conv.ID + "\x00" + id
	u.mu.Lock()
	defer u.mu.Unlock()
	if p, ok := u.pending[key]; ok {
		p.reply = r
		return
	}
	u.pending[key] = &pendingUpdate{conv: conv, id: id, reply: r}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		b.cfg.Sleep(b.ctx, b.cfg.UpdateDelay)
		u.send(key)
	}()
}

// send sends the pending update of key, if still pending.
func (u *coalescer) send(key string) {
	u.mu.Lock()
	p, ok := u.pending[key]
	delete(u.pending, key)
	u.mu.Unlock()
	if !ok {
		return
	}
	b := u.bot
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), b.cfg.Timeout)
	defer cancel()
	if err := b.updateIn(ctx, p.conv, p.id, p.reply); err != nil {
		b.log.Error("cannot update a card", "conversation", p.conv.ID, "activity", p.id, "err", err)
	}
}

// flush sends every pending update now (at Shutdown).
func (u *coalescer) flush() {
	u.mu.Lock()
	keys := make([]string, 0, len(u.pending))
	for k := range u.pending {
		keys = append(keys, k)
	}
	u.mu.Unlock()
	for _, k := range keys {
		u.send(k)
	}
}
