// Package slack is secbot's Slack adapter. It turns slash commands, mentions,
// direct messages and button clicks into bot.Requests, hands them to a
// Router, and renders each bot.Reply as a Block Kit message.
//
// It speaks to Slack in two ways, which may run at once:
//
//   - HTTP: Register mounts POST /slack/commands, /slack/events and
//     /slack/interactivity on a ServeMux. Every request is checked against
//     the signing secret (v0 HMAC-SHA256, at most five minutes old) before
//     anything else happens.
//   - Socket Mode: RunSocketMode opens a websocket with the app-level token
//     and serves the same envelopes (slash_commands, events_api,
//     interactive) over it.
//
// Slack wants an acknowledgement within three seconds. Slash commands are
// answered inline when the answer is ready within Config.AckTimeout and small
// enough; anything else is acknowledged at once and delivered afterwards
// through the response_url or the Web API, on goroutines that Close waits for.
//
// Replies are rendered as Block Kit within Slack's limits (50 blocks, 3000
// characters a section, 2000 bytes a button value), always with a plain
// text fallback. Buttons carry the core's action ids (bot.ActionOpenTerm,
// bot.ActionShareTerm, bot.ActionQuizAnswer with bot.EncodeAnswer values);
// since Slack refuses a message that repeats an action_id, the second and
// later buttons of one id get a "#n" suffix, stripped again on the click.
// Private replies are ephemeral (response_type ephemeral, or
// chat.postEphemeral for mentions); a private term card outside DMs has a
// "チャンネルに共有" button. Golden files under testdata/ hold the rendering;
// refresh them with go test ./bot/slack -run TestRenderGolden -update.
//
// The Adapter is also a bot.Poster and bot.DirectPoster for scheduled posts:
// it spaces chat.postMessage calls about a second apart per channel, honours
// Retry-After on 429, retries transient errors with backoff, and wraps
// errors that retrying cannot fix (channel_not_found, not_in_channel, …)
// with bot.ErrPermanent.
package slack
