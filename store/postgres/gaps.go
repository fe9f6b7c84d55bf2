package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"secbot/store"
)

// RecordGap records a question secbot could not answer (its normalized
// text; never who asked).
func (db *DB) RecordGap(ctx context.Context, text string) (err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "record gap")
	_, err = db.pool.Exec(ctx, `INSERT INTO gaps (text, asked_at) VALUES ($1, $2)`, text, db.now())
	return err
}

// Vote records user's 👍 (up) or 👎 on answer; a later vote of the same
// person on the same answer replaces theirs. It reports whether the vote
// is new.
func (db *DB) Vote(ctx context.Context, answer, user string, up bool) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "vote on %s", answer)
	var inserted bool
	err = db.pool.QueryRow(ctx, `INSERT INTO votes (answer, user_id, up, voted_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (answer, user_id) DO UPDATE SET up = excluded.up, voted_at = excluded.voted_at
		RETURNING (xmax = 0)`, answer, user, up, db.now()).Scan(&inserted)
	return inserted, err
}

// Gaps returns the questions left unanswered since since, the most asked
// first (then the most recent), at most limit.
func (db *DB) Gaps(ctx context.Context, since time.Time, limit int) (_ []store.Gap, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "gaps")
	rows, err := db.pool.Query(ctx, `SELECT text, count(*), max(asked_at) FROM gaps WHERE asked_at >= $1
		GROUP BY text ORDER BY count(*) DESC, max(asked_at) DESC, text LIMIT $2`, ms(since), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) (store.Gap, error) {
		var g store.Gap
		var last int64
		err := row.Scan(&g.Text, &g.Count, &last)
		g.Last = fromMS(last)
		return g, err
	})
}

// LeastHelpful returns the answers voted on since since that got at least
// one 👎, the most 👎 net of 👍 first, at most limit.
func (db *DB) LeastHelpful(ctx context.Context, since time.Time, limit int) (_ []store.Feedback, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "least helpful")
	rows, err := db.pool.Query(ctx, `SELECT answer, count(*) FILTER (WHERE up), count(*) FILTER (WHERE NOT up)
		FROM votes WHERE voted_at >= $1 GROUP BY answer HAVING count(*) FILTER (WHERE NOT up) > 0
		ORDER BY count(*) FILTER (WHERE NOT up) - count(*) FILTER (WHERE up) DESC, answer LIMIT $2`, ms(since), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) (store.Feedback, error) {
		var f store.Feedback
		err := row.Scan(&f.Answer, &f.Up, &f.Down)
		return f, err
	})
}
