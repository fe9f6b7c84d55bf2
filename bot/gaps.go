package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"secbot/jtext"
	"secbot/knowledge"
	"secbot/store"
)

// GapStore keeps what the glossary's owners learn from: the questions
// secbot could not answer and the votes people give answers. store/sqlite
// and store/postgres implement it.
type GapStore interface {
	RecordGap(ctx context.Context, text string) error
	Vote(ctx context.Context, answer, user string, up bool) (bool, error)
	Gaps(ctx context.Context, since time.Time, limit int) ([]store.Gap, error)
	LeastHelpful(ctx context.Context, since time.Time, limit int) ([]store.Feedback, error)
}

// Vote action ids: the 👍 and 👎 buttons under an answer card. Value:
// the answer's key (AnswerKey).
const (
	ActionVoteUp   = "answer.up"
	ActionVoteDown = "answer.down"
)

// GapWindow is how far back /term gaps and `secbot gaps` look.
const GapWindow = 30 * 24 * time.Hour

// AnswerKey names what an answer answered, for votes: "term:NAME" for a
// term, "ask:QUESTION" (folded) for passages.
func AnswerKey(a *knowledge.Answer) string {
	if a == nil {
		return ""
	}
	if a.Shows() == knowledge.KindTerm && a.Term != nil {
		return "term:" + a.Term.Name
	}
	return "ask:" + jtext.Fold(strings.TrimSpace(a.Query))
}

// Gaps records the questions the term and ask handlers could not answer,
// takes the vote buttons, and answers /term gaps for admins.
type Gaps struct {
	Store GapStore
	// Now defaults to time.Now; Log to slog.Default().
	Now func() time.Time
	Log *slog.Logger
}

// Wrap returns h recording its "none" answers (the folded question, never
// who asked) and answering "/term gaps" (admins) with the report.
func (g *Gaps) Wrap(h Handler) Handler {
	return HandlerFunc(func(ctx context.Context, req Request) (Reply, error) {
		if req.Action == nil && strings.EqualFold(strings.TrimSpace(req.Text), "gaps") && req.Command == "term" {
			if !req.Admin {
				return Reply{}, Userf("/term gaps は管理者だけが使えます。管理者は設定ファイルの admins で指定します。")
			}
			return g.report(ctx)
		}
		reply, err := h.Handle(ctx, req)
		if err == nil && reply.Answer != nil && reply.Answer.Shows() == knowledge.KindNone && req.Action == nil {
			if q := jtext.Fold(strings.TrimSpace(reply.Answer.Query)); q != "" {
				if rerr := g.Store.RecordGap(context.WithoutCancel(ctx), q); rerr != nil {
					g.log().Warn("could not record an unanswered question", "err", rerr)
				}
			}
		}
		return reply, err
	})
}

// Feedback returns the handler of the vote buttons: one vote per person
// and answer, a later one replacing theirs.
func (g *Gaps) Feedback() Handler {
	return HandlerFunc(func(ctx context.Context, req Request) (Reply, error) {
		if req.Action == nil || (req.Action.ID != ActionVoteUp && req.Action.ID != ActionVoteDown) || req.Action.Value == "" {
			return Reply{}, Userf("このボタンは読み取れませんでした。")
		}
		if req.UserID == "" {
			return Reply{}, Userf("投票した人を確認できませんでした。")
		}
		up := req.Action.ID == ActionVoteUp
		isNew, err := g.Store.Vote(ctx, req.Action.Value, req.UserID, up)
		if err != nil {
			return Reply{}, err
		}
		msg := "ありがとうございます。この回答が役に立ったことを記録しました。"
		if !up {
			msg = "ありがとうございます。この回答が役に立たなかったことを記録しました。用語集の改善に使います。"
		}
		if !isNew {
			msg = "評価を変更しました。" + msg
		}
		return Reply{Private: true, Text: msg}, nil
	})
}

// GapsReport is the report of /term gaps and `secbot gaps`.
type GapsReport struct {
	Since        time.Time        `json:"since"`
	Unanswered   []store.Gap      `json:"unanswered"`
	LeastHelpful []store.Feedback `json:"least_helpful"`
}

// Report reads the report of the last GapWindow.
func (g *Gaps) Report(ctx context.Context) (GapsReport, error) {
	since := g.now().Add(-GapWindow)
	r := GapsReport{Since: since, Unanswered: []store.Gap{}, LeastHelpful: []store.Feedback{}}
	var err error
	if r.Unanswered, err = g.Store.Gaps(ctx, since, 20); err != nil {
		return r, err
	}
	if r.LeastHelpful, err = g.Store.LeastHelpful(ctx, since, 10); err != nil {
		return r, err
	}
	if r.Unanswered == nil {
		r.Unanswered = []store.Gap{}
	}
	if r.LeastHelpful == nil {
		r.LeastHelpful = []store.Feedback{}
	}
	return r, nil
}

func (g *Gaps) report(ctx context.Context) (Reply, error) {
	r, err := g.Report(ctx)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Private: true, Text: r.Text()}, nil
}

// Text is the report for people.
func (r GapsReport) Text() string {
	var b strings.Builder
	b.WriteString("過去30日に答えられなかった質問（多い順）\n")
	if len(r.Unanswered) == 0 {
		b.WriteString("（ありません）\n")
	}
	for i, gp := range r.Unanswered {
		fmt.Fprintf(&b, "%d. %s（%d回）\n", i+1, gp.Text, gp.Count)
	}
	b.WriteString("\n役に立たなかった回答（👎 の多い順）\n")
	if len(r.LeastHelpful) == 0 {
		b.WriteString("（ありません）\n")
	}
	for i, f := range r.LeastHelpful {
		fmt.Fprintf(&b, "%d. %s　👍 %d / 👎 %d\n", i+1, f.Answer, f.Up, f.Down)
	}
	return strings.TrimRight(b.String(), "\n")
}

func (g *Gaps) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *Gaps) log() *slog.Logger {
	if g.Log != nil {
		return g.Log
	}
	return slog.Default()
}
