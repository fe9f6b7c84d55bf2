package store

import (
	"errors"
	"time"
)

// Learner is a person who turned spaced practice on (/quiz practice on) or
// off. User ids are unique across platforms (Slack U…, Teams Entra ids).
type Learner struct {
	Platform string
	UserID   string
	UserName string
	On       bool
	// Since is when they last turned it on or off.
	Since time.Time
}

// Key names the learner in claims: "platform:userID".
func (l Learner) Key() string { return l.Platform + ":" + l.UserID }

// Card is one term in a learner's Leitner boxes.
type Card struct {
	UserID string
	Term   string
	// Box is 1–4 while the term is practised; LearnedBox once it has been
	// answered right in box 4.
	Box int
	// Due is the first day (YYYY-MM-DD in the bot's zone) it may be asked.
	Due string
	// Missed is the latest miss (a round answered wrong, or a practice
	// question) that put it in box 1: an older miss never moves it back.
	Missed time.Time
}

// LearnedBox is the box of a term answered right in the last box.
const LearnedBox = 5

// Drill is the practice question a learner was sent on a day: one a day.
type Drill struct {
	UserID   string
	Day      string // YYYY-MM-DD in the bot's zone
	Platform string
	Term     string
	// Box is the card's box when the question was sent.
	Box int
	// Question is the quiz.Question as JSON.
	Question string
	// Choice is the answer given (-1 until answered); Correct whether it was
	// right.
	Choice   int
	Correct  bool
	Asked    time.Time
	Answered time.Time
}

// ErrNoDrill is returned for a drill that was never sent.
var ErrNoDrill = errors.New("store: no such practice question")
