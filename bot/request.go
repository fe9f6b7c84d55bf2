package bot

import "time"

// Platform names where a request came from.
type Platform string

// The platforms secbot speaks.
const (
	Shell Platform = "shell"
	Slack Platform = "slack"
	Teams Platform = "teams"
)

// Request is one thing a person asked of secbot, whatever the platform.
type Request struct {
	Platform Platform
	// Command is the command without its slash ("term", "tip", "quiz",
	// "help"), or "" for free text: a mention, a DM, a console line.
	Command string
	// Text is the command's argument, or the whole free text, with the bot's
	// mention already stripped.
	Text string
	// Action is set when the person clicked a button of an earlier Reply.
	Action *Action
	// At is when the person acted, as the platform says (Slack's
	// action_ts, a Teams activity's timestamp); zero means when received.
	// A person's earliest quiz answer counts, whatever order deliveries
	// arrive in.
	At time.Time

	UserID    string
	UserName  string
	ChannelID string
	// Direct is true for a direct message (DM) to the bot.
	Direct bool
	// Admin is true when the operator's config lists UserID as an admin.
	Admin bool
	// PublicReplies is set by adapters whose platform cannot show a reply
	// to the asker alone (a Teams outgoing webhook answers in the channel):
	// handlers then keep secrets, such as whether a quiz answer was right,
	// out of the reply.
	PublicReplies bool
}

// Action is a click on a button that secbot rendered.
type Action struct {
	// ID says what the button does; see the Action* constants.
	ID string
	// Value is the button's payload (a term name, a round id and choice).
	Value string
}

// Action ids. Adapters carry them in the platform's button payloads and give
// them back unchanged.
const (
	ActionOpenTerm   = "term.open"   // Value: a term name; show its card
	ActionShareTerm  = "term.share"  // Value: a term name; post its card in the channel
	ActionQuizAnswer = "quiz.answer" // Value: EncodeAnswer(round, choice)
	// ActionPracticeAnswer answers a spaced-practice question sent by DM.
	ActionPracticeAnswer = "quiz.practice" // Value: EncodeAnswer(drill, choice)
)
