package slack

import (
	"context"
	"math"
	"sync"
	"time"
)

// Budget is the workspace-wide allowance of chat.postMessage calls, on top
// of the one-a-second spacing per channel. Slack's chat.postMessage is a
// "special tier" method: about one message a second per channel, with short
// bursts, plus a workspace-wide limit it does not publish (see
// docs/fanout.md). The zero value is 20 calls a second with bursts of 20.
type Budget struct {
	// PerSecond is the sustained rate of calls; 0 means 20, a negative
	// rate turns the budget off (only Slack's own 429s then slow posts down
	// across channels).
	PerSecond float64
	// Burst is how many calls may go at once after a quiet spell; 0 means
	// PerSecond rounded up.
	Burst int
}

// DefaultBudget is the Budget the zero value stands for.
var DefaultBudget = Budget{PerSecond: 20, Burst: 20}

// budget is a token bucket shared by every channel's posts, kept as GCRA
// (the time the next call is theoretically due): call n of a busy burst
// goes at due-tolerance, so Burst calls go at once and then one every
// 1/PerSecond. Calls reserve their turn in order and sleep until it, so the
// bucket is fair and needs no background goroutine.
type budget struct {
	every     time.Duration // 1/PerSecond; 0: no budget
	tolerance time.Duration // (Burst-1) × every
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error

	mu    sync.Mutex
	due   time.Time   // the theoretical time of the next call
	until time.Time   // paused until then (a workspace-wide 429)
	storm []time.Time // the channel 429s of the last second
}

func newBudget(cfg Budget, now func() time.Time, sleep func(context.Context, time.Duration) error) *budget {
	b := &budget{now: now, sleep: sleep}
	if cfg.PerSecond == 0 {
		cfg.PerSecond = DefaultBudget.PerSecond
		if cfg.Burst == 0 {
			cfg.Burst = DefaultBudget.Burst
		}
	}
	if cfg.PerSecond < 0 {
		return b
	}
	if cfg.Burst <= 0 {
		cfg.Burst = int(math.Ceil(cfg.PerSecond))
	}
	b.every = time.Duration(float64(time.Second) / cfg.PerSecond)
	b.tolerance = time.Duration(cfg.Burst-1) * b.every
	return b
}

// reserve takes the next turn and returns how long to wait for it.
func (b *budget) reserve() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	at := now
	if b.until.After(at) {
		at = b.until
	}
	if b.every == 0 {
		return at.Sub(now)
	}
	if b.due.Before(at) {
		b.due = at
	}
	if t := b.due.Add(-b.tolerance); t.After(at) {
		at = t
	}
	b.due = b.due.Add(b.every)
	return at.Sub(now)
}

// wait takes the next turn and sleeps until it.
func (b *budget) wait(ctx context.Context) error {
	return b.sleep(ctx, b.reserve())
}

// hold pauses every channel's posts until until, then lets them go again
// at the sustained rate, without a burst.
func (b *budget) hold(until time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pause(until)
}

func (b *budget) pause(until time.Time) {
	if b.until.Before(until) {
		b.until = until
	}
	// No burst after the pause: the first call goes at until, the next
	// ones one every 1/PerSecond.
	if d := until.Add(b.tolerance); b.due.Before(d) {
		b.due = d
	}
}

// stormSize is how many 429s naming different channels within a second
// take the workspace's limit, rather than the channels', to be what Slack
// enforces: a 429 does not say which limit it is. It is half of what the
// budget lets through in a second (at least 3), so the 429s of a few busy
// channels never pause the others.
func (b *budget) stormSize() int {
	if b.every == 0 {
		return 10
	}
	return max(3, int(time.Second/b.every)/2)
}

// limited records a 429 that made a channel wait until until. When 429s
// come from many channels at once the workspace limit is what Slack is
// enforcing: every channel is paused until until.
func (b *budget) limited(until time.Time) (paused bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	keep := b.storm[:0]
	for _, t := range b.storm {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	b.storm = append(keep, now)
	if len(b.storm) < b.stormSize() {
		return false
	}
	b.storm = b.storm[:0]
	b.pause(until)
	return true
}
