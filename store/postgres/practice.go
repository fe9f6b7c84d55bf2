package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"secbot/store"
)

// SetLearner turns l's spaced practice on or off (l.On), keeping their
// boxes either way; Since becomes now.
func (db *DB) SetLearner(ctx context.Context, l store.Learner) (err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "set learner %s", l.UserID)
	_, err = db.pool.Exec(ctx, `INSERT INTO learners (user_id, platform, user_name, active, since) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE SET platform = excluded.platform, user_name = excluded.user_name,
		active = excluded.active, since = excluded.since`, l.UserID, l.Platform, l.UserName, l.On, db.now())
	return err
}

// Learner returns userID's practice setting; false when they never set it.
func (db *DB) Learner(ctx context.Context, userID string) (_ store.Learner, _ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "learner %s", userID)
	l, err := scanLearner(db.pool.QueryRow(ctx, `SELECT user_id, platform, user_name, active, since FROM learners WHERE user_id = $1`, userID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Learner{}, false, nil
	}
	return l, err == nil, err
}

func scanLearner(row pgx.Row) (store.Learner, error) {
	var l store.Learner
	var since int64
	err := row.Scan(&l.UserID, &l.Platform, &l.UserName, &l.On, &since)
	l.Since = fromMS(since)
	return l, err
}

// DueLearners returns the learners with practice on and a term due on or
// before day (YYYY-MM-DD), by user id.
func (db *DB) DueLearners(ctx context.Context, day string) (_ []store.Learner, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "learners due %s", day)
	rows, err := db.pool.Query(ctx, `SELECT user_id, platform, user_name, active, since FROM learners l
		WHERE active AND EXISTS (SELECT 1 FROM practice_cards c WHERE c.user_id = l.user_id AND c.box < 5 AND c.due <= $1)
		ORDER BY user_id`, day)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Learner, error) { return scanLearner(r) })
}

// MissTerms puts each card's term back in box 1 from its Due, for the
// learners who have practice on, unless the card already holds a miss as
// late as c.Missed (so replaying a miss changes nothing). It returns how
// many cards changed.
func (db *DB) MissTerms(ctx context.Context, cards []store.Card) (n int, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "miss terms")
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, c := range cards {
			tag, err := tx.Exec(ctx, `INSERT INTO practice_cards (user_id, term, box, due, missed_at, updated_at)
				SELECT $1::text, $2::text, 1, $3::text, $4::bigint, $5::bigint WHERE EXISTS (SELECT 1 FROM learners WHERE user_id = $1::text AND active)
				ON CONFLICT (user_id, term) DO UPDATE SET box = 1, due = excluded.due, missed_at = excluded.missed_at,
				updated_at = excluded.updated_at WHERE practice_cards.missed_at < excluded.missed_at`,
				c.UserID, c.Term, c.Due, ms(c.Missed), db.now())
			if err != nil {
				return err
			}
			n += int(tag.RowsAffected())
		}
		return nil
	})
	return n, err
}

// Cards returns userID's cards, the lowest box and earliest due first.
func (db *DB) Cards(ctx context.Context, userID string) (_ []store.Card, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "cards of %s", userID)
	rows, err := db.pool.Query(ctx, `SELECT user_id, term, box, due, missed_at FROM practice_cards WHERE user_id = $1
		ORDER BY box, due, term`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Card, error) {
		var c store.Card
		var missed int64
		err := r.Scan(&c.UserID, &c.Term, &c.Box, &c.Due, &missed)
		c.Missed = fromMS(missed)
		return c, err
	})
}

const drillCols = `user_id, day, platform, term, box, question, choice, correct, asked_at, answered_at`

func scanDrill(row pgx.Row) (store.Drill, error) {
	var d store.Drill
	var asked, answered int64
	err := row.Scan(&d.UserID, &d.Day, &d.Platform, &d.Term, &d.Box, &d.Question, &d.Choice, &d.Correct, &asked, &answered)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, store.ErrNoDrill
	}
	d.Asked, d.Answered = fromMS(asked), fromMS(answered)
	return d, err
}

// PutDrill keeps d as its learner's question of d.Day unless they already
// have one that day, and returns the one kept.
func (db *DB) PutDrill(ctx context.Context, d store.Drill) (_ store.Drill, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "put drill %s %s", d.UserID, d.Day)
	if _, err := db.pool.Exec(ctx, `INSERT INTO practice_drills (user_id, day, platform, term, box, question, asked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, day) DO NOTHING`,
		d.UserID, d.Day, d.Platform, d.Term, d.Box, d.Question, db.now()); err != nil {
		return store.Drill{}, err
	}
	return scanDrill(db.pool.QueryRow(ctx, `SELECT `+drillCols+` FROM practice_drills WHERE user_id = $1 AND day = $2`, d.UserID, d.Day))
}

// Drill returns userID's question of day, or store.ErrNoDrill.
func (db *DB) Drill(ctx context.Context, userID, day string) (_ store.Drill, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer func() {
		if !errors.Is(err, store.ErrNoDrill) {
			db.wrap(&err, "drill %s %s", userID, day)
		}
	}()
	return scanDrill(db.pool.QueryRow(ctx, `SELECT `+drillCols+` FROM practice_drills WHERE user_id = $1 AND day = $2`, userID, day))
}

// AnswerDrill records d's answer (d.Choice, d.Correct at d.Answered) unless
// the drill was answered already, and then files next as the learner's card
// of the term: both or neither. It reports whether the answer was recorded.
func (db *DB) AnswerDrill(ctx context.Context, d store.Drill, next store.Card) (ok bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "answer drill %s %s", d.UserID, d.Day)
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE practice_drills SET choice = $1, correct = $2, answered_at = $3
			WHERE user_id = $4 AND day = $5 AND choice < 0`, d.Choice, d.Correct, ms(d.Answered), d.UserID, d.Day)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		ok = true
		_, err = tx.Exec(ctx, `INSERT INTO practice_cards (user_id, term, box, due, missed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id, term) DO UPDATE SET box = excluded.box, due = excluded.due,
			missed_at = greatest(practice_cards.missed_at, excluded.missed_at), updated_at = excluded.updated_at`,
			next.UserID, next.Term, next.Box, next.Due, ms(next.Missed), db.now())
		return err
	})
	if err != nil {
		ok = false
	}
	return ok, err
}
