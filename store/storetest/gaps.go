package storetest

import (
	"context"
	"fmt"
	"secbot/quiz"
	"testing"
	"time"
)

// testGaps: unanswered questions counted by text within the window, most
// asked first; one vote per person and answer (a later one replaces it);
// the least helpful answers are those with 👎, the worst first.
func testGaps(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	e.clock.Set(T0.Add(-40 * 24 * time.Hour))
	must(t, s.RecordGap(ctx, "社内wifiのパスワード")) // outside the 30 days
	e.clock.Set(T0)
	for _, q := range []string{"経費精算の締め日", "社内wifiのパスワード", "経費精算の締め日", "ランチのおすすめ", "経費精算の締め日"} {
		must(t, s.RecordGap(ctx, q))
	}
	gaps, err := s.Gaps(ctx, T0.Add(-30*24*time.Hour), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 2 || gaps[0].Text != "経費精算の締め日" || gaps[0].Count != 3 || !gaps[0].Last.Equal(T0) || gaps[1].Count != 1 {
		t.Errorf("Gaps = %+v, want 経費精算の締め日 ×3 first, two rows", gaps)
	}
	vote := func(answer, user string, up, wantNew bool) {
		t.Helper()
		isNew, err := s.Vote(ctx, answer, user, up)
		if err != nil || isNew != wantNew {
			t.Errorf("Vote(%s, %s, %v) = %v, %v; want new %v", answer, user, up, isNew, err, wantNew)
		}
	}
	vote("term:VPN", "U1", false, true)
	vote("term:VPN", "U1", true, false) // changed their mind: one vote
	vote("term:VPN", "U2", false, true)
	vote("ask:2025年の崖", "U1", false, true)
	vote("ask:2025年の崖", "U2", false, true)
	vote("term:EDR", "U3", true, true)
	fb, err := s.LeastHelpful(ctx, T0.Add(-30*24*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(fb) != 2 || fb[0].Answer != "ask:2025年の崖" || fb[0].Down != 2 || fb[1].Answer != "term:VPN" || fb[1].Up != 1 || fb[1].Down != 1 {
		t.Errorf("LeastHelpful = %+v, want 2025年の崖 (0/2) then VPN (1/1), no EDR", fb)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// testMembers: a round's member count, recorded when it is posted, is what
// the report's participation rate divides by; unknown counts are left out.
func testMembers(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	for i, ch := range []string{"C1", "C2"} {
		r := quiz.Round{ID: fmt.Sprintf("r%d", i), Channel: ch, Question: question, Opened: T0, Closes: T0.Add(time.Hour)}
		must(t, s.CreateRound(ctx, r))
	}
	must(t, s.SetRoundMembers(ctx, "r0", 42))
	got, err := s.RoundMembers(ctx, quiz.Filter{From: T0.Add(-time.Hour)})
	if err != nil || len(got) != 1 || got["r0"] != 42 {
		t.Errorf("RoundMembers = %v, %v; want r0: 42 only", got, err)
	}
}
