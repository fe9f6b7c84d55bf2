package rounds_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/quiz/rounds"
	"secbot/store"
)

// TestClosingReminder: with RemindBefore 2h, a posted round's reminder is
// due from 2h before it closes; it says how long is left and how many
// answered, never who; claimed through the store's claims it is posted
// once even when two processes find it due together.
func TestClosingReminder(t *testing.T) {
	e := newEnv(t, func(c *rounds.Config) { c.RemindBefore = 2 * time.Hour })
	ctx := context.Background()
	r := e.open("C1") // closes 24h later
	e.route(click(r, "sato", 0))
	e.route(click(r, "suzuki", 1))

	e.advance(21*time.Hour + 59*time.Minute)
	if due, err := e.rs.RemindersDue(ctx, e.clock()); err != nil || len(due) != 0 {
		t.Fatalf("reminders 2h01m before the close = %+v, %v", due, err)
	}
	e.advance(time.Minute)
	due, err := e.rs.RemindersDue(ctx, e.clock())
	if err != nil || len(due) != 1 || due[0].Round.ID != r.ID || !due[0].Slot.Equal(r.Closes.Add(-2*time.Hour)) {
		t.Fatalf("reminders 2h before the close = %+v, %v", due, err)
	}

	// Two processes find it due at once; the claim lets one post it.
	posts := len(e.p.posts)
	var wg sync.WaitGroup
	for _, owner := range []string{"p1", "p2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := store.Claim{Job: rounds.JobRemind, Key: due[0].Round.ID, Slot: due[0].Slot, Status: store.StatusClaimed, Owner: owner, Attempts: 1}
			won, err := e.db.Claim(ctx, c)
			if err != nil {
				t.Error(err)
				return
			}
			if won {
				if _, err := e.rs.Remind(ctx, due[0].Round.ID, bot.PostTag{ID: c.ID()}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(e.p.posts) - posts; n != 1 {
		t.Fatalf("%d reminders posted, want 1", n)
	}
	post := e.p.posts[len(e.p.posts)-1]
	if !strings.Contains(post.Text, "あと2時間") || !strings.Contains(post.Text, "2人が回答") || !strings.HasPrefix(post.Tag.ID, "remind/") {
		t.Errorf("reminder = %+v", post)
	}
	if strings.Contains(post.Text, "sato") || strings.Contains(post.Text, "suzuki") {
		t.Errorf("the reminder names who answered: %q", post.Text)
	}

	// Too close to the close: not due, and Remind skips it.
	e.advance(2*time.Hour - 3*time.Minute)
	if due, _ := e.rs.RemindersDue(ctx, e.clock()); len(due) != 0 {
		t.Errorf("reminders 3 minutes before the close = %+v", due)
	}
	if _, err := e.rs.Remind(ctx, r.ID, bot.PostTag{}); !errors.Is(err, rounds.ErrClosed) {
		t.Errorf("Remind 3 minutes before the close = %v, want ErrClosed", err)
	}
}

// TestNoReminder: off by default, and never for a round whose answer
// window is shorter than RemindBefore.
func TestNoReminder(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.open("C1")
	e.advance(23 * time.Hour)
	if due, err := e.rs.RemindersDue(ctx, e.clock()); err != nil || len(due) != 0 {
		t.Errorf("reminders with RemindBefore 0 = %+v, %v", due, err)
	}
	e = newEnv(t, func(c *rounds.Config) { c.RemindBefore, c.AnswerWindow = 2*time.Hour, time.Hour })
	e.open("C1")
	for range 6 {
		if due, _ := e.rs.RemindersDue(ctx, e.clock()); len(due) != 0 {
			t.Errorf("a 1h round got a 2h reminder: %+v", due)
		}
		e.advance(10 * time.Minute)
	}
}

func TestReminderText(t *testing.T) {
	for _, tt := range []struct {
		left     time.Duration
		answered int
		want     string
	}{
		{2 * time.Hour, 12, "あと2時間（12/3(木) 10:00）。これまでに 12人が回答しました。"},
		{90*time.Minute + 30*time.Second, 1, "あと1時間30分"},
		{45 * time.Minute, 0, "あと45分（12/3(木) 10:00）。まだ誰も回答していません。"},
	} {
		if got := rounds.ReminderText(tt.left, tt.answered, "12/3(木) 10:00"); !strings.Contains(got, tt.want) {
			t.Errorf("ReminderText(%s, %d) = %q, want %q in it", tt.left, tt.answered, got, tt.want)
		}
	}
}
