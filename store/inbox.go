package store

import "time"

// Item is one input kept in the inbox before it was acknowledged: a Slack
// event or slash command, a Teams activity. Its Key is the platform's own
// id of the input (an event_id, a trigger_id, an activity id), so that a
// retry or replay of the same input finds the row and is not run again.
type Item struct {
	Key  string
	Kind string // what runs it: "slack.event", "slack.command", "teams.activity", …
	// Payload is the input as received, enough to run it again after a
	// restart.
	Payload []byte
	// Owner is the process that runs it; another process takes it over
	// when the owner stops beating (see Beat).
	Owner    string
	Attempts int
	Received time.Time
	// Done is when it was handled; zero while pending.
	Done time.Time
}
