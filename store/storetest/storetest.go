// Package storetest is the contract every secbot store keeps: one suite of
// tests that store/sqlite and store/postgres both run (Run), so that the two
// return the same records, in the same order, with the same errors, and keep
// the same exactly-once promises under concurrency.
//
// A new store method gets its case here; a backend that lacks it then fails
// to compile its contract test, which is the point.
package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/quiz"
	"secbot/store"
)

// Store is every method a secbot store has.
type Store interface {
	// Scheduling claims (schedules.Claims) and the tip log.
	Claim(ctx context.Context, c store.Claim) (bool, error)
	UpdateClaim(ctx context.Context, old, next store.Claim) (bool, error)
	PendingClaims(ctx context.Context) ([]store.Claim, error)
	GetClaim(ctx context.Context, job, key string, slot time.Time) (store.Claim, bool, error)
	LastClaim(ctx context.Context, job, key string) (store.Claim, bool, error)
	Claims(ctx context.Context, job string) ([]store.Claim, error)
	RecordTip(ctx context.Context, channel, date, tipID string) error
	TipHistory(ctx context.Context, channel string) ([][2]string, error)

	// DM digest subscriptions.
	bot.Subscriptions
	Subscribers(ctx context.Context) ([]bot.Subscription, error)

	// The intake inbox and owner heartbeats.
	PutInbox(ctx context.Context, it store.Item) (bool, error)
	FinishInbox(ctx context.Context, key string) error
	TakeInbox(ctx context.Context, owner string, staleBefore time.Time, limit int) ([]store.Item, error)
	InboxItem(ctx context.Context, key string) (store.Item, bool, error)
	InboxDepth(ctx context.Context) (int, error)
	PruneInbox(ctx context.Context, before time.Time) (int, error)
	Beat(ctx context.Context, owner string) error
	LiveOwners(ctx context.Context, since time.Time) (map[string]bool, error)

	// Quiz rounds and answers, and what HR's reports and the curriculum read.
	quiz.Rounds
	quiz.Answers
	ListRounds(ctx context.Context, f quiz.Filter) ([]quiz.Round, error)
	History(ctx context.Context, channel string, from, to time.Time) ([]quiz.Asked, error)

	// Teams conversation references and members.
	// Channel member counts at rounds (report.MemberSource).
	SetRoundMembers(ctx context.Context, id string, n int) error
	RoundMembers(ctx context.Context, f quiz.Filter) (map[string]int, error)

	// Knowledge gaps: unanswered questions and votes on answers.
	RecordGap(ctx context.Context, text string) error
	Vote(ctx context.Context, answer, user string, up bool) (bool, error)
	Gaps(ctx context.Context, since time.Time, limit int) ([]store.Gap, error)
	LeastHelpful(ctx context.Context, since time.Time, limit int) ([]store.Feedback, error)

	// Spaced practice (practice.Store).
	SetLearner(ctx context.Context, l store.Learner) error
	Learner(ctx context.Context, userID string) (store.Learner, bool, error)
	DueLearners(ctx context.Context, day string) ([]store.Learner, error)
	MissTerms(ctx context.Context, cards []store.Card) (int, error)
	Cards(ctx context.Context, userID string) ([]store.Card, error)
	PutDrill(ctx context.Context, d store.Drill) (store.Drill, error)
	Drill(ctx context.Context, userID, day string) (store.Drill, error)
	AnswerDrill(ctx context.Context, d store.Drill, next store.Card) (bool, error)

	// What the Teams bot remembers (teamsbot.Store).
	SaveConversation(ctx context.Context, c store.Conversation) error
	Conversation(ctx context.Context, id string, personal bool) (store.Conversation, error)
	SaveMember(ctx context.Context, m store.Member) error
	Member(ctx context.Context, userID string) (store.Member, error)

	Version(ctx context.Context) (int, error)
	Close() error
}

// Backend is how the suite makes and opens databases of one kind.
type Backend struct {
	// Fresh makes a new, empty database for t and returns where it is (a
	// SQLite file path, a PostgreSQL URL). It is removed when t ends.
	Fresh func(t testing.TB) string
	// Open opens the database at dsn, applying migrations, with now as its
	// clock. It may be called from several goroutines at once.
	Open func(ctx context.Context, dsn string, now func() time.Time) (Store, error)
}

// T0 is the suite's starting time: a Monday, 10:00 in Tokyo.
var T0 = time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)

// Run runs the contract suite against b.
func Run(t *testing.T, b Backend) {
	t.Run("Migrations", func(t *testing.T) { testMigrations(t, b) })
	t.Run("ConcurrentFirstOpen", func(t *testing.T) { testConcurrentFirstOpen(t, b) })
	t.Run("Claims", func(t *testing.T) { testClaims(t, b) })
	t.Run("ClaimOrder", func(t *testing.T) { testClaimOrder(t, b) })
	t.Run("ClaimRace", func(t *testing.T) { testClaimRace(t, b) })
	t.Run("TipsAndSubscriptions", func(t *testing.T) { testTipsAndSubscriptions(t, b) })
	t.Run("Inbox", func(t *testing.T) { testInbox(t, b) })
	t.Run("InboxTakeOver", func(t *testing.T) { testInboxTakeOver(t, b) })
	t.Run("InboxTakeRace", func(t *testing.T) { testInboxTakeRace(t, b) })
	t.Run("Rounds", func(t *testing.T) { testRounds(t, b) })
	t.Run("RoundUpdatesNeverReopen", func(t *testing.T) { testRoundUpdatesNeverReopen(t, b) })
	t.Run("Answers", func(t *testing.T) { testAnswers(t, b) })
	t.Run("EarliestAnswerRace", func(t *testing.T) { testEarliestAnswerRace(t, b) })
	t.Run("Reports", func(t *testing.T) { testReports(t, b) })
	t.Run("Teams", func(t *testing.T) { testTeams(t, b) })
	t.Run("Gaps", func(t *testing.T) { testGaps(t, b) })
	t.Run("Members", func(t *testing.T) { testMembers(t, b) })
	t.Run("Practice", func(t *testing.T) { testPractice(t, b) })
	t.Run("DrillAnswerRace", func(t *testing.T) { testDrillAnswerRace(t, b) })
}

// Clock is a settable clock for a store's Now.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// env is one test's database.
type env struct {
	b     Backend
	dsn   string
	clock *Clock
}

func newEnv(t *testing.T, b Backend) *env {
	t.Helper()
	return &env{b: b, dsn: b.Fresh(t), clock: NewClock(T0)}
}

// open opens the test's database; it is closed when t ends.
func (e *env) open(t *testing.T) Store {
	t.Helper()
	s, err := e.b.Open(context.Background(), e.dsn, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// ms is t as stores keep it: millisecond precision, UTC.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Millisecond).UTC()
}

// sameTime reports whether got is want as a store returns it: equal to the
// millisecond, in UTC (or both zero).
func sameTime(got, want time.Time) bool {
	if want.IsZero() {
		return got.IsZero()
	}
	return got.Equal(ms(want)) && got.Location() == time.UTC
}
