package teams

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"secbot/bot"
)

// VotePath is where the 👍/👎 links of the outgoing webhook's answer cards
// point (GET, under Config.PublicURL).
const VotePath = "/teams/vote"

// DefaultVoteTTL is how long a vote link works when Config.VoteTTL is 0.
const DefaultVoteTTL = 7 * 24 * time.Hour

// maxVoteURL bounds a vote link: an answer to a very long question would
// make a link some browsers and proxies cut; such a card gets no links.
const maxVoteURL = 2000

// voteTokenPrefix versions the vote tokens.
const voteTokenPrefix = "v1."

// voteClaims is what a vote link says. Outgoing webhooks cannot receive a
// click (Teams allows them Action.OpenUrl only), so their answer cards
// carry 👍/👎 as links: each names the answer, the person who asked and the
// vote, with an expiry, signed with a key derived from the webhook's
// secret. Opening one records that person's vote, as a click on the bot's
// buttons would, and shows a page that says so. A link does not know who
// opened it: in a channel anyone can open the links under someone else's
// answer, and the vote is recorded as the asker's (one vote per person and
// answer; a later one replaces it).
type voteClaims struct {
	Answer string `json:"a"`
	User   string `json:"u"`
	Up     bool   `json:"up"`
	Exp    int64  `json:"exp"`
}

// Errors of a vote link, with what the page tells the person.
var (
	errVoteBad     = errors.New("このリンクは正しくありません（途中で切れたか、書き換えられています）。評価は記録されていません。")
	errVoteExpired = errors.New("このリンクは有効期限が切れています。評価は記録されていません。")
)

// voteKeyOf derives the key that signs vote links from the webhook's HMAC
// key, so that a vote token can never pass for a signed message body or
// the reverse.
func voteKeyOf(webhookKey []byte) []byte {
	m := hmac.New(sha256.New, webhookKey)
	m.Write([]byte("secbot teams vote link v1"))
	return m.Sum(nil)
}

func (a *Adapter) voteMAC(payload string) []byte {
	m := hmac.New(sha256.New, a.voteKey)
	m.Write([]byte(voteTokenPrefix + payload))
	return m.Sum(nil)
}

// voteToken returns the signed token of c.
func (a *Adapter) voteToken(c voteClaims) string {
	b, _ := json.Marshal(c) // strings, a bool and an int
	p := base64.RawURLEncoding.EncodeToString(b)
	return voteTokenPrefix + p + "." + base64.RawURLEncoding.EncodeToString(a.voteMAC(p))
}

// readVoteToken checks tok's signature, then its expiry.
func (a *Adapter) readVoteToken(tok string) (voteClaims, error) {
	rest, ok := strings.CutPrefix(tok, voteTokenPrefix)
	p, sig, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 {
		return voteClaims{}, errVoteBad
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, a.voteMAC(p)) {
		return voteClaims{}, errVoteBad
	}
	b, err := base64.RawURLEncoding.DecodeString(p)
	var c voteClaims
	if err != nil || json.Unmarshal(b, &c) != nil || c.Answer == "" || c.User == "" {
		return voteClaims{}, errVoteBad
	}
	if !a.now().Before(time.Unix(c.Exp, 0)) {
		return voteClaims{}, errVoteExpired
	}
	return c, nil
}

// voteLinks returns the card's vote links for answers to userID, or nil
// when the Adapter makes none (no Config.PublicURL, no user id).
func (a *Adapter) voteLinks(userID string) func(answer string) (up, down string, ok bool) {
	if a.cfg.PublicURL == "" || userID == "" {
		return nil
	}
	base := strings.TrimRight(a.cfg.PublicURL, "/") + VotePath + "?t="
	exp := a.now().Add(a.cfg.VoteTTL).Unix()
	return func(answer string) (string, string, bool) {
		if answer == "" {
			return "", "", false
		}
		up := base + a.voteToken(voteClaims{Answer: answer, User: userID, Up: true, Exp: exp})
		down := base + a.voteToken(voteClaims{Answer: answer, User: userID, Up: false, Exp: exp})
		if len(up) > maxVoteURL || len(down) > maxVoteURL {
			return "", "", false
		}
		return up, down, true
	}
}

// serveVote records the vote of a link and shows a small page: 200 with
// the router's answer ("thank you", or "changed"), 400 for a link that is
// not one secbot signed, 410 for an expired one; neither of those records
// anything, nor does HEAD (link checkers).
func (a *Adapter) serveVote(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the link is a credential
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c, err := a.readVoteToken(r.URL.Query().Get("t"))
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, errVoteExpired) {
			status = http.StatusGone
		}
		a.log.Warn("refused a vote link", "err", err, "remote", r.RemoteAddr)
		w.WriteHeader(status)
		votePage.Execute(w, pageData{Title: "評価を記録できませんでした", Text: err.Error()})
		return
	}
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusOK) // HEAD: a link checker, not a person
		return
	}
	id := bot.ActionVoteDown
	if c.Up {
		id = bot.ActionVoteUp
	}
	reply := a.route(r.Context(), bot.Request{Platform: bot.Teams, UserID: c.User,
		Action: &bot.Action{ID: id, Value: c.Answer}})
	a.log.Info("vote through a link", "answer", c.Answer, "user", c.User, "up", c.Up)
	votePage.Execute(w, pageData{Title: "secbot", Text: plainText(reply), About: aboutAnswer(c.Answer)})
}

// aboutAnswer names what an answer key answered, for the page.
func aboutAnswer(key string) string {
	if name, ok := strings.CutPrefix(key, "term:"); ok {
		return "対象: 用語「" + name + "」の回答"
	}
	if q, ok := strings.CutPrefix(key, "ask:"); ok {
		return "対象: 質問「" + cut(q, 80) + "」への回答"
	}
	return ""
}

type pageData struct{ Title, Text, About string }

var votePage = template.Must(template.New("vote").Parse(`<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.7}small{color:#555}</style>
</head><body>
<h1>{{.Title}}</h1>
<p>{{.Text}}</p>
{{with .About}}<p><small>{{.}}</small></p>{{end}}
<p><small>このページは閉じてかまいません。</small></p>
</body></html>
`))
