package schedules

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/quiz/rounds"
	"secbot/store"
)

// Job names, as stored in claims.
const (
	JobTip    = "tip"            // Key: channel
	JobTipDM  = "tip-dm"         // Key: "platform:userID"
	JobQuiz   = "quiz"           // Key: channel
	JobReveal = "reveal"         // Key: round id; Slot: the round's closing time
	JobRemind = rounds.JobRemind // Key: round id; Slot: the reminder's time
	JobDigest = "digest"         // Key: the manager's user id
	// JobPractice sends a learner the day's practice question; Key:
	// "platform:userID", Slot: the day's first tip slot.
	JobPractice = "practice"
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
	// DigestSpec schedules the managers' weekly digest ("0 17 * * 5"); ""
	// or no Managers disables it. Managers maps a manager's user id (Slack
	// U…, or a Teams user's Entra object id) to the quiz channels they
	// follow; Digest writes their digest (package digest).
	DigestSpec string
	Managers   map[string][]string
	Digest     func(ctx context.Context, channels []string, at time.Time) (bot.Reply, error)
	// Practice sends spaced-practice questions by DM on tip days, at the
	// day's first tip slot (nil: none; it needs TipSpec and Direct).
	Practice Practice
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
	// Metrics counts claims won, skipped and taken over; nil counts
	// nothing. *metrics.Metrics implements it.
	Metrics Metrics
	// Stale is how long an owner may go without beating before its claims
	// in progress are taken for abandoned (default 10 s, as intake's).
	Stale time.Duration
}

// Metrics is what the scheduler counts.
type Metrics interface {
	Claim(job, result string)
	StoreError(op string)
}

// count tells Metrics, if any.
func (s *Scheduler) count(job, result string) {
	if s.cfg.Metrics != nil {
		s.cfg.Metrics.Claim(job, result)
	}
}

// Practice is spaced practice as the scheduler drives it;
// practice.Practice implements it.
type Practice interface {
	// Due lists the learners with a question due on the day at falls on.
	Due(ctx context.Context, at time.Time) ([]store.Learner, error)
	// Send sends learner l the question of slot's day through dp.
	Send(ctx context.Context, l store.Learner, slot time.Time, dp bot.DirectPoster, tag bot.PostTag) error
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
	// RemindersDue lists the closing reminders due at now; Remind posts
	// one (claimed first, like a reveal).
	RemindersDue(ctx context.Context, now time.Time) ([]rounds.Reminder, error)
	Remind(ctx context.Context, roundID string, tag bot.PostTag) (messageID string, err error)
}

// Scheduler posts the daily tips, opens and reveals the quiz rounds, and
// sends the DM digest, each (job, key, slot) exactly once across processes
// sharing a store. Its core is RunDue(ctx, now), which does whatever is due
// at now; Start runs it on a timer computed from the cron schedules, and
// tests call it with any time they like.
type Scheduler struct {
	cfg         Config
	tipSched    cron.Schedule
	quizSched   cron.Schedule
	digestSched cron.Schedule
	tips        *Tips
	log         *slog.Logger

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
	if cfg.DigestSpec != "" && len(cfg.Managers) > 0 {
		if cfg.Digest == nil {
			return nil, errors.New("schedules: a digest schedule needs Config.Digest")
		}
		if s.digestSched, err = ParseSpec(cfg.DigestSpec, cfg.Location); err != nil {
			return nil, fmt.Errorf("schedules: digest: %w", err)
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
		for _, sched := range []cron.Schedule{s.tipSched, s.quizSched, s.digestSched} {
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
