package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"secbot/quiz"
)

// OpenReadOnly opens an existing database for reading only: it creates no
// file, applies no migration and refuses every write, so HR's exports and
// reports work on a copy, a read-only mount or a file another user owns.
// A WAL database in a folder where SQLite cannot create its -shm file is
// opened as immutable (it must not change while it is read).
func OpenReadOnly(path string) (_ *DB, err error) {
	defer wrap(&err, "open %s read-only", path)
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("invalid database path (it must be a file name without ? or #)")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a folder; SECBOT_DB names the database file", path)
	}
	var lastErr error
	for _, extra := range []string{"", "&immutable=1"} {
		sdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"+extra)
		if err != nil {
			return nil, err
		}
		// A query, not a Ping: SQLite opens the WAL index on first read.
		var n int
		if err := sdb.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
			sdb.Close()
			lastErr = err
			continue
		}
		if n == 0 {
			sdb.Close()
			return nil, fmt.Errorf("not a secbot database (it has no tables; run secbot once to create it)")
		}
		return &DB{db: sdb, Now: time.Now}, nil
	}
	return nil, lastErr
}

// ListRounds returns the rounds opened in f's period (From ≤ opened < To),
// of f's channel when set, revealed only when f.Revealed; oldest first.
func (db *DB) ListRounds(ctx context.Context, f quiz.Filter) (_ []quiz.Round, err error) {
	defer wrap(&err, "list rounds")
	where, args := roundFilter(f)
	return db.rounds(ctx, where+` ORDER BY opened_at, id`, args...)
}

// History returns what a channel was asked in [from, to), oldest first:
// each round's term and kind with its answers and right answers. The
// curriculum (quiz.Plan) reads it.
func (db *DB) History(ctx context.Context, channel string, from, to time.Time) (_ []quiz.Asked, err error) {
	defer wrap(&err, "history of %s", channel)
	where, args := roundFilter(quiz.Filter{From: from, To: to, Channel: channel})
	rows, err := db.db.QueryContext(ctx, `SELECT r.question, r.opened_at,
			(SELECT count(*) FROM answers a WHERE a.round_id = r.id),
			(SELECT coalesce(sum(a.correct), 0) FROM answers a WHERE a.round_id = r.id)
		FROM rounds r `+strings.ReplaceAll(where, "opened_at", "r.opened_at")+` ORDER BY r.opened_at, r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []quiz.Asked
	for rows.Next() {
		var q string
		var opened int64
		var a quiz.Asked
		if err := rows.Scan(&q, &opened, &a.Answers, &a.Correct); err != nil {
			return nil, err
		}
		var question quiz.Question
		if err := json.Unmarshal([]byte(q), &question); err != nil {
			return nil, err
		}
		a.Term, a.Kind, a.At = question.Term, question.Kind, fromMS(opened)
		out = append(out, a)
	}
	return out, rows.Err()
}

// roundFilter is the WHERE clause of rounds that f selects by opening time.
func roundFilter(f quiz.Filter) (string, []any) {
	where := `WHERE 1 = 1`
	var args []any
	if !f.From.IsZero() {
		where += ` AND opened_at >= ?`
		args = append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND opened_at < ?`
		args = append(args, ms(f.To))
	}
	if f.Channel != "" {
		where += ` AND channel = ?`
		args = append(args, f.Channel)
	}
	if f.Revealed {
		where += ` AND revealed = 1`
	}
	return where, args
}
