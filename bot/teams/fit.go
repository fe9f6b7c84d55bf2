package teams

import (
	"fmt"
	"unicode/utf8"
)

// MaxMessageBytes is the size secbot keeps a Teams message under. Teams
// refuses messages over 28 KB (Workflows and outgoing webhook replies
// alike); the margin leaves room for what the workflow wraps around the card.
const MaxMessageBytes = 27 * 1024

// shrunkNote ends a card that had to be cut to fit.
const shrunkNote = "（Teams の1メッセージの上限に収めるため、一部を省略しました）"

// minRunes is the shortest a text is cut to before whole elements go.
const minRunes = 16

// fit encodes m in at most maxBytes bytes. A message that is too large is cut
// cleanly rather than refused: first every long text is shortened (the
// longest first, each ending in "…"), then, if that is not enough, the
// card's last elements are dropped; a card that was cut says so at its end.
// It fails only when even an empty card would not fit. fit may change m.
func fit(m *message, maxBytes int) ([]byte, error) {
	b := encode(*m)
	if len(b) <= maxBytes {
		return b, nil
	}
	if len(m.Attachments) == 0 || m.Attachments[0].Content == nil {
		return fitText(m, maxBytes)
	}
	m.Text, m.Summary = cut(m.Text, minRunes*2), cut(m.Summary, minRunes*2)
	c := m.Attachments[0].Content
	c.Body = append(c.Body, element{Type: "TextBlock", Text: shrunkNote, IsSubtle: true, Size: "Small", Wrap: true, Separator: true})
	// Halve the longest allowed text until the card fits.
	limit := longest(c.Body[:len(c.Body)-1])
	for limit > minRunes {
		limit /= 2
		if limit < minRunes {
			limit = minRunes
		}
		for _, p := range texts(c.Body[:len(c.Body)-1]) {
			*p = cut(*p, limit)
		}
		if b = encode(*m); len(b) <= maxBytes {
			return b, nil
		}
	}
	// Still too large (hundreds of rows): drop elements from the end, and
	// facts from the end of a last FactSet.
	for len(c.Body) > 1 {
		last := &c.Body[len(c.Body)-2]
		if last.Type == "FactSet" && len(last.Facts) > 1 {
			last.Facts = last.Facts[:len(last.Facts)/2]
		} else {
			c.Body = append(c.Body[:len(c.Body)-2], c.Body[len(c.Body)-1])
		}
		if b = encode(*m); len(b) <= maxBytes {
			return b, nil
		}
	}
	return nil, fmt.Errorf("an empty card takes %d bytes, over the limit of %d", len(b), maxBytes)
}

// fitText cuts a plain text message to fit.
func fitText(m *message, maxBytes int) ([]byte, error) {
	for n := utf8.RuneCountInString(m.Text) / 2; n >= minRunes; n /= 2 {
		m.Text = cut(m.Text, n)
		if b := encode(*m); len(b) <= maxBytes {
			return b, nil
		}
	}
	return nil, fmt.Errorf("a message of %d characters does not fit in %d bytes", minRunes, maxBytes)
}

// texts returns pointers to every string of es that people read.
func texts(es []element) []*string {
	var out []*string
	for i := range es {
		e := &es[i]
		if e.Text != "" {
			out = append(out, &e.Text)
		}
		for j := range e.Facts {
			out = append(out, &e.Facts[j].Title, &e.Facts[j].Value)
		}
		out = append(out, texts(e.Items)...)
	}
	return out
}

// longest returns the rune count of the longest text of es.
func longest(es []element) int {
	n := 0
	for _, p := range texts(es) {
		n = max(n, utf8.RuneCountInString(*p))
	}
	return n
}
