package quiz

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Standing is one player's line on a leaderboard.
type Standing struct {
	Rank     int
	UserID   string
	UserName string
	Correct  int
	Answered int
}

// Leaderboard ranks the players of answers: most right answers first, then
// fewest answers (better accuracy), then who reached the score first. Equal
// scores share a rank. At most limit rows are returned (all when limit ≤ 0).
func Leaderboard(answers []Answer, limit int) []Standing {
	type acc struct {
		Standing
		last time.Time // when the player reached their score
	}
	by := map[string]*acc{}
	for _, a := range answers {
		p := by[a.UserID]
		if p == nil {
			p = &acc{Standing: Standing{UserID: a.UserID}}
			by[a.UserID] = p
		}
		if a.UserName != "" {
			p.UserName = a.UserName
		}
		p.Answered++
		if a.Correct {
			p.Correct++
			if a.At.After(p.last) {
				p.last = a.At
			}
		}
	}
	rows := make([]*acc, 0, len(by))
	for _, p := range by {
		rows = append(rows, p)
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Correct != b.Correct {
			return a.Correct > b.Correct
		}
		if a.Answered != b.Answered {
			return a.Answered < b.Answered
		}
		if !a.last.Equal(b.last) {
			return a.last.Before(b.last)
		}
		return a.UserID < b.UserID
	})
	out := make([]Standing, 0, len(rows))
	for i, p := range rows {
		p.Rank = i + 1
		if i > 0 && p.Correct == rows[i-1].Correct && p.Answered == rows[i-1].Answered {
			p.Rank = out[i-1].Rank
		}
		out = append(out, p.Standing)
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// CSVHeader is the header row of WriteCSV.
var CSVHeader = []string{"round", "channel", "user_id", "user_name", "choice", "correct", "time"}

// WriteCSV writes answers as CSV for HR: one row per answer with the round
// id, channel, user id and name, the choice as a letter (A–D), whether it was
// right (true/false), and the time (RFC 3339 in loc).
func WriteCSV(w io.Writer, answers []Answer, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, a := range answers {
		row := []string{a.RoundID, a.Channel, a.UserID, csvSafe(a.UserName), ChoiceLetter(a.Choice),
			strconv.FormatBool(a.Correct), a.At.In(loc).Format(time.RFC3339)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formulas in names people chose themselves
// (=HYPERLINK(…)): HR opens the export in Excel. A name starting with one
// of OWASP's formula characters (= + - @ tab CR) gets a leading quote.
func csvSafe(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// ChoiceLetter returns A, B, C, D… for choice 0, 1, 2, 3…
func ChoiceLetter(i int) string {
	if i >= 0 && i < 26 {
		return string(rune('A' + i))
	}
	return fmt.Sprint(i + 1)
}

// ParseChoice reads a choice letter or number as people type it ("B", "ｂ",
// "2", "２") and returns its index, or -1.
func ParseChoice(s string, n int) int {
	rs := []rune(s)
	if len(rs) != 1 {
		return -1
	}
	c := rs[0]
	switch {
	case c >= 'Ａ' && c <= 'Ｚ':
		c = c - 'Ａ' + 'A'
	case c >= 'ａ' && c <= 'ｚ':
		c = c - 'ａ' + 'A'
	case c >= '０' && c <= '９':
		c = c - '０' + '0'
	case c >= 'a' && c <= 'z':
		c = c - 'a' + 'A'
	}
	i := -1
	switch {
	case c >= 'A' && c <= 'Z':
		i = int(c - 'A')
	case c >= '1' && c <= '9':
		i = int(c - '1')
	}
	if i < 0 || i >= n {
		return -1
	}
	return i
}
