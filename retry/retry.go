// Package retry holds what every caller that retries shares: how long to
// back off after the nth failure, and a sleep that ends with its context.
// Each caller keeps its own base and ceiling (a Slack call retries after
// 250 ms, a scheduled post after a minute), not its own copy of the rule.
package retry

import (
	"context"
	"time"
)

// Backoff is the wait after the nth failure (1-based): base, doubling each
// time, at most ceiling. n < 1 counts as 1.
func Backoff(n int, base, ceiling time.Duration) time.Duration {
	n = max(n, 1)
	d := base
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}

// Sleep waits d, or until ctx ends (then it returns ctx's error). A d of
// zero or less returns at once, with ctx's error if it has ended.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
