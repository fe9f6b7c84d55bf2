// Package rounds owns quiz rounds end to end: opening a round and posting
// it, taking answers (one per person, the earliest counts), keeping the round
// card's answered count up to date without flooding the platform, revealing
// the answer, and the /quiz command: leaderboards (week, season, all time,
// channel), /quiz me (a person's season record), and for admins start,
// stop and report (the HR workbook, sent privately). Closing reminders
// (Config.RemindBefore) are posted through RemindersDue and Remind.
//
// Its store and posters are injected. The scheduler (package schedules)
// decides only when: it claims a slot and calls OpenScheduled or Reveal; a
// round closed early (/quiz stop) is revealed by the scheduler's next run,
// which Config.RunDue asks for at once.
package rounds

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/retry"
)

// Store keeps rounds and answers. store/sqlite and store/postgres implement it.
type Store interface {
	quiz.Rounds
	quiz.Answers
}

// DefaultAnswerWindow is how long a round takes answers unless configured.
const DefaultAnswerWindow = 24 * time.Hour

// Config configures Rounds. Pack, Store and Posters are required; the zero
// values of the others are the defaults.
type Config struct {
	Pack  *knowledge.Pack
	Store Store
	// Posters returns the poster of a channel (Slack id or teams:NAME). An
	// error is permanent for that channel.
	Posters func(channel string) (bot.Poster, error)
	// Location is the zone of closing times and "this week" (default UTC).
	Location *time.Location
	// AnswerWindow is how long a round takes answers (default 24h).
	AnswerWindow time.Duration
	// UpdateEvery spaces the updates of one round's card (default 1.5 s:
	// Slack allows about 50 chat.update calls a minute).
	UpdateEvery time.Duration
	// RemindBefore, when set, is how long before a round closes its
	// closing reminder is due (RemindersDue, Remind); 0 means none.
	RemindBefore time.Duration
	// Seasons divide the year for the curriculum and leaderboards (default
	// the Japanese fiscal year, from 04-01).
	Seasons *quiz.Seasons
	// RunDue asks the scheduler to do what is due now (the reveal of a
	// round /quiz stop closed); nil leaves it to the scheduler's next run.
	RunDue func(ctx context.Context) error
	// Practice, when set, is spaced practice: Rounds files each round's
	// misses with it before the reveal (Missed), and hands it /quiz
	// practice, its buttons and /quiz me's practice line.
	Practice Practice
	// Metrics counts quiz answers (recorded, duplicate, closed); nil
	// counts nothing. *metrics.Metrics implements it.
	Metrics interface{ QuizAnswer(outcome string) }
	// Now defaults to time.Now; Log to slog.Default().
	Now func() time.Time
	Log *slog.Logger
	// Sleep waits d or until ctx ends (tests inject one); nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Rounds opens, answers and reveals quiz rounds. Create it with New.
type Rounds struct {
	cfg   Config
	log   *slog.Logger
	cards *cards
}

// Practice is spaced practice as Rounds uses it; practice.Practice
// implements it.
type Practice interface {
	bot.Handler
	Missed(ctx context.Context, rd quiz.Round) error
	Summary(ctx context.Context, userID string) (string, error)
}

// History is what a store that remembers a channel's rounds offers: with
// it, scheduled rounds follow the channel's curriculum (quiz.Plan: every
// askable term once before any comes back, then the weakest first);
// without it, each round draws its question from its seed.
type History interface {
	History(ctx context.Context, channel string, from, to time.Time) ([]quiz.Asked, error)
}

// Errors the scheduler tells apart.
var (
	// ErrClosed: a scheduled round's answer window ended before it could
	// be posted; the slot is skipped.
	ErrClosed = errors.New("the round's answer window has already closed")
	// ErrNoPoster: no poster for the channel (a permanent error).
	ErrNoPoster = errors.New("no poster for the channel")

	errHistory = errors.New("reading the channel's past rounds")
)

// New returns Rounds for cfg.
func New(cfg Config) (*Rounds, error) {
	if cfg.Pack == nil || cfg.Store == nil || cfg.Posters == nil {
		return nil, errors.New("rounds: Config needs Pack, Store and Posters")
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.AnswerWindow <= 0 {
		cfg.AnswerWindow = DefaultAnswerWindow
	}
	if cfg.UpdateEvery <= 0 {
		cfg.UpdateEvery = 1500 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Seasons == nil {
		ss := quiz.DefaultSeasons(cfg.Location)
		cfg.Seasons = &ss
	}
	if cfg.Sleep == nil {
		cfg.Sleep = retry.Sleep
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	r := &Rounds{cfg: cfg, log: log.With("component", "rounds")}
	r.cards = newCards(r)
	return r, nil
}

// Close waits until the card updates in flight are done, or ctx ends.
func (r *Rounds) Close(ctx context.Context) error { return r.cards.wait(ctx) }

func (r *Rounds) poster(channel string) (bot.Poster, error) {
	p, err := r.cfg.Posters(channel)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrNoPoster, channel, err)
	}
	if p == nil {
		return nil, fmt.Errorf("%w %q", ErrNoPoster, channel)
	}
	return p, nil
}

// ScheduledID names the scheduled round of channel at slot: stable, so that
// a retry finds the round it created.
func (r *Rounds) ScheduledID(channel string, slot time.Time) string {
	return slot.In(r.cfg.Location).Format("20060102T1504") + "-" + strings.ReplaceAll(channel, "|", "_")
}

// seedFor is the question seed of channel's round at slot.
func seedFor(channel string, slot time.Time) int64 {
	h := fnv.New64a()
	h.Write([]byte(channel + "|" + slot.UTC().Format(time.RFC3339)))
	return int64(h.Sum64() >> 1)
}

// OpenScheduled creates (or, on a retry, finds) the round of channel's slot
// and posts it, tagged with tag (the claim's id) so that a post in doubt can
// be found. It returns the message id; quiz.ErrRoundOpen when the channel
// still has an open round (the scheduler closes and reveals it, then tries
// again); ErrClosed when the slot's answer window has passed.
func (r *Rounds) OpenScheduled(ctx context.Context, channel string, slot time.Time, tag bot.PostTag) (string, error) {
	rd, err := r.open(ctx, channel, r.ScheduledID(channel, slot), seedFor(channel, slot), slot, tag)
	return rd.MessageID, err
}

// open creates (or finds) round id and posts it.
func (r *Rounds) open(ctx context.Context, channel, id string, seed int64, opened time.Time, tag bot.PostTag) (quiz.Round, error) {
	st := r.cfg.Store
	now := r.cfg.Now()
	p, err := r.poster(channel)
	if err != nil {
		return quiz.Round{}, err
	}
	rd, err := st.Round(ctx, id)
	if errors.Is(err, quiz.ErrNotFound) {
		if closes := opened.Add(r.cfg.AnswerWindow); !now.Before(closes) {
			return quiz.Round{}, fmt.Errorf("%w: round %s would have closed at %s", ErrClosed, id, closes.In(r.cfg.Location).Format(time.RFC3339))
		}
		q, gerr := r.question(ctx, channel, seed, opened)
		if errors.Is(gerr, errHistory) {
			return quiz.Round{}, gerr // the store: worth a retry
		} else if gerr != nil {
			return quiz.Round{}, fmt.Errorf("%w: %v", bot.ErrPermanent, gerr)
		}
		rd = quiz.Round{ID: id, Channel: channel, Question: q, Seed: seed, Opened: opened, Closes: opened.Add(r.cfg.AnswerWindow)}
		err = st.CreateRound(ctx, rd)
	}
	if err != nil {
		return quiz.Round{}, err
	}
	if rd.Revealed {
		return rd, fmt.Errorf("%w: round %s was closed before it could be posted", bot.ErrPermanent, rd.ID)
	}
	if rd.MessageID != "" {
		return rd, nil // posted by an earlier try
	}
	if !now.Before(rd.Closes) {
		// Created by an earlier try, never posted, and closed since:
		// posting it now would ask a question nobody can answer.
		r.Abandon(context.WithoutCancel(ctx), rd.ID)
		return rd, fmt.Errorf("%w: round %s closed at %s", ErrClosed, rd.ID, rd.Closes.In(r.cfg.Location).Format(time.RFC3339))
	}
	reply := bot.RoundReply(bot.NewRoundCard(r.cfg.Pack, rd, quiz.Tally{}, r.cfg.Location))
	reply.Tag = tag
	msgID, err := p.Post(ctx, channel, reply)
	if err != nil {
		return rd, err
	}
	rd.MessageID = msgID
	rctx := context.WithoutCancel(ctx)
	ok, err := st.SetRoundMessage(rctx, rd.ID, msgID)
	if err != nil {
		return rd, err
	}
	r.countMembers(rctx, p, rd)
	if !ok {
		// Closed (/quiz stop, another process) while it was being
		// posted: it stays closed, and the message just posted says so.
		r.log.Warn("round closed while its message was being posted", "channel", channel, "round", rd.ID)
		rd.Revealed = true
		r.showCard(rctx, p, rd)
	}
	return rd, nil
}

// question draws the question of channel's round opening at opened: the
// next of the channel's curriculum when the store remembers its history,
// else one drawn from seed alone.
func (r *Rounds) question(ctx context.Context, channel string, seed int64, opened time.Time) (quiz.Question, error) {
	h, ok := r.cfg.Store.(History)
	if !ok {
		return quiz.Generate(r.cfg.Pack, seed)
	}
	season := r.cfg.Seasons.At(opened)
	asked, err := h.History(ctx, channel, season.From, opened)
	if err != nil {
		return quiz.Question{}, fmt.Errorf("%w: %w", errHistory, err)
	}
	next := quiz.Plan(r.cfg.Pack, channel, season, asked, 1)
	if len(next) == 0 {
		return quiz.Generate(r.cfg.Pack, seed)
	}
	return quiz.GenerateFor(r.cfg.Pack, next[0].Term, next[0].Kind, seed)
}

// memberStore is a store that keeps a round's member count (for HR's
// participation rate); both stores are.
type memberStore interface {
	SetRoundMembers(ctx context.Context, id string, n int) error
}

// countMembers records how many members rd's channel has, when the poster
// can tell and the store can keep it (best effort: the report then leaves
// the rate out).
func (r *Rounds) countMembers(ctx context.Context, p bot.Poster, rd quiz.Round) {
	mc, ok := p.(bot.MemberCounter)
	ms, ok2 := r.cfg.Store.(memberStore)
	if !ok || !ok2 {
		return
	}
	n, err := mc.Members(ctx, rd.Channel)
	if err == nil && n > 0 {
		err = ms.SetRoundMembers(ctx, rd.ID, n)
	}
	if err != nil {
		r.log.Warn("could not record the channel's member count", "channel", rd.Channel, "round", rd.ID, "err", err)
	}
}

// showCard updates rd's message to its card with the current count (best
// effort: a failure is logged).
func (r *Rounds) showCard(ctx context.Context, p bot.Poster, rd quiz.Round) {
	t, err := r.cfg.Store.Tally(ctx, rd.ID)
	if err == nil {
		err = p.Update(ctx, rd.Channel, rd.MessageID, bot.RoundReply(bot.NewRoundCard(r.cfg.Pack, rd, t, r.cfg.Location)))
	}
	if err != nil {
		r.log.Warn("could not update the round message", "channel", rd.Channel, "round", rd.ID, "err", err)
	}
}

// Reveal updates the round message to show the answer and posts the reveal
// in the channel: 正解, the explanation with its section, and the share who
// got it right. It returns the reveal's message id ("" when the round was
// already revealed). tag marks the post (the reveal claim's id).
func (r *Rounds) Reveal(ctx context.Context, id string, tag bot.PostTag) (string, error) {
	st := r.cfg.Store
	rd, err := st.Round(ctx, id)
	if err != nil {
		return "", err
	}
	if rd.Revealed {
		return "", nil
	}
	p, err := r.poster(rd.Channel)
	if err != nil {
		return "", err
	}
	t, err := st.Tally(ctx, id)
	if err != nil {
		return "", err
	}
	if r.cfg.Practice != nil {
		// Before anything is shown, so that a failure retries the reveal.
		if err := r.cfg.Practice.Missed(ctx, rd); err != nil {
			return "", fmt.Errorf("filing the round's misses for practice: %w", err)
		}
	}
	rd.Revealed = true
	reply := bot.RoundReply(bot.NewRoundCard(r.cfg.Pack, rd, t, r.cfg.Location))
	if rd.MessageID != "" {
		if err := p.Update(ctx, rd.Channel, rd.MessageID, reply); err != nil {
			if !errors.Is(err, bot.ErrPermanent) {
				return "", err
			}
			// The round message is gone (deleted, say): the reveal post
			// below still tells the channel.
			r.log.Warn("could not update the round message", "channel", rd.Channel, "round", id, "err", err)
		}
	}
	reply.Tag = tag
	msgID, err := p.Post(ctx, rd.Channel, reply)
	if err != nil {
		return "", err
	}
	ok, err := st.MarkRevealed(context.WithoutCancel(ctx), id)
	if err != nil {
		return msgID, err
	}
	if !ok {
		r.log.Warn("round was revealed by another process meanwhile", "channel", rd.Channel, "round", id)
	}
	return msgID, nil
}

// CloseEarly brings round id's close forward to now (a new scheduled round
// replaces it, or /quiz stop) and returns the round as it now stands; the
// scheduler reveals it as due.
func (r *Rounds) CloseEarly(ctx context.Context, id string) (quiz.Round, error) {
	now := r.cfg.Now()
	if _, err := r.cfg.Store.CloseRoundAt(ctx, id, now); err != nil {
		return quiz.Round{}, err
	}
	return r.cfg.Store.Round(ctx, id)
}

// Abandon closes a round that could not be posted or revealed without
// showing anything, so that the channel can have the next one.
func (r *Rounds) Abandon(ctx context.Context, id string) {
	if _, err := r.cfg.Store.MarkRevealed(ctx, id); err != nil && !errors.Is(err, quiz.ErrNotFound) {
		r.log.Error("could not close round", "round", id, "err", err)
	}
}

// Start opens a round in channel now (/quiz start) and posts it there;
// quiz.ErrRoundOpen when one is open.
func (r *Rounds) Start(ctx context.Context, channel string) (quiz.Round, error) {
	now := r.cfg.Now()
	if _, err := r.cfg.Store.OpenRound(ctx, channel); err == nil {
		return quiz.Round{}, quiz.ErrRoundOpen
	} else if !errors.Is(err, quiz.ErrNotFound) {
		return quiz.Round{}, err
	}
	// Unique per start, not per second: /quiz start, stop, start within a
	// second makes two rounds. No '|' (bot.EncodeAnswer's separator).
	b := make([]byte, 8)
	rand.Read(b)
	id := now.In(r.cfg.Location).Format("20060102T150405") + "m" + hex.EncodeToString(b[:4]) + "-" + strings.ReplaceAll(channel, "|", "_")
	seed := int64(binary.BigEndian.Uint64(b) >> 1)
	rd, err := r.open(ctx, channel, id, seed, now, bot.PostTag{})
	if err != nil && !errors.Is(err, quiz.ErrRoundOpen) && rd.ID != "" {
		r.Abandon(context.WithoutCancel(ctx), rd.ID) // never posted: close it
	}
	return rd, err
}

// Stop closes the channel's open round now (/quiz stop) and has it
// revealed; quiz.ErrNotFound when none is open.
func (r *Rounds) Stop(ctx context.Context, channel string) (quiz.Round, error) {
	rd, err := r.cfg.Store.OpenRound(ctx, channel)
	if err != nil {
		return quiz.Round{}, err
	}
	if rd, err = r.CloseEarly(ctx, rd.ID); err != nil {
		return rd, err
	}
	if r.cfg.RunDue != nil {
		if err := r.cfg.RunDue(ctx); err != nil {
			return rd, err
		}
	}
	return rd, nil
}
