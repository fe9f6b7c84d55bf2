package schedules

import (
	"context"
	"time"

	"secbot/bot"
	"secbot/quiz"
	"secbot/store"
)

// The claim types live in the store leaf, shared with the backends; these
// names keep the scheduler's vocabulary.
type (
	Status = store.Status
	Claim  = store.Claim
)

// Claim statuses (see store).
const (
	StatusClaimed = store.StatusClaimed
	StatusPosted  = store.StatusPosted
	StatusRetry   = store.StatusRetry
	StatusFailed  = store.StatusFailed
	StatusSkipped = store.StatusSkipped
)

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
	// LastClaim returns the claim of job and key with the latest slot.
	LastClaim(ctx context.Context, job, key string) (Claim, bool, error)
	// LiveOwners maps the owners that have beaten to whether they beat
	// since since (alive) or not (stopped).
	LiveOwners(ctx context.Context, since time.Time) (map[string]bool, error)
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

// Rounds is what the scheduler reads of the quiz rounds: which are due
// for their reveal, which is open in a channel.
type Rounds interface {
	Round(ctx context.Context, id string) (quiz.Round, error)
	OpenRound(ctx context.Context, channel string) (quiz.Round, error)
	DueRounds(ctx context.Context, now time.Time) ([]quiz.Round, error)
}

// Store is everything the Scheduler keeps. store/sqlite implements it.
type Store interface {
	Claims
	Rounds
	Subscribers
	TipLog
}
