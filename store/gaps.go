package store

import "time"

// Gap is a question secbot could not answer, counted: what the glossary's
// owners should add. Only the normalized text and times are kept, never
// who asked.
type Gap struct {
	Text  string    `json:"text"`
	Count int       `json:"count"`
	Last  time.Time `json:"last"`
}

// Feedback counts the 👍 and 👎 one answer got (one vote per person).
type Feedback struct {
	// Answer names what was answered: "term:NAME" or "ask:QUESTION".
	Answer string `json:"answer"`
	Up     int    `json:"up"`
	Down   int    `json:"down"`
}
