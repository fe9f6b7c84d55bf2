package jtext

import "strings"

// ASCIILower lowers A–Z only, so that byte offsets stay those of s.
func ASCIILower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// IndexFold returns the byte offset of sub in s at or after from, ASCII
// case-insensitively, or -1; when sub starts or ends with an ASCII letter
// or digit, a match must not touch another one on that side (a whole
// word: IP is in "IPの", not in "IPS").
func IndexFold(s, sub string, from int) int {
	if sub == "" {
		return -1
	}
	ls, lsub := ASCIILower(s), ASCIILower(sub)
	for from <= len(ls) {
		i := strings.Index(ls[from:], lsub)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(lsub)
		okL := !isAlnum(lsub[0]) || i == 0 || !isAlnum(ls[i-1])
		okR := !isAlnum(lsub[len(lsub)-1]) || end == len(ls) || !isAlnum(ls[end])
		if okL && okR {
			return i
		}
		from = i + 1
	}
	return -1
}

// ContainsFold reports whether s contains sub as IndexFold finds it.
func ContainsFold(s, sub string) bool { return IndexFold(s, sub, 0) >= 0 }
