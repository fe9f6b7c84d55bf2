package slack

import (
	"sync"
	"testing"
)

// TestKeyedLocksSerialiseOneKey: clicks on one round message run one at a
// time (so the answered count on the message never goes back), clicks on
// different messages do not wait for each other, and no lock is kept once
// nobody holds it.
func TestKeyedLocksSerialiseOneKey(t *testing.T) {
	var k keyedLocks
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := k.lock("C1/1.1")
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if most != 1 {
		t.Errorf("%d clicks on one message ran at once, want 1", most)
	}
	other := k.lock("C1/2.2")
	done := make(chan struct{})
	go func() { k.lock("C1/3.3")(); close(done) }()
	<-done // would hang if different messages shared a lock
	other()
	if len(k.m) != 0 {
		t.Errorf("%d locks kept after use", len(k.m))
	}
}
