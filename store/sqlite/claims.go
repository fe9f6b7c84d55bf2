package sqlite

import (
	"context"
	"time"

	"secbot/bot"
	"secbot/store"
)

// Claim implements store.Claims: it inserts c unless (Job, Key, Slot)
// exists, and reports whether it did.
func (db *DB) Claim(ctx context.Context, c store.Claim) (_ bool, err error) {
	defer wrap(&err, "claim %s %s %s", c.Job, c.Key, c.Slot.Format(time.RFC3339))
	now := db.now()
	res, err := db.exec(ctx, `INSERT INTO claims
		(job, key, slot, status, owner, attempts, message_id, detail, next_try, in_doubt, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (job, key, slot) DO NOTHING`,
		c.Job, c.Key, ms(c.Slot), string(c.Status), c.Owner, c.Attempts, c.MessageID, c.Detail, ms(c.NextTry), c.InDoubt, now, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UpdateClaim implements store.Claims: a compare and swap on the claim's
// status, owner and attempts.
func (db *DB) UpdateClaim(ctx context.Context, old, next store.Claim) (_ bool, err error) {
	defer wrap(&err, "update claim %s %s %s", old.Job, old.Key, old.Slot.Format(time.RFC3339))
	res, err := db.exec(ctx, `UPDATE claims
		SET status = ?, owner = ?, attempts = ?, message_id = ?, detail = ?, next_try = ?, in_doubt = ?, updated_at = ?
		WHERE job = ? AND key = ? AND slot = ? AND status = ? AND owner = ? AND attempts = ?`,
		string(next.Status), next.Owner, next.Attempts, next.MessageID, next.Detail, ms(next.NextTry), next.InDoubt, db.now(),
		old.Job, old.Key, ms(old.Slot), string(old.Status), old.Owner, old.Attempts)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PendingClaims implements store.Claims.
func (db *DB) PendingClaims(ctx context.Context) (_ []store.Claim, err error) {
	defer wrap(&err, "pending claims")
	return db.claims(ctx, `WHERE status IN ('claimed', 'retry') ORDER BY slot, job, key`)
}

// GetClaim returns the claim of (job, key, slot), and whether there is one.
func (db *DB) GetClaim(ctx context.Context, job, key string, slot time.Time) (_ store.Claim, _ bool, err error) {
	defer wrap(&err, "get claim %s %s", job, key)
	cs, err := db.claims(ctx, `WHERE job = ? AND key = ? AND slot = ?`, job, key, ms(slot))
	if err != nil || len(cs) == 0 {
		return store.Claim{}, false, err
	}
	return cs[0], true, nil
}

// LastClaim returns the claim of job and key with the latest slot, and
// whether there is one.
func (db *DB) LastClaim(ctx context.Context, job, key string) (_ store.Claim, _ bool, err error) {
	defer wrap(&err, "last claim %s %s", job, key)
	cs, err := db.claims(ctx, `WHERE job = ? AND key = ? ORDER BY slot DESC LIMIT 1`, job, key)
	if err != nil || len(cs) == 0 {
		return store.Claim{}, false, err
	}
	return cs[0], true, nil
}

// Claims returns every claim of job, oldest slot first (for operators and tests).
func (db *DB) Claims(ctx context.Context, job string) (_ []store.Claim, err error) {
	defer wrap(&err, "claims %s", job)
	return db.claims(ctx, `WHERE job = ? ORDER BY slot, key`, job)
}

func (db *DB) claims(ctx context.Context, where string, args ...any) ([]store.Claim, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT job, key, slot, status, owner, attempts, message_id, detail, next_try, in_doubt, updated_at
		FROM claims `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Claim
	for rows.Next() {
		var c store.Claim
		var slot, next, updated int64
		var status string
		if err := rows.Scan(&c.Job, &c.Key, &slot, &status, &c.Owner, &c.Attempts, &c.MessageID, &c.Detail, &next, &c.InDoubt, &updated); err != nil {
			return nil, err
		}
		c.Slot, c.NextTry, c.Updated, c.Status = fromMS(slot), fromMS(next), fromMS(updated), store.Status(status)
		out = append(out, c)
	}
	return out, rows.Err()
}

// RecordTip records which tip channel got on date.
func (db *DB) RecordTip(ctx context.Context, channel, date, tipID string) (err error) {
	defer wrap(&err, "record tip %s %s", channel, date)
	_, err = db.exec(ctx, `INSERT INTO tip_history (channel, date, tip_id, posted_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (channel, date) DO UPDATE SET tip_id = excluded.tip_id, posted_at = excluded.posted_at`,
		channel, date, tipID, db.now())
	return err
}

// TipHistory returns the tips posted in channel, oldest first, as
// (date, tip id) pairs.
func (db *DB) TipHistory(ctx context.Context, channel string) (_ [][2]string, err error) {
	defer wrap(&err, "tip history %s", channel)
	rows, err := db.db.QueryContext(ctx, `SELECT date, tip_id FROM tip_history WHERE channel = ? ORDER BY date`, channel)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

var _ bot.Subscriptions = (*DB)(nil)

// Subscribe implements bot.Subscriptions.
func (db *DB) Subscribe(ctx context.Context, s bot.Subscription) (_ bool, err error) {
	defer wrap(&err, "subscribe %s %s", s.Platform, s.UserID)
	res, err := db.exec(ctx, `INSERT INTO subscriptions (platform, user_id, user_name, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (platform, user_id) DO NOTHING`, string(s.Platform), s.UserID, s.UserName, db.now())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Unsubscribe implements bot.Subscriptions.
func (db *DB) Unsubscribe(ctx context.Context, platform bot.Platform, userID string) (_ bool, err error) {
	defer wrap(&err, "unsubscribe %s %s", platform, userID)
	res, err := db.exec(ctx, `DELETE FROM subscriptions WHERE platform = ? AND user_id = ?`, string(platform), userID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Subscribers lists the DM digest subscribers, oldest first.
func (db *DB) Subscribers(ctx context.Context) (_ []bot.Subscription, err error) {
	defer wrap(&err, "subscribers")
	rows, err := db.db.QueryContext(ctx, `SELECT platform, user_id, user_name, created_at FROM subscriptions ORDER BY created_at, platform, user_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Subscription
	for rows.Next() {
		var s bot.Subscription
		var platform string
		var since int64
		if err := rows.Scan(&platform, &s.UserID, &s.UserName, &since); err != nil {
			return nil, err
		}
		s.Platform, s.Since = bot.Platform(platform), fromMS(since)
		out = append(out, s)
	}
	return out, rows.Err()
}
