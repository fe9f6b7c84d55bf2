package intake_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"secbot/intake"
	"secbot/store"
	"secbot/store/sqlite"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func open(t *testing.T, path string, c *clock) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = c.Now
	t.Cleanup(func() { db.Close() })
	return db
}

// TestTakeOverFromDeadProcess: an input kept by a process that then died
// (stopped beating) is run again, once, by another process; inputs of a
// live process, and inputs done, are left alone; retries are recognised
// across processes.
func TestTakeOverFromDeadProcess(t *testing.T) {
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "secbot.db")
	var mu sync.Mutex
	var ran []string // what any process ran again
	newInbox := func(owner string) *intake.Inbox {
		in, err := intake.New(ctx, intake.Config{Store: open(t, path, c), Owner: owner, Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		in.Handle("k", func(_ context.Context, it store.Item) error {
			mu.Lock()
			ran = append(ran, it.Key+"="+string(it.Payload))
			mu.Unlock()
			return nil
		})
		return in
	}
	dead := newInbox("dead")
	alive := newInbox("alive")
	for _, k := range []string{"e1", "e2", "e3"} {
		if first, err := dead.Accept(ctx, k, "k", []byte("p-"+k)); err != nil || !first {
			t.Fatalf("Accept %s = %v, %v", k, first, err)
		}
	}
	dead.Done(ctx, "e3")
	if _, err := alive.Accept(ctx, "a1", "k", []byte("p-a1")); err != nil {
		t.Fatal(err)
	}
	// A retry of e1 delivered to the other process: recognised.
	if first, err := alive.Accept(ctx, "e1", "k", []byte("p-e1")); err != nil || first {
		t.Fatalf("retry of e1 = %v, %v; want seen before", first, err)
	}
	// Within the stale window nothing is taken over.
	survivor := newInbox("survivor")
	c.add(5 * time.Second)
	survivor.Tick(ctx)
	if len(ran) != 0 {
		t.Fatalf("took over inputs of a process still beating: %v", ran)
	}
	// "dead" stops beating; "alive" goes on.
	c.add(20 * time.Second)
	alive.Tick(ctx)
	survivor.Tick(ctx)
	survivor.Tick(ctx)
	alive.Tick(ctx)
	if got := ran; len(got) != 2 || got[0] != "e1=p-e1" && got[1] != "e1=p-e1" {
		t.Fatalf("ran %v, want e1 and e2 once each", got)
	}
}

// TestAcceptRefusesWhatItCannotKeep: an empty key or a store error means
// not kept (the front end must not ack), never a false "new".
func TestAcceptRefusesWhatItCannotKeep(t *testing.T) {
	ctx := context.Background()
	c := &clock{now: time.Now()}
	db := open(t, filepath.Join(t.TempDir(), "secbot.db"), c)
	in, err := intake.New(ctx, intake.Config{Store: db, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	if first, err := in.Accept(ctx, "", "k", nil); err == nil || first {
		t.Errorf("empty key accepted")
	}
	db.Close()
	if first, err := in.Accept(ctx, "x", "k", nil); err == nil || first {
		t.Errorf("Accept on a closed store = %v, %v; want an error", first, err)
	}
}

// TestOldInputsNotRunAgain: an abandoned input older than MaxAge is marked
// done without running (its response_url has expired), and a runner's
// panic does not stop the others.
func TestOldInputsNotRunAgain(t *testing.T) {
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "secbot.db")
	dead, err := intake.New(ctx, intake.Config{Store: open(t, path, c), Owner: "dead", Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"old", "boom", "fine"} {
		if _, err := dead.Accept(ctx, k, "k", nil); err != nil {
			t.Fatal(err)
		}
		if k == "old" {
			c.add(40 * time.Minute)
		}
	}
	c.add(time.Minute)
	db := open(t, path, c)
	in, err := intake.New(ctx, intake.Config{Store: db, Owner: "new", Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	var ran atomic.Int32
	in.Handle("k", func(_ context.Context, it store.Item) error {
		switch it.Key {
		case "old":
			t.Error("an input past MaxAge was run again")
		case "boom":
			panic("bad payload")
		}
		ran.Add(1)
		return errors.New("ignored")
	})
	in.Tick(ctx)
	if ran.Load() != 1 {
		t.Errorf("ran %d inputs, want 1 (fine)", ran.Load())
	}
	if n, _ := db.InboxDepth(ctx); n != 0 {
		t.Errorf("inbox depth after the take-over = %d, want 0 (all marked done)", n)
	}
}
