package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/quiz"
	"secbot/schedules"
)

var t0 = time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC) // Monday 10:00 in Tokyo

func openTest(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return t0 }
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenCreatesAndMigrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secbot.db")
	db := openTest(t, path)
	latest := latestMigration(t)
	v, err := db.Version(context.Background())
	if err != nil || v != latest {
		t.Fatalf("Version = %d, %v; want %d", v, err, latest)
	}
	db.Close()
	// Reopening applies nothing twice.
	db = openTest(t, path)
	if v, err := db.Version(context.Background()); err != nil || v != latest {
		t.Fatalf("Version after reopen = %d, %v", v, err)
	}
	var mode string
	if err := db.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

func TestClaimOnceAcrossDBs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "secbot.db")
	a, b := openTest(t, path), openTest(t, path)
	slot := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	c := schedules.Claim{Job: "tip", Key: "C1", Slot: slot, Status: schedules.StatusClaimed, Attempts: 1}

	// Many claimers on two handles at once: exactly one wins.
	var wins int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 20 {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := c
			c.Owner = string(rune('a' + i))
			ok, err := db.Claim(ctx, c)
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
		t.Fatalf("%d claimers won the slot, want 1", wins)
	}
	got, ok, err := b.GetClaim(ctx, "tip", "C1", slot)
	if err != nil || !ok || got.Status != schedules.StatusClaimed || !got.Slot.Equal(slot) {
		t.Fatalf("GetClaim = %+v %v %v", got, ok, err)
	}

	// Compare and swap: the holder moves it on; a stale view cannot.
	next := got
	next.Status, next.MessageID = schedules.StatusPosted, "1700000000.000100"
	if ok, err := a.UpdateClaim(ctx, got, next); !ok || err != nil {
		t.Fatalf("UpdateClaim = %v, %v", ok, err)
	}
	stale := got
	stale.Status = schedules.StatusFailed
	if ok, _ := b.UpdateClaim(ctx, got, stale); ok {
		t.Error("a stale UpdateClaim succeeded")
	}
	if p, err := a.PendingClaims(ctx); err != nil || len(p) != 0 {
		t.Errorf("PendingClaims = %+v, %v; want none", p, err)
	}
	// Restart: the claim is still there, so the slot is not posted again.
	a.Close()
	a = openTest(t, path)
	if ok, _ := a.Claim(ctx, c); ok {
		t.Error("re-claim after reopen succeeded")
	}
	got, _, _ = a.GetClaim(ctx, "tip", "C1", slot)
	if got.Status != schedules.StatusPosted || got.MessageID != "1700000000.000100" {
		t.Errorf("after reopen claim = %+v", got)
	}
}

func TestRoundsAndAnswers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "secbot.db")
	db := openTest(t, path)
	q := quiz.Question{Question: "どれ？", Choices: []string{"A", "B", "C", "D"}, Answer: 2, Term: "C", Explanation: "…", Section: "4-1-1"}
	r := quiz.Round{ID: "r1", Channel: "C1", Question: q, Seed: 7, Opened: t0, Closes: t0.Add(24 * time.Hour)}
	if err := db.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateRound(ctx, r); !errors.Is(err, quiz.ErrRoundExists) {
		t.Errorf("same id again: %v, want ErrRoundExists", err)
	}
	r2 := r
	r2.ID = "r2"
	if err := db.CreateRound(ctx, r2); !errors.Is(err, quiz.ErrRoundOpen) {
		t.Errorf("second open round in a channel: %v, want ErrRoundOpen", err)
	}
	if _, err := db.Round(ctx, "nope"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("Round(nope) = %v", err)
	}

	// First answer counts.
	a := quiz.Answer{RoundID: "r1", Channel: "C1", UserID: "U1", UserName: "sato", Choice: 2, Correct: true, At: t0.Add(time.Minute)}
	if got, added, err := db.AddAnswer(ctx, a); err != nil || !added || got.Choice != 2 {
		t.Fatalf("AddAnswer = %+v %v %v", got, added, err)
	}
	later := a
	later.Choice, later.Correct, later.At = 0, false, t0.Add(2*time.Minute)
	got, added, err := db.AddAnswer(ctx, later)
	if err != nil || added || got.Choice != 2 || !got.Correct || !got.At.Equal(a.At) {
		t.Fatalf("second AddAnswer = %+v %v %v; want the first answer", got, added, err)
	}
	db.AddAnswer(ctx, quiz.Answer{RoundID: "r1", Channel: "C1", UserID: "U2", Choice: 1, At: t0.Add(3 * time.Minute)})

	// Restart mid-round: the round and its answers are all there.
	db.Close()
	db = openTest(t, path)
	open, err := db.OpenRound(ctx, "C1")
	if err != nil || open.ID != "r1" || open.Question.Choices[2] != "C" || open.Question.Section != "4-1-1" || !open.Closes.Equal(r.Closes) {
		t.Fatalf("OpenRound after reopen = %+v, %v", open, err)
	}
	if tl, err := db.Tally(ctx, "r1"); err != nil || tl != (quiz.Tally{Answered: 2, Correct: 1}) {
		t.Errorf("Tally = %+v, %v", tl, err)
	}
	if due, _ := db.DueRounds(ctx, t0.Add(time.Hour)); len(due) != 0 {
		t.Errorf("due before closing: %+v", due)
	}
	due, err := db.DueRounds(ctx, r.Closes)
	if err != nil || len(due) != 1 || due[0].ID != "r1" {
		t.Fatalf("DueRounds at close = %+v, %v", due, err)
	}
	// Leaderboards see only revealed rounds.
	if as, _ := db.Answers(ctx, quiz.Filter{Revealed: true}); len(as) != 0 {
		t.Errorf("revealed answers before the reveal: %+v", as)
	}
	if ok, err := db.SetRoundMessage(ctx, "r1", "ts1"); !ok || err != nil {
		t.Fatalf("SetRoundMessage = %v, %v", ok, err)
	}
	if ok, err := db.MarkRevealed(ctx, "r1"); !ok || err != nil {
		t.Fatalf("MarkRevealed = %v, %v", ok, err)
	}
	if _, err := db.OpenRound(ctx, "C1"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("OpenRound after reveal = %v", err)
	}
	if err := db.CreateRound(ctx, r2); err != nil {
		t.Errorf("a new round after the reveal: %v", err)
	}
	as, err := db.Answers(ctx, quiz.Filter{Revealed: true, Channel: "C1", From: t0.Add(2 * time.Minute)})
	if err != nil || len(as) != 1 || as[0].UserID != "U2" {
		t.Errorf("Answers(filtered) = %+v, %v", as, err)
	}
	if as, _ := db.Answers(ctx, quiz.Filter{Channel: "C2"}); len(as) != 0 {
		t.Errorf("Answers(C2) = %+v", as)
	}
}

func TestSubscriptionsAndTips(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, filepath.Join(t.TempDir(), "secbot.db"))
	s := bot.Subscription{Platform: bot.Slack, UserID: "U1", UserName: "sato"}
	if ok, err := db.Subscribe(ctx, s); !ok || err != nil {
		t.Fatalf("Subscribe = %v %v", ok, err)
	}
	if ok, _ := db.Subscribe(ctx, s); ok {
		t.Error("second Subscribe reported new")
	}
	subs, err := db.Subscribers(ctx)
	if err != nil || len(subs) != 1 || subs[0].UserID != "U1" || !subs[0].Since.Equal(t0) {
		t.Fatalf("Subscribers = %+v %v", subs, err)
	}
	if ok, _ := db.Unsubscribe(ctx, bot.Slack, "U1"); !ok {
		t.Error("Unsubscribe reported none")
	}
	if ok, _ := db.Unsubscribe(ctx, bot.Slack, "U1"); ok {
		t.Error("second Unsubscribe reported one")
	}
	if err := db.RecordTip(ctx, "C1", "2026-11-30", "tip-3"); err != nil {
		t.Fatal(err)
	}
	if h, err := db.TipHistory(ctx, "C1"); err != nil || len(h) != 1 || h[0] != [2]string{"2026-11-30", "tip-3"} {
		t.Errorf("TipHistory = %v %v", h, err)
	}
}

// latestMigration is the highest version among the embedded migrations.
func latestMigration(t *testing.T) int {
	t.Helper()
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("migrations: %v", err)
	}
	latest := 0
	for _, n := range names {
		num, _, _ := strings.Cut(strings.TrimPrefix(n, "migrations/"), "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			t.Fatal(err)
		}
		latest = max(latest, v)
	}
	return latest
}
