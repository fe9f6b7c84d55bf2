package schedules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"secbot/bot"
	"secbot/metrics"
	"secbot/quiz"
	"secbot/quiz/practice"
	"secbot/quiz/rounds"
	"secbot/retry"
	"secbot/store"
)

// runPending retries claims whose retry time has come, and takes over the
// claims of processes that died mid-post: such a claim is tried again (while
// within its deadline), looking first for the post it may have made.
func (s *Scheduler) runPending(ctx context.Context, now time.Time) error {
	pending, err := s.cfg.Store.PendingClaims(ctx)
	if err != nil {
		return err
	}
	var beats map[string]bool
	for _, c := range pending {
		switch c.Status {
		case StatusRetry:
			if c.NextTry.After(now) {
				continue
			}
			next := c
			next.Status, next.Owner, next.Attempts = StatusClaimed, s.cfg.Owner, c.Attempts+1
			won, err := s.cfg.Store.UpdateClaim(ctx, c, next)
			if err != nil {
				return err
			}
			if won {
				s.execute(ctx, next, now)
			}
		case StatusClaimed:
			if c.Owner == s.cfg.Owner {
				continue // ours, in progress
			}
			if beats == nil {
				if beats, err = s.cfg.Store.LiveOwners(ctx, now.Add(-s.cfg.Stale)); err != nil {
					return err
				}
			}
			alive, known := beats[c.Owner]
			// A process that beats is abandoned once its beat is stale; one
			// that never beat (a scheduler without intake) after the lease.
			if alive || (!known && (c.Updated.IsZero() || now.Sub(c.Updated) < lease)) {
				continue
			}
			next := c
			next.Status, next.Owner, next.Attempts, next.InDoubt = StatusClaimed, s.cfg.Owner, c.Attempts+1, true
			next.Detail = "taken over from " + c.Owner + ", which stopped mid-post"
			if now.After(s.deadline(c)) || c.Attempts >= maxAttempts {
				next.Status, next.Owner, next.Attempts = StatusFailed, c.Owner, c.Attempts
				next.Detail = "the process stopped mid-post and the slot's time has passed; the post may or may not have gone out"
			}
			won, err := s.cfg.Store.UpdateClaim(ctx, c, next)
			if err != nil {
				return err
			}
			if !won {
				continue
			}
			s.count(c.Job, metrics.ClaimAbandoned)
			if next.Status == StatusFailed {
				s.log.Error("scheduler: claim abandoned mid-post, too late to retry", "job", c.Job, "key", c.Key, "slot", c.Slot.In(s.cfg.Location).Format(time.RFC3339), "owner", c.Owner)
				s.giveUp(ctx, c)
				continue
			}
			s.log.Warn("scheduler: taking over a claim abandoned mid-post; looking for its post before posting", "job", c.Job, "key", c.Key, "slot", c.Slot.In(s.cfg.Location).Format(time.RFC3339), "owner", c.Owner)
			s.execute(ctx, next, now)
		}
	}
	return nil
}

// deadline is the last time claim c may still be posted: the slot plus the
// grace window (reveals: at least a day).
func (s *Scheduler) deadline(c Claim) time.Time {
	if c.Job == JobReveal {
		return c.Slot.Add(max(s.cfg.Grace, 24*time.Hour))
	}
	return c.Slot.Add(s.cfg.Grace)
}

// execute performs claim c, which this process holds, and records the
// outcome:
//   - success: StatusPosted with the message id;
//   - a quiz slot whose channel still has an open round: that round is
//     closed and revealed first, then this one posted;
//   - a quiz slot whose answer window has already closed: StatusSkipped,
//     logged, never posted;
//   - an error wrapping bot.ErrPermanent (channel_not_found, not_in_channel,
//     a Teams workflow gone) or no poster for the channel: StatusFailed,
//     logged with the channel, never retried;
//   - any other error — transient, after the poster's own retries and
//     Retry-After waits: StatusRetry with a backoff (1m, 2m, 4m … 30m) as
//     long as the next try still falls within the deadline and fewer than 8
//     attempts were made; then StatusFailed, logged. Such a post may have
//     gone out (a 5xx, a timeout after sending): the retry looks for it
//     first (InDoubt).
func (s *Scheduler) execute(ctx context.Context, c Claim, now time.Time) error {
	// A post never outlives its claim's lease: past it, another process
	// would take the claim for abandoned.
	pctx, cancel := context.WithTimeout(ctx, lease/2)
	msgID, err := s.perform(pctx, c, now)
	cancel()
	// Record the outcome even if ctx ended meanwhile.
	rctx := context.WithoutCancel(ctx)
	next := c
	next.MessageID = msgID
	switch {
	case err == nil:
		next.Status, next.Detail, next.InDoubt = StatusPosted, "", false
	case c.Job == JobQuiz && errors.Is(err, quiz.ErrRoundOpen):
		// The channel's open round could not be closed for this slot
		// (another process is revealing it, say). Retrying would post this
		// round late, after its time; the next slot will have its turn.
		next.Status, next.Detail = StatusFailed, err.Error()
		s.log.Error("scheduler: quiz slot not posted: the channel still has an open round; not retrying", "channel", c.Key,
			"slot", c.Slot.In(s.cfg.Location).Format(time.RFC3339), "err", err)
	case c.Job == JobPractice && errors.Is(err, practice.ErrNothingDue):
		next.Status, next.Detail = StatusSkipped, err.Error()
	case errors.Is(err, rounds.ErrClosed):
		next.Status, next.Detail = StatusSkipped, err.Error()
		s.log.Warn("scheduler: quiz round not posted: its answer window already closed", "channel", c.Key,
			"slot", c.Slot.In(s.cfg.Location).Format(time.RFC3339), "err", err)
	case errors.Is(err, bot.ErrPermanent) || errors.Is(err, rounds.ErrNoPoster) || errors.Is(err, errNoPoster):
		next.Status, next.Detail = StatusFailed, err.Error()
		s.log.Error("scheduler: permanent posting error; not retrying", "job", c.Job, "channel", s.channelOf(rctx, c), "key", c.Key, "err", err)
		s.giveUp(rctx, c)
	default:
		retryAt := now.Add(backoff(c.Attempts))
		next.Detail, next.InDoubt = err.Error(), true
		if c.Attempts < maxAttempts && !retryAt.After(s.deadline(c)) {
			next.Status, next.NextTry = StatusRetry, retryAt
			s.log.Warn("scheduler: posting failed; will retry", "job", c.Job, "channel", s.channelOf(rctx, c), "key", c.Key, "attempt", c.Attempts, "retry_at", retryAt.In(s.cfg.Location).Format(time.RFC3339), "err", err)
		} else {
			next.Status = StatusFailed
			s.log.Error("scheduler: posting failed; giving up", "job", c.Job, "channel", s.channelOf(rctx, c), "key", c.Key, "attempts", c.Attempts, "err", err)
			s.giveUp(rctx, c)
		}
	}
	if ok, uerr := s.cfg.Store.UpdateClaim(rctx, c, next); uerr != nil || !ok {
		s.log.Error("scheduler: could not record a claim's outcome", "job", c.Job, "key", c.Key, "status", next.Status, "err", uerr)
	}
	return err
}

// backoff is the wait before attempt n+1: 1 min doubling, at most 30 min.
func backoff(attempt int) time.Duration { return retry.Backoff(attempt, time.Minute, 30*time.Minute) }

// giveUp closes what a failed claim leaves open: a round that could not be
// posted or revealed is closed, so that the channel can have the next one.
func (s *Scheduler) giveUp(ctx context.Context, c Claim) {
	if s.cfg.Rounds == nil {
		return
	}
	switch c.Job {
	case JobQuiz:
		s.cfg.Rounds.Abandon(ctx, s.cfg.Rounds.ScheduledID(c.Key, c.Slot))
	case JobReveal:
		s.cfg.Rounds.Abandon(ctx, c.Key)
	}
}

// channelOf names the channel a claim posts to, for logs.
func (s *Scheduler) channelOf(ctx context.Context, c Claim) string {
	switch c.Job {
	case JobReveal, JobRemind:
		if r, err := s.cfg.Store.Round(ctx, c.Key); err == nil {
			return r.Channel
		}
		return ""
	case JobTipDM, JobDigest, JobPractice:
		return "dm:" + c.Key
	}
	return c.Key
}

var errNoPoster = errors.New("no poster for the channel")

func (s *Scheduler) poster(channel string) (bot.Poster, error) {
	p, err := s.cfg.Posters(channel)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", errNoPoster, channel, err)
	}
	if p == nil {
		return nil, fmt.Errorf("%w %q", errNoPoster, channel)
	}
	return p, nil
}

// perform posts claim c and returns the message id.
func (s *Scheduler) perform(ctx context.Context, c Claim, now time.Time) (string, error) {
	tag := bot.PostTag{ID: c.ID(), Recheck: c.InDoubt}
	switch c.Job {
	case JobTip:
		p, err := s.poster(c.Key)
		if err != nil {
			return "", err
		}
		tip, day, err := s.tips.TipFor(c.Key, c.Slot)
		if err != nil {
			return "", fmt.Errorf("%w: %v", bot.ErrPermanent, err)
		}
		reply := bot.TipReply(bot.NewTipCard(s.cfg.Pack, tip, day))
		reply.Tag = tag
		id, err := p.Post(ctx, c.Key, reply)
		if err != nil {
			return "", err
		}
		if err := s.cfg.Store.RecordTip(ctx, c.Key, day.Format(time.DateOnly), tip.ID); err != nil {
			s.log.Warn("scheduler: could not log the tip", "channel", c.Key, "err", err)
		}
		return id, nil
	case JobTipDM:
		platform, user, _ := strings.Cut(c.Key, ":")
		var dp bot.DirectPoster
		ok := false
		if s.cfg.Direct != nil {
			dp, ok = s.cfg.Direct(bot.Platform(platform))
		}
		if !ok || dp == nil {
			return "", fmt.Errorf("%w %s: no direct messages on this platform", errNoPoster, platform)
		}
		tip, day, err := s.tips.TipFor(bot.DigestChannel, c.Slot)
		if err != nil {
			return "", fmt.Errorf("%w: %v", bot.ErrPermanent, err)
		}
		reply := bot.TipReply(bot.NewTipCard(s.cfg.Pack, tip, day))
		reply.Tag = tag
		return "", dp.PostDirect(ctx, user, reply)
	case JobPractice:
		platform, user, _ := strings.Cut(c.Key, ":")
		var dp bot.DirectPoster
		ok := false
		if s.cfg.Direct != nil {
			dp, ok = s.cfg.Direct(bot.Platform(platform))
		}
		if !ok || dp == nil || s.cfg.Practice == nil {
			return "", fmt.Errorf("%w %s: no direct messages on this platform", errNoPoster, platform)
		}
		return "", s.cfg.Practice.Send(ctx, store.Learner{Platform: platform, UserID: user}, c.Slot, dp, tag)
	case JobQuiz:
		id, err := s.cfg.Rounds.OpenScheduled(ctx, c.Key, c.Slot, tag)
		if errors.Is(err, quiz.ErrRoundOpen) {
			// Last week's round is still open: close it now, reveal it
			// (claimed like any reveal), then post this one.
			if rerr := s.replaceOpenRound(ctx, c.Key, now); rerr != nil {
				return "", rerr
			}
			id, err = s.cfg.Rounds.OpenScheduled(ctx, c.Key, c.Slot, tag)
		}
		return id, err
	case JobReveal:
		return s.cfg.Rounds.Reveal(ctx, c.Key, tag)
	case JobRemind:
		return s.cfg.Rounds.Remind(ctx, c.Key, tag)
	case JobDigest:
		platform := bot.Teams // a Teams user's Entra object id
		if strings.HasPrefix(c.Key, "U") || strings.HasPrefix(c.Key, "W") {
			platform = bot.Slack
		}
		var dp bot.DirectPoster
		ok := false
		if s.cfg.Direct != nil {
			dp, ok = s.cfg.Direct(platform)
		}
		if !ok || dp == nil {
			return "", fmt.Errorf("%w %s: no direct messages on this platform for the manager's digest", errNoPoster, platform)
		}
		reply, err := s.cfg.Digest(ctx, s.cfg.Managers[c.Key], c.Slot)
		if err != nil {
			return "", err
		}
		reply.Tag = tag
		return "", dp.PostDirect(ctx, c.Key, reply)
	}
	return "", fmt.Errorf("%w: unknown job %q", bot.ErrPermanent, c.Job)
}

// replaceOpenRound closes channel's open round now and reveals it, for the
// next scheduled round.
func (s *Scheduler) replaceOpenRound(ctx context.Context, channel string, now time.Time) error {
	old, err := s.cfg.Store.OpenRound(ctx, channel)
	if errors.Is(err, quiz.ErrNotFound) {
		return nil // revealed meanwhile
	} else if err != nil {
		return err
	}
	s.log.Info("scheduler: closing the open round early for the next one", "channel", channel, "round", old.ID)
	if now.Before(old.Closes) {
		if old, err = s.cfg.Rounds.CloseEarly(ctx, old.ID); err != nil {
			return err
		}
	}
	if old.Revealed {
		return nil
	}
	c := Claim{Job: JobReveal, Key: old.ID, Slot: old.Closes, Status: StatusClaimed, Owner: s.cfg.Owner, Attempts: 1}
	s.once(JobReveal, old.ID, old.Closes)
	won, err := s.cfg.Store.Claim(ctx, c)
	if err != nil || !won {
		return err
	}
	return s.execute(ctx, c, now)
}
