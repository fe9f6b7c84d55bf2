package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"secbot/quiz"
)

// ListRounds returns the rounds opened in f's period (From ≤ opened < To),
// of f's channel when set, revealed only when f.Revealed; oldest first.
func (db *DB) ListRounds(ctx context.Context, f quiz.Filter) (_ []quiz.Round, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "list rounds")
	where, args := roundFilter(f, "")
	rows, err := db.pool.Query(ctx, `SELECT `+roundCols+` FROM rounds `+where+` ORDER BY opened_at, id`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) (quiz.Round, error) { return scanRound(row) })
}

// History returns what a channel was asked in [from, to), oldest first:
// each round's term and kind with its answers and right answers. The
// curriculum (quiz.Plan) reads it.
func (db *DB) History(ctx context.Context, channel string, from, to time.Time) (_ []quiz.Asked, err error) {
	ctx, cancel := db.bound(ctx)
	defer cancel()
	defer db.wrap(&err, "history of %s", channel)
	where, args := roundFilter(quiz.Filter{From: from, To: to, Channel: channel}, "r.")
	rows, err := db.pool.Query(ctx, `SELECT r.question, r.opened_at,
			(SELECT count(*) FROM answers a WHERE a.round_id = r.id),
			(SELECT count(*) FILTER (WHERE a.correct) FROM answers a WHERE a.round_id = r.id)
		FROM rounds r `+where+` ORDER BY r.opened_at, r.id`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row pgx.CollectableRow) (quiz.Asked, error) {
		var q []byte
		var opened int64
		var a quiz.Asked
		if err := row.Scan(&q, &opened, &a.Answers, &a.Correct); err != nil {
			return a, err
		}
		var question quiz.Question
		if err := json.Unmarshal(q, &question); err != nil {
			return a, err
		}
		a.Term, a.Kind, a.At = question.Term, question.Kind, fromMS(opened)
		return a, nil
	})
}

// roundFilter is the WHERE clause of rounds (prefixed: "" or "r.") that f
// selects by opening time.
func roundFilter(f quiz.Filter, prefix string) (string, []any) {
	where := `WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !f.From.IsZero() {
		where += ` AND ` + prefix + `opened_at >= ` + arg(ms(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND ` + prefix + `opened_at < ` + arg(ms(f.To))
	}
	if f.Channel != "" {
		where += ` AND ` + prefix + `channel = ` + arg(f.Channel)
	}
	if f.Revealed {
		where += ` AND ` + prefix + `revealed`
	}
	return where, args
}
