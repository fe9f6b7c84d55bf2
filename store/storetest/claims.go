package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"secbot/bot"
	"secbot/store"
)

func testMigrations(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	v, err := s.Version(ctx)
	if err != nil || v < 2 {
		t.Fatalf("Version = %d, %v; want the last migration (at least 2)", v, err)
	}
	if ok, err := s.Claim(ctx, store.Claim{Job: "tip", Key: "C1", Slot: T0, Status: store.StatusClaimed}); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	s.Close()
	// Reopening applies nothing twice and keeps the records.
	s = e.open(t)
	if v2, err := s.Version(ctx); err != nil || v2 != v {
		t.Fatalf("Version after reopen = %d, %v; want %d", v2, err, v)
	}
	if _, ok, err := s.GetClaim(ctx, "tip", "C1", T0); !ok || err != nil {
		t.Fatalf("the claim is gone after reopen: %v, %v", ok, err)
	}
}

// testConcurrentFirstOpen: replicas starting together on a new database all
// open it, and every migration is applied once (a second application would
// fail on a table that exists).
func testConcurrentFirstOpen(t *testing.T, b Backend) {
	e := newEnv(t, b)
	const n = 3
	versions := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := b.Open(context.Background(), e.dsn, e.clock.Now)
			if err != nil {
				t.Errorf("opener %d: %v", i, err)
				return
			}
			defer s.Close()
			if versions[i], err = s.Version(context.Background()); err != nil {
				t.Errorf("opener %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	for i, v := range versions {
		if v != versions[0] || v == 0 {
			t.Errorf("opener %d sees version %d, opener 0 %d", i, v, versions[0])
		}
	}
}

func testClaims(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	tokyo := time.FixedZone("JST", 9*3600)
	// Sub-millisecond parts and a zone: the store keeps milliseconds, UTC.
	slot := time.Date(2026, 11, 30, 10, 0, 0, 123_456_789, tokyo)
	c := store.Claim{
		Job: "tip", Key: "C1", Slot: slot, Status: store.StatusClaimed, Owner: "p1", Attempts: 1,
		MessageID: "m0", Detail: "詳細", NextTry: slot.Add(time.Minute + 7), InDoubt: true,
	}
	if ok, err := s.Claim(ctx, c); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	other := c
	other.Owner = "p2"
	if ok, err := s.Claim(ctx, other); ok || err != nil {
		t.Fatalf("second Claim = %v, %v; want false, nil", ok, err)
	}
	got, ok, err := s.GetClaim(ctx, "tip", "C1", slot)
	if err != nil || !ok {
		t.Fatalf("GetClaim = %v, %v", ok, err)
	}
	if got.Job != "tip" || got.Key != "C1" || !sameTime(got.Slot, slot) || got.Status != store.StatusClaimed ||
		got.Owner != "p1" || got.Attempts != 1 || got.MessageID != "m0" || got.Detail != "詳細" ||
		!sameTime(got.NextTry, c.NextTry) || !got.InDoubt || !sameTime(got.Updated, T0) {
		t.Errorf("GetClaim = %+v\nwant the claim as put, times to the millisecond in UTC, Updated %s", got, T0)
	}
	// The same slot by another name (another zone, the stored precision).
	if _, ok, err := s.GetClaim(ctx, "tip", "C1", ms(slot)); !ok || err != nil {
		t.Errorf("GetClaim(slot in UTC, ms) = %v, %v", ok, err)
	}
	if _, ok, err := s.GetClaim(ctx, "tip", "C1", slot.Add(time.Second)); ok || err != nil {
		t.Errorf("GetClaim(another slot) = %v, %v; want false, nil", ok, err)
	}
	if _, ok, err := s.GetClaim(ctx, "tip-dm", "C1", slot); ok || err != nil {
		t.Errorf("GetClaim(another job) = %v, %v; want false, nil", ok, err)
	}

	// Compare and swap on status, owner and attempts.
	e.clock.Set(T0.Add(time.Minute))
	next := got
	next.Status, next.Attempts, next.MessageID, next.Detail, next.NextTry, next.InDoubt = store.StatusPosted, 2, "1700000000.000100", "", time.Time{}, false
	for _, stale := range []func(*store.Claim){
		func(c *store.Claim) { c.Owner = "p2" },
		func(c *store.Claim) { c.Attempts = 0 },
		func(c *store.Claim) { c.Status = store.StatusRetry },
		func(c *store.Claim) { c.Key = "C9" },
		func(c *store.Claim) { c.Slot = c.Slot.Add(time.Millisecond) },
	} {
		old := got
		stale(&old)
		if ok, err := s.UpdateClaim(ctx, old, next); ok || err != nil {
			t.Errorf("UpdateClaim from %+v = %v, %v; want false, nil", old, ok, err)
		}
	}
	if ok, err := s.UpdateClaim(ctx, got, next); !ok || err != nil {
		t.Fatalf("UpdateClaim = %v, %v", ok, err)
	}
	if ok, err := s.UpdateClaim(ctx, got, next); ok || err != nil {
		t.Errorf("UpdateClaim again from the old view = %v, %v; want false, nil", ok, err)
	}
	got2, _, err := s.GetClaim(ctx, "tip", "C1", slot)
	if err != nil || got2.Status != store.StatusPosted || got2.Owner != "p1" || got2.Attempts != 2 ||
		got2.MessageID != "1700000000.000100" || got2.Detail != "" || !got2.NextTry.IsZero() || got2.InDoubt ||
		!sameTime(got2.Updated, T0.Add(time.Minute)) || !sameTime(got2.Slot, slot) {
		t.Errorf("after UpdateClaim = %+v, %v", got2, err)
	}
}

func testClaimOrder(t *testing.T, b Backend) {
	ctx := context.Background()
	s := newEnv(t, b).open(t)
	if p, err := s.PendingClaims(ctx); err != nil || len(p) != 0 {
		t.Fatalf("PendingClaims on a new store = %+v, %v", p, err)
	}
	if cs, err := s.Claims(ctx, "tip"); err != nil || len(cs) != 0 {
		t.Fatalf("Claims on a new store = %+v, %v", cs, err)
	}
	h := time.Hour
	put := []store.Claim{
		{Job: "tip", Key: "b", Slot: T0.Add(h), Status: store.StatusRetry},
		{Job: "tip", Key: "a", Slot: T0.Add(h), Status: store.StatusClaimed},
		{Job: "tip", Key: "B", Slot: T0.Add(h), Status: store.StatusPosted}, // "B" < "a": bytes, not a locale
		{Job: "tip", Key: "z", Slot: T0, Status: store.StatusFailed},
		{Job: "quiz", Key: "a", Slot: T0.Add(h), Status: store.StatusClaimed},
		{Job: "reveal", Key: "r1", Slot: T0.Add(2 * h), Status: store.StatusSkipped},
		{Job: "tip-dm", Key: "U1", Slot: T0.Add(-h), Status: store.StatusRetry},
	}
	for _, c := range put {
		if ok, err := s.Claim(ctx, c); !ok || err != nil {
			t.Fatalf("Claim(%+v) = %v, %v", c, ok, err)
		}
	}
	ids := func(cs []store.Claim) string {
		var out string
		for _, c := range cs {
			out += fmt.Sprintf("%s/%s/%s ", c.Job, c.Key, c.Slot.Format("15"))
		}
		return out
	}
	// Pending: claimed and retry, by slot, job, key.
	p, err := s.PendingClaims(ctx)
	if want := "tip-dm/U1/00 quiz/a/02 tip/a/02 tip/b/02 "; err != nil || ids(p) != want {
		t.Errorf("PendingClaims = %s, %v\nwant %s", ids(p), err, want)
	}
	// The latest slot of a job and key.
	if ok, err := s.Claim(ctx, store.Claim{Job: "tip", Key: "b", Slot: T0.Add(-5 * h), Status: store.StatusPosted}); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	if c, ok, err := s.LastClaim(ctx, "tip", "b"); !ok || err != nil || !sameTime(c.Slot, T0.Add(h)) || c.Status != store.StatusRetry {
		t.Errorf("LastClaim(tip, b) = %+v, %v, %v; want the slot at %s", c, ok, err, T0.Add(h))
	}
	if _, ok, err := s.LastClaim(ctx, "tip", "nope"); ok || err != nil {
		t.Errorf("LastClaim(tip, nope) = %v, %v; want false, nil", ok, err)
	}
	// A job's claims: by slot, key.
	cs, err := s.Claims(ctx, "tip")
	if want := "tip/b/20 tip/z/01 tip/B/02 tip/a/02 tip/b/02 "; err != nil || ids(cs) != want {
		t.Errorf("Claims(tip) = %s, %v\nwant %s", ids(cs), err, want)
	}
}

// testClaimRace: many processes claim one slot at once; exactly one wins,
// and of many moving the claim on from one view, exactly one succeeds.
func testClaimRace(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	stores := []Store{e.open(t), e.open(t)} // two handles, as two replicas
	c := store.Claim{Job: "tip", Key: "C1", Slot: T0, Status: store.StatusClaimed, Attempts: 1}
	const n = 32
	var wins atomic.Int32
	var winner atomic.Value
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := c
			c.Owner = fmt.Sprintf("p%d", i)
			ok, err := stores[i%2].Claim(ctx, c)
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
				winner.Store(c.Owner)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claimers won the slot, want 1", wins.Load())
	}
	got, _, err := stores[1].GetClaim(ctx, "tip", "C1", T0)
	if err != nil || got.Owner != winner.Load() {
		t.Fatalf("claim = %+v, %v; the winner was %v", got, err, winner.Load())
	}

	wins.Store(0)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := got
			next.Status, next.Owner = store.StatusRetry, fmt.Sprintf("q%d", i)
			ok, err := stores[i%2].UpdateClaim(ctx, got, next)
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d UpdateClaims from one view succeeded, want 1", wins.Load())
	}
}

func testTipsAndSubscriptions(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	if subs, err := s.Subscribers(ctx); err != nil || len(subs) != 0 {
		t.Fatalf("Subscribers on a new store = %+v, %v", subs, err)
	}
	sub := bot.Subscription{Platform: bot.Slack, UserID: "U1", UserName: "佐藤"}
	if ok, err := s.Subscribe(ctx, sub); !ok || err != nil {
		t.Fatalf("Subscribe = %v %v", ok, err)
	}
	e.clock.Set(T0.Add(time.Minute))
	if ok, err := s.Subscribe(ctx, sub); ok || err != nil {
		t.Errorf("second Subscribe = %v, %v; want false, nil", ok, err)
	}
	// Same time: by platform, then user id, byte order.
	for _, u := range []bot.Subscription{
		{Platform: bot.Slack, UserID: "u2"},
		{Platform: bot.Slack, UserID: "U3"},
		{Platform: "teams", UserID: "29:a"},
	} {
		if ok, err := s.Subscribe(ctx, u); !ok || err != nil {
			t.Fatalf("Subscribe(%+v) = %v %v", u, ok, err)
		}
	}
	subs, err := s.Subscribers(ctx)
	var got string
	for _, s := range subs {
		got += fmt.Sprintf("%s:%s@%s ", s.Platform, s.UserID, s.Since.Format("15:04"))
	}
	if want := "slack:U1@01:00 slack:U3@01:01 slack:u2@01:01 teams:29:a@01:01 "; err != nil || got != want {
		t.Errorf("Subscribers = %s, %v\nwant %s", got, err, want)
	}
	if subs[0].UserName != "佐藤" || !sameTime(subs[0].Since, T0) {
		t.Errorf("first subscriber = %+v", subs[0])
	}
	if ok, err := s.Unsubscribe(ctx, bot.Slack, "U1"); !ok || err != nil {
		t.Errorf("Unsubscribe = %v, %v", ok, err)
	}
	if ok, err := s.Unsubscribe(ctx, bot.Slack, "U1"); ok || err != nil {
		t.Errorf("second Unsubscribe = %v, %v; want false, nil", ok, err)
	}
	if ok, _ := s.Unsubscribe(ctx, "teams", "U3"); ok {
		t.Error("Unsubscribe on the wrong platform removed one")
	}

	if h, err := s.TipHistory(ctx, "C1"); err != nil || len(h) != 0 {
		t.Fatalf("TipHistory on a new store = %v, %v", h, err)
	}
	for _, r := range [][3]string{
		{"C1", "2026-12-01", "tip-4"},
		{"C1", "2026-11-30", "tip-3"},
		{"C2", "2026-11-30", "tip-9"},
		{"C1", "2026-12-01", "tip-5"}, // the same day again: the last one counts
	} {
		if err := s.RecordTip(ctx, r[0], r[1], r[2]); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.TipHistory(ctx, "C1")
	if err != nil || fmt.Sprint(h) != "[[2026-11-30 tip-3] [2026-12-01 tip-5]]" {
		t.Errorf("TipHistory(C1) = %v, %v", h, err)
	}
}
