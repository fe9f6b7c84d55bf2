package teamsbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"secbot/bot"
)

// membersPageSize is the page size asked of pagedmembers: Teams treats
// less than 50 as 50 and caps it at 500.
const membersPageSize = 500

// maxMemberPages bounds one count (500 × 400 = 200,000 members, past
// Teams' largest teams), so that a connector handing out continuation
// tokens forever cannot keep a round's count running.
const maxMemberPages = 400

// Members implements bot.MemberCounter: how many members the channel has
// when a round opens, for HR's participation rate. It reads the roster
// through the Bot Connector (GET {serviceUrl}/v3/conversations/{id}/
// pagedmembers, following continuationToken), with the app token the bot
// sends with. A Teams channel has no roster of its own there: as the Bot
// Framework SDKs do, secbot asks for the team's (its id is the stored
// team id), which is the channel's membership for a standard channel and
// more than it for a private or shared one. In a group chat or a 1:1 chat
// it is the chat's members. The bot itself is not counted (Teams does not
// list it). The count takes at most Config.MembersTimeout; any failure is
// an error, which the caller takes as "unknown".
func (b *Bot) Members(ctx context.Context, channel string) (int, error) {
	c, err := b.conversationOf(ctx, channel)
	if err != nil {
		return 0, err
	}
	id := c.ID
	if c.Type == Channel && c.TeamID != "" {
		id = c.TeamID
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.MembersTimeout)
	defer cancel()
	n, err := b.conn.countMembers(ctx, c.ServiceURL, id)
	if err != nil {
		return 0, fmt.Errorf("teamsbot: members of %q: %w", channel, err)
	}
	return n, nil
}

// Members of an orPoster: the bot's count where the bot posts to the
// channel; 0 and no error ("unknown", nothing to log) where a workflow
// does, as Workflows cannot tell a channel's members.
func (p orPoster) Members(ctx context.Context, channel string) (int, error) {
	if p.fallback == nil || p.bot.Knows(ctx, channel) {
		return p.bot.Members(ctx, channel)
	}
	if mc, ok := p.fallback.(bot.MemberCounter); ok {
		return mc.Members(ctx, channel)
	}
	return 0, nil
}

// pagedMembers is one page of GET …/pagedmembers (TeamsPagedMembersResult).
type pagedMembers struct {
	ContinuationToken string `json:"continuationToken"`
	Members           []struct {
		ID string `json:"id"`
	} `json:"members"`
}

// errMemberPages says the connector's pages did not end.
var errMemberPages = errors.New("the member list did not end")

// countMembers counts the distinct members of conversation conv, page by
// page.
func (c *connector) countMembers(ctx context.Context, serviceURL, conv string) (int, error) {
	base := strings.TrimRight(serviceURL, "/") + "/v3/conversations/" + url.PathEscape(conv) + "/pagedmembers"
	seen := map[string]bool{}
	token := ""
	for range maxMemberPages {
		q := url.Values{"pageSize": {fmt.Sprint(membersPageSize)}}
		if token != "" {
			q.Set("continuationToken", token)
		}
		body, err := c.do(ctx, "GET", base+"?"+q.Encode(), nil)
		if err != nil {
			return 0, err
		}
		var page pagedMembers
		if err := json.Unmarshal(body, &page); err != nil {
			return 0, fmt.Errorf("pagedmembers: not a page of members: %q", snippet(body))
		}
		for _, m := range page.Members {
			if m.ID != "" {
				seen[m.ID] = true
			}
		}
		if page.ContinuationToken == "" {
			return len(seen), nil
		}
		if page.ContinuationToken == token {
			return 0, fmt.Errorf("pagedmembers: %w (the same continuation token twice)", errMemberPages)
		}
		token = page.ContinuationToken
	}
	return 0, fmt.Errorf("pagedmembers: %w after %d pages", errMemberPages, maxMemberPages)
}
