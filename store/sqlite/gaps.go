package sqlite

import (
	"context"
	"time"

	"secbot/store"
)

// RecordGap records a question secbot could not answer (its normalized
// text; never who asked).
func (db *DB) RecordGap(ctx context.Context, text string) (err error) {
	defer wrap(&err, "record gap")
	_, err = db.exec(ctx, `INSERT INTO gaps (text, asked_at) VALUES (?, ?)`, text, db.now())
	return err
}

// Vote records user's 👍 (up) or 👎 on answer; a later vote of the same
// person on the same answer replaces theirs. It reports whether the vote
// is new.
func (db *DB) Vote(ctx context.Context, answer, user string, up bool) (_ bool, err error) {
	defer wrap(&err, "vote on %s", answer)
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM votes WHERE answer = ? AND user_id = ?`, answer, user).Scan(&n); err != nil {
		return false, err
	}
	_, err = db.exec(ctx, `INSERT INTO votes (answer, user_id, up, voted_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (answer, user_id) DO UPDATE SET up = excluded.up, voted_at = excluded.voted_at`, answer, user, up, db.now())
	return n == 0, err
}

// Gaps returns the questions left unanswered since since, the most asked
// first (then the most recent), at most limit.
func (db *DB) Gaps(ctx context.Context, since time.Time, limit int) (_ []store.Gap, err error) {
	defer wrap(&err, "gaps")
	rows, err := db.db.QueryContext(ctx, `SELECT text, count(*), max(asked_at) FROM gaps WHERE asked_at >= ?
		GROUP BY text ORDER BY count(*) DESC, max(asked_at) DESC, text LIMIT ?`, ms(since), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Gap
	for rows.Next() {
		var g store.Gap
		var last int64
		if err := rows.Scan(&g.Text, &g.Count, &last); err != nil {
			return nil, err
		}
		g.Last = fromMS(last)
		out = append(out, g)
	}
	return out, rows.Err()
}

// LeastHelpful returns the answers voted on since since that got at least
// one 👎, the most 👎 net of 👍 first, at most limit.
func (db *DB) LeastHelpful(ctx context.Context, since time.Time, limit int) (_ []store.Feedback, err error) {
	defer wrap(&err, "least helpful")
	rows, err := db.db.QueryContext(ctx, `SELECT answer, sum(CASE WHEN up THEN 1 ELSE 0 END), sum(CASE WHEN up THEN 0 ELSE 1 END)
		FROM votes WHERE voted_at >= ? GROUP BY answer HAVING sum(CASE WHEN up THEN 0 ELSE 1 END) > 0
		ORDER BY sum(CASE WHEN up THEN 0 ELSE 1 END) - sum(CASE WHEN up THEN 1 ELSE 0 END) DESC, answer LIMIT ?`, ms(since), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Feedback
	for rows.Next() {
		var f store.Feedback
		if err := rows.Scan(&f.Answer, &f.Up, &f.Down); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
