package schedules

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
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
	DefaultGrace        = 2 * time.Hour
	DefaultAnswerWindow = 24 * time.Hour
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
	// retries and reveals are never more than this late.
	maxWait = 30 * time.Second
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
	// AnswerWindow is how long a round takes answers (default 24h).
	AnswerWindow time.Duration
	// Grace is how late a slot may still be posted (catch-up after a
	// restart, retries after transient errors); default 2h.
	Grace time.Duration

	Pack  *knowledge.Pack
	Store Store
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
	// Owner names this process in claims (default host-pid-random).
	Owner string
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
	// skipped collects the slots one RunDue recorded as skipped, to log one
	// line per job and key rather than one per slot.
	skipped map[[2]string][]time.Time

	stop chan struct{}
	done chan struct{}
}

var _ bot.RoundControl = (*Scheduler)(nil)

// New returns a Scheduler for cfg. It refuses malformed specs and a missing
// store or pack.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.AnswerWindow <= 0 {
		cfg.AnswerWindow = DefaultAnswerWindow
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
		if due, err := s.cfg.Store.DueRounds(runCtx, now.Add(wait)); err == nil {
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

// RunDue does everything due at now: retries whose time has come, reveals of
// rounds that have closed, and the slots of every job in the last days that
// no process has claimed. Of those, per job and key, only the latest is
// posted, and only when within the grace window: a process down for an
// hour posts one tip, not sixty. The others are recorded as skipped and
// logged (one line per job and key). It returns the store errors (joined); posting
// errors are handled per claim (see execute) and logged.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	s.skipped = map[[2]string][]time.Time{}
	defer s.logSkipped(now)
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
		for _, ch := range s.cfg.TipChannels {
			errs = append(errs, s.runSlots(ctx, JobTip, ch, slots, now))
		}
		if err := s.runDigest(ctx, now); err != nil {
			errs = append(errs, err)
		}
	}
	if s.quizSched != nil {
		slots := s.slots(s.quizSched, now)
		for _, ch := range s.cfg.QuizChannels {
			errs = append(errs, s.runSlots(ctx, JobQuiz, ch, slots, now))
		}
	}
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

// runSlots runs the slots of job for key, oldest first (from slots): the
// latest is posted, the older ones nobody claimed are recorded as skipped.
func (s *Scheduler) runSlots(ctx context.Context, job, key string, slots []time.Time, now time.Time) error {
	var errs []error
	for i, slot := range slots {
		errs = append(errs, s.runSlot(ctx, job, key, slot, now, i == len(slots)-1))
	}
	return errors.Join(errs...)
}

// runSlot claims (job, key, slot) and posts it, or records it as skipped when
// it is older than the grace window or, not being the latest slot of its
// job and key, superseded by a later one.
func (s *Scheduler) runSlot(ctx context.Context, job, key string, slot, now time.Time, latest bool) error {
	if !s.once(job, key, slot) {
		return nil
	}
	c := Claim{Job: job, Key: key, Slot: slot, Status: StatusClaimed, Owner: s.cfg.Owner, Attempts: 1}
	late := now.Sub(slot)
	switch {
	case late > s.cfg.Grace:
		c.Status, c.Attempts = StatusSkipped, 0
		c.Detail = fmt.Sprintf("missed while no process ran; found %s late (grace %s)", late.Round(time.Minute), s.cfg.Grace)
	case !latest:
		c.Status, c.Attempts = StatusSkipped, 0
		c.Detail = fmt.Sprintf("missed while no process ran; found %s late, superseded by a later slot (only the latest missed slot is caught up)", late.Round(time.Second))
	}
	won, err := s.cfg.Store.Claim(ctx, c)
	if err != nil {
		s.forget(job, key, slot)
		return err
	}
	if !won {
		return nil
	}
	if c.Status == StatusSkipped {
		k := [2]string{job, key}
		s.skipped[k] = append(s.skipped[k], slot)
		return nil
	}
	if late > time.Minute {
		s.log.Info("scheduler: catching up a missed slot", "job", job, "key", key, "slot", slot.In(s.cfg.Location).Format(time.RFC3339), "late", late.Round(time.Second).String())
	}
	s.execute(ctx, c, now)
	return nil
}

// logSkipped logs the slots this RunDue skipped: one line per job and key.
func (s *Scheduler) logSkipped(now time.Time) {
	for k, slots := range s.skipped {
		latest := slots[len(slots)-1]
		s.log.Warn("scheduler: skipped slots missed while down", "job", k[0], "key", k[1], "count", len(slots),
			"latest", latest.In(s.cfg.Location).Format(time.RFC3339), "late", now.Sub(latest).Round(time.Minute).String(), "grace", s.cfg.Grace.String())
	}
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
	var errs []error
	for _, sub := range subs {
		if !s.canDirect(sub.Platform) {
			// No claim: should this platform's poster come back within
			// the grace window, the digest still goes out.
			continue
		}
		var due []time.Time
		for _, slot := range slots {
			if sub.Since.IsZero() || !sub.Since.After(slot) {
				due = append(due, slot)
			}
		}
		errs = append(errs, s.runSlots(ctx, JobTipDM, string(sub.Platform)+":"+sub.UserID, due, now))
	}
	return errors.Join(errs...)
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

// runPending retries claims whose retry time has come and fails the claims
// of processes that stopped mid-post.
func (s *Scheduler) runPending(ctx context.Context, now time.Time) error {
	pending, err := s.cfg.Store.PendingClaims(ctx)
	if err != nil {
		return err
	}
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
			if c.Updated.IsZero() || now.Sub(c.Updated) < lease {
				continue
			}
			// The process stopped between claiming and recording the
			// outcome: the post may or may not have gone out. Posting again
			// could double-post, so the slot is failed, loudly.
			next := c
			next.Status = StatusFailed
			next.Detail = "the process stopped while posting; the post may or may not have gone out"
			if won, err := s.cfg.Store.UpdateClaim(ctx, c, next); err != nil {
				return err
			} else if won {
				s.log.Error("scheduler: claim abandoned mid-post", "job", c.Job, "key", c.Key, "slot", c.Slot.In(s.cfg.Location).Format(time.RFC3339), "owner", c.Owner)
				if c.Job == JobReveal {
					// Never leave a round open for ever: close it.
					s.closeRound(ctx, c.Key)
				}
			}
		}
	}
	return nil
}

// execute performs claim c, which this process holds, and records the
// outcome:
//   - success: StatusPosted with the message id;
//   - a quiz slot whose channel still has an open round (quiz.ErrRoundOpen):
//     StatusFailed, logged, never retried;
//   - a quiz slot whose answer window has already closed: StatusSkipped,
//     logged, never posted;
//   - an error wrapping bot.ErrPermanent (channel_not_found, not_in_channel,
//     a Teams workflow gone) or no poster for the channel: StatusFailed,
//     logged with the channel, never retried;
//   - any other error — transient, after the poster's own retries and
//     Retry-After waits: StatusRetry with a backoff (1m, 2m, 4m … 30m) as
//     long as the next try still falls within the grace window after the
//     slot (reveals: max(grace, 24h)) and fewer than 8 attempts were made;
//     then StatusFailed, logged.
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
		next.Status, next.Detail = StatusPosted, ""
	case c.Job == JobQuiz && errors.Is(err, quiz.ErrRoundOpen):
		// The channel's open round could not be closed for this slot
		// (another process is revealing it, say). Retrying would post this
		// round late, after its time; the next slot will have its turn.
		next.Status, next.Detail = StatusFailed, err.Error()
		s.log.Error("scheduler: quiz slot not posted: the channel still has an open round; not retrying", "channel", c.Key,
			"slot", c.Slot.In(s.cfg.Location).Format(time.RFC3339), "err", err)
	case errors.Is(err, errRoundClosed):
		next.Status, next.Detail = StatusSkipped, err.Error()
		s.log.Warn("scheduler: quiz round not posted: its answer window already closed", "channel", c.Key,
			"slot", c.Slot.In(s.cfg.Location).Format(time.RFC3339), "err", err)
	case errors.Is(err, bot.ErrPermanent) || errors.Is(err, errNoPoster):
		next.Status, next.Detail = StatusFailed, err.Error()
		s.log.Error("scheduler: permanent posting error; not retrying", "job", c.Job, "channel", s.channelOf(rctx, c), "key", c.Key, "err", err)
		s.giveUp(rctx, c)
	default:
		deadline := c.Slot.Add(s.cfg.Grace)
		if c.Job == JobReveal {
			deadline = c.Slot.Add(max(s.cfg.Grace, 24*time.Hour))
		}
		retryAt := now.Add(backoff(c.Attempts))
		next.Detail = err.Error()
		if c.Attempts < maxAttempts && !retryAt.After(deadline) {
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
	switch c.Job {
	case JobQuiz:
		if r, err := s.cfg.Store.Round(ctx, s.roundID(c.Key, c.Slot)); err == nil {
			s.closeRound(ctx, r.ID)
		}
	case JobReveal:
		s.closeRound(ctx, c.Key)
	}
}

func (s *Scheduler) closeRound(ctx context.Context, id string) {
	if _, err := s.cfg.Store.MarkRevealed(ctx, id); err != nil && !errors.Is(err, quiz.ErrNotFound) {
		s.log.Error("scheduler: could not close round", "round", id, "err", err)
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

var (
	errNoPoster = errors.New("no poster for the channel")
	// errRoundClosed: a scheduled round's answer window ended before it
	// could be posted.
	errRoundClosed = errors.New("the round's answer window has already closed")
)

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
		id, err := p.Post(ctx, c.Key, bot.TipReply(bot.NewTipCard(s.cfg.Pack, tip, day)))
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
		return "", dp.PostDirect(ctx, user, bot.TipReply(bot.NewTipCard(s.cfg.Pack, tip, day)))
	case JobQuiz:
		r, err := s.openRound(ctx, c.Key, s.roundID(c.Key, c.Slot), seedFor(c.Key, c.Slot), c.Slot, now, true)
		return r.MessageID, err
	case JobReveal:
		return s.reveal(ctx, c.Key)
	}
	return "", fmt.Errorf("%w: unknown job %q", bot.ErrPermanent, c.Job)
}

// roundID names the scheduled round of channel at slot: stable, so that a
// retry finds the round it created.
func (s *Scheduler) roundID(channel string, slot time.Time) string {
	return slot.In(s.cfg.Location).Format("20060102T1504") + "-" + strings.ReplaceAll(channel, "|", "_")
}

// seedFor is the question seed of channel's round at slot.
func seedFor(channel string, slot time.Time) int64 {
	h := fnv.New64a()
	h.Write([]byte(channel + "|" + slot.UTC().Format(time.RFC3339)))
	return int64(h.Sum64() >> 1)
}

// openRound creates (or, on a retry, finds) round id and posts it. With
// replace, an unrevealed round still open in the channel is revealed first;
// without, quiz.ErrRoundOpen is returned.
func (s *Scheduler) openRound(ctx context.Context, channel, id string, seed int64, opened, now time.Time, replace bool) (quiz.Round, error) {
	st := s.cfg.Store
	p, err := s.poster(channel)
	if err != nil {
		return quiz.Round{}, err
	}
	r, err := st.Round(ctx, id)
	if errors.Is(err, quiz.ErrNotFound) {
		if closes := opened.Add(s.cfg.AnswerWindow); !now.Before(closes) {
			return quiz.Round{}, fmt.Errorf("%w: round %s would have closed at %s", errRoundClosed, id, closes.In(s.cfg.Location).Format(time.RFC3339))
		}
		q, gerr := quiz.Generate(s.cfg.Pack, seed)
		if gerr != nil {
			return quiz.Round{}, fmt.Errorf("%w: %v", bot.ErrPermanent, gerr)
		}
		r = quiz.Round{ID: id, Channel: channel, Question: q, Seed: seed, Opened: opened, Closes: opened.Add(s.cfg.AnswerWindow)}
		err = st.CreateRound(ctx, r)
		if errors.Is(err, quiz.ErrRoundOpen) && replace {
			old, oerr := st.OpenRound(ctx, channel)
			if oerr != nil {
				return quiz.Round{}, oerr
			}
			s.log.Info("scheduler: closing the open round early for the next one", "channel", channel, "round", old.ID)
			if err := s.revealNow(ctx, old, now); err != nil {
				return quiz.Round{}, err
			}
			err = st.CreateRound(ctx, r)
		}
	}
	if err != nil {
		return quiz.Round{}, err
	}
	if r.Revealed {
		return r, fmt.Errorf("%w: round %s was closed before it could be posted", bot.ErrPermanent, r.ID)
	}
	if r.MessageID != "" {
		return r, nil // posted by an earlier try
	}
	if !now.Before(r.Closes) {
		// Created by an earlier try, never posted, and closed since:
		// posting it now would ask a question nobody can answer.
		s.closeRound(context.WithoutCancel(ctx), r.ID)
		return r, fmt.Errorf("%w: round %s closed at %s", errRoundClosed, r.ID, r.Closes.In(s.cfg.Location).Format(time.RFC3339))
	}
	reply := bot.RoundReply(bot.NewRoundCard(s.cfg.Pack, r, quiz.Tally{}, s.cfg.Location))
	msgID, err := p.Post(ctx, channel, reply)
	if err != nil {
		return r, err
	}
	r.MessageID = msgID
	rctx := context.WithoutCancel(ctx)
	ok, err := st.SetRoundMessage(rctx, r.ID, msgID)
	if err != nil {
		return r, err
	}
	if !ok {
		// Closed (/quiz stop, another process) while it was being
		// posted: it stays closed, and the message just posted says so.
		s.log.Warn("scheduler: round closed while its message was being posted", "channel", channel, "round", r.ID)
		r.Revealed = true
		s.showRevealed(rctx, p, r)
	}
	return r, nil
}

// showRevealed updates r's message to its revealed card (best effort).
func (s *Scheduler) showRevealed(ctx context.Context, p bot.Poster, r quiz.Round) {
	t, err := s.cfg.Store.Tally(ctx, r.ID)
	if err == nil {
		err = p.Update(ctx, r.Channel, r.MessageID, bot.RoundReply(bot.NewRoundCard(s.cfg.Pack, r, t, s.cfg.Location)))
	}
	if err != nil {
		s.log.Warn("scheduler: could not update the round message", "channel", r.Channel, "round", r.ID, "err", err)
	}
}

// revealNow closes r now and reveals it (claimed like any reveal).
func (s *Scheduler) revealNow(ctx context.Context, r quiz.Round, now time.Time) error {
	if now.Before(r.Closes) {
		if _, err := s.cfg.Store.CloseRoundAt(ctx, r.ID, now); err != nil {
			return err
		}
		// Re-read: another process may have closed or revealed it first,
		// and the reveal claim must be the one it would make.
		var err error
		if r, err = s.cfg.Store.Round(ctx, r.ID); err != nil {
			return err
		}
		if r.Revealed {
			return nil
		}
	}
	c := Claim{Job: JobReveal, Key: r.ID, Slot: r.Closes, Status: StatusClaimed, Owner: s.cfg.Owner, Attempts: 1}
	s.once(JobReveal, r.ID, r.Closes)
	won, err := s.cfg.Store.Claim(ctx, c)
	if err != nil || !won {
		return err
	}
	return s.execute(ctx, c, now)
}

// reveal updates the round message to show the answer and posts the reveal
// in the channel: 正解, the explanation with its section, and the share who
// got it right.
func (s *Scheduler) reveal(ctx context.Context, id string) (string, error) {
	st := s.cfg.Store
	r, err := st.Round(ctx, id)
	if err != nil {
		return "", err
	}
	if r.Revealed {
		return "", nil
	}
	p, err := s.poster(r.Channel)
	if err != nil {
		return "", err
	}
	t, err := st.Tally(ctx, id)
	if err != nil {
		return "", err
	}
	r.Revealed = true
	reply := bot.RoundReply(bot.NewRoundCard(s.cfg.Pack, r, t, s.cfg.Location))
	if r.MessageID != "" {
		if err := p.Update(ctx, r.Channel, r.MessageID, reply); err != nil {
			if !errors.Is(err, bot.ErrPermanent) {
				return "", err
			}
			// The round message is gone (deleted, say): the reveal post
			// below still tells the channel.
			s.log.Warn("scheduler: could not update the round message", "channel", r.Channel, "round", id, "err", err)
		}
	}
	msgID, err := p.Post(ctx, r.Channel, reply)
	if err != nil {
		return "", err
	}
	ok, err := st.MarkRevealed(context.WithoutCancel(ctx), id)
	if err != nil {
		return msgID, err
	}
	if !ok {
		s.log.Warn("scheduler: round was revealed by another process meanwhile", "channel", r.Channel, "round", id)
	}
	return msgID, nil
}

// StartRound implements bot.RoundControl: it opens a round in channel now
// (/quiz start) and posts it there.
func (s *Scheduler) StartRound(ctx context.Context, channel string) (quiz.Round, error) {
	now := s.cfg.Now()
	if _, err := s.cfg.Store.OpenRound(ctx, channel); err == nil {
		return quiz.Round{}, quiz.ErrRoundOpen
	} else if !errors.Is(err, quiz.ErrNotFound) {
		return quiz.Round{}, err
	}
	// Unique per start, not per second: /quiz start, stop, start within a
	// second makes two rounds. No '|' (bot.EncodeAnswer's separator).
	b := make([]byte, 8)
	rand.Read(b)
	id := now.In(s.cfg.Location).Format("20060102T150405") + "m" + hex.EncodeToString(b[:4]) + "-" + strings.ReplaceAll(channel, "|", "_")
	seed := int64(binary.BigEndian.Uint64(b) >> 1)
	r, err := s.openRound(ctx, channel, id, seed, now, now, false)
	if err != nil && !errors.Is(err, quiz.ErrRoundOpen) && r.ID != "" {
		s.closeRound(context.WithoutCancel(ctx), r.ID) // never posted: close it
	}
	return r, err
}

// StopRound implements bot.RoundControl: it closes the channel's open round
// now (/quiz stop) and reveals it.
func (s *Scheduler) StopRound(ctx context.Context, channel string) (quiz.Round, error) {
	r, err := s.cfg.Store.OpenRound(ctx, channel)
	if err != nil {
		return quiz.Round{}, err
	}
	return r, s.revealNow(ctx, r, s.cfg.Now())
}
