package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"secbot/quiz"
)

var (
	_ quiz.Rounds  = (*DB)(nil)
	_ quiz.Answers = (*DB)(nil)
)

// CreateRound implements quiz.Rounds.
func (db *DB) CreateRound(ctx context.Context, r quiz.Round) (err error) {
	defer wrap(&err, "create round %s", r.ID)
	q, err := json.Marshal(r.Question)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM rounds WHERE id = ?`, r.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return quiz.ErrRoundExists
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO rounds (id, channel, question, seed, opened_at, closes_at, message_id, revealed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Channel, string(q), r.Seed, ms(r.Opened), ms(r.Closes), r.MessageID, r.Revealed)
		if isConstraint(err) {
			return quiz.ErrRoundOpen
		}
		return err
	})
}

const roundCols = `id, channel, question, seed, opened_at, closes_at, message_id, revealed`

func scanRound(row interface{ Scan(...any) error }) (quiz.Round, error) {
	var r quiz.Round
	var q string
	var opened, closes int64
	if err := row.Scan(&r.ID, &r.Channel, &q, &r.Seed, &opened, &closes, &r.MessageID, &r.Revealed); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, quiz.ErrNotFound
		}
		return r, err
	}
	r.Opened, r.Closes = fromMS(opened), fromMS(closes)
	if err := json.Unmarshal([]byte(q), &r.Question); err != nil {
		return r, err
	}
	return r, nil
}

// Round implements quiz.Rounds.
func (db *DB) Round(ctx context.Context, id string) (_ quiz.Round, err error) {
	defer wrap(&err, "round %s", id)
	return scanRound(db.db.QueryRowContext(ctx, `SELECT `+roundCols+` FROM rounds WHERE id = ?`, id))
}

// OpenRound implements quiz.Rounds.
func (db *DB) OpenRound(ctx context.Context, channel string) (_ quiz.Round, err error) {
	defer wrap(&err, "open round of %s", channel)
	return scanRound(db.db.QueryRowContext(ctx, `SELECT `+roundCols+` FROM rounds WHERE channel = ? AND revealed = 0`, channel))
}

// SetRoundMessage implements quiz.Rounds.
func (db *DB) SetRoundMessage(ctx context.Context, id, messageID string) (_ bool, err error) {
	defer wrap(&err, "set message of round %s", id)
	return db.updateOpenRound(ctx, id, `UPDATE rounds SET message_id = ? WHERE id = ? AND revealed = 0`, messageID, id)
}

// CloseRoundAt implements quiz.Rounds.
func (db *DB) CloseRoundAt(ctx context.Context, id string, at time.Time) (_ bool, err error) {
	defer wrap(&err, "close round %s", id)
	return db.updateOpenRound(ctx, id, `UPDATE rounds SET closes_at = ? WHERE id = ? AND revealed = 0 AND closes_at > ?`, ms(at), id, ms(at))
}

// MarkRevealed implements quiz.Rounds.
func (db *DB) MarkRevealed(ctx context.Context, id string) (_ bool, err error) {
	defer wrap(&err, "mark round %s revealed", id)
	return db.updateOpenRound(ctx, id, `UPDATE rounds SET revealed = 1 WHERE id = ? AND revealed = 0`, id)
}

// updateOpenRound runs an update guarded by revealed = 0 and reports whether
// it changed a row: false with ErrNotFound when there is no round id.
func (db *DB) updateOpenRound(ctx context.Context, id, query string, args ...any) (bool, error) {
	res, err := db.exec(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 1 {
		return n == 1, err
	}
	var exists int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM rounds WHERE id = ?`, id).Scan(&exists); err != nil {
		return false, err
	}
	if exists == 0 {
		return false, quiz.ErrNotFound
	}
	return false, nil
}

// DueRounds implements quiz.Rounds.
func (db *DB) DueRounds(ctx context.Context, now time.Time) (_ []quiz.Round, err error) {
	defer wrap(&err, "due rounds")
	return db.rounds(ctx, `WHERE revealed = 0 AND closes_at <= ? ORDER BY closes_at, id`, ms(now))
}

// rounds returns the rounds a WHERE … ORDER BY clause selects.
func (db *DB) rounds(ctx context.Context, where string, args ...any) ([]quiz.Round, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+roundCols+` FROM rounds `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []quiz.Round
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddAnswer implements quiz.Answers: a person's earliest answer to a round
// counts, whatever order the answers arrive in (a later one returns the
// counted one unchanged; an earlier one, delivered late, replaces it).
func (db *DB) AddAnswer(ctx context.Context, a quiz.Answer) (_ quiz.Answer, _ bool, err error) {
	defer wrap(&err, "add answer %s %s", a.RoundID, a.UserID)
	if a.At.IsZero() {
		a.At = fromMS(db.now())
	}
	res, err := db.exec(ctx, `INSERT INTO answers (round_id, channel, user_id, user_name, choice, correct, answered_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, user_id) DO UPDATE
		SET user_name = excluded.user_name, choice = excluded.choice, correct = excluded.correct, answered_at = excluded.answered_at
		WHERE excluded.answered_at < answers.answered_at`,
		a.RoundID, a.Channel, a.UserID, a.UserName, a.Choice, a.Correct, ms(a.At))
	if err != nil {
		return quiz.Answer{}, false, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return quiz.Answer{}, false, err
	} else if n == 1 {
		a.At = fromMS(ms(a.At))
		return a, true, nil
	}
	as, err := db.answers(ctx, `WHERE a.round_id = ? AND a.user_id = ?`, a.RoundID, a.UserID)
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
	defer wrap(&err, "tally %s", roundID)
	var t quiz.Tally
	var correct sql.NullInt64
	err = db.db.QueryRowContext(ctx, `SELECT count(*), sum(correct) FROM answers WHERE round_id = ?`, roundID).Scan(&t.Answered, &correct)
	t.Correct = int(correct.Int64)
	return t, err
}

// Answers implements quiz.Answers.
func (db *DB) Answers(ctx context.Context, f quiz.Filter) (_ []quiz.Answer, err error) {
	defer wrap(&err, "answers")
	where := `WHERE 1 = 1`
	var args []any
	if !f.From.IsZero() {
		where += ` AND a.answered_at >= ?`
		args = append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND a.answered_at < ?`
		args = append(args, ms(f.To))
	}
	if f.Channel != "" {
		where += ` AND a.channel = ?`
		args = append(args, f.Channel)
	}
	if f.Revealed {
		where += ` AND r.revealed = 1`
	}
	return db.answers(ctx, where+` ORDER BY a.answered_at, a.round_id, a.user_id`, args...)
}

func (db *DB) answers(ctx context.Context, where string, args ...any) ([]quiz.Answer, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT a.round_id, a.channel, a.user_id, a.user_name, a.choice, a.correct, a.answered_at
		FROM answers a JOIN rounds r ON r.id = a.round_id `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []quiz.Answer
	for rows.Next() {
		var a quiz.Answer
		var at int64
		if err := rows.Scan(&a.RoundID, &a.Channel, &a.UserID, &a.UserName, &a.Choice, &a.Correct, &at); err != nil {
			return nil, err
		}
		a.At = fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
