package sqlite

import (
	"context"

	"secbot/quiz"
)

// SetRoundMembers records how many members round id's channel had when the
// round was posted (for HR's participation rate).
func (db *DB) SetRoundMembers(ctx context.Context, id string, n int) (err error) {
	defer wrap(&err, "set members of round %s", id)
	_, err = db.exec(ctx, `UPDATE rounds SET members = ? WHERE id = ?`, n, id)
	return err
}

// RoundMembers implements report.MemberSource: the known member counts of
// the rounds f selects, by round id.
func (db *DB) RoundMembers(ctx context.Context, f quiz.Filter) (_ map[string]int, err error) {
	defer wrap(&err, "round members")
	where, args := roundFilter(f)
	rows, err := db.db.QueryContext(ctx, `SELECT id, members FROM rounds `+where+` AND members > 0`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
