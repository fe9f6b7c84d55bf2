// Package practice owns spaced practice: a person who turns it on
// (/quiz practice on) gets the terms they answered wrong in quiz rounds
// back by DM, one question a day at most, after 1, 3, 7 and 14 days —
// Leitner boxes: a right answer moves the term to the next box, a wrong
// one back to box 1, and a right answer in box 4 makes it learned.
//
// The scheduler decides when (the tip schedule's days: never on a day it
// skips) and claims each person's day once across processes; it calls Due
// and Send. Rounds calls Missed before it reveals a round, and hands
// /quiz practice, the question's buttons and /quiz me's progress line to
// Handle and Summary.
package practice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/store"
)

// Intervals are the days a term waits in boxes 1–4 before it is asked
// again.
var Intervals = [4]int{1, 3, 7, 14}

// Store keeps learners, their boxes and their daily questions, and reads
// the quiz answers their misses come from. store/sqlite and store/postgres
// implement it.
type Store interface {
	SetLearner(ctx context.Context, l store.Learner) error
	Learner(ctx context.Context, userID string) (store.Learner, bool, error)
	DueLearners(ctx context.Context, day string) ([]store.Learner, error)
	MissTerms(ctx context.Context, cards []store.Card) (int, error)
	Cards(ctx context.Context, userID string) ([]store.Card, error)
	PutDrill(ctx context.Context, d store.Drill) (store.Drill, error)
	Drill(ctx context.Context, userID, day string) (store.Drill, error)
	AnswerDrill(ctx context.Context, d store.Drill, next store.Card) (bool, error)

	Answers(ctx context.Context, f quiz.Filter) ([]quiz.Answer, error)
	Round(ctx context.Context, id string) (quiz.Round, error)
}

// Days tells the days questions go out on: the tip schedule's
// (schedules.Tips implements it).
type Days interface {
	IsTipDay(at time.Time) bool
}

// Config configures Practice. Pack and Store are required.
type Config struct {
	Pack  *knowledge.Pack
	Store Store
	// Location is the zone of days (default UTC; secbot's is Asia/Tokyo).
	Location *time.Location
	// Seasons bound the misses a newcomer starts with (default the
	// Japanese fiscal year).
	Seasons *quiz.Seasons
	// Days are the days questions are sent; nil means none are: /quiz
	// practice on then says practice is not scheduled here.
	Days Days
	// Direct reports whether people on a platform can be sent DMs; nil
	// means nobody can.
	Direct func(p bot.Platform) bool
	// Now defaults to time.Now; Log to slog.Default().
	Now func() time.Time
	Log *slog.Logger
}

// Practice is spaced practice. Create it with New.
type Practice struct {
	cfg Config
	log *slog.Logger
}

// New returns Practice for cfg.
func New(cfg Config) (*Practice, error) {
	if cfg.Pack == nil || cfg.Store == nil {
		return nil, errors.New("practice: Config needs Pack and Store")
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Seasons == nil {
		ss := quiz.DefaultSeasons(cfg.Location)
		cfg.Seasons = &ss
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	return &Practice{cfg: cfg, log: log.With("component", "practice")}, nil
}

// Day is the day (YYYY-MM-DD) t falls on in the configured zone.
func (p *Practice) Day(t time.Time) string { return t.In(p.cfg.Location).Format(time.DateOnly) }

// addDays returns the day n days after day.
func (p *Practice) addDays(day string, n int) string {
	t, err := time.ParseInLocation(time.DateOnly, day, p.cfg.Location)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// Missed files the terms of round rd's wrong answers in box 1 for the
// learners who answered them, due the day after the round closes. Rounds
// calls it before the reveal: replaying it changes nothing.
func (p *Practice) Missed(ctx context.Context, rd quiz.Round) error {
	if rd.Question.Term == "" {
		return nil
	}
	as, err := p.cfg.Store.Answers(ctx, quiz.Filter{Channel: rd.Channel, From: rd.Opened.Add(-time.Minute), To: rd.Closes.Add(time.Minute)})
	if err != nil {
		return err
	}
	due := p.addDays(p.Day(rd.Closes), 1)
	var cards []store.Card
	for _, a := range as {
		if a.RoundID == rd.ID && !a.Correct {
			cards = append(cards, store.Card{UserID: a.UserID, Term: rd.Question.Term, Due: due, Missed: a.At})
		}
	}
	if len(cards) == 0 {
		return nil
	}
	n, err := p.cfg.Store.MissTerms(ctx, cards)
	if err == nil && n > 0 {
		p.log.Info("terms filed for practice", "round", rd.ID, "term", rd.Question.Term, "learners", n)
	}
	return err
}

// seed files the terms userID missed in revealed rounds this season, due
// tomorrow: what a learner starts with.
func (p *Practice) seed(ctx context.Context, userID string) (int, error) {
	now := p.cfg.Now()
	s := p.cfg.Seasons.At(now)
	as, err := p.cfg.Store.Answers(ctx, quiz.Filter{From: s.From, To: s.To, Revealed: true})
	if err != nil {
		return 0, err
	}
	due := p.addDays(p.Day(now), 1)
	var cards []store.Card
	terms := map[string]string{} // round id → term
	for _, a := range as {
		if a.UserID != userID || a.Correct {
			continue
		}
		term, ok := terms[a.RoundID]
		if !ok {
			rd, err := p.cfg.Store.Round(ctx, a.RoundID)
			if errors.Is(err, quiz.ErrNotFound) {
				continue
			} else if err != nil {
				return 0, err
			}
			term = rd.Question.Term
			terms[a.RoundID] = term
		}
		if term != "" {
			cards = append(cards, store.Card{UserID: userID, Term: term, Due: due, Missed: a.At})
		}
	}
	if len(cards) == 0 {
		return 0, nil
	}
	return p.cfg.Store.MissTerms(ctx, cards)
}

// Due returns the learners with a question due on the day at falls on.
func (p *Practice) Due(ctx context.Context, at time.Time) ([]store.Learner, error) {
	return p.cfg.Store.DueLearners(ctx, p.Day(at))
}

// ErrNothingDue: Send found no term due for the learner (answered meanwhile,
// or practice turned off).
var ErrNothingDue = errors.New("practice: nothing due")

// Send sends learner l the question of the day slot falls on, through dp:
// the day's question kept first (a retry sends the same one again), then
// posted, tagged with tag. A question already answered is not sent again.
func (p *Practice) Send(ctx context.Context, l store.Learner, slot time.Time, dp bot.DirectPoster, tag bot.PostTag) error {
	day := p.Day(slot)
	d, err := p.cfg.Store.Drill(ctx, l.UserID, day)
	if errors.Is(err, store.ErrNoDrill) {
		d, err = p.newDrill(ctx, l, day)
	}
	if err != nil {
		return err
	}
	if d.Choice >= 0 {
		return nil // answered already: an earlier try was delivered
	}
	q, err := decode(d)
	if err != nil {
		return fmt.Errorf("%w: %v", bot.ErrPermanent, err)
	}
	reply := bot.PracticeReply(p.card(d, q, false))
	reply.Private = false // a DM of its own
	reply.Tag = tag
	err = dp.PostDirect(ctx, l.UserID, reply)
	if errors.Is(err, bot.ErrPermanent) {
		// The person cannot be sent DMs any more (left the workspace,
		// removed the app): stop asking every day; they can turn it on again.
		l.On = false
		if cur, ok, lerr := p.cfg.Store.Learner(context.WithoutCancel(ctx), l.UserID); lerr == nil && ok {
			cur.On = false
			l = cur
		}
		if serr := p.cfg.Store.SetLearner(context.WithoutCancel(ctx), l); serr != nil {
			p.log.Error("practice: could not turn off practice for a person who cannot be sent DMs", "user", l.UserID, "err", serr)
		} else {
			p.log.Warn("practice: turned off for a person who cannot be sent DMs", "user", l.UserID, "err", err)
		}
	}
	return err
}

// newDrill keeps the question of day for l: the lowest box's term due by
// then.
func (p *Practice) newDrill(ctx context.Context, l store.Learner, day string) (store.Drill, error) {
	cur, ok, err := p.cfg.Store.Learner(ctx, l.UserID)
	if err != nil {
		return store.Drill{}, err
	}
	if !ok || !cur.On {
		return store.Drill{}, ErrNothingDue
	}
	cards, err := p.cfg.Store.Cards(ctx, l.UserID)
	if err != nil {
		return store.Drill{}, err
	}
	for _, c := range cards { // lowest box, earliest due first
		if c.Box >= store.LearnedBox || c.Due > day {
			continue
		}
		q, err := p.question(c.Term, l.UserID, day)
		if err != nil {
			// A term the pack no longer asks (a reload dropped it): the
			// next card has its turn.
			p.log.Warn("practice: term cannot be asked; skipping it", "term", c.Term, "err", err)
			continue
		}
		js, err := json.Marshal(q)
		if err != nil {
			return store.Drill{}, err
		}
		return p.cfg.Store.PutDrill(ctx, store.Drill{UserID: l.UserID, Day: day, Platform: l.Platform, Term: c.Term, Box: c.Box, Question: string(js)})
	}
	return store.Drill{}, ErrNothingDue
}

// question asks term: the kinds the term can be asked as, in an order
// drawn from the learner and day, so that a term coming back is not always
// asked the same way.
func (p *Practice) question(term, userID, day string) (quiz.Question, error) {
	h := fnv.New64a()
	h.Write([]byte(userID + "|" + day + "|" + term))
	seed := int64(h.Sum64() >> 1)
	kinds := []quiz.Kind{quiz.KindWhichTerm, quiz.KindWhichDefinition, quiz.KindReading, quiz.KindExpansion}
	var err error
	for i := range kinds {
		var q quiz.Question
		if q, err = quiz.GenerateFor(p.cfg.Pack, term, kinds[(int(seed%4)+i)%len(kinds)], seed); err == nil {
			return q, nil
		}
	}
	return quiz.Question{}, err
}

func decode(d store.Drill) (quiz.Question, error) {
	var q quiz.Question
	if err := json.Unmarshal([]byte(d.Question), &q); err != nil {
		return q, fmt.Errorf("practice question %s/%s: %w", d.Day, d.UserID, err)
	}
	return q, nil
}

// drillID names a drill in its buttons: "DAY/USERID".
func drillID(d store.Drill) string { return d.Day + "/" + d.UserID }

// card is the card of drill d asking q; revealed shows the answer.
func (p *Practice) card(d store.Drill, q quiz.Question, revealed bool) bot.RoundCard {
	c := bot.RoundCard{RoundID: drillID(d), Question: q.Question, Choices: q.Choices, Practice: true, Box: d.Box,
		Source: bot.SourceOf(p.cfg.Pack)}
	if revealed {
		c.Revealed, c.Answer, c.Explanation = true, q.Answer, q.Explanation
		c.Section = bot.SectionRef{ID: q.Section, Title: p.cfg.Pack.SectionTitle(q.Section)}
	}
	return c
}

// next is the card of d's term after an answer on day: right moves it a
// box on (learned after box 4), wrong back to box 1.
func (p *Practice) next(d store.Drill, box int, correct bool, day string, at time.Time) store.Card {
	c := store.Card{UserID: d.UserID, Term: d.Term}
	switch {
	case !correct:
		c.Box, c.Due, c.Missed = 1, p.addDays(day, Intervals[0]), at
	case box >= len(Intervals):
		c.Box, c.Due = store.LearnedBox, day
	default:
		c.Box, c.Due = box+1, p.addDays(day, Intervals[box])
	}
	return c
}

// nextDay is the first day on or after day that questions go out on.
func (p *Practice) nextDay(day string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, day, p.cfg.Location)
	if err != nil || p.cfg.Days == nil {
		return time.Time{}, false
	}
	for range 31 {
		if p.cfg.Days.IsTipDay(t) {
			return t, true
		}
		t = t.AddDate(0, 0, 1)
	}
	return time.Time{}, false
}

// isWord reports whether w is one of the words.
func isWord(w string, words ...string) bool {
	w = strings.ToLower(w)
	for _, x := range words {
		if w == x {
			return true
		}
	}
	return false
}
