package rounds

import (
	"context"
	"sync"
	"time"

	"secbot/bot"
	"secbot/quiz"
)

// cards keeps each open round's card showing its answered count, without
// updating it on every click: Slack allows about 50 chat.update calls a
// minute, and 4,000 people may click in the first minutes of a round.
//
// Updates of one round are coalesced: at most one is in flight, at most one
// starts per UpdateEvery, and each reads the count when it starts, so the
// latest count wins and the card converges on the stored count once the
// clicks stop. No lock is held across a network call.
type cards struct {
	r *Rounds

	mu     sync.Mutex
	rounds map[string]*cardState
	wg     sync.WaitGroup
}

type cardState struct {
	round   quiz.Round
	running bool      // an update loop is on
	dirty   bool      // a click came after the running update read the count
	last    time.Time // when the last update started
}

func newCards(r *Rounds) *cards { return &cards{r: r, rounds: map[string]*cardState{}} }

// touch says that rd's count changed: its card is updated soon.
func (c *cards) touch(rd quiz.Round) {
	if rd.MessageID == "" {
		return // not posted (yet): nothing to update
	}
	c.mu.Lock()
	st := c.rounds[rd.ID]
	if st == nil {
		st = &cardState{}
		c.rounds[rd.ID] = st
	}
	st.round = rd
	if st.running {
		st.dirty = true
		c.mu.Unlock()
		return
	}
	st.running = true
	c.wg.Add(1)
	c.mu.Unlock()
	go c.loop(st)
}

// loop updates one round's card until no click came during the last update.
func (c *cards) loop(st *cardState) {
	defer c.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for {
		c.mu.Lock()
		wait := st.last.Add(c.r.cfg.UpdateEvery).Sub(c.r.cfg.Now())
		c.mu.Unlock()
		if wait > 0 {
			if err := c.r.cfg.Sleep(ctx, wait); err != nil {
				c.finish(st)
				return
			}
		}
		c.mu.Lock()
		st.last, st.dirty = c.r.cfg.Now(), false
		rd := st.round
		c.mu.Unlock()

		c.update(ctx, rd)

		c.mu.Lock()
		if !st.dirty {
			st.running = false
			c.prune()
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
}

func (c *cards) finish(st *cardState) {
	c.mu.Lock()
	st.running = false
	c.mu.Unlock()
}

// prune forgets idle rounds whose last update is long past (c.mu held).
func (c *cards) prune() {
	cutoff := c.r.cfg.Now().Add(-10 * time.Minute)
	for id, st := range c.rounds {
		if !st.running && st.last.Before(cutoff) {
			delete(c.rounds, id)
		}
	}
}

// update shows rd's current count. A round revealed meanwhile (by this
// process or another) gets its revealed card: an open card never lands
// after the reveal for good.
func (c *cards) update(ctx context.Context, rd quiz.Round) {
	st := c.r.cfg.Store
	cur, err := st.Round(ctx, rd.ID)
	if err != nil {
		c.r.log.Warn("round card: could not read the round", "round", rd.ID, "err", err)
		return
	}
	if cur.Revealed {
		return // the reveal updated the card
	}
	p, err := c.r.poster(cur.Channel)
	if err != nil {
		return
	}
	t, err := st.Tally(ctx, cur.ID)
	if err != nil {
		c.r.log.Warn("round card: could not count the answers", "round", rd.ID, "err", err)
		return
	}
	if err := p.Update(ctx, cur.Channel, cur.MessageID, bot.RoundReply(bot.NewRoundCard(c.r.cfg.Pack, cur, t, c.r.cfg.Location))); err != nil {
		c.r.log.Warn("round card: update failed", "round", rd.ID, "err", err)
		return
	}
	// Revealed while the update was on its way: put the revealed card back.
	if after, err := st.Round(ctx, cur.ID); err == nil && after.Revealed {
		c.r.showCard(ctx, p, after)
	}
}

// wait waits for the updates in flight, or ctx.
func (c *cards) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
