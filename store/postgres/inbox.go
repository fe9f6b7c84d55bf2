package postgres

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"secbot/store"
)

// PutInbox keeps it unless an item with its key is already kept (whatever
// its state), and reports whether it did. It is one insert: the input is in
// the store once it returns true.
func (db *DB) PutInbox(ctx context.Context, it store.Item) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "keep %s", it.Key)
	received := ms(it.Received)
	if received == 0 {
		received = db.now()
	}
	payload := it.Payload
	if payload == nil {
		payload = []byte{} // NOT NULL
	}
	tag, err := db.pool.Exec(ctx, `INSERT INTO inbox (key, kind, payload, owner, attempts, received_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
		it.Key, it.Kind, payload, it.Owner, it.Attempts, received)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// FinishInbox marks the item done.
func (db *DB) FinishInbox(ctx context.Context, key string) (err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "finish %s", key)
	_, err = db.pool.Exec(ctx, `UPDATE inbox SET done_at = $1 WHERE key = $2 AND done_at = 0`, db.now(), key)
	return err
}

// TakeInbox gives owner up to limit pending items whose owners have not
// beaten since staleBefore (they stopped mid-work), oldest first, counting
// an attempt on each. The rows are picked with FOR UPDATE SKIP LOCKED: of
// several processes taking at once, each gets different items.
func (db *DB) TakeInbox(ctx context.Context, owner string, staleBefore time.Time, limit int) (_ []store.Item, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "take inbox items")
	var lim *int // NULL: no limit, as SQLite's negative LIMIT
	if limit >= 0 {
		lim = &limit
	}
	rows, err := db.pool.Query(ctx, `WITH picked AS (
			SELECT key FROM inbox
			WHERE done_at = 0 AND owner <> $1
			AND owner NOT IN (SELECT owner FROM owners WHERE beat_at >= $2)
			ORDER BY received_at LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE inbox i SET owner = $1, attempts = i.attempts + 1
		FROM picked WHERE i.key = picked.key
		RETURNING i.key, i.kind, i.payload, i.owner, i.attempts, i.received_at`, owner, ms(staleBefore), lim)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (store.Item, error) {
		var it store.Item
		var received int64
		err := row.Scan(&it.Key, &it.Kind, &it.Payload, &it.Owner, &it.Attempts, &received)
		it.Received = fromMS(received)
		return it, err
	})
	// RETURNING has no order of its own.
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Received.Equal(out[j].Received) {
			return out[i].Received.Before(out[j].Received)
		}
		return out[i].Key < out[j].Key
	})
	return out, err
}

// InboxItem returns the item kept under key, and whether there is one.
func (db *DB) InboxItem(ctx context.Context, key string) (_ store.Item, _ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "inbox item %s", key)
	var it store.Item
	var received, done int64
	err = db.pool.QueryRow(ctx, `SELECT key, kind, payload, owner, attempts, received_at, done_at FROM inbox WHERE key = $1`, key).
		Scan(&it.Key, &it.Kind, &it.Payload, &it.Owner, &it.Attempts, &received, &done)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Item{}, false, nil
	}
	if err != nil {
		return store.Item{}, false, err
	}
	it.Received, it.Done = fromMS(received), fromMS(done)
	return it, true, nil
}

// InboxDepth counts the pending items.
func (db *DB) InboxDepth(ctx context.Context) (n int, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "inbox depth")
	err = db.pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE done_at = 0`).Scan(&n)
	return n, err
}

// PruneInbox forgets the items done before before (their keys no longer
// recognise a retry: keep them longer than any platform retries or
// replays) and the owners that have not beaten since then.
func (db *DB) PruneInbox(ctx context.Context, before time.Time) (n int, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "prune inbox")
	tag, err := db.pool.Exec(ctx, `DELETE FROM inbox WHERE done_at > 0 AND done_at < $1`, ms(before))
	if err != nil {
		return 0, err
	}
	_, err = db.pool.Exec(ctx, `DELETE FROM owners WHERE beat_at < $1`, ms(before))
	return int(tag.RowsAffected()), err
}

// Beat records that owner is alive now.
func (db *DB) Beat(ctx context.Context, owner string) (err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "beat %s", owner)
	_, err = db.pool.Exec(ctx, `INSERT INTO owners (owner, beat_at) VALUES ($1, $2)
		ON CONFLICT (owner) DO UPDATE SET beat_at = excluded.beat_at`, owner, db.now())
	return err
}

// LiveOwners maps every owner that has beaten to whether it beat since
// since (true: alive) or not (false: stopped, or stalled).
func (db *DB) LiveOwners(ctx context.Context, since time.Time) (_ map[string]bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "live owners")
	rows, err := db.pool.Query(ctx, `SELECT owner, beat_at >= $1 FROM owners`, ms(since))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	var owner string
	var alive bool
	_, err = pgx.ForEachRow(rows, []any{&owner, &alive}, func() error {
		out[owner] = alive
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
