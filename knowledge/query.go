package knowledge

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQueryRunes is the longest query secbot accepts, in characters.
const MaxQueryRunes = 200

// Query errors. Callers compare with errors.Is and show the error's text to
// the person who typed the query: it says what to change.
var (
	ErrEmptyQuery   = errors.New("query is empty")
	ErrLongQuery    = fmt.Errorf("query is longer than %d characters", MaxQueryRunes)
	ErrControlChars = errors.New("query contains control characters")
	ErrInvalidUTF8  = errors.New("query is not valid UTF-8")
)

// CheckQuery trims q and reports whether secbot can look it up: not empty,
// valid UTF-8, at most MaxQueryRunes characters and free of control
// characters (tabs and newlines inside a query are refused too: a query is
// one line).
func CheckQuery(q string) (string, error) {
	if !utf8.ValidString(q) {
		return "", ErrInvalidUTF8
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return "", ErrEmptyQuery
	}
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		return "", ErrLongQuery
	}
	for _, r := range q {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return "", ErrControlChars
		}
	}
	return q, nil
}
