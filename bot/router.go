package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"secbot/knowledge"
	"strings"
	"unicode"
)

// Handler answers one kind of request.
type Handler interface {
	Handle(ctx context.Context, r Request) (Reply, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, r Request) (Reply, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, r Request) (Reply, error) { return f(ctx, r) }

// UserError is an error whose text is meant for the person who asked: it
// says what went wrong and what to do. Any other error a handler returns is
// logged and the person gets a short apology instead.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

// Userf returns a UserError with a formatted message.
func Userf(format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// Apology is what a person reads when something failed inside secbot.
const Apology = "すみません、内部でエラーが発生しました。しばらくしてからもう一度お試しください。"

// Router sends each Request to the handler of its command.
type Router struct {
	handlers map[string]Handler
	help     []HelpLine
	// Log receives handler errors and recovered panics; nil means slog.Default().
	Log *slog.Logger
	// Pack is what the help says secbot teaches (its chapter and the
	// number of glossary terms); nil says 教材.
	Pack *knowledge.Pack
	// Admins lists the user ids (any platform) that may run admin commands
	// (/quiz start, /quiz stop). Route sets Request.Admin from it.
	Admins map[string]bool
}

// NewRouter returns a Router with no handlers but "help", which lists the
// HelpLines of the commands registered with Handle.
func NewRouter() *Router {
	r := &Router{handlers: map[string]Handler{}}
	r.handlers["help"] = HandlerFunc(func(context.Context, Request) (Reply, error) {
		return r.HelpReply(), nil
	})
	return r
}

// Handle registers h for command ("term", "tip", "quiz", "ask" for free
// text). The help lines are listed by /help in the order registered.
func (r *Router) Handle(command string, h Handler, help ...HelpLine) {
	r.handlers[command] = h
	r.help = append(r.help, help...)
}

// intro is the help's first line: what the loaded pack teaches.
func (r *Router) intro() string {
	if r.Pack == nil {
		return "secbot は教材と用語集を案内します。"
	}
	label, title := r.Pack.Source()
	if title != "" {
		label += "「" + title + "」"
	}
	return fmt.Sprintf("secbot は%sと用語集（%d語）を案内します。", label, len(r.Pack.Terms))
}

// HelpReply lists the registered commands.
func (r *Router) HelpReply() Reply {
	lines := append([]HelpLine{{Usage: "/help", What: "このヘルプを表示します"}}, r.help...)
	var b strings.Builder
	b.WriteString(r.intro() + "\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "%s — %s\n", l.Usage, l.What)
	}
	return Reply{Private: true, Text: strings.TrimRight(b.String(), "\n"), Help: lines}
}

// Route answers req. It never fails and never panics: errors become a
// message for the person (UserError) or an apology (anything else, logged).
func (r *Router) Route(ctx context.Context, req Request) Reply {
	reply, _ := r.Serve(ctx, req)
	return reply
}

// Serve answers req like Route, and also returns the internal error behind
// an apology (nil for answers and UserErrors), so that a front end that
// must not acknowledge what it could not keep (a quiz answer the store
// refused) can answer with an error status instead.
func (r *Router) Serve(ctx context.Context, req Request) (reply Reply, err error) {
	req = Normalize(req)
	req.Admin = r.Admins[req.UserID]
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("handler panicked", "command", req.Command, "panic", p, "stack", string(debug.Stack()))
			reply, err = Reply{Private: true, Text: Apology}, fmt.Errorf("handler panicked: %v", p)
		}
	}()
	h, ok := r.handlers[req.Command]
	if !ok {
		return Reply{Private: true, Text: fmt.Sprintf("「/%s」というコマンドはありません。/help で使い方を確認できます。", req.Command)}, nil
	}
	reply, err = h.Handle(ctx, req)
	if err != nil {
		var ue *UserError
		if errors.As(err, &ue) {
			return Reply{Private: true, Text: ue.Msg}, nil
		}
		log.Error("handler failed", "command", req.Command, "user", req.UserID, "channel", req.ChannelID, "err", err)
		return Reply{Private: true, Text: Apology}, err
	}
	return reply, nil
}

// Normalize fills in req.Command from free text and actions:
//   - a clicked button goes to the command its Action id starts with
//     ("term.open" → "term");
//   - free text that starts with a slash command ("/term VPN") or with
//     "help" / "ヘルプ" goes to that command;
//   - "answer B" (Teams, where buttons cannot post back) goes to "quiz";
//   - any other free text goes to "ask";
//   - "/term help" goes to "help".
func Normalize(req Request) Request {
	if req.Action != nil {
		if cmd, _, ok := strings.Cut(req.Action.ID, "."); ok {
			req.Command = cmd
		}
		return req
	}
	text := strings.TrimSpace(strings.Map(dropInvisible, req.Text))
	if req.Command == "" {
		word, rest := splitWord(text)
		lw := strings.ToLower(word)
		switch {
		case strings.HasPrefix(word, "/") || strings.HasPrefix(word, "／"):
			req.Command = strings.ToLower(strings.TrimLeft(word, "/／"))
			text = rest
		case lw == "help" || word == "ヘルプ" || lw == "?" || word == "？":
			req.Command = "help"
			text = ""
		case lw == "answer" || word == "回答":
			req.Command = "quiz"
			text = "answer " + rest
		default:
			req.Command = "ask"
		}
	}
	if req.Command == "term" && (strings.EqualFold(text, "help") || text == "ヘルプ") {
		req.Command = "help"
		text = ""
	}
	req.Text = text
	return req
}

// splitWord splits s at its first run of spaces (ASCII or ideographic).
func splitWord(s string) (word, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// dropInvisible drops the zero-width and bidirectional control characters
// (U+200B–U+200D, U+FEFF, U+202A–U+202E) that copy and paste leaves in
// text: they change nothing a person sees, and would break a term's match.
func dropInvisible(r rune) rune {
	switch {
	case r >= 0x200B && r <= 0x200D, r == 0xFEFF, r >= 0x202A && r <= 0x202E:
		return -1
	}
	return r
}
