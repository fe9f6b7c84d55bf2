package schedules

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/quiz/rounds"
)

// Job names, as stored in claims.
const (
	JobTip    = "tip"    // Key: channel
	JobTipDM  = "tip-dm" // Key: "platform:userID"
	JobQuiz   = "quiz"   // Key: channel
	JobReveal = "reveal" // Key: round id; Slot: the round's closing time
)

// Defaults of Config.
const (
	DefaultGrace = 2 * time.Hour
	// lookback is how far back RunDue looks for slots nobody claimed: slots
	// older than the grace window found in it are recorded as skipped and
	// logged once. Eight days cover a weekly quiz.
	lookback = 8 * 24 * time.Hour
	// lease is how long a claim may stay StatusClaimed before it is taken
	// for the claim of a process that stopped mid-post.
	lease = 10 * time.Minute
	// maxAttempts bounds the tries of one claim.
	maxAttempts = 8
	// maxWait bounds how long the loop sleeps between RunDue calls, so that
	// retries, reveals and the take-over of a dead process's claims are
	// never more than this late.
	maxWait = 10 * time.Second
)

// Config configures a Scheduler.
type Config struct {
	// Location is the zone the specs run in (default UTC; secbot's config
	// defaults to Asia/Tokyo).
	Location *time.Location
	// TipSpec and QuizSpec are 5-field cron specs ("0 9 * * 1-5"); ""
	// disables the job.
	TipSpec      string
	TipChannels  []string
	QuizSpec     string
	QuizChannels []string
	// Grace is how late a slot may still be posted (catch-up after a
	// restart, retries after transient errors); default 2h.
	Grace time.Duration

	Pack  *knowledge.Pack
	Store Store
	// Rounds opens and reveals the quiz rounds; required with QuizSpec.
	Rounds RoundOwner
	// Posters returns the poster of a channel (Slack id or teams:NAME). An
	// error is permanent for that channel: it is logged, the slot failed.
	Posters func(channel string) (bot.Poster, error)
	// Direct returns the poster of a platform's DM digest subscribers; nil
	// (or false) leaves them without the digest, logged.
	Direct func(platform bot.Platform) (bot.DirectPoster, bool)

	// Now defaults to time.Now.
	Now func() time.Time
	// Log defaults to slog.Default().
	Log *slog.Logger
	// Owner names this process in claims (default host-pid-random). It
	// should be the name the process beats under (intake), so that its
	// claims are taken over within seconds when it dies.
	Owner string
	// Stale is how long an owner may go without beating before its claims
	// in progress are taken for abandoned (default 10 s, as intake's).
	Stale time.Duration
}

// RoundOwner opens and reveals quiz rounds; rounds.Rounds implements it.
// tag marks the post with the claim's id; recheck says an earlier attempt
// may have posted it already.
type RoundOwner interface {
	ScheduledID(channel string, slot time.Time) string
	OpenScheduled(ctx context.Context, channel string, slot time.Time, tag bot.PostTag) (messageID string, err error)
	Reveal(ctx context.Context, roundID string, tag bot.PostTag) (messageID string, err error)
	CloseEarly(ctx context.Context, roundID string) (quiz.Round, error)
	Abandon(ctx context.Context, roundID string)
}

// Scheduler posts the daily tips, opens and reveals the quiz rounds, and
// sends the DM digest, each (job, key, slot) exactly once across processes
// sharing a store. Its core is RunDue(ctx, now), which does whatever is due
// at now; Start runs it on a timer computed from the cron schedules, and
// tests call it with any time they like.
type Scheduler struct {
	cfg       Config
	tipSched  cron.Schedule
	quizSched cron.Schedule
	tips      *Tips
	log       *slog.Logger

	runMu sync.Mutex // one RunDue at a time
	mu    sync.Mutex
	seen  map[string]time.Time // claims this process already tried or saw taken → slot

	stop chan struct{}
	done chan struct{}
}

// New returns a Scheduler for cfg. It refuses malformed specs and a missing
// store or pack.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Stale <= 0 {
		cfg.Stale = 10 * time.Second
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Store == nil || cfg.Pack == nil || cfg.Posters == nil {
		return nil, errors.New("schedules: Config needs Store, Pack and Posters")
	}
	if cfg.QuizSpec != "" && cfg.Rounds == nil {
		return nil, errors.New("schedules: a quiz schedule needs Config.Rounds")
	}
	if cfg.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		cfg.Owner = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	s := &Scheduler{cfg: cfg, log: cfg.Log, seen: map[string]time.Time{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	var err error
	if cfg.TipSpec != "" {
		if s.tipSched, err = ParseSpec(cfg.TipSpec, cfg.Location); err != nil {
			return nil, fmt.Errorf("schedules: tips: %w", err)
		}
		s.tips = NewTips(cfg.Pack, s.tipSched, cfg.Location)
	}
	if cfg.QuizSpec != "" {
		if s.quizSched, err = ParseSpec(cfg.QuizSpec, cfg.Location); err != nil {
			return nil, fmt.Errorf("schedules: quiz: %w", err)
		}
	}
	return s, nil
}

// Tips returns the tip picker the scheduler posts from (nil without TipSpec).
func (s *Scheduler) Tips() *Tips { return s.tips }

// Start catches up (one RunDue now, returning its error) and then runs
// RunDue whenever something falls due, until ctx ends or Stop is called.
func (s *Scheduler) Start(ctx context.Context) error {
	err := s.RunDue(ctx, s.cfg.Now())
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go s.loop(ctx)
	return err
}

// Stop ends the loop Start began. The returned context is done once the
// RunDue in progress, if any, has finished (posts in flight are recorded).
func (s *Scheduler) Stop() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	if s.stop == nil {
		cancel()
		return ctx
	}
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	go func() { <-s.done; cancel() }()
	return ctx
}

func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.done)
	// Posts in flight finish and are recorded even when ctx ends: a post
	// cut off half way would leave its claim in doubt.
	runCtx := context.WithoutCancel(ctx)
	for {
		now := s.cfg.Now()
		wait := maxWait
		for _, sched := range []cron.Schedule{s.tipSched, s.quizSched} {
			if sched != nil {
				if d := sched.Next(now).Sub(now); d < wait {
					wait = d
				}
			}
		}
		// A round closing before then is revealed on time, not up to
		// maxWait late.
		if due, err := s.cfg.Store.DueRounds(runCtx, now.Add(wait)); err != nil {
			s.log.Warn("scheduler: could not look for rounds closing soon; looking again within 30 s", "err", err)
		} else {
			for _, r := range due {
				if d := r.Closes.Sub(now); d < wait {
					wait = d
				}
			}
		}
		timer := time.NewTimer(max(wait, 10*time.Millisecond))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-s.stop:
			timer.Stop()
			return
		case <-timer.C:
		}
		if err := s.RunDue(runCtx, s.cfg.Now()); err != nil {
			s.log.Error("scheduler: run failed", "err", err)
		}
	}
}

// RunNow does what is due now (RunDue at the scheduler's clock): the reveal
// of a round /quiz stop has just closed, say.
func (s *Scheduler) RunNow(ctx context.Context) error { return s.RunDue(ctx, s.cfg.Now()) }

// fanOut bounds how many channels one job posts to at once. Each channel's
// posts are spaced by its poster (Slack: about one a second per channel) and
// a 429 pauses only what it names, so one slow channel holds up no other.
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
	if err := s.runReveals(ctx, now); err != nil {
		errs = append(errs, err)
	}
	if s.tipSched != nil {
		slots := s.slots(s.tipSched, now)
		errs = append(errs, s.each(s.cfg.TipChannels, func(ch string) error { return s.runSlots(ctx, JobTip, ch, slots, now) }))
		if err := s.runDigest(ctx, now); err != nil {
			errs = append(errs, err)
		}
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
		s.execute(ctx, c, now)
	}
	return nil
}

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

// backoff is the wait before attempt n+1.
func backoff(attempt int) time.Duration {
	d := time.Minute << max(0, attempt-1)
	return min(d, 30*time.Minute)
}

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
	case JobReveal:
		if r, err := s.cfg.Store.Round(ctx, c.Key); err == nil {
			return r.Channel
		}
		return ""
	case JobTipDM:
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
