package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"secbot/quiz"
)

var question = quiz.Question{
	Question:    "次の説明に当てはまる用語はどれ？「何も信頼しない」",
	Choices:     []string{"A", "ゼロトラスト", "C <&>", "D"},
	Answer:      1,
	Term:        "ゼロトラスト",
	Explanation: "ゼロトラスト：…",
	Section:     "4-1-3",
	Kind:        quiz.KindWhichTerm,
}

func testRounds(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	opened := T0.Add(123_456_789) // kept to the millisecond
	r := quiz.Round{ID: "r1", Channel: "C1", Question: question, Seed: 1 << 40, Opened: opened, Closes: T0.Add(24 * time.Hour)}
	if err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRound(ctx, r); !errors.Is(err, quiz.ErrRoundExists) {
		t.Errorf("same id, same open channel: %v, want ErrRoundExists", err)
	}
	r2 := r
	r2.ID = "r2"
	if err := s.CreateRound(ctx, r2); !errors.Is(err, quiz.ErrRoundOpen) {
		t.Errorf("second open round in a channel: %v, want ErrRoundOpen", err)
	}
	r1b := r
	r1b.Channel = "C2"
	if err := s.CreateRound(ctx, r1b); !errors.Is(err, quiz.ErrRoundExists) {
		t.Errorf("same id in another channel: %v, want ErrRoundExists", err)
	}
	for name, get := range map[string]func() (quiz.Round, error){
		"Round":     func() (quiz.Round, error) { return s.Round(ctx, "r1") },
		"OpenRound": func() (quiz.Round, error) { return s.OpenRound(ctx, "C1") },
	} {
		got, err := get()
		want := r
		want.Opened = ms(opened)
		if err != nil || !reflect.DeepEqual(got.Question, question) || got.ID != "r1" || got.Channel != "C1" || got.Seed != 1<<40 ||
			!sameTime(got.Opened, opened) || !sameTime(got.Closes, r.Closes) || got.MessageID != "" || got.Revealed {
			t.Errorf("%s = %+v, %v\nwant %+v", name, got, err, want)
		}
	}
	if _, err := s.Round(ctx, "nope"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("Round(nope) = %v, want ErrNotFound", err)
	}
	if _, err := s.OpenRound(ctx, "C9"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("OpenRound(C9) = %v, want ErrNotFound", err)
	}

	// Due rounds: unrevealed, closing at or before now, by closing time then id.
	for _, x := range []quiz.Round{
		{ID: "rb", Channel: "C3", Question: question, Opened: T0, Closes: T0.Add(time.Hour)},
		{ID: "ra", Channel: "C4", Question: question, Opened: T0, Closes: T0.Add(time.Hour)},
		{ID: "r0", Channel: "C5", Question: question, Opened: T0, Closes: T0.Add(30 * time.Minute)},
		{ID: "rz", Channel: "C6", Question: question, Opened: T0, Closes: T0.Add(2 * time.Hour)},
	} {
		if err := s.CreateRound(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if due, err := s.DueRounds(ctx, T0.Add(29*time.Minute)); err != nil || len(due) != 0 {
		t.Errorf("DueRounds before any closes = %+v, %v", due, err)
	}
	due, err := s.DueRounds(ctx, T0.Add(time.Hour))
	var ids []string
	for _, d := range due {
		ids = append(ids, d.ID)
	}
	if fmt.Sprint(ids) != "[r0 ra rb]" || err != nil {
		t.Errorf("DueRounds = %v, %v; want [r0 ra rb]", ids, err)
	}
	if len(due) > 0 && (!reflect.DeepEqual(due[0].Question, question) || !sameTime(due[0].Closes, T0.Add(30*time.Minute))) {
		t.Errorf("due round = %+v", due[0])
	}

	// Restart mid-round: the round is all there.
	s.Close()
	s = e.open(t)
	if ok, err := s.SetRoundMessage(ctx, "r1", "ts1"); !ok || err != nil {
		t.Fatalf("SetRoundMessage = %v, %v", ok, err)
	}
	if ok, err := s.MarkRevealed(ctx, "r1"); !ok || err != nil {
		t.Fatalf("MarkRevealed = %v, %v", ok, err)
	}
	if got, err := s.Round(ctx, "r1"); err != nil || !got.Revealed || got.MessageID != "ts1" {
		t.Errorf("Round after reveal = %+v, %v", got, err)
	}
	if _, err := s.OpenRound(ctx, "C1"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("OpenRound after the reveal = %v, want ErrNotFound", err)
	}
	if err := s.CreateRound(ctx, r2); err != nil {
		t.Errorf("a new round after the reveal: %v", err)
	}
	if got, err := s.OpenRound(ctx, "C1"); err != nil || got.ID != "r2" {
		t.Errorf("OpenRound = %+v, %v; want r2", got, err)
	}
	if due, _ := s.DueRounds(ctx, T0.Add(100*time.Hour)); len(due) != 5 {
		t.Errorf("%d due rounds, want 5 (r1 is revealed)", len(due))
	}
}

// testRoundUpdatesNeverReopen: the updates of a round change only an
// unrevealed one, so a process holding a stale copy cannot reopen it.
func testRoundUpdatesNeverReopen(t *testing.T, b Backend) {
	ctx := context.Background()
	s := newEnv(t, b).open(t)
	r := quiz.Round{ID: "r1", Channel: "C1", Question: question, Opened: T0, Closes: T0.Add(24 * time.Hour)}
	if err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.CloseRoundAt(ctx, "r1", T0.Add(48*time.Hour)); ok || err != nil {
		t.Errorf("CloseRoundAt later = %v, %v; want no change", ok, err)
	}
	if ok, err := s.CloseRoundAt(ctx, "r1", T0.Add(24*time.Hour)); ok || err != nil {
		t.Errorf("CloseRoundAt at the same time = %v, %v; want no change", ok, err)
	}
	if ok, err := s.CloseRoundAt(ctx, "r1", T0.Add(time.Hour)); !ok || err != nil {
		t.Errorf("CloseRoundAt earlier = %v, %v", ok, err)
	}
	if got, _ := s.Round(ctx, "r1"); !sameTime(got.Closes, T0.Add(time.Hour)) {
		t.Errorf("closes = %s", got.Closes)
	}
	// Another process reveals it while this one is posting the message.
	if ok, err := s.MarkRevealed(ctx, "r1"); !ok || err != nil {
		t.Fatalf("MarkRevealed = %v, %v", ok, err)
	}
	if ok, err := s.MarkRevealed(ctx, "r1"); ok || err != nil {
		t.Errorf("second MarkRevealed = %v, %v; want false, nil", ok, err)
	}
	if ok, err := s.SetRoundMessage(ctx, "r1", "ts9"); ok || err != nil {
		t.Errorf("SetRoundMessage on a revealed round = %v, %v; want false, nil", ok, err)
	}
	if ok, err := s.CloseRoundAt(ctx, "r1", T0); ok || err != nil {
		t.Errorf("CloseRoundAt on a revealed round = %v, %v", ok, err)
	}
	got, err := s.Round(ctx, "r1")
	if err != nil || !got.Revealed || got.MessageID != "" || !sameTime(got.Closes, T0.Add(time.Hour)) {
		t.Errorf("round = %+v, %v; want revealed, untouched", got, err)
	}
	if _, err := s.OpenRound(ctx, "C1"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("OpenRound = %v; the round was reopened", err)
	}
	for name, f := range map[string]func() (bool, error){
		"MarkRevealed":    func() (bool, error) { return s.MarkRevealed(ctx, "nope") },
		"SetRoundMessage": func() (bool, error) { return s.SetRoundMessage(ctx, "nope", "ts") },
		"CloseRoundAt":    func() (bool, error) { return s.CloseRoundAt(ctx, "nope", T0) },
	} {
		if ok, err := f(); ok || !errors.Is(err, quiz.ErrNotFound) {
			t.Errorf("%s(nope) = %v, %v; want false, ErrNotFound", name, ok, err)
		}
	}

	// Of several processes revealing at once, one does.
	r2 := quiz.Round{ID: "r2", Channel: "C1", Question: question, Opened: T0, Closes: T0.Add(time.Hour)}
	if err := s.CreateRound(ctx, r2); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.MarkRevealed(ctx, "r2")
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d MarkRevealed calls won, want 1", wins)
	}
}

func testAnswers(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	for _, r := range []quiz.Round{
		{ID: "r1", Channel: "C1", Question: question, Opened: T0, Closes: T0.Add(24 * time.Hour)},
		{ID: "r2", Channel: "C2", Question: question, Opened: T0, Closes: T0.Add(24 * time.Hour)},
	} {
		if err := s.CreateRound(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if tl, err := s.Tally(ctx, "r1"); err != nil || tl != (quiz.Tally{}) {
		t.Errorf("Tally with no answers = %+v, %v", tl, err)
	}
	if as, err := s.Answers(ctx, quiz.Filter{}); err != nil || len(as) != 0 {
		t.Errorf("Answers on a new store = %+v, %v", as, err)
	}

	// The earliest answer counts: a later one returns it unchanged.
	first := quiz.Answer{RoundID: "r1", Channel: "C1", UserID: "U1", UserName: "佐藤", Choice: 1, Correct: true, At: T0.Add(2*time.Minute + 123_456)}
	got, added, err := s.AddAnswer(ctx, first)
	if want := first; err != nil || !added || !sameAnswer(got, want) {
		t.Fatalf("AddAnswer = %+v %v %v; want %+v", got, added, err, want)
	}
	later := first
	later.Choice, later.Correct, later.UserName, later.At = 0, false, "さとう", T0.Add(3*time.Minute)
	got, added, err = s.AddAnswer(ctx, later)
	if err != nil || added || !sameAnswer(got, first) {
		t.Fatalf("a later AddAnswer = %+v %v %v; want the first answer", got, added, err)
	}
	same := later
	same.At = first.At
	if got, added, err = s.AddAnswer(ctx, same); err != nil || added || !sameAnswer(got, first) {
		t.Errorf("an AddAnswer at the same time = %+v %v %v; want the first answer", got, added, err)
	}
	// An earlier answer delivered late replaces it.
	earlier := later
	earlier.At = T0.Add(time.Minute)
	if got, added, err = s.AddAnswer(ctx, earlier); err != nil || !added || !sameAnswer(got, earlier) {
		t.Errorf("an earlier AddAnswer = %+v %v %v; want it counted", got, added, err)
	}
	// A zero time is now.
	e.clock.Set(T0.Add(5 * time.Minute))
	now := quiz.Answer{RoundID: "r1", Channel: "C1", UserID: "U2", Choice: 1, Correct: true}
	if got, added, err = s.AddAnswer(ctx, now); err != nil || !added || !sameTime(got.At, T0.Add(5*time.Minute)) {
		t.Errorf("AddAnswer with no time = %+v %v %v; want it at now", got, added, err)
	}
	s.AddAnswer(ctx, quiz.Answer{RoundID: "r1", Channel: "C1", UserID: "u0", Choice: 3, At: T0.Add(5 * time.Minute)})
	s.AddAnswer(ctx, quiz.Answer{RoundID: "r2", Channel: "C2", UserID: "U1", Choice: 1, Correct: true, At: T0.Add(4 * time.Minute)})
	if _, _, err := s.AddAnswer(ctx, quiz.Answer{RoundID: "nope", Channel: "C1", UserID: "U1", At: T0}); err == nil {
		t.Error("AddAnswer to a round that does not exist succeeded")
	}

	if tl, err := s.Tally(ctx, "r1"); err != nil || tl != (quiz.Tally{Answered: 3, Correct: 1}) {
		t.Errorf("Tally(r1) = %+v, %v; want 3 answered, 1 correct", tl, err)
	}
	show := func(as []quiz.Answer) string {
		var out string
		for _, a := range as {
			out += fmt.Sprintf("%s/%s@%s ", a.RoundID, a.UserID, a.At.Format("15:04"))
		}
		return out
	}
	for _, c := range []struct {
		f    quiz.Filter
		want string
	}{
		// By time, then round, then user (bytes: "U2" < "u0").
		{quiz.Filter{}, "r1/U1@01:01 r2/U1@01:04 r1/U2@01:05 r1/u0@01:05 "},
		{quiz.Filter{Channel: "C1"}, "r1/U1@01:01 r1/U2@01:05 r1/u0@01:05 "},
		{quiz.Filter{From: T0.Add(4 * time.Minute)}, "r2/U1@01:04 r1/U2@01:05 r1/u0@01:05 "},
		{quiz.Filter{To: T0.Add(4 * time.Minute)}, "r1/U1@01:01 "},
		{quiz.Filter{From: T0.Add(time.Minute), To: T0.Add(5 * time.Minute)}, "r1/U1@01:01 r2/U1@01:04 "},
		{quiz.Filter{Revealed: true}, ""},
		{quiz.Filter{Channel: "C9"}, ""},
	} {
		if as, err := s.Answers(ctx, c.f); err != nil || show(as) != c.want {
			t.Errorf("Answers(%+v) = %s, %v\nwant %s", c.f, show(as), err, c.want)
		}
	}
	s.MarkRevealed(ctx, "r2")
	as, err := s.Answers(ctx, quiz.Filter{Revealed: true})
	if err != nil || show(as) != "r2/U1@01:04 " {
		t.Errorf("Answers(revealed) = %s, %v", show(as), err)
	}
	if len(as) == 1 && !sameAnswer(as[0], quiz.Answer{RoundID: "r2", Channel: "C2", UserID: "U1", Choice: 1, Correct: true, At: T0.Add(4 * time.Minute)}) {
		t.Errorf("answer = %+v", as[0])
	}
}

// testEarliestAnswerRace: one person's answers arrive at once, in any order
// (a burst of clicks spread over replicas, retried deliveries); the earliest
// is the one kept, and no call returns a counted answer later than its own.
func testEarliestAnswerRace(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	stores := []Store{e.open(t), e.open(t)}
	r := quiz.Round{ID: "r1", Channel: "C1", Question: question, Opened: T0, Closes: T0.Add(time.Hour)}
	if err := stores[0].CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	const n = 64
	order := rand.Perm(n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := order[i]
			a := quiz.Answer{RoundID: "r1", Channel: "C1", UserID: "U1", Choice: k % 4, Correct: k%4 == 1, At: T0.Add(time.Second + time.Duration(k)*time.Millisecond)}
			got, added, err := stores[i%2].AddAnswer(ctx, a)
			switch {
			case err != nil:
				t.Error(err)
			case added && !sameAnswer(got, a):
				t.Errorf("AddAnswer(%s) added, returned %+v", a.At, got)
			case !added && got.At.After(a.At):
				t.Errorf("AddAnswer(%s) not added, yet the counted answer is later: %+v", a.At, got)
			}
		}()
	}
	wg.Wait()
	as, err := stores[1].Answers(ctx, quiz.Filter{})
	want := quiz.Answer{RoundID: "r1", Channel: "C1", UserID: "U1", Choice: 0, Correct: false, At: T0.Add(time.Second)}
	if err != nil || len(as) != 1 || !sameAnswer(as[0], want) {
		t.Fatalf("kept %+v, %v; want only the earliest %+v", as, err, want)
	}
	if tl, _ := stores[0].Tally(ctx, "r1"); tl != (quiz.Tally{Answered: 1}) {
		t.Errorf("Tally = %+v; want 1 answered, 0 correct", tl)
	}
}

// sameAnswer reports whether got is want as a store returns it.
func sameAnswer(got, want quiz.Answer) bool {
	gotAt, wantAt := got.At, want.At
	got.At, want.At = time.Time{}, time.Time{}
	return got == want && sameTime(gotAt, wantAt)
}
