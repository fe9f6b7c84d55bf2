package store

import (
	"errors"
	"time"
)

// Conversation is what the bot remembers of a conversation to post in it
// later without being asked (a conversation reference).
type Conversation struct {
	// ID is the conversation id without a thread's ";messageid=…": a Teams
	// channel id (19:…@thread.tacv2), a group chat's or a 1:1 chat's id.
	ID string
	// ServiceURL is where the connector for this conversation listens
	// (https://smba.trafficmanager.net/…/); verified with the token.
	ServiceURL string
	TenantID   string
	// Type is "personal", "channel" or "groupChat" (teamsbot.Personal, …).
	Type string
	// TeamID is the team of a channel ("" otherwise).
	TeamID string
	// BotID is the bot's id in the conversation (28:APPID).
	BotID string
	// UserID is the person of a 1:1 chat: their Entra object id, which is
	// secbot's user id for Teams (bot.Request.UserID).
	UserID string
	// UpdatedAt is when an activity last came from the conversation.
	UpdatedAt time.Time
}

// Member is a person the bot has seen, enough to open a 1:1 chat with
// them: Teams lets a bot start one with a member of a team or chat it is
// in, and with anyone who installed the app.
type Member struct {
	// UserID is their Entra object id (aadObjectId).
	UserID string
	// TeamsID is their id in Teams (29:…), which a new conversation names.
	TeamsID    string
	Name       string
	ServiceURL string
	TenantID   string
	BotID      string
	UpdatedAt  time.Time
}

// ErrNotFound is returned by a Store that has no such conversation or member.
var ErrNotFound = errors.New("store: not found")
