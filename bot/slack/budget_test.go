package slack

import (
	"context"
	"fmt"
	"testing"
	"time"

	"secbot/internal/fakeslack"
)

func TestBudgetTurns(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   Budget
		calls int
		want  time.Duration // clock time the calls take, back to back
	}{
		{"default: a burst of 20, then 20 a second", Budget{}, 60, 2 * time.Second},
		{"burst only", Budget{}, 20, 0},
		{"5 a second, burst 1", Budget{PerSecond: 5, Burst: 1}, 6, time.Second},
		{"5 a second, burst defaults to 5", Budget{PerSecond: 5}, 10, time.Second},
		{"off", Budget{PerSecond: -1}, 1000, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			b := newBudget(tc.cfg, clock.Now, clock.Sleep)
			start := clock.Now()
			for range tc.calls {
				if err := b.wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if got := clock.Now().Sub(start); got != tc.want {
				t.Errorf("%d calls took %v, want %v", tc.calls, got, tc.want)
			}
		})
	}
}

func TestBudgetRefillsWhenIdle(t *testing.T) {
	clock := newFakeClock()
	b := newBudget(Budget{PerSecond: 10, Burst: 10}, clock.Now, clock.Sleep)
	for range 10 {
		b.wait(context.Background())
	}
	if d := b.reserve(); d != 100*time.Millisecond {
		t.Fatalf("11th call waits %v, want 100ms", d)
	}
	clock.Sleep(context.Background(), 5*time.Second)
	for i := range 10 {
		if d := b.reserve(); d != 0 {
			t.Fatalf("call %d after an idle spell waits %v, want a burst", i, d)
		}
	}
}

func TestBudgetHoldPausesThenNoBurst(t *testing.T) {
	clock := newFakeClock()
	b := newBudget(Budget{PerSecond: 10, Burst: 10}, clock.Now, clock.Sleep)
	b.hold(clock.Now().Add(3 * time.Second))
	want := []time.Duration{3 * time.Second, 3100 * time.Millisecond, 3200 * time.Millisecond}
	for i, w := range want {
		if d := b.reserve(); d != w {
			t.Errorf("call %d waits %v, want %v", i, d, w)
		}
	}
}

func TestBudgetStormPausesEveryChannel(t *testing.T) {
	clock := newFakeClock()
	b := newBudget(Budget{}, clock.Now, clock.Sleep) // 20/s: a storm is 10 channels' 429s in a second
	until := clock.Now().Add(2 * time.Second)
	for i := range 9 {
		if b.limited(until) {
			t.Fatalf("429 %d paused every channel", i+1)
		}
		clock.Sleep(context.Background(), 50*time.Millisecond)
	}
	if d := b.reserve(); d != 0 {
		t.Fatalf("after 9 429s a call waits %v, want 0", d)
	}
	clock.Sleep(context.Background(), time.Second) // the first 9 age out
	for range 9 {
		b.limited(until)
	}
	if !b.limited(until) {
		t.Fatal("10 429s within a second did not pause every channel")
	}
	if d := b.reserve(); d != until.Sub(clock.Now()) {
		t.Errorf("after a storm a call waits %v, want %v", d, until.Sub(clock.Now()))
	}
}

// blockingSleep advances clock for short waits and blocks long ones
// (Retry-After 30 s) until release is closed, reporting each on blocked.
func blockingSleep(clock *fakeClock, blocked chan<- time.Duration, release <-chan struct{}) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		if d >= 10*time.Second {
			blocked <- d
			<-release
		}
		return clock.Sleep(ctx, d)
	}
}

func TestRateLimitPausesOnlyItsChannel(t *testing.T) {
	h := newHarness(t, tableRouter())
	blocked, release := make(chan time.Duration, 1), make(chan struct{})
	h.a.sleep = blockingSleep(h.clock, blocked, release)
	h.a.limit.sleep = h.a.sleep // the limiter waits Retry-After out
	h.slack.Fail("chat.postMessage", fakeslack.Failure{Status: 429, RetryAfter: 30})
	done := make(chan error)
	go func() {
		_, err := h.a.Post(context.Background(), "CSLOW", tipReply())
		done <- err
	}()
	if d := <-blocked; d != 30*time.Second {
		t.Fatalf("the rate-limited channel waits %v, want Retry-After 30s", d)
	}
	// CSLOW is waiting out its 429: other channels go at once.
	start := h.clock.Now()
	for i := range 5 {
		if _, err := h.a.Post(context.Background(), fmt.Sprintf("C%d", i), tipReply()); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.clock.Now().Sub(start); got != 0 {
		t.Errorf("other channels waited %v behind a 429", got)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var slow, others int
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Args.Get("channel") == "CSLOW" {
			slow++
		} else {
			others++
		}
	}
	if slow != 2 || others != 5 {
		t.Errorf("CSLOW had %d calls (want 429 then posted), others %d (want 5)", slow, others)
	}
}

func TestPostsWaitForTheWorkspaceBudget(t *testing.T) {
	h := newHarness(t, tableRouter(), func(c *Config) { c.PostBudget = Budget{PerSecond: 4, Burst: 2} })
	start := h.clock.Now()
	for i := range 6 {
		if _, err := h.a.Post(context.Background(), fmt.Sprintf("C%d", i), tipReply()); err != nil {
			t.Fatal(err)
		}
	}
	// 2 at once, then one every 250 ms.
	if got := h.clock.Now().Sub(start); got != time.Second {
		t.Errorf("6 posts to 6 channels took %v of clock, want 1s", got)
	}
	if n := len(h.slack.Calls("chat.postMessage")); n != 6 {
		t.Errorf("%d posts, want 6", n)
	}
}
