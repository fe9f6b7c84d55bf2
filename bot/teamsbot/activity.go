package teamsbot

import (
	"context"
	"encoding/json"
	"secbot/store"
	"strings"
	"time"
)

// activity is the part of a Bot Framework activity secbot reads.
type activity struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Name       string          `json:"name,omitempty"`
	Timestamp  string          `json:"timestamp"`
	ServiceURL string          `json:"serviceUrl"`
	ChannelID  string          `json:"channelId"`
	From       account         `json:"from"`
	Recipient  account         `json:"recipient"`
	Conv       conversationRef `json:"conversation"`
	Text       string          `json:"text"`
	ReplyToID  string          `json:"replyToId"`
	Value      json.RawMessage `json:"value"`
	Entities   []struct {
		Type      string  `json:"type"`
		Text      string  `json:"text"`
		Mentioned account `json:"mentioned"`
	} `json:"entities"`
	MembersAdded []account `json:"membersAdded"`
	ChannelData  struct {
		Tenant  struct{ ID string } `json:"tenant"`
		Team    struct{ ID string } `json:"team"`
		Channel struct{ ID string } `json:"channel"`
	} `json:"channelData"`
}

// account is a Bot Framework ChannelAccount.
type account struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	AADObjectID string `json:"aadObjectId,omitempty"`
}

// conversationRef is a Bot Framework ConversationAccount.
type conversationRef struct {
	ID               string `json:"id"`
	ConversationType string `json:"conversationType,omitempty"`
	TenantID         string `json:"tenantId,omitempty"`
	IsGroup          bool   `json:"isGroup,omitempty"`
}

// Conversation types as Teams names them.
const (
	Personal  = "personal"
	Channel   = "channel"
	GroupChat = "groupChat"
)

// Conversation and Member are what the bot remembers (store types, kept
// in the store leaf so that the stores import no front end).
type (
	Conversation = store.Conversation
	Member       = store.Member
)

// ErrNotFound is returned by a Store that has no such conversation or member.
var ErrNotFound = store.ErrNotFound

// Conversations remembers conversation references; store/sqlite
// implements it. Its methods are safe for concurrent use.
type Conversations interface {
	// SaveConversation inserts or replaces c (keyed by c.ID).
	SaveConversation(ctx context.Context, c Conversation) error
	// Conversation returns the conversation id, or ErrNotFound. When
	// personal is true, id is a user id and the result is that user's 1:1
	// chat with the bot.
	Conversation(ctx context.Context, id string, personal bool) (Conversation, error)
}

// Members remembers the people the bot has seen; store/sqlite implements
// it. Its methods are safe for concurrent use.
type Members interface {
	// SaveMember inserts or replaces m (keyed by m.UserID).
	SaveMember(ctx context.Context, m Member) error
	// Member returns the member userID, or ErrNotFound.
	Member(ctx context.Context, userID string) (Member, error)
}

// Store is both; store/sqlite's DB is one.
type Store interface {
	Conversations
	Members
}

// baseConversation cuts a thread's ";messageid=…" off a conversation id.
func baseConversation(id string) string {
	base, _, _ := strings.Cut(id, ";")
	return base
}

// conversationType is the activity's conversation type, guessed from the
// id's shape for activities that do not say.
func (a *activity) conversationType() string {
	if t := a.Conv.ConversationType; t != "" {
		return t
	}
	switch {
	case a.ChannelData.Channel.ID != "":
		return Channel
	case a.Conv.IsGroup:
		return GroupChat
	default:
		return Personal
	}
}

// userID is the person's id in secbot: their Entra object id, else their
// Teams id.
func (a *activity) userID() string {
	if a.From.AADObjectID != "" {
		return a.From.AADObjectID
	}
	return a.From.ID
}

// tenant is the activity's tenant id.
func (a *activity) tenant() string {
	if a.ChannelData.Tenant.ID != "" {
		return a.ChannelData.Tenant.ID
	}
	return a.Conv.TenantID
}

// reference is the Conversation the activity came from.
func (a *activity) reference(now time.Time) Conversation {
	c := Conversation{
		ID:         baseConversation(a.Conv.ID),
		ServiceURL: a.ServiceURL,
		TenantID:   a.tenant(),
		Type:       a.conversationType(),
		TeamID:     a.ChannelData.Team.ID,
		BotID:      a.Recipient.ID,
		UpdatedAt:  now,
	}
	if c.Type == Channel && a.ChannelData.Channel.ID != "" {
		c.ID = a.ChannelData.Channel.ID
	}
	if c.Type == Personal {
		c.UserID = a.userID()
	}
	return c
}

// botMention returns the text of the entity mentioning the bot
// ("<at>secbot</at>"), or "".
func (a *activity) botMention() string {
	for _, e := range a.Entities {
		if e.Type == "mention" && e.Mentioned.ID == a.Recipient.ID {
			return e.Text
		}
	}
	return ""
}

// botAdded reports whether the activity (a conversationUpdate) says the bot
// joined the conversation.
func (a *activity) botAdded() bool {
	for _, m := range a.MembersAdded {
		if m.ID == a.Recipient.ID {
			return true
		}
	}
	return false
}
