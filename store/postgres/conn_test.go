package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"secbot/store"
	"secbot/store/postgres/pgtest"
)

// proxy stands between a store and the test server, so that a test can cut
// the connection without stopping a server other processes use.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	state proxyState
	conns map[net.Conn]bool // client sides of the connections it holds
}

type proxyState int

const (
	proxyUp     proxyState = iota
	proxyDown              // connections are closed: the server went away
	proxyFrozen            // bytes are dropped and nothing answers: a partition
)

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() {
		ln.Close()
		p.set(proxyDown)
	})
	go p.serve()
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		state := p.state
		if state == proxyDown {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c] = true
		p.mu.Unlock()
		if state == proxyFrozen {
			go io.Copy(io.Discard, c) // hold it, answer nothing
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		go p.pipe(s, c)
		go p.pipe(c, s)
	}
}

// pipe copies src to dst while the proxy is up and drops the bytes while it
// is frozen; it closes both when either side ends.
func (p *proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			up := p.state == proxyUp
			p.mu.Unlock()
			if up {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// set changes the proxy's state; going down or coming back from a freeze
// closes the connections it holds.
func (p *proxy) set(s proxyState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	was := p.state
	p.state = s
	if s == proxyDown || (was == proxyFrozen && s == proxyUp) {
		for c := range p.conns {
			c.Close()
			delete(p.conns, c)
		}
	}
}

// throughProxy returns url with its host replaced by a proxy to it.
func throughProxy(t *testing.T, rawURL string) (string, *proxy) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	return u.String(), p
}

// TestConnectionLoss: while PostgreSQL is unreachable (gone, or silent),
// calls fail within the store's timeout rather than hang, Ping reports it,
// and once it is back the same DB works again; what was kept before is
// still there.
func TestConnectionLoss(t *testing.T) {
	ctx := context.Background()
	u, p := throughProxy(t, pgtest.Fresh(t))
	// Long enough for a loaded machine's ordinary calls, short for a test.
	const timeout = 2 * time.Second
	db, err := Open(ctx, u, Timeout(timeout))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kept := store.Item{Key: "ev-before", Kind: "slack.event", Payload: []byte("{}"), Owner: "p1"}
	if ok, err := db.PutInbox(ctx, kept); !ok || err != nil {
		t.Fatalf("PutInbox = %v, %v", ok, err)
	}
	// Several connections in the pool, all of which the cut breaks.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); db.InboxDepth(ctx) }()
	}
	wg.Wait()

	calls := map[string]func() error{
		"Ping": func() error { return db.Ping(ctx) },
		"PutInbox": func() error {
			ok, err := db.PutInbox(ctx, store.Item{Key: "ev-during", Kind: "slack.event", Payload: []byte("{}"), Owner: "p1"})
			if ok && err == nil {
				return nil
			}
			return err
		},
		"Claim": func() error {
			_, err := db.Claim(ctx, store.Claim{Job: "tip", Key: "C1", Slot: time.Now(), Status: store.StatusClaimed})
			return err
		},
		"InboxDepth": func() error { _, err := db.InboxDepth(ctx); return err },
	}
	for _, c := range []struct {
		name  string
		state proxyState
		limit time.Duration // how long a failing call may take
	}{
		{"down", proxyDown, timeout},
		{"frozen", proxyFrozen, timeout + time.Second},
	} {
		p.set(c.state)
		for name, call := range calls {
			if c.state == proxyFrozen && name == "InboxDepth" {
				continue // three calls at the full timeout are enough
			}
			start := time.Now()
			err := call()
			took := time.Since(start)
			if err == nil {
				t.Errorf("%s: %s succeeded", c.name, name)
			}
			if took > c.limit {
				t.Errorf("%s: %s took %s to fail, want at most %s", c.name, name, took.Round(time.Millisecond), c.limit)
			}
			if c.state == proxyFrozen && !errors.Is(err, context.DeadlineExceeded) {
				t.Logf("%s: %s: %v", c.name, name, err)
			}
		}
		p.set(proxyUp)
		// A load balancer polls the readiness probe; the pool reconnects.
		deadline := time.Now().Add(10 * time.Second)
		for db.Ping(ctx) != nil {
			if time.Now().After(deadline) {
				t.Fatalf("after %s: Ping still fails 10 s after the server came back", c.name)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if it, ok, err := db.InboxItem(ctx, "ev-before"); !ok || err != nil || it.Key != "ev-before" {
			t.Fatalf("after %s: the kept input = %+v, %v, %v", c.name, it, ok, err)
		}
		if _, err := db.Claim(ctx, store.Claim{Job: "tip", Key: c.name, Slot: time.Now(), Status: store.StatusClaimed}); err != nil {
			t.Errorf("after %s: Claim = %v", c.name, err)
		}
	}
}
