package quiz

import (
	"context"
	"errors"
	"time"
)

// Round is one question asked in one channel for a while.
type Round struct {
	// ID is unique; it travels in button payloads (bot.EncodeAnswer) and
	// must not contain '|'.
	ID       string
	Channel  string
	Question Question
	Seed     int64
	Opened   time.Time
	// Closes is when answers stop being taken and the round is revealed.
	Closes time.Time
	// MessageID is the posted round message (Slack ts), "" until posted.
	MessageID string
	// Revealed is set once the round is closed and its answer shown.
	Revealed bool
}

// Open reports whether the round takes answers at now.
func (r Round) Open(now time.Time) bool { return !r.Revealed && now.Before(r.Closes) }

// Answer is one person's answer to a round. Only a person's first answer to
// a round counts.
type Answer struct {
	RoundID  string
	Channel  string
	UserID   string
	UserName string
	Choice   int
	Correct  bool
	At       time.Time
}

// Tally counts a round's answers.
type Tally struct {
	Answered int
	Correct  int
}

// Share is the percentage of right answers, rounded down (0 with no answers).
func (t Tally) Share() int {
	if t.Answered == 0 {
		return 0
	}
	return t.Correct * 100 / t.Answered
}

// Filter selects answers for leaderboards and exports. Zero fields select all.
type Filter struct {
	// From and To bound the answer time: From ≤ At < To.
	From, To time.Time
	Channel  string
	// Revealed keeps only the answers of revealed rounds (leaderboards must
	// not tell who is right while a round is open).
	Revealed bool
}

// Errors of Rounds and Answers implementations.
var (
	ErrNotFound = errors.New("quiz: no such round")
	// ErrRoundOpen: the channel already has an open (unrevealed) round.
	ErrRoundOpen = errors.New("quiz: the channel already has an open round")
	// ErrRoundExists: a round with that id exists.
	ErrRoundExists = errors.New("quiz: round exists")
)

// Rounds keeps quiz rounds. A channel has at most one unrevealed round.
type Rounds interface {
	// CreateRound stores a new round: ErrRoundExists when the id is taken,
	// ErrRoundOpen when the channel has an unrevealed round.
	CreateRound(ctx context.Context, r Round) error
	// Round returns the round with the given id, or ErrNotFound.
	Round(ctx context.Context, id string) (Round, error)
	// OpenRound returns the channel's unrevealed round, or ErrNotFound.
	OpenRound(ctx context.Context, channel string) (Round, error)
	// The three updates below change only unrevealed rounds, so that a
	// process holding a stale copy of a round can never reopen it. Each
	// reports whether it changed the round; (false, nil) means the round
	// is revealed, or (ErrNotFound) missing.

	// SetRoundMessage records the posted round message.
	SetRoundMessage(ctx context.Context, id, messageID string) (bool, error)
	// CloseRoundAt brings the round's Closes forward to at (never later).
	CloseRoundAt(ctx context.Context, id string, at time.Time) (bool, error)
	// MarkRevealed marks the round revealed; of two callers, one gets true.
	MarkRevealed(ctx context.Context, id string) (bool, error)
	// DueRounds returns the unrevealed rounds that close at or before now.
	DueRounds(ctx context.Context, now time.Time) ([]Round, error)
}

// Answers records answers. Keeping both in one store lets a reveal count a
// round's answers in one query, hence the methods above.
type Answers interface {
	// AddAnswer records a unless a.UserID already answered a.RoundID at or
	// before a.At: a person's earliest answer counts, whatever order
	// deliveries arrive in. It returns the answer that counts (a, or the
	// earlier one) and whether a was recorded.
	AddAnswer(ctx context.Context, a Answer) (counted Answer, added bool, err error)
	// Tally counts the answers to a round.
	Tally(ctx context.Context, roundID string) (Tally, error)
	// Answers returns the answers f selects, oldest first.
	Answers(ctx context.Context, f Filter) ([]Answer, error)
}
