// Package teams is secbot's Microsoft Teams adapter. It needs no Azure bot
// registration: it speaks the two webhook kinds a team owner can set up in
// the Teams client alone.
//
// Answers come over an outgoing webhook. Teams POSTs each channel message
// that @mentions the webhook to POST /teams/messages, signed with
// "Authorization: HMAC base64(HMAC-SHA256(key, body))" where key is the
// base64-decoded security token Teams showed when the webhook was created
// (TEAMS_OUTGOING_SECRET). The Adapter refuses anything not signed so with
// 401 and never routes it; it strips the mention and the message's HTML,
// routes the text like a Slack mention ("ゼロトラスト", "/term VPN",
// "help", "answer B") and answers in the HTTP response, which Teams shows
// in the message's reply chain. Teams waits 5 s for that response, so the
// Router gets Config.Timeout (4 s by default) and a slower answer is
// replaced by a short "try again" message.
//
// Scheduled tips and quiz rounds go through a Workflows webhook ("Post to a
// channel when a webhook request is received"): WorkflowPoster implements
// bot.Poster by POSTing an Adaptive Card message to the workflow's URL,
// shrunk to fit Teams' 28 KB message limit, waiting out 429s and retrying
// 5xx. Workflows cannot edit a posted message, so Update does nothing.
// Workflows maps the "teams:NAME" channels of the config to their URLs.
//
// Every Reply becomes an Adaptive Card (version 1.4, which Teams renders on
// desktop, web and mobile). Outgoing webhooks may only use openUrl card
// actions, and workflow posts have no bot behind them to receive a click,
// so the cards carry no buttons: where Slack shows a button, the card says
// what to type ("@secbot /term VPN", "@secbot answer B"). The Bot Framework
// bot (bot/teamsbot) renders the same cards with RenderMessage and
// CardOptions.Buttons: version 1.5, with Action.Execute buttons instead.
// The one exception is an answer's 👍/👎: with Config.PublicURL, the
// webhook's answer cards carry them as Action.OpenUrl links to GET
// /teams/vote, each signed (HMAC-SHA256, a key derived from the secret)
// with the answer, the asker and an expiry; opening one records the
// asker's vote, whoever opens it (see vote.go).
//
// What Teams cannot do, and what secbot does instead:
//   - Private replies: an outgoing webhook can only answer in the channel
//     thread, so a Reply marked Private is shown to the thread. A quiz
//     answer is typed in the channel and so is visible to its readers.
//   - Direct messages: outgoing webhooks work only in team channels, and
//     there is no DM digest on Teams (bot.NewTipHandler says so).
//   - Replays: a signed request carries no timestamp that Teams documents,
//     so a captured request could be replayed; routing is idempotent
//     enough (a quiz counts a person's first answer only) for that to be
//     harmless.
package teams
