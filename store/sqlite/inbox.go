package sqlite

import (
	"context"
	"database/sql"
	"time"

	"secbot/store"
)

// PutInbox keeps it unless an item with its key is already kept (whatever
// its state), and reports whether it did. It is one insert: the input is in
// the store once it returns true.
func (db *DB) PutInbox(ctx context.Context, it store.Item) (_ bool, err error) {
	defer wrap(&err, "keep %s", it.Key)
	if it.Payload == nil {
		it.Payload = []byte{}
	}
	received := ms(it.Received)
	if received == 0 {
		received = db.now()
	}
	res, err := db.exec(ctx, `INSERT INTO inbox (key, kind, payload, owner, attempts, received_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		it.Key, it.Kind, it.Payload, it.Owner, it.Attempts, received)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishInbox marks the item done.
func (db *DB) FinishInbox(ctx context.Context, key string) (err error) {
	defer wrap(&err, "finish %s", key)
	_, err = db.exec(ctx, `UPDATE inbox SET done_at = ? WHERE key = ? AND done_at = 0`, db.now(), key)
	return err
}

// TakeInbox gives owner up to limit pending items whose owners have not
// beaten since staleBefore (they stopped mid-work), oldest first, counting
// an attempt on each.
func (db *DB) TakeInbox(ctx context.Context, owner string, staleBefore time.Time, limit int) (_ []store.Item, err error) {
	defer wrap(&err, "take inbox items")
	var out []store.Item
	err = db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT key, kind, payload, attempts, received_at FROM inbox
			WHERE done_at = 0 AND owner <> ?
			AND owner NOT IN (SELECT owner FROM owners WHERE beat_at >= ?)
			ORDER BY received_at LIMIT ?`, owner, ms(staleBefore), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var it store.Item
			var received int64
			if err := rows.Scan(&it.Key, &it.Kind, &it.Payload, &it.Attempts, &received); err != nil {
				rows.Close()
				return err
			}
			it.Received, it.Owner, it.Attempts = fromMS(received), owner, it.Attempts+1
			out = append(out, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, it := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE inbox SET owner = ?, attempts = ? WHERE key = ?`, owner, it.Attempts, it.Key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InboxItem returns the item kept under key, and whether there is one.
func (db *DB) InboxItem(ctx context.Context, key string) (_ store.Item, _ bool, err error) {
	defer wrap(&err, "inbox item %s", key)
	var it store.Item
	var received, done int64
	err = db.db.QueryRowContext(ctx, `SELECT key, kind, payload, owner, attempts, received_at, done_at FROM inbox WHERE key = ?`, key).
		Scan(&it.Key, &it.Kind, &it.Payload, &it.Owner, &it.Attempts, &received, &done)
	if err == sql.ErrNoRows {
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
	defer wrap(&err, "inbox depth")
	err = db.db.QueryRowContext(ctx, `SELECT count(*) FROM inbox WHERE done_at = 0`).Scan(&n)
	return n, err
}

// PruneInbox forgets the items done before before (their keys no longer
// recognise a retry: keep them longer than any platform retries or
// replays) and the owners that have not beaten since then.
func (db *DB) PruneInbox(ctx context.Context, before time.Time) (n int, err error) {
	defer wrap(&err, "prune inbox")
	res, err := db.exec(ctx, `DELETE FROM inbox WHERE done_at > 0 AND done_at < ?`, ms(before))
	if err != nil {
		return 0, err
	}
	m, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	_, err = db.exec(ctx, `DELETE FROM owners WHERE beat_at < ?`, ms(before))
	return int(m), err
}

// Beat records that owner is alive now.
func (db *DB) Beat(ctx context.Context, owner string) (err error) {
	defer wrap(&err, "beat %s", owner)
	_, err = db.exec(ctx, `INSERT INTO owners (owner, beat_at) VALUES (?, ?)
		ON CONFLICT (owner) DO UPDATE SET beat_at = excluded.beat_at`, owner, db.now())
	return err
}

// LiveOwners maps every owner that has beaten to whether it beat since
// since (true: alive) or not (false: stopped, or stalled).
func (db *DB) LiveOwners(ctx context.Context, since time.Time) (_ map[string]bool, err error) {
	defer wrap(&err, "live owners")
	rows, err := db.db.QueryContext(ctx, `SELECT owner, beat_at >= ? FROM owners`, ms(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var o string
		var alive bool
		if err := rows.Scan(&o, &alive); err != nil {
			return nil, err
		}
		out[o] = alive
	}
	return out, rows.Err()
}
