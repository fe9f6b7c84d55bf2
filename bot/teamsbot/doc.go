// Package teamsbot is secbot's Microsoft Teams bot: the Bot Framework
// protocol (the Bot Connector REST API) that Teams bots speak. Unlike the
// outgoing webhook of package teams it needs an app registration (an Azure
// Bot resource or the Teams Developer Portal) and an admin's consent, and
// it gives Teams what Slack users have: buttons that post back, replies
// only the clicker sees, 1:1 chats (the /tip subscribe digest), edited
// round cards, proactive posts, and a search message extension.
//
// Intake. Teams POSTs each activity to /api/messages with a JWT signed by
// the Bot Framework. The Bot verifies it before anything else: an RS256
// signature by a key from the OpenID metadata's jwks_uri (cached a day,
// refetched when a token names an unknown kid, at most once a minute),
// issuer https://api.botframework.com, audience the app id, expiry with 5
// minutes of leeway, the key endorsed for the activity's channelId
// (msteams) and the token's serviceurl claim equal to the activity's
// serviceUrl. Anything else is 401, and nothing runs. An activity stamped
// more than 5 minutes ago (or ahead) is refused as a replay. The activity
// is then kept in the Inbox under "teams:"+id before it is acknowledged;
// an id seen before is acknowledged and not run again, whichever process
// saw it first. Messages are answered in the background through the
// connector; invokes (a click on an Action.Execute, a compose-box search)
// are answered in the HTTP response, as the protocol requires. Process
// runs again an activity kept but not done when the process stopped.
//
// Output. Replies and proactive posts go to
// {serviceUrl}/v3/conversations/{id}/activities with an app token (client
// credentials), cached until a minute before it expires; a 401 gets a new
// token once, a 429 waits out Retry-After, a 5xx backs off. The serviceUrl
// and ids of every conversation the bot hears from (and of every team it is
// added to) are kept in the Store, so the Bot is a bot.Poster for channels
// (config name "teams:NAME" mapped by Config.Channels to the Teams channel
// id) and a bot.DirectPoster for people it has seen. When it is added to a
// team, a group chat or a person's 1:1 chat, it posts the help there.
//
// Cards are those of package teams with buttons (CardOptions.Buttons):
// Action.Execute with an Action.Submit fallback. A quiz answer clicked in a
// channel comes as an adaptiveCard/action invoke, whose answer Teams shows
// to the clicker only: that is where the receipt (right or wrong) goes,
// while the round card itself is rewritten for everyone with the answered
// count, coalesced (Config.UpdateDelay). On clients without Universal
// Actions the fallback Action.Submit arrives as a message, whose reply is
// public: the Router is then told (PublicReplies) to keep the result out.
package teamsbot
