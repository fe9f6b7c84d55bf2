package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"secbot/bot"
	"secbot/store"
)

// Claim implements store.Claims: it inserts c unless (Job, Key, Slot)
// exists, and reports whether it did.
func (db *DB) Claim(ctx context.Context, c store.Claim) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "claim %s %s %s", c.Job, c.Key, c.Slot.Format(time.RFC3339))
	now := db.now()
	tag, err := db.pool.Exec(ctx, `INSERT INTO claims
		(job, key, slot, status, owner, attempts, message_id, detail, next_try, in_doubt, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (job, key, slot) DO NOTHING`,
		c.Job, c.Key, ms(c.Slot), string(c.Status), c.Owner, c.Attempts, c.MessageID, c.Detail, ms(c.NextTry), c.InDoubt, now, now)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// UpdateClaim implements store.Claims: a compare and swap on the claim's
// status, owner and attempts.
func (db *DB) UpdateClaim(ctx context.Context, old, next store.Claim) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "update claim %s %s %s", old.Job, old.Key, old.Slot.Format(time.RFC3339))
	tag, err := db.pool.Exec(ctx, `UPDATE claims
		SET status = $1, owner = $2, attempts = $3, message_id = $4, detail = $5, next_try = $6, in_doubt = $7, updated_at = $8
		WHERE job = $9 AND key = $10 AND slot = $11 AND status = $12 AND owner = $13 AND attempts = $14`,
		string(next.Status), next.Owner, next.Attempts, next.MessageID, next.Detail, ms(next.NextTry), next.InDoubt, db.now(),
		old.Job, old.Key, ms(old.Slot), string(old.Status), old.Owner, old.Attempts)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// PendingClaims implements store.Claims.
func (db *DB) PendingClaims(ctx context.Context) (_ []store.Claim, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "pending claims")
	return db.claims(ctx, `WHERE status IN ('claimed', 'retry') ORDER BY slot, job, key`)
}

// GetClaim returns the claim of (job, key, slot), and whether there is one.
func (db *DB) GetClaim(ctx context.Context, job, key string, slot time.Time) (_ store.Claim, _ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "get claim %s %s", job, key)
	cs, err := db.claims(ctx, `WHERE job = $1 AND key = $2 AND slot = $3`, job, key, ms(slot))
	if err != nil || len(cs) == 0 {
		return store.Claim{}, false, err
	}
	return cs[0], true, nil
}

// LastClaim returns the claim of job and key with the latest slot, and
// whether there is one.
func (db *DB) LastClaim(ctx context.Context, job, key string) (_ store.Claim, _ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "last claim %s %s", job, key)
	cs, err := db.claims(ctx, `WHERE job = $1 AND key = $2 ORDER BY slot DESC LIMIT 1`, job, key)
	if err != nil || len(cs) == 0 {
		return store.Claim{}, false, err
	}
	return cs[0], true, nil
}

// Claims returns every claim of job, oldest slot first (for operators and tests).
func (db *DB) Claims(ctx context.Context, job string) (_ []store.Claim, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "claims %s", job)
	return db.claims(ctx, `WHERE job = $1 ORDER BY slot, key`, job)
}

func (db *DB) claims(ctx context.Context, where string, args ...any) ([]store.Claim, error) {
	rows, err := db.pool.Query(ctx, `SELECT job, key, slot, status, owner, attempts, message_id, detail, next_try, in_doubt, updated_at
		FROM claims `+where, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) (store.Claim, error) {
		var c store.Claim
		var slot, next, updated int64
		var status string
		if err := row.Scan(&c.Job, &c.Key, &slot, &status, &c.Owner, &c.Attempts, &c.MessageID, &c.Detail, &next, &c.InDoubt, &updated); err != nil {
			return c, err
		}
		c.Slot, c.NextTry, c.Updated, c.Status = fromMS(slot), fromMS(next), fromMS(updated), store.Status(status)
		return c, nil
	})
}

// RecordTip records which tip channel got on date.
func (db *DB) RecordTip(ctx context.Context, channel, date, tipID string) (err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "record tip %s %s", channel, date)
	_, err = db.pool.Exec(ctx, `INSERT INTO tip_history (channel, date, tip_id, posted_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel, date) DO UPDATE SET tip_id = excluded.tip_id, posted_at = excluded.posted_at`,
		channel, date, tipID, db.now())
	return err
}

// TipHistory returns the tips posted in channel, oldest first, as
// (date, tip id) pairs.
func (db *DB) TipHistory(ctx context.Context, channel string) (_ [][2]string, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "tip history %s", channel)
	rows, err := db.pool.Query(ctx, `SELECT date, tip_id FROM tip_history WHERE channel = $1 ORDER BY date`, channel)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) ([2]string, error) {
		var p [2]string
		err := row.Scan(&p[0], &p[1])
		return p, err
	})
}

var _ bot.Subscriptions = (*DB)(nil)

// Subscribe implements bot.Subscriptions.
func (db *DB) Subscribe(ctx context.Context, s bot.Subscription) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "subscribe %s %s", s.Platform, s.UserID)
	tag, err := db.pool.Exec(ctx, `INSERT INTO subscriptions (platform, user_id, user_name, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (platform, user_id) DO NOTHING`, string(s.Platform), s.UserID, s.UserName, db.now())
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// Unsubscribe implements bot.Subscriptions.
func (db *DB) Unsubscribe(ctx context.Context, platform bot.Platform, userID string) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "unsubscribe %s %s", platform, userID)
	tag, err := db.pool.Exec(ctx, `DELETE FROM subscriptions WHERE platform = $1 AND user_id = $2`, string(platform), userID)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// Subscribers lists the DM digest subscribers, oldest first.
func (db *DB) Subscribers(ctx context.Context) (_ []bot.Subscription, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "subscribers")
	rows, err := db.pool.Query(ctx, `SELECT platform, user_id, user_name, created_at FROM subscriptions ORDER BY created_at, platform, user_id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) (bot.Subscription, error) {
		var s bot.Subscription
		var platform string
		var since int64
		if err := row.Scan(&platform, &s.UserID, &s.UserName, &since); err != nil {
			return s, err
		}
		s.Platform, s.Since = bot.Platform(platform), fromMS(since)
		return s, nil
	})
}

// collect scans every row with scan; like store/sqlite, it returns nil (not
// an empty slice) when there are none.
func collect[T any](rows pgx.Rows, scan pgx.RowToFunc[T]) ([]T, error) {
	out, err := pgx.CollectRows(rows, scan)
	if len(out) == 0 {
		out = nil
	}
	return out, err
}
