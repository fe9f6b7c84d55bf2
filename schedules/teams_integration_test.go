package schedules_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/bot/teams"
	"secbot/knowledge"
	"secbot/quiz/rounds"
	"secbot/schedules"
	"secbot/store/sqlite"
)

// TestTeamsWorkflowPostsOnce drives the scheduler with the real Teams
// Workflows poster against a loopback webhook: the tip and the quiz round go
// out once as Adaptive Card messages, a 429 is waited out, and a second
// process on the same store posts nothing again.
func TestTeamsWorkflowPostsOnce(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	throttled := false
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if !throttled {
			throttled = true
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		data, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Errorf("workflow got non-JSON %q", data)
		}
		bodies = append(bodies, m)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer hook.Close()

	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "secbot.db")
	var slept time.Duration
	sleep := func(_ context.Context, d time.Duration) error { slept += d; return nil }
	run := func(now time.Time) {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		flows := teams.NewWorkflows(map[string]string{"exec": hook.URL}, hook.Client(), teams.WithSleep(sleep))
		posters := func(ch string) (bot.Poster, error) { return flows.Poster(ch) }
		rs, err := rounds.New(rounds.Config{Pack: pack, Store: db, Posters: posters, Location: tokyo, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		s, err := schedules.New(schedules.Config{
			Location: tokyo, TipSpec: "0 9 * * 1-5", TipChannels: []string{"teams:exec"},
			QuizSpec: "0 10 * * 1", QuizChannels: []string{"teams:exec"},
			Pack: pack, Store: db, Rounds: rs, Posters: posters,
			Now: func() time.Time { return now },
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RunDue(context.Background(), now); err != nil {
			t.Fatal(err)
		}
	}
	run(at(30, 10, 1)) // Monday 10:01: the 9:00 tip and the 10:00 round are due
	run(at(30, 10, 2)) // a restart a minute later posts nothing again

	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 {
		t.Fatalf("workflow got %d posts, want 2 (tip, round): %v", len(bodies), bodies)
	}
	if slept < 2*time.Second {
		t.Errorf("the poster waited %s after the 429, want Retry-After's 2s", slept)
	}
	var texts []string
	for _, b := range bodies {
		atts, _ := b["attachments"].([]any)
		if b["type"] != "message" || len(atts) != 1 {
			t.Fatalf("post is not a message with one card: %v", b)
		}
		card, _ := json.Marshal(atts[0])
		if !strings.Contains(string(card), "application/vnd.microsoft.card.adaptive") {
			t.Errorf("attachment is not an Adaptive Card: %s", card)
		}
		texts = append(texts, string(card))
	}
	tip, _, err := schedules.NewTips(pack, mustSpec(t, "0 9 * * 1-5"), tokyo).TipFor("teams:exec", at(30, 9, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(texts[0], tip.Title) && !strings.Contains(texts[1], tip.Title) {
		t.Errorf("no post carries the day's tip %q", tip.Title)
	}
	if !strings.Contains(texts[0]+texts[1], "answer") {
		t.Errorf("the round does not tell Teams users how to answer: %v", texts)
	}
}

func mustSpec(t *testing.T, spec string) interface{ Next(time.Time) time.Time } {
	s, err := schedules.ParseSpec(spec, tokyo)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
