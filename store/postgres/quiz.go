package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"secbot/quiz"
)

var (
	_ quiz.Rounds  = (*DB)(nil)
	_ quiz.Answers = (*DB)(nil)
)

// CreateRound implements quiz.Rounds.
func (db *DB) CreateRound(ctx context.Context, r quiz.Round) (err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "create round %s", r.ID)
	q, err := json.Marshal(r.Question)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO rounds (id, channel, question, seed, opened_at, closes_at, message_id, revealed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, r.Channel, string(q), r.Seed, ms(r.Opened), ms(r.Closes), r.MessageID, r.Revealed)
	if _, ok := isUnique(err); ok {
		// The id taken or the channel's open round: rounds are never
		// deleted, so the id tells which (and the id wins when both).
		var exists bool
		if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM rounds WHERE id = $1)`, r.ID).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return quiz.ErrRoundExists
		}
		return quiz.ErrRoundOpen
	}
	return err
}

const roundCols = `id, channel, question, seed, opened_at, closes_at, message_id, revealed`

func scanRound(row pgx.Row) (quiz.Round, error) {
	var r quiz.Round
	var q []byte
	var opened, closes int64
	if err := row.Scan(&r.ID, &r.Channel, &q, &r.Seed, &opened, &closes, &r.MessageID, &r.Revealed); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return r, quiz.ErrNotFound
		}
		return r, err
	}
	r.Opened, r.Closes = fromMS(opened), fromMS(closes)
	if err := json.Unmarshal(q, &r.Question); err != nil {
		return r, err
	}
	return r, nil
}

// Round implements quiz.Rounds.
func (db *DB) Round(ctx context.Context, id string) (_ quiz.Round, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "round %s", id)
	return scanRound(db.pool.QueryRow(ctx, `SELECT `+roundCols+` FROM rounds WHERE id = $1`, id))
}

// OpenRound implements quiz.Rounds.
func (db *DB) OpenRound(ctx context.Context, channel string) (_ quiz.Round, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "open round of %s", channel)
	return scanRound(db.pool.QueryRow(ctx, `SELECT `+roundCols+` FROM rounds WHERE channel = $1 AND NOT revealed`, channel))
}

// SetRoundMessage implements quiz.Rounds.
func (db *DB) SetRoundMessage(ctx context.Context, id, messageID string) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "set message of round %s", id)
	return db.updateOpenRound(ctx, id, `UPDATE rounds SET message_id = $2 WHERE id = $1 AND NOT revealed`, messageID)
}

// CloseRoundAt implements quiz.Rounds.
func (db *DB) CloseRoundAt(ctx context.Context, id string, at time.Time) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "close round %s", id)
	return db.updateOpenRound(ctx, id, `UPDATE rounds SET closes_at = $2 WHERE id = $1 AND NOT revealed AND closes_at > $2`, ms(at))
}

// MarkRevealed implements quiz.Rounds.
func (db *DB) MarkRevealed(ctx context.Context, id string) (_ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "mark round %s revealed", id)
	return db.updateOpenRound(ctx, id, `UPDATE rounds SET revealed = true WHERE id = $1 AND NOT revealed`)
}

// updateOpenRound runs an update ($1 is the round's id) guarded by NOT
// revealed and reports whether it changed a row: false with ErrNotFound
// when there is no round id.
func (db *DB) updateOpenRound(ctx context.Context, id, query string, args ...any) (bool, error) {
	tag, err := db.pool.Exec(ctx, query, append([]any{id}, args...)...)
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	var exists bool
	if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM rounds WHERE id = $1)`, id).Scan(&exists); err != nil {
		return false, err
	}
	if !exists {
		return false, quiz.ErrNotFound
	}
	return false, nil
}

// DueRounds implements quiz.Rounds.
func (db *DB) DueRounds(ctx context.Context, now time.Time) (_ []quiz.Round, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "due rounds")
	rows, err := db.pool.Query(ctx, `SELECT `+roundCols+` FROM rounds WHERE NOT revealed AND closes_at <= $1 ORDER BY closes_at, id`, ms(now))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) (quiz.Round, error) { return scanRound(row) })
}

// AddAnswer implements quiz.Answers: a person's earliest answer to a round
// counts, whatever order the answers arrive in (a later one returns the
// counted one unchanged; an earlier one, delivered late, replaces it). The
// conflicting row is locked while the WHERE is checked, so of answers
// arriving together the earliest is the one kept.
func (db *DB) AddAnswer(ctx context.Context, a quiz.Answer) (_ quiz.Answer, _ bool, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "add answer %s %s", a.RoundID, a.UserID)
	if a.At.IsZero() {
		a.At = fromMS(db.now())
	}
	tag, err := db.pool.Exec(ctx, `INSERT INTO answers AS a (round_id, channel, user_id, user_name, choice, correct, answered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (round_id, user_id) DO UPDATE
		SET user_name = excluded.user_name, choice = excluded.choice, correct = excluded.correct, answered_at = excluded.answered_at
		WHERE excluded.answered_at < a.answered_at`,
		a.RoundID, a.Channel, a.UserID, a.UserName, a.Choice, a.Correct, ms(a.At))
	if err != nil {
		return quiz.Answer{}, false, err
	}
	if tag.RowsAffected() == 1 {
		a.At = fromMS(ms(a.At))
		return a, true, nil
	}
	as, err := db.answers(ctx, `WHERE a.round_id = $1 AND a.user_id = $2`, a.RoundID, a.UserID)
	if err != nil {
		return quiz.Answer{}, false, err
	}
	if len(as) == 0 {
		return quiz.Answer{}, false, errors.New("answer vanished")
	}
	return as[0], false, nil
}

// Tally implements quiz.Answers.
func (db *DB) Tally(ctx context.Context, roundID string) (_ quiz.Tally, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "tally %s", roundID)
	var t quiz.Tally
	err = db.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE correct) FROM answers WHERE round_id = $1`, roundID).
		Scan(&t.Answered, &t.Correct)
	return t, err
}

// Answers implements quiz.Answers.
func (db *DB) Answers(ctx context.Context, f quiz.Filter) (_ []quiz.Answer, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "answers")
	where := `WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !f.From.IsZero() {
		where += ` AND a.answered_at >= ` + arg(ms(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND a.answered_at < ` + arg(ms(f.To))
	}
	if f.Channel != "" {
		where += ` AND a.channel = ` + arg(f.Channel)
	}
	if f.Revealed {
		where += ` AND r.revealed`
	}
	return db.answers(ctx, where+` ORDER BY a.answered_at, a.round_id, a.user_id`, args...)
}

func (db *DB) answers(ctx context.Context, where string, args ...any) ([]quiz.Answer, error) {
	rows, err := db.pool.Query(ctx, `SELECT a.round_id, a.channel, a.user_id, a.user_name, a.choice, a.correct, a.answered_at
		FROM answers a JOIN rounds r ON r.id = a.round_id `+where, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) (quiz.Answer, error) {
		var a quiz.Answer
		var at int64
		err := row.Scan(&a.RoundID, &a.Channel, &a.UserID, &a.UserName, &a.Choice, &a.Correct, &at)
		a.At = fromMS(at)
		return a, err
	})
}
