package schedules

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"secbot/bot"
	"secbot/metrics"
	"secbot/quiz"
)

// RunNow does what is due now (RunDue at the scheduler's clock): the reveal
// of a round /quiz stop has just closed, say.
func (s *Scheduler) RunNow(ctx context.Context) error { return s.RunDue(ctx, s.cfg.Now()) }

// fanOut bounds how many channels one job posts to at once. Each channel's
// posts are spaced by its poster (Slack: about one a second per channel,
// within a workspace budget of 20 a second) and a 429 pauses only what it
// names, so one slow channel holds up no other. Keeping a budget of B posts
// a second busy takes about B × latency posts in flight plus the channels
// waiting out a Retry-After: at 20 a second, 100 ms calls and 20% 429s of
// 1 s, some 7; 32 still keeps up with a budget of 100 (docs/fanout.md).
const fanOut = 32

// RunDue does everything due at now: retries whose time has come (and the
// claims of processes that died mid-post), reveals of rounds that have
// closed, and the latest slot of every job and key that no process has
// claimed, when still within the grace window. It returns the store errors
// (joined); posting errors are handled per claim (see execute) and logged.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	s.prune(now)
	var errs []error
	if err := s.runPending(ctx, now); err != nil {
		errs = append(errs, err)
	}
	defer func() {
		if len(errs) > 0 && s.cfg.Metrics != nil {
			s.cfg.Metrics.StoreError("scheduler")
		}
	}()
	if err := s.runReveals(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if err := s.runReminders(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if s.tipSched != nil {
		slots := s.slots(s.tipSched, now)
		errs = append(errs, s.each(s.cfg.TipChannels, func(ch string) error { return s.runSlots(ctx, JobTip, ch, slots, now) }))
		if err := s.runDigest(ctx, now); err != nil {
			errs = append(errs, err)
		}
		if err := s.runPractice(ctx, now); err != nil {
			errs = append(errs, err)
		}
	}
	if s.digestSched != nil {
		slots := s.slots(s.digestSched, now)
		managers := make([]string, 0, len(s.cfg.Managers))
		for m := range s.cfg.Managers {
			managers = append(managers, m)
		}
		sort.Strings(managers)
		errs = append(errs, s.each(managers, func(m string) error { return s.runSlots(ctx, JobDigest, m, slots, now) }))
	}
	if s.quizSched != nil {
		slots := s.slots(s.quizSched, now)
		errs = append(errs, s.each(s.cfg.QuizChannels, func(ch string) error { return s.runSlots(ctx, JobQuiz, ch, slots, now) }))
	}
	return errors.Join(errs...)
}

// each runs f for every key, fanOut at a time, and joins the errors.
func (s *Scheduler) each(keys []string, f func(key string) error) error {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	sem := make(chan struct{}, fanOut)
	for _, k := range keys {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := f(k); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// slots returns the activations of sched in (now-lookback, now], oldest
// first (at most the last 1000, for specs that fire every minute).
func (s *Scheduler) slots(sched cron.Schedule, now time.Time) []time.Time {
	var out []time.Time
	for t := sched.Next(now.Add(-lookback)); !t.IsZero() && !t.After(now); t = sched.Next(t) {
		out = append(out, t)
	}
	if len(out) > 1000 {
		out = out[len(out)-1000:]
	}
	return out
}

func claimID(job, key string, slot time.Time) string {
	return job + "\x00" + key + "\x00" + slot.UTC().Format(time.RFC3339)
}

// once reports whether this process has not yet looked at the claim, and
// marks it looked at.
func (s *Scheduler) once(job, key string, slot time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := claimID(job, key, slot)
	if _, ok := s.seen[id]; ok {
		return false
	}
	s.seen[id] = slot
	return true
}

// prune forgets the claims older than the lookback window: RunDue never
// looks at their slots again.
func (s *Scheduler) prune(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, slot := range s.seen {
		if slot.Before(now.Add(-lookback - 24*time.Hour)) {
			delete(s.seen, id)
		}
	}
}

// forget lets this process look at a claim again (after a store error).
func (s *Scheduler) forget(job, key string, slot time.Time) {
	s.mu.Lock()
	delete(s.seen, claimID(job, key, slot))
	s.mu.Unlock()
}

// runSlots looks at the latest slot of job for key (slots are oldest
// first): it is claimed and posted when within the grace window. Slots
// missed while no process ran are not posted and not stored one row each:
// they are counted in one log line, and only when the key had been posted
// before (a key's first start has missed nothing).
func (s *Scheduler) runSlots(ctx context.Context, job, key string, slots []time.Time, now time.Time) error {
	if len(slots) == 0 {
		return nil
	}
	latest := slots[len(slots)-1]
	if !s.once(job, key, latest) {
		return nil
	}
	late := now.Sub(latest)
	missed := func(posted int) error {
		if job == JobPractice {
			return nil // a learner is not due every day: nothing to count
		}
		last, ok, err := s.cfg.Store.LastClaim(ctx, job, key)
		if err != nil {
			s.forget(job, key, latest)
			return err
		}
		if !ok || !last.Slot.Before(latest) {
			return nil // the first start for this key, or nothing missed
		}
		n := 0
		for _, t := range slots {
			if t.After(last.Slot) {
				n++
			}
		}
		if n -= posted; n > 0 {
			s.log.Warn("scheduler: slots missed while no process ran were not posted", "job", job, "key", key, "count", n,
				"latest", latest.In(s.cfg.Location).Format(time.RFC3339), "late", late.Round(time.Minute).String(), "grace", s.cfg.Grace.String())
		}
		return nil
	}
	if late > s.cfg.Grace {
		s.count(job, metrics.ClaimSkipped)
		return missed(0)
	}
	if err := missed(1); err != nil {
		return err
	}
	c := Claim{Job: job, Key: key, Slot: latest, Status: StatusClaimed, Owner: s.cfg.Owner, Attempts: 1}
	won, err := s.cfg.Store.Claim(ctx, c)
	if err != nil {
		s.forget(job, key, latest)
		return err
	}
	if !won {
		return nil
	}
	s.count(job, metrics.ClaimWon)
	if late > time.Minute {
		s.log.Info("scheduler: catching up a missed slot", "job", job, "key", key, "slot", latest.In(s.cfg.Location).Format(time.RFC3339), "late", late.Round(time.Second).String())
	}
	s.execute(ctx, c, now)
	return nil
}

// runDigest sends the DM digest of each tip slot to the subscribers who had
// subscribed by then.
func (s *Scheduler) runDigest(ctx context.Context, now time.Time) error {
	slots := s.slots(s.tipSched, now)
	if len(slots) == 0 {
		return nil
	}
	subs, err := s.cfg.Store.Subscribers(ctx)
	if err != nil {
		return err
	}
	var keys []string
	since := map[string]time.Time{}
	for _, sub := range subs {
		if !s.canDirect(sub.Platform) {
			// No claim: should this platform's poster come back within
			// the grace window, the digest still goes out.
			continue
		}
		k := string(sub.Platform) + ":" + sub.UserID
		keys, since[k] = append(keys, k), sub.Since
	}
	return s.each(keys, func(k string) error {
		var due []time.Time
		for _, slot := range slots {
			if since[k].IsZero() || !since[k].After(slot) {
				due = append(due, slot)
			}
		}
		return s.runSlots(ctx, JobTipDM, k, due, now)
	})
}

// runPractice sends the day's practice question to each learner with one
// due, at the day's first tip slot: one claim per learner and day, so one
// question a day at most, and none on a day the tip schedule skips.
func (s *Scheduler) runPractice(ctx context.Context, now time.Time) error {
	if s.cfg.Practice == nil {
		return nil
	}
	var firsts []time.Time // the first tip slot of each day
	for _, t := range s.slots(s.tipSched, now) {
		if n := len(firsts); n == 0 || !sameDay(firsts[n-1], t, s.cfg.Location) {
			firsts = append(firsts, t)
		}
	}
	if len(firsts) == 0 {
		return nil
	}
	latest := firsts[len(firsts)-1]
	// Who is due on a day is settled by its first slot (misses and wrong
	// answers fall due the next day at the earliest): look once a slot.
	if !s.once(JobPractice, "", latest) {
		return nil
	}
	learners, err := s.cfg.Practice.Due(ctx, latest)
	if err != nil {
		s.forget(JobPractice, "", latest)
		return err
	}
	keys := make([]string, 0, len(learners))
	for _, l := range learners {
		if s.canDirect(bot.Platform(l.Platform)) {
			keys = append(keys, l.Key())
		}
	}
	return s.each(keys, func(k string) error { return s.runSlots(ctx, JobPractice, k, firsts, now) })
}

// sameDay reports whether a and b fall on one day in loc.
func sameDay(a, b time.Time, loc *time.Location) bool {
	ya, ma, da := a.In(loc).Date()
	yb, mb, db := b.In(loc).Date()
	return ya == yb && ma == mb && da == db
}

// canDirect reports whether the platform's subscribers can be sent DMs,
// logging once per process when they cannot (console subscriptions, say).
func (s *Scheduler) canDirect(p bot.Platform) bool {
	if s.cfg.Direct != nil {
		if dp, ok := s.cfg.Direct(p); ok && dp != nil {
			return true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := "nodirect\x00" + string(p); s.seen[k].IsZero() {
		s.seen[k] = s.cfg.Now() // logged again once pruned, some nine days on
		s.log.Warn("scheduler: no direct messages on this platform; its digest subscribers get nothing", "platform", string(p))
	}
	return false
}

// runReveals reveals the rounds that have closed.
func (s *Scheduler) runReveals(ctx context.Context, now time.Time) error {
	due, err := s.cfg.Store.DueRounds(ctx, now)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range due {
		errs = append(errs, s.runReveal(ctx, r, now))
	}
	return errors.Join(errs...)
}

// runReveal claims and runs the reveal of r. Reveals are never skipped for
// lateness: a round closed while no process ran is revealed late rather
// than left open.
func (s *Scheduler) runReveal(ctx context.Context, r quiz.Round, now time.Time) error {
	if !s.once(JobReveal, r.ID, r.Closes) {
		return nil
	}
	c := Claim{Job: JobReveal, Key: r.ID, Slot: r.Closes, Status: StatusClaimed, Owner: s.cfg.Owner, Attempts: 1}
	won, err := s.cfg.Store.Claim(ctx, c)
	if err != nil {
		s.forget(JobReveal, r.ID, r.Closes)
		return err
	}
	if won {
		s.count(JobReveal, metrics.ClaimWon)
		s.execute(ctx, c, now)
	}
	return nil
}

// runReminders posts the closing reminders that are due, each claimed.
func (s *Scheduler) runReminders(ctx context.Context, now time.Time) error {
	if s.cfg.Rounds == nil {
		return nil
	}
	due, err := s.cfg.Rounds.RemindersDue(ctx, now)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range due {
		if !s.once(JobRemind, r.Round.ID, r.Slot) {
			continue
		}
		c := Claim{Job: JobRemind, Key: r.Round.ID, Slot: r.Slot, Status: StatusClaimed, Owner: s.cfg.Owner, Attempts: 1}
		won, err := s.cfg.Store.Claim(ctx, c)
		if err != nil {
			s.forget(JobRemind, r.Round.ID, r.Slot)
			errs = append(errs, err)
			continue
		}
		if won {
			s.count(JobRemind, metrics.ClaimWon)
			s.execute(ctx, c, now)
		}
	}
	return errors.Join(errs...)
}
