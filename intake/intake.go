// Package intake keeps every input before it is acknowledged, and gets it
// done at least once.
//
// A front end calls Accept with the platform's own id of the input (a Slack
// event_id, a slash command's trigger_id, a Teams activity id) before it
// answers 200 or acks. Accept is one insert in the store:
//
//   - new: the input is kept; the front end acknowledges, does the work and
//     calls Done;
//   - seen before (a retry, a replay, a delivery to another replica): the
//     front end acknowledges and does nothing;
//   - an error: nothing is kept, and the front end must answer with an error
//     status so that the platform shows the person a failure, not a false OK.
//
// Each process beats in the store every few seconds (Run). When a process
// dies between Accept and Done, another process (or the same one restarted)
// sees its beat go stale, takes its pending items over and runs them again
// with the Runner registered for their kind. Runners must therefore be
// idempotent where it matters (a quiz answer is one insert keyed by round and
// person), and an input may, rarely, be answered twice; it is never lost.
package intake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"secbot/store"
)

// Store keeps the inbox. store/sqlite and store/postgres implement it.
type Store interface {
	// PutInbox keeps it unless its key is kept already; true when kept now.
	PutInbox(ctx context.Context, it store.Item) (bool, error)
	// FinishInbox marks the item done.
	FinishInbox(ctx context.Context, key string) error
	// TakeInbox hands owner up to limit pending items of owners that have
	// not beaten since staleBefore.
	TakeInbox(ctx context.Context, owner string, staleBefore time.Time, limit int) ([]store.Item, error)
	// Beat records that owner is alive.
	Beat(ctx context.Context, owner string) error
	// PruneInbox forgets items done before before, and owners silent since.
	PruneInbox(ctx context.Context, before time.Time) (int, error)
	// InboxDepth counts the pending items.
	InboxDepth(ctx context.Context) (int, error)
}

// A Runner does the work of a kept item again after its process died.
type Runner func(ctx context.Context, it store.Item) error

// Defaults of Config.
const (
	DefaultBeat    = 2 * time.Second
	DefaultStale   = 10 * time.Second
	DefaultKeep    = 24 * time.Hour
	DefaultMaxAge  = 30 * time.Minute
	DefaultWorkers = 8
)

// Config configures an Inbox. Store is required; zero values of the others
// are the defaults.
type Config struct {
	Store Store
	// Owner names this process in the store; "" means host-pid-random.
	Owner string
	// Beat is how often Run records that this process is alive (2 s).
	Beat time.Duration
	// Stale is how long a silent owner keeps its items (10 s): after it,
	// they are taken over.
	Stale time.Duration
	// Keep is how long a done item's key recognises a retry or a replay
	// (24 h; Slack retries within hours, replays are refused after 5 min).
	Keep time.Duration
	// MaxAge: an item taken over when older than this (30 min) is not run
	// again — Slack's response_url has expired and the person has moved on —
	// but marked done and logged.
	MaxAge time.Duration
	// Workers bounds the items taken over and run at once (8).
	Workers int
	// Now defaults to time.Now; Log to slog.Default().
	Now func() time.Time
	Log *slog.Logger
	// Observe, when set, is told the inbox depth after each beat (metrics).
	Observe func(depth int)
}

// Inbox is the intake of one process. Create it with New; it is safe for
// concurrent use.
type Inbox struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	runners map[string]Runner
	running map[string]bool // keys being run again by this process
}

// New returns an Inbox for cfg, and records this process as alive, so that
// nothing it accepts before Run starts is taken for abandoned.
func New(ctx context.Context, cfg Config) (*Inbox, error) {
	if cfg.Store == nil {
		return nil, errors.New("intake: Config needs a Store")
	}
	if cfg.Owner == "" {
		cfg.Owner = NewOwner()
	}
	if cfg.Beat <= 0 {
		cfg.Beat = DefaultBeat
	}
	if cfg.Stale <= 0 {
		cfg.Stale = DefaultStale
	}
	if cfg.Stale < 2*cfg.Beat {
		cfg.Stale = 2 * cfg.Beat
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultKeep
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	in := &Inbox{cfg: cfg, log: log.With("component", "intake"), runners: map[string]Runner{}, running: map[string]bool{}}
	if err := cfg.Store.Beat(ctx, cfg.Owner); err != nil {
		return nil, fmt.Errorf("intake: %w", err)
	}
	return in, nil
}

// NewOwner returns a name for this process that no other process has:
// host-pid-random.
func NewOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Owner is this process's name in the store.
func (in *Inbox) Owner() string { return in.cfg.Owner }

// Handle registers the runner of kind: what runs a kept item again after
// its process died.
func (in *Inbox) Handle(kind string, r Runner) {
	in.mu.Lock()
	in.runners[kind] = r
	in.mu.Unlock()
}

// Accept keeps an input before it is acknowledged; see the package doc.
// An empty key cannot recognise a retry: it is refused.
func (in *Inbox) Accept(ctx context.Context, key, kind string, payload []byte) (bool, error) {
	if key == "" {
		return false, errors.New("intake: an input without an id cannot be kept")
	}
	return in.cfg.Store.PutInbox(ctx, store.Item{Key: key, Kind: kind, Payload: payload, Owner: in.cfg.Owner, Received: in.cfg.Now()})
}

// Done marks key handled (whether its work succeeded or was given up:
// failures are the runner's to report). Errors are logged: the item is
// then run again once this process stops, which a runner must bear.
func (in *Inbox) Done(ctx context.Context, key string) error {
	err := in.cfg.Store.FinishInbox(context.WithoutCancel(ctx), key)
	if err != nil {
		in.log.Error("could not mark an input done; it may be handled again later", "key", key, "err", err)
	}
	return err
}

// Run beats, takes over the items of processes that died and runs them,
// and prunes old items, until ctx ends.
func (in *Inbox) Run(ctx context.Context) error {
	t := time.NewTicker(in.cfg.Beat)
	defer t.Stop()
	lastPrune := time.Time{}
	for {
		in.Tick(ctx)
		if now := in.cfg.Now(); now.Sub(lastPrune) > time.Hour {
			lastPrune = now
			if n, err := in.cfg.Store.PruneInbox(ctx, now.Add(-in.cfg.Keep)); err != nil {
				in.log.Warn("could not prune the inbox", "err", err)
			} else if n > 0 {
				in.log.Debug("pruned the inbox", "items", n)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick beats once and runs the items it can take over (waiting for them).
// Run calls it every Beat; tests call it directly.
func (in *Inbox) Tick(ctx context.Context) {
	st := in.cfg.Store
	if err := st.Beat(ctx, in.cfg.Owner); err != nil {
		in.log.Error("could not record this process as alive", "err", err)
		return
	}
	if in.cfg.Observe != nil {
		if n, err := st.InboxDepth(ctx); err == nil {
			in.cfg.Observe(n)
		}
	}
	items, err := st.TakeInbox(ctx, in.cfg.Owner, in.cfg.Now().Add(-in.cfg.Stale), in.cfg.Workers*4)
	if err != nil {
		in.log.Error("could not look for abandoned inputs", "err", err)
		return
	}
	sem := make(chan struct{}, in.cfg.Workers)
	var wg sync.WaitGroup
	for _, it := range items {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			in.rerun(context.WithoutCancel(ctx), it)
		}()
	}
	wg.Wait()
}

// rerun runs an item taken over from a process that died.
func (in *Inbox) rerun(ctx context.Context, it store.Item) {
	in.mu.Lock()
	r := in.runners[it.Kind]
	in.mu.Unlock()
	age := in.cfg.Now().Sub(it.Received)
	switch {
	case r == nil:
		in.log.Error("no runner for an abandoned input; marking it done", "key", it.Key, "kind", it.Kind)
	case age > in.cfg.MaxAge:
		in.log.Warn("an abandoned input is too old to answer now; marking it done", "key", it.Key, "kind", it.Kind, "age", age.Round(time.Second).String())
	default:
		in.log.Info("handling an input whose process stopped", "key", it.Key, "kind", it.Kind, "attempt", it.Attempts)
		if err := safeRun(ctx, r, it); err != nil {
			in.log.Error("handling an abandoned input failed", "key", it.Key, "kind", it.Kind, "err", err)
		}
	}
	in.Done(ctx, it.Key)
}

// safeRun runs r, turning a panic into an error: one bad payload must not
// take the process (and every other input) down.
func safeRun(ctx context.Context, r Runner, it store.Item) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("runner panicked: %v", p)
		}
	}()
	return r(ctx, it)
}
