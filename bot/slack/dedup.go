package slack

import (
	"sync"
	"time"
)

// dedup remembers the event ids it has seen for ttl, at most max of them,
// so that an event Slack retries (X-Slack-Retry-Num, the same event_id) is
// answered once. When full it forgets the oldest first.
type dedup struct {
	max int
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	seen  map[string]time.Time
	order []string // ids in the order first seen
}

func newDedup(max int, ttl time.Duration, now func() time.Time) *dedup {
	return &dedup{max: max, ttl: ttl, now: now, seen: map[string]time.Time{}}
}

// first reports whether id is new, and remembers it. An empty id is always
// new: there is nothing to recognise it by.
func (d *dedup) first(id string) bool {
	if id == "" {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	// Forget expired ids and, when full, the oldest.
	for len(d.order) > 0 {
		oldest := d.order[0]
		if now.Sub(d.seen[oldest]) < d.ttl && len(d.order) < d.max {
			break
		}
		delete(d.seen, oldest)
		d.order = d.order[1:]
	}
	if _, ok := d.seen[id]; ok {
		return false
	}
	d.seen[id] = now
	d.order = append(d.order, id)
	return true
}
