package bot

import (
	"context"
	"errors"
)

// ErrPermanent marks a delivery error that retrying will not fix (Slack's
// channel_not_found or not_in_channel, a Teams webhook that is gone). Posters
// wrap it so schedulers log the channel and move on instead of retrying.
var ErrPermanent = errors.New("permanent delivery error")

// Poster delivers scheduled replies (tips, quiz rounds, reveals) to a channel
// of one platform. Adapters implement it; schedules uses it.
type Poster interface {
	// Post sends r to channel and returns the id of the new message (Slack:
	// its ts), which Update takes.
	Post(ctx context.Context, channel string, r Reply) (messageID string, err error)
	// Update replaces the message messageID in channel with r. Posters that
	// cannot edit messages (Teams workflows) post r anew or do nothing, and
	// say which in their doc comment.
	Update(ctx context.Context, channel, messageID string, r Reply) error
}

// DirectPoster is a Poster that can also send a direct message to a user
// (the /tip subscribe digest). It is optional: check with a type assertion.
type DirectPoster interface {
	PostDirect(ctx context.Context, userID string, r Reply) error
}

// PostTag marks a scheduled post with the id of the claim it fulfils.
type PostTag struct {
	// ID is the claim's id; "" for posts that are not scheduled.
	ID string
	// Recheck says an earlier attempt may have posted it already (its
	// process died mid-post, or the platform answered 5xx or timed out):
	// a poster that can look for its posts (Slack: message metadata in
	// the channel's recent history) does so before posting again.
	Recheck bool
}

// MemberCounter is a Poster that can tell how many members a channel has
// (Slack: conversations.info; the Teams bot: the team's roster). Optional:
// HR's participation rate divides by it when known. An error, or 0 with no
// error (a poster that cannot tell for that channel, such as a Teams
// workflow), leaves the count unknown.
type MemberCounter interface {
	Members(ctx context.Context, channel string) (int, error)
}
