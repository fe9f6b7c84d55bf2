package index

import "secbot/jtext"

// The text folds search uses are jtext's, shared with the quiz and the
// importer; these names keep index's code short.

// keyRune is one rune of the matching form of a text (jtext.Rune).
type keyRune = jtext.Rune

// keyRunes is the matching form of s, rune by rune (jtext.Runes).
func keyRunes(s string) []keyRune { return jtext.Runes(s) }

// Key returns the form of s that secbot compares (see jtext.Key):
// Key("ファイヤーウォール") == Key("ふぁいあうぉーる") == Key("ファイアウォール").
func Key(s string) string { return jtext.Key(s) }

// Fold returns s width and case folded with spaces and punctuation removed,
// as the eval files' scoring rule asks (see jtext.Fold).
func Fold(s string) string { return jtext.Fold(s) }

func isLatin(r rune) bool               { return jtext.IsLatin(r) }
func dropRune(r rune) bool              { return jtext.Drop(r) }
func widthFold(s string, k bool) string { return jtext.WidthFold(s, k) }
func asciiLower(s string) string        { return jtext.ASCIILower(s) }

// keyString is Key of a text already in key runes.
func keyString(ks []keyRune) string {
	b := make([]rune, len(ks))
	for i, k := range ks {
		b[i] = k.R
	}
	return string(b)
}
