package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"secbot/store"
)

func testInbox(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	if n, err := s.InboxDepth(ctx); n != 0 || err != nil {
		t.Fatalf("InboxDepth on a new store = %d, %v", n, err)
	}
	payload := []byte("{\"text\":\"ゼロトラスト\"}\x00\xff") // bytes, not text
	a := store.Item{Key: "Ev1", Kind: "slack.event", Payload: payload, Owner: "p1"}
	received := T0.Add(-time.Second + 999_999) // kept to the millisecond
	bi := store.Item{Key: "ev1", Kind: "slack.command", Payload: []byte("x"), Owner: "p1", Attempts: 2, Received: received}
	for _, it := range []store.Item{a, bi} {
		if ok, err := s.PutInbox(ctx, it); !ok || err != nil {
			t.Fatalf("PutInbox(%s) = %v, %v", it.Key, ok, err)
		}
	}
	again := a
	again.Payload = []byte("other")
	if ok, err := s.PutInbox(ctx, again); ok || err != nil {
		t.Errorf("PutInbox of a kept key = %v, %v; want false, nil", ok, err)
	}
	got, ok, err := s.InboxItem(ctx, "Ev1")
	if err != nil || !ok || got.Key != "Ev1" || got.Kind != "slack.event" || !bytes.Equal(got.Payload, payload) ||
		got.Owner != "p1" || got.Attempts != 0 || !sameTime(got.Received, T0) || !got.Done.IsZero() {
		t.Errorf("InboxItem(Ev1) = %+v, %v, %v; want it as put, received now, not done", got, ok, err)
	}
	got, _, _ = s.InboxItem(ctx, "ev1")
	if got.Attempts != 2 || !sameTime(got.Received, received) {
		t.Errorf("InboxItem(ev1) = %+v; want attempts 2, received %s", got, ms(received))
	}
	if _, ok, err := s.InboxItem(ctx, "nope"); ok || err != nil {
		t.Errorf("InboxItem(nope) = %v, %v; want false, nil", ok, err)
	}
	if n, err := s.InboxDepth(ctx); n != 2 || err != nil {
		t.Errorf("InboxDepth = %d, %v; want 2", n, err)
	}

	e.clock.Set(T0.Add(time.Minute))
	if err := s.FinishInbox(ctx, "Ev1"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(T0.Add(2 * time.Minute))
	if err := s.FinishInbox(ctx, "Ev1"); err != nil { // again: the first time stays
		t.Fatal(err)
	}
	if err := s.FinishInbox(ctx, "nope"); err != nil {
		t.Errorf("FinishInbox(nope) = %v; want nil", err)
	}
	if got, _, _ := s.InboxItem(ctx, "Ev1"); !sameTime(got.Done, T0.Add(time.Minute)) {
		t.Errorf("Done = %s, want %s", got.Done, T0.Add(time.Minute))
	}
	if n, _ := s.InboxDepth(ctx); n != 1 {
		t.Errorf("InboxDepth after finishing one = %d, want 1", n)
	}
	// A retry of a finished input is still recognised.
	if ok, err := s.PutInbox(ctx, a); ok || err != nil {
		t.Errorf("PutInbox of a finished key = %v, %v; want false, nil", ok, err)
	}

	// Heartbeats.
	e.clock.Set(T0)
	if err := s.Beat(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(T0.Add(time.Minute))
	if err := s.Beat(ctx, "p2"); err != nil {
		t.Fatal(err)
	}
	// Every owner that beat, and whether it did since then.
	if live, err := s.LiveOwners(ctx, T0.Add(time.Second)); err != nil || fmt.Sprint(live) != "map[p1:false p2:true]" {
		t.Errorf("LiveOwners = %v, %v; want p1 stopped, p2 alive", live, err)
	}
	if err := s.Beat(ctx, "p1"); err != nil { // beating again moves it on
		t.Fatal(err)
	}
	if live, err := s.LiveOwners(ctx, T0.Add(time.Minute)); err != nil || fmt.Sprint(live) != "map[p1:true p2:true]" {
		t.Errorf("LiveOwners = %v, %v; want p1 and p2", live, err)
	}

	// Pruning forgets what was done before the cut, and owners gone since.
	e.clock.Set(T0.Add(time.Hour))
	s.Beat(ctx, "p3")
	if n, err := s.PruneInbox(ctx, T0.Add(time.Minute)); n != 0 || err != nil {
		t.Errorf("PruneInbox(at the finish) = %d, %v; want 0 (done_at < before)", n, err)
	}
	if n, err := s.PruneInbox(ctx, T0.Add(30*time.Minute)); n != 1 || err != nil {
		t.Errorf("PruneInbox = %d, %v; want 1", n, err)
	}
	if _, ok, _ := s.InboxItem(ctx, "Ev1"); ok {
		t.Error("a pruned item is still kept")
	}
	if _, ok, _ := s.InboxItem(ctx, "ev1"); !ok {
		t.Error("a pending item was pruned")
	}
	if live, err := s.LiveOwners(ctx, time.Time{}); err != nil || fmt.Sprint(live) != "map[p3:true]" {
		t.Errorf("owners after pruning = %v, %v; want p3", live, err)
	}
}

func testInboxTakeOver(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	// p1 died at T0; p2 and "me" beat later.
	s.Beat(ctx, "p1")
	e.clock.Set(T0.Add(time.Minute))
	s.Beat(ctx, "p2")
	s.Beat(ctx, "me")
	put := func(key, owner string, received time.Duration, done bool) {
		t.Helper()
		it := store.Item{Key: key, Kind: "slack.event", Payload: []byte(key), Owner: owner, Attempts: 1, Received: T0.Add(received)}
		if ok, err := s.PutInbox(ctx, it); !ok || err != nil {
			t.Fatalf("PutInbox(%s) = %v, %v", key, ok, err)
		}
		if done {
			s.FinishInbox(ctx, key)
		}
	}
	put("d3", "p1", 3*time.Second, false)
	put("d1", "p1", 1*time.Second, false)
	put("d2", "p1", 2*time.Second, false)
	put("n1", "never-beat", 4*time.Second, false) // an owner that never beat is gone too
	put("done", "p1", 0, true)
	put("live", "p2", 0, false)
	put("mine", "me", 0, false)

	stale := T0.Add(30 * time.Second)
	keys := func(its []store.Item) string {
		var out string
		for _, it := range its {
			out += fmt.Sprintf("%s:%s:%d ", it.Key, it.Owner, it.Attempts)
		}
		return out
	}
	got, err := s.TakeInbox(ctx, "me", stale, 2)
	if want := "d1:me:2 d2:me:2 "; err != nil || keys(got) != want {
		t.Fatalf("TakeInbox(2) = %s, %v; want %s (the oldest, an attempt counted)", keys(got), err, want)
	}
	if !bytes.Equal(got[0].Payload, []byte("d1")) || got[0].Kind != "slack.event" || !sameTime(got[0].Received, T0.Add(time.Second)) {
		t.Errorf("taken item = %+v", got[0])
	}
	if it, _, _ := s.InboxItem(ctx, "d1"); it.Owner != "me" || it.Attempts != 2 {
		t.Errorf("stored after TakeInbox = %+v; want owner me, attempts 2", it)
	}
	got, err = s.TakeInbox(ctx, "me", stale, 10)
	if want := "d3:me:2 n1:me:2 "; err != nil || keys(got) != want {
		t.Errorf("TakeInbox(10) = %s, %v; want %s", keys(got), err, want)
	}
	// Nothing left: done items, live owners' items and its own stay.
	if got, err := s.TakeInbox(ctx, "me", stale, 10); err != nil || len(got) != 0 {
		t.Errorf("TakeInbox when nothing is stale = %s, %v", keys(got), err)
	}
	if got, err := s.TakeInbox(ctx, "p2", stale, 0); err != nil || len(got) != 0 {
		t.Errorf("TakeInbox(limit 0) = %s, %v", keys(got), err)
	}
	// Once "me" stops beating, another process takes its items.
	e.clock.Set(T0.Add(time.Hour))
	s.Beat(ctx, "p2")
	got, err = s.TakeInbox(ctx, "p2", T0.Add(30*time.Minute), 10)
	if want := "mine:p2:2 d1:p2:3 d2:p2:3 d3:p2:3 n1:p2:3 "; err != nil || keys(got) != want {
		t.Errorf("TakeInbox after me stopped = %s, %v; want %s", keys(got), err, want)
	}
}

// testInboxTakeRace: two live processes take over a dead one's items at
// once; no item is given to both, and every item is given.
func testInboxTakeRace(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	a, c := e.open(t), e.open(t)
	const n = 120
	for i := range n {
		it := store.Item{Key: fmt.Sprintf("ev%03d", i), Kind: "slack.event", Payload: []byte("{}"), Owner: "dead", Received: T0.Add(time.Duration(i) * time.Millisecond)}
		if ok, err := a.PutInbox(ctx, it); !ok || err != nil {
			t.Fatalf("PutInbox = %v, %v", ok, err)
		}
	}
	e.clock.Set(T0.Add(time.Hour))
	a.Beat(ctx, "A")
	c.Beat(ctx, "B")
	stale := T0.Add(30 * time.Minute)
	var mu sync.Mutex
	given := map[string][]string{}
	var wg sync.WaitGroup
	for _, w := range []struct {
		owner string
		s     Store
	}{{"A", a}, {"B", c}, {"A", c}, {"B", a}} { // each owner on both handles
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				its, err := w.s.TakeInbox(ctx, w.owner, stale, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(its) == 0 {
					return
				}
				mu.Lock()
				for _, it := range its {
					given[it.Key] = append(given[it.Key], w.owner)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(given) != n {
		t.Errorf("%d of %d items given", len(given), n)
	}
	var twice []string
	for k, owners := range given {
		if len(owners) > 1 {
			twice = append(twice, fmt.Sprintf("%s to %v", k, owners))
		}
	}
	sort.Strings(twice)
	if len(twice) > 0 {
		t.Errorf("items given more than once: %v", twice)
	}
}
