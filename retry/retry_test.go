package retry

import (
	"context"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		n             int
		base, ceiling time.Duration
		want          time.Duration
	}{
		{0, time.Second, time.Minute, time.Second},
		{1, time.Second, time.Minute, time.Second},
		{2, time.Second, time.Minute, 2 * time.Second},
		{7, time.Second, time.Minute, time.Minute},
		{1000, time.Second, time.Minute, time.Minute}, // no overflow
		{3, 250 * time.Millisecond, 8 * time.Second, time.Second},
		{6, time.Minute, 30 * time.Minute, 30 * time.Minute},
	} {
		if got := Backoff(tt.n, tt.base, tt.ceiling); got != tt.want {
			t.Errorf("Backoff(%d, %s, %s) = %s, want %s", tt.n, tt.base, tt.ceiling, got, tt.want)
		}
	}
}

func TestSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err == nil {
		t.Error("Sleep on an ended context returned nil")
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
}
