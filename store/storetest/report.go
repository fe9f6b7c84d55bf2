package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"secbot/store"
	"testing"
	"time"

	"secbot/quiz"
)

// testReports: the reads of HR's reports and of the curriculum.
func testReports(t *testing.T, b Backend) {
	ctx := context.Background()
	s := newEnv(t, b).open(t)
	q := question
	q.Term, q.Kind = "EDR", quiz.KindReading
	day := 24 * time.Hour
	for _, r := range []quiz.Round{
		{ID: "r1", Channel: "CA", Question: q, Opened: T0, Closes: T0.Add(time.Hour)},
		{ID: "r2", Channel: "CA", Question: q, Opened: T0.Add(7 * day), Closes: T0.Add(8 * day)},
		{ID: "r3", Channel: "CB", Question: question, Opened: T0.Add(day), Closes: T0.Add(25 * time.Hour)},
		{ID: "r0", Channel: "CB", Question: question, Opened: T0.Add(-day), Closes: T0, Revealed: true},
	} {
		if err := s.CreateRound(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.ID == "r1" {
			for _, a := range []quiz.Answer{
				{RoundID: "r1", Channel: "CA", UserID: "U1", Choice: 2, Correct: true, At: T0},
				{RoundID: "r1", Channel: "CA", UserID: "U2", Choice: 1, At: T0},
				{RoundID: "r1", Channel: "CA", UserID: "U3", Choice: 2, Correct: true, At: T0},
			} {
				if _, _, err := s.AddAnswer(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			s.MarkRevealed(ctx, "r1")
		}
	}
	ids := func(rs []quiz.Round) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct {
		f    quiz.Filter
		want string
	}{
		{quiz.Filter{}, "[r0 r1 r3 r2]"}, // by opening time
		{quiz.Filter{Channel: "CA"}, "[r1 r2]"},
		{quiz.Filter{From: T0, To: T0.Add(7 * day)}, "[r1 r3]"},
		{quiz.Filter{Revealed: true}, "[r0 r1]"},
		{quiz.Filter{Channel: "CZ"}, "[]"},
	} {
		if rs, err := s.ListRounds(ctx, c.f); err != nil || ids(rs) != c.want {
			t.Errorf("ListRounds(%+v) = %s, %v; want %s", c.f, ids(rs), err, c.want)
		}
	}
	if rs, _ := s.ListRounds(ctx, quiz.Filter{Channel: "CA"}); len(rs) == 2 &&
		(!reflect.DeepEqual(rs[0].Question, q) || !rs[0].Revealed || !sameTime(rs[0].Closes, T0.Add(time.Hour))) {
		t.Errorf("listed round = %+v", rs[0])
	}

	hist, err := s.History(ctx, "CA", T0, T0.Add(30*day))
	want := fmt.Sprint([]quiz.Asked{
		{Term: "EDR", Kind: quiz.KindReading, At: T0, Answers: 3, Correct: 2},
		{Term: "EDR", Kind: quiz.KindReading, At: T0.Add(7 * day)},
	})
	if err != nil || fmt.Sprint(hist) != want {
		t.Errorf("History(CA) = %v, %v\nwant %v", hist, err, want)
	}
	if hist, err := s.History(ctx, "CA", T0.Add(time.Millisecond), T0.Add(7*day)); err != nil || len(hist) != 0 {
		t.Errorf("History(CA, an empty period) = %v, %v", hist, err)
	}
}

// testTeams: Teams conversation references and members, replaced whole by
// a newer save, kept across a restart.
func testTeams(t *testing.T, b Backend) {
	ctx := context.Background()
	e := newEnv(t, b)
	s := e.open(t)
	if _, err := s.Conversation(ctx, "19:exec@thread.tacv2", false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Conversation on a new store = %v, want ErrNotFound", err)
	}
	ch := store.Conversation{ID: "19:exec@thread.tacv2", ServiceURL: "https://smba.example/jp/", TenantID: "t1",
		Type: "channel", TeamID: "19:general@thread.tacv2", BotID: "28:app", UpdatedAt: T0}
	old := store.Conversation{ID: "a:old", ServiceURL: "https://smba.example/jp/", TenantID: "t1",
		Type: "personal", BotID: "28:app", UserID: "aad-1", UpdatedAt: T0.Add(-time.Hour)}
	dm := store.Conversation{ID: "a:1on1", ServiceURL: "https://smba.example/jp/", TenantID: "t1",
		Type: "personal", BotID: "28:app", UserID: "aad-1"} // UpdatedAt zero: now
	for _, c := range []store.Conversation{ch, old, dm} {
		if err := s.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	dm.UpdatedAt = T0
	// The service URL moves (Teams does that): the newest wins.
	ch.ServiceURL = "https://smba.example/apac/"
	ch.UpdatedAt = T0.Add(123_456_789)
	if err := s.SaveConversation(ctx, ch); err != nil {
		t.Fatal(err)
	}
	ch.UpdatedAt = ms(ch.UpdatedAt)
	if got, err := s.Conversation(ctx, ch.ID, false); err != nil || got != ch {
		t.Errorf("channel: %+v, %v; want %+v", got, err, ch)
	}
	if got, err := s.Conversation(ctx, "aad-1", true); err != nil || got != dm {
		t.Errorf("1:1 of aad-1: %+v, %v; want the newest, %+v", got, err, dm)
	}
	if _, err := s.Conversation(ctx, "aad-2", true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("1:1 of a stranger: %v", err)
	}
	if _, err := s.Conversation(ctx, ch.ID, true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a channel id as a user: %v", err)
	}

	m := store.Member{UserID: "aad-1", TeamsID: "29:u1", Name: "山田", ServiceURL: "https://smba.example/jp/", TenantID: "t1", BotID: "28:app"}
	if err := s.SaveMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(T0.Add(time.Minute))
	m.Name = "山田 花子"
	if err := s.SaveMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	m.UpdatedAt = T0.Add(time.Minute)
	s.Close()
	s = e.open(t)
	if got, err := s.Member(ctx, "aad-1"); err != nil || got != m {
		t.Errorf("member after reopen: %+v, %v; want %+v", got, err, m)
	}
	if _, err := s.Member(ctx, "aad-2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Member(stranger) = %v, want ErrNotFound", err)
	}
}
