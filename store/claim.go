package store

import "time"

// Status is where a claim stands.
type Status string

// Claim statuses.
const (
	// StatusClaimed: a process took the slot and is posting it.
	StatusClaimed Status = "claimed"
	// StatusPosted: the slot was posted (MessageID says where).
	StatusPosted Status = "posted"
	// StatusRetry: posting failed transiently, or its process died; it is
	// tried again at NextTry (after a look for the post when InDoubt).
	StatusRetry Status = "retry"
	// StatusFailed: given up (a permanent error, the grace window passed);
	// Detail says why.
	StatusFailed Status = "failed"
	// StatusSkipped: the slot was missed while no process ran and was
	// found later than the grace window allows.
	StatusSkipped Status = "skipped"
)

// Claim is one unit of scheduled work: a job ("tip", "tip-dm", "quiz",
// "reveal") for a key (a channel, a subscriber, a round) at a slot time.
// (Job, Key, Slot) is unique in the store: claiming is an insert that fails
// when the row exists, which is what makes posting exactly once.
type Claim struct {
	Job  string
	Key  string
	Slot time.Time

	Status    Status
	Owner     string // the process that holds or last held the claim
	Attempts  int
	MessageID string
	Detail    string
	NextTry   time.Time // for StatusRetry
	// InDoubt is set when an earlier attempt may have posted (its process
	// died mid-post, or the platform answered 5xx or timed out after the
	// request went out): the next attempt looks for that post first.
	InDoubt bool
	Updated time.Time // set by the store
}

// ID names the claim in one printable string: "job/key/slot". Posts carry it
// (Slack message metadata) so that a post in doubt can be found again.
func (c Claim) ID() string {
	return c.Job + "/" + c.Key + "/" + c.Slot.UTC().Format(time.RFC3339)
}
