package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"secbot/store"
)

// testPractice: learners turn practice on and off; a miss files a term in
// box 1 only for learners with practice on, and replaying it changes
// nothing; the learners due on a day are those with a card due by then;
// one drill a day; an answer is recorded once and files the next card with
// it.
func testPractice(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	if _, ok, err := s.Learner(ctx, "U1"); err != nil || ok {
		t.Fatalf("Learner(U1) before any setting = %v, %v; want not found", ok, err)
	}
	must(t, s.SetLearner(ctx, store.Learner{Platform: "slack", UserID: "U1", UserName: "佐藤", On: true}))
	must(t, s.SetLearner(ctx, store.Learner{Platform: "teams", UserID: "aad-2", On: true}))
	l, ok, err := s.Learner(ctx, "U1")
	if err != nil || !ok || !l.On || l.Platform != "slack" || l.UserName != "佐藤" || !sameTime(l.Since, T0) || l.Key() != "slack:U1" {
		t.Fatalf("Learner(U1) = %+v, %v, %v", l, ok, err)
	}

	miss := T0.Add(-time.Hour)
	n, err := s.MissTerms(ctx, []store.Card{
		{UserID: "U1", Term: "VPN", Due: "2026-12-01", Missed: miss},
		{UserID: "U1", Term: "EDR", Due: "2026-12-03", Missed: miss},
		{UserID: "U9", Term: "VPN", Due: "2026-12-01", Missed: miss}, // practice never turned on
		{UserID: "aad-2", Term: "SASE", Due: "2026-12-02", Missed: miss},
	})
	if err != nil || n != 3 {
		t.Fatalf("MissTerms = %d, %v; want 3 cards filed (U9 has no practice)", n, err)
	}
	if n, err := s.MissTerms(ctx, []store.Card{{UserID: "U1", Term: "VPN", Due: "2026-12-09", Missed: miss}}); err != nil || n != 0 {
		t.Errorf("replaying a miss changed %d cards, %v; want 0", n, err)
	}
	due := func(day string, want ...string) {
		t.Helper()
		ls, err := s.DueLearners(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range ls {
			got = append(got, l.Key())
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("DueLearners(%s) = %v; want %v", day, got, want)
		}
	}
	due("2026-11-30")
	due("2026-12-01", "slack:U1")
	due("2026-12-02", "slack:U1", "teams:aad-2")

	// Off keeps the boxes but takes the learner out of the days' lists;
	// on again brings them back.
	must(t, s.SetLearner(ctx, store.Learner{Platform: "teams", UserID: "aad-2", On: false}))
	due("2026-12-02", "slack:U1")
	if n, err := s.MissTerms(ctx, []store.Card{{UserID: "aad-2", Term: "IPS", Due: "2026-12-02", Missed: T0}}); err != nil || n != 0 {
		t.Errorf("a miss of a learner with practice off filed %d cards, %v; want 0", n, err)
	}
	must(t, s.SetLearner(ctx, store.Learner{Platform: "teams", UserID: "aad-2", On: true}))
	due("2026-12-02", "slack:U1", "teams:aad-2")

	cards, err := s.Cards(ctx, "U1")
	if err != nil || len(cards) != 2 || cards[0].Term != "VPN" || cards[0].Box != 1 || cards[0].Due != "2026-12-01" || !sameTime(cards[0].Missed, miss) || cards[1].Term != "EDR" {
		t.Fatalf("Cards(U1) = %+v, %v; want VPN (box 1, due 12-01) then EDR", cards, err)
	}

	// One drill a day: a second put returns the first.
	d := store.Drill{UserID: "U1", Day: "2026-12-01", Platform: "slack", Term: "VPN", Box: 1, Question: `{"question":"q1"}`}
	got, err := s.PutDrill(ctx, d)
	if err != nil || got.Term != "VPN" || got.Choice != -1 || got.Question != d.Question || !sameTime(got.Asked, T0) {
		t.Fatalf("PutDrill = %+v, %v", got, err)
	}
	other := d
	other.Term, other.Question = "EDR", `{"question":"q2"}`
	if got, err := s.PutDrill(ctx, other); err != nil || got.Term != "VPN" {
		t.Errorf("a second PutDrill the same day = %+v, %v; want the first (VPN)", got, err)
	}
	if _, err := s.Drill(ctx, "U1", "2026-12-02"); !errors.Is(err, store.ErrNoDrill) {
		t.Errorf("Drill of a day without one: %v; want ErrNoDrill", err)
	}

	// Answered right: the card moves to box 2; a second answer is refused
	// and changes nothing.
	ans := got
	ans.Choice, ans.Correct, ans.Answered = 2, true, T0.Add(time.Minute)
	next := store.Card{UserID: "U1", Term: "VPN", Box: 2, Due: "2026-12-04", Missed: miss}
	if ok, err := s.AnswerDrill(ctx, ans, next); err != nil || !ok {
		t.Fatalf("AnswerDrill = %v, %v; want recorded", ok, err)
	}
	again := ans
	again.Choice, again.Correct = 0, false
	if ok, err := s.AnswerDrill(ctx, again, store.Card{UserID: "U1", Term: "VPN", Box: 1, Due: "2026-12-02", Missed: T0}); err != nil || ok {
		t.Errorf("a second AnswerDrill = %v, %v; want refused", ok, err)
	}
	stored, err := s.Drill(ctx, "U1", "2026-12-01")
	if err != nil || stored.Choice != 2 || !stored.Correct || !sameTime(stored.Answered, ans.Answered) {
		t.Errorf("Drill after the answers = %+v, %v; want the first answer (C, right)", stored, err)
	}
	cards, _ = s.Cards(ctx, "U1")
	if len(cards) != 2 || cards[1].Term != "VPN" || cards[1].Box != 2 || cards[1].Due != "2026-12-04" {
		t.Errorf("Cards(U1) after the answer = %+v; want VPN in box 2 due 12-04", cards)
	}
	// The miss that was replayed before is still older than the card's:
	// nothing moves back.
	if n, _ := s.MissTerms(ctx, []store.Card{{UserID: "U1", Term: "VPN", Due: "2026-12-02", Missed: miss}}); n != 0 {
		t.Errorf("replaying the old miss after practice moved %d cards; want 0", n)
	}
	// A learned card is never due.
	must(t, s.SetLearner(ctx, store.Learner{Platform: "slack", UserID: "U3", On: true}))
	s.MissTerms(ctx, []store.Card{{UserID: "U3", Term: "IoT", Due: "2026-12-01", Missed: miss}})
	d3, _ := s.PutDrill(ctx, store.Drill{UserID: "U3", Day: "2026-12-01", Platform: "slack", Term: "IoT", Box: 4, Question: "{}"})
	d3.Choice, d3.Correct, d3.Answered = 1, true, T0
	if ok, err := s.AnswerDrill(ctx, d3, store.Card{UserID: "U3", Term: "IoT", Box: store.LearnedBox, Due: "2026-12-15", Missed: miss}); err != nil || !ok {
		t.Fatal(ok, err)
	}
	due("2026-12-31", "slack:U1", "teams:aad-2")
}

// testDrillAnswerRace: many clicks of one drill from two processes record
// exactly one answer and one card move.
func testDrillAnswerRace(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	stores := []Store{e.open(t), e.open(t)}
	must(t, stores[0].SetLearner(ctx, store.Learner{Platform: "slack", UserID: "U1", On: true}))
	stores[0].MissTerms(ctx, []store.Card{{UserID: "U1", Term: "VPN", Due: "2026-12-01", Missed: T0}})
	d, err := stores[0].PutDrill(ctx, store.Drill{UserID: "U1", Day: "2026-12-01", Platform: "slack", Term: "VPN", Box: 1, Question: "{}"})
	must(t, err)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := d
			a.Choice, a.Correct, a.Answered = i%4, i%4 == 1, T0.Add(time.Duration(i)*time.Millisecond)
			box := 1
			if a.Correct {
				box = 2
			}
			ok, err := stores[i%2].AnswerDrill(ctx, a, store.Card{UserID: "U1", Term: "VPN", Box: box, Due: fmt.Sprintf("2026-12-%02d", 2+i), Missed: T0})
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d answers recorded; want exactly 1", wins.Load())
	}
	got, _ := stores[1].Drill(ctx, "U1", "2026-12-01")
	cards, _ := stores[1].Cards(ctx, "U1")
	wantBox := 1
	if got.Correct {
		wantBox = 2
	}
	if len(cards) != 1 || cards[0].Box != wantBox || cards[0].Due != fmt.Sprintf("2026-12-%02d", 2+int(got.Answered.Sub(T0)/time.Millisecond)) {
		t.Errorf("card %+v does not follow the answer recorded %+v", cards, got)
	}
}
