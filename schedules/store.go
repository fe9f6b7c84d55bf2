package schedules

import (
	"context"
	"time"

	"secbot/bot"
	"secbot/quiz"
)

// Status is where a claim stands.
type Status string

// Claim statuses.
const (
	// StatusClaimed: a process took the slot and is posting it.
	StatusClaimed Status = "claimed"
	// StatusPosted: the slot was posted (MessageID says where).
	StatusPosted Status = "posted"
	// StatusRetry: posting failed transiently; it is tried again at NextTry.
	StatusRetry Status = "retry"
	// StatusFailed: given up (a permanent error, the grace window passed,
	// or the process stopped mid-post); Detail says why.
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
	Updated   time.Time // set by the store
}

// Claims is where the scheduler claims work.
type Claims interface {
	// Claim inserts c and reports whether it did; false means another
	// process (or an earlier run) already claimed (Job, Key, Slot).
	Claim(ctx context.Context, c Claim) (bool, error)
	// UpdateClaim replaces the state of old's row with next's, but only
	// while the row still has old's Status, Owner and Attempts (compare and
	// swap): of two processes moving one claim on, exactly one succeeds.
	UpdateClaim(ctx context.Context, old, next Claim) (bool, error)
	// PendingClaims returns the claims in StatusClaimed or StatusRetry.
	PendingClaims(ctx context.Context) ([]Claim, error)
}

// Subscribers lists the people who take the daily tip as a DM.
type Subscribers interface {
	Subscribers(ctx context.Context) ([]bot.Subscription, error)
}

// TipLog records which tip each channel was posted, for operators (the
// choice itself is a pure function: see Tips).
type TipLog interface {
	RecordTip(ctx context.Context, channel, date, tipID string) error
}

// Store is everything the Scheduler keeps. store/sqlite implements it.
type Store interface {
	Claims
	quiz.Rounds
	quiz.Answers
	Subscribers
	TipLog
}
