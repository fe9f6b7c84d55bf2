package teams

import (
	"html"
	"strings"
	"unicode"
)

// blockTags are the HTML elements that end a line in Teams' message HTML;
// they become a space, other tags vanish.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true,
	"tr": true, "td": true, "th": true, "table": true, "blockquote": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "pre": true,
}

// messageText turns the text of a Teams message into what the person
// asked: the webhook's own <at>…</at> mention is removed, other mentions
// keep their names, HTML tags go (block elements leave a space), entities
// are decoded (&nbsp; &amp; &lt;) and runs of white space become one space.
//
// The webhook's mention is the <at> element whose text is name (ignoring
// case); when none is (the webhook was renamed), the first <at> is, since
// Teams sends a message only when it mentions the webhook.
func messageText(s, name string) string {
	type mention struct{ start, end int } // byte offsets in out
	var (
		out      strings.Builder
		mentions []mention
		ours     = -1 // index into mentions of the webhook's mention
	)
	for i := 0; i < len(s); {
		if s[i] != '<' || !tagStart(s, i+1) {
			j := strings.IndexByte(s[i+1:], '<')
			if j < 0 {
				j = len(s)
			} else {
				j += i + 1
			}
			out.WriteString(s[i:j])
			i = j
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 { // "<" that opens nothing: keep it
			out.WriteString(s[i:])
			break
		}
		tag := tagName(s[i+1 : i+end])
		i += end + 1
		switch {
		case tag == "at":
			closeAt := strings.Index(strings.ToLower(s[i:]), "</at>")
			if closeAt < 0 {
				continue
			}
			inner := s[i : i+closeAt]
			i += closeAt + len("</at>")
			if ours < 0 && name != "" && strings.EqualFold(collapse(html.UnescapeString(inner)), name) {
				ours = len(mentions)
			}
			mentions = append(mentions, mention{out.Len(), out.Len() + len(inner)})
			out.WriteString(inner)
		case blockTags[strings.TrimPrefix(tag, "/")]:
			out.WriteByte(' ')
		}
	}
	text := out.String()
	if len(mentions) > 0 {
		if ours < 0 {
			ours = 0
		}
		m := mentions[ours]
		text = text[:m.start] + " " + text[m.end:]
	}
	return collapse(html.UnescapeString(text))
}

// tagStart reports whether s[i] can start an HTML tag name ("<p", "</p",
// "<!--"): a "<" the person typed arrives as "&lt;", but be lenient.
func tagStart(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	return c == '/' || c == '!' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// tagName returns the lower-case name of the tag whose inside (between "<"
// and ">") is s, with a leading "/" for a closing tag: "br/" → "br",
// "/P" → "/p", `span itemid="0"` → "span".
func tagName(s string) string {
	s = strings.TrimSpace(s)
	closing := strings.HasPrefix(s, "/")
	s = strings.TrimPrefix(s, "/")
	if end := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '/' }); end >= 0 {
		s = s[:end]
	}
	s = strings.ToLower(s)
	if closing {
		return "/" + s
	}
	return s
}

// collapse turns every run of white space (including no-break and
// ideographic spaces, newlines) into one ASCII space and trims the ends.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' || r == '\ufeff'
	}), " ")
}

// MessageText is the text of a Teams message as secbot reads it: the
// mention of name (an <at> element) removed, other mentions kept as names,
// HTML tags dropped, entities decoded and white space collapsed. The Bot
// Framework adapter (bot/teamsbot) reads messages with it too.
func MessageText(s, name string) string { return messageText(s, name) }
