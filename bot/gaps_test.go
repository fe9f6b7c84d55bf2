package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"secbot/knowledge"
	"secbot/store"
)

type memGaps struct {
	gaps  []string
	votes map[[2]string]bool
}

func (m *memGaps) RecordGap(_ context.Context, text string) error {
	m.gaps = append(m.gaps, text)
	return nil
}

func (m *memGaps) Vote(_ context.Context, answer, user string, up bool) (bool, error) {
	k := [2]string{answer, user}
	_, seen := m.votes[k]
	m.votes[k] = up
	return !seen, nil
}

func (m *memGaps) Gaps(context.Context, time.Time, int) ([]store.Gap, error) { return nil, nil }
func (m *memGaps) LeastHelpful(context.Context, time.Time, int) ([]store.Feedback, error) {
	return nil, nil
}

// TestGapsRecordAndVote: a question answered "none" is recorded folded and
// without its asker; an answered one is not; the vote buttons count one
// vote a person; /term gaps is for admins.
func TestGapsRecordAndVote(t *testing.T) {
	m := &memGaps{votes: map[[2]string]bool{}}
	g := &Gaps{Store: m}
	r := NewRouter()
	r.Admins = map[string]bool{"UADMIN": true}
	answer := HandlerFunc(func(_ context.Context, req Request) (Reply, error) {
		kind := knowledge.KindNone
		if req.Text == "VPN" {
			kind = knowledge.KindTerm
		}
		return Reply{Answer: &knowledge.Answer{Query: req.Text, Kind: kind, Term: &knowledge.Term{Name: "VPN"}}}, nil
	})
	r.Handle("term", g.Wrap(answer), TermUsage, GapsUsage)
	ctx := context.Background()
	r.Route(ctx, Request{UserID: "U1", Command: "term", Text: "ＳＵＳＨＩ？"})
	r.Route(ctx, Request{UserID: "U1", Command: "term", Text: "VPN"})
	if len(m.gaps) != 1 || m.gaps[0] != "sushi" {
		t.Errorf("gaps = %q, want the unanswered question folded, once", m.gaps)
	}
	if reply := r.Route(ctx, Request{UserID: "U1", Command: "term", Text: "gaps"}); !strings.Contains(reply.Text, "管理者だけ") {
		t.Errorf("/term gaps by a non-admin = %q", reply.Text)
	}
	if reply := r.Route(ctx, Request{UserID: "UADMIN", Command: "term", Text: "gaps"}); !strings.Contains(reply.Text, "答えられなかった質問") {
		t.Errorf("/term gaps by an admin = %q", reply.Text)
	}
	r.Handle("answer", g.Feedback())
	key := AnswerKey(&knowledge.Answer{Kind: knowledge.KindTerm, Term: &knowledge.Term{Name: "VPN"}})
	down := r.Route(ctx, Request{UserID: "U1", Action: &Action{ID: ActionVoteDown, Value: key}})
	again := r.Route(ctx, Request{UserID: "U1", Action: &Action{ID: ActionVoteUp, Value: key}})
	if !down.Private || !strings.Contains(down.Text, "役に立たなかった") || !strings.Contains(again.Text, "評価を変更しました") {
		t.Errorf("votes: %q then %q", down.Text, again.Text)
	}
	if len(m.votes) != 1 || !m.votes[[2]string{"term:VPN", "U1"}] {
		t.Errorf("votes = %v, want U1's one vote, now 👍", m.votes)
	}
}
