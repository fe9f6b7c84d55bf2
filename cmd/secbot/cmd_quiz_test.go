package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/bot/slack"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/quiz/rounds"
	"secbot/schedules"
	"secbot/store/sqlite"
)

func TestQuizSeed(t *testing.T) {
	code, a, errOut := runSecbotCmd(t, nil, "quiz", "--json", "--seed", "7")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, b, _ := runSecbotCmd(t, nil, "quiz", "--json", "--seed", "7")
	if a != b {
		t.Errorf("seed 7 twice:\n%s\n%s", a, b)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a), &raw); err != nil {
		t.Fatal(err)
	}
	if keys := sortedKeys(raw); !reflect.DeepEqual(keys, []string{"answer", "choices", "explanation", "question", "term"}) {
		t.Errorf("keys = %v", keys)
	}
	var q quizJSON
	json.Unmarshal([]byte(a), &q)
	if len(q.Choices) != 4 || q.Answer < 0 || q.Answer > 3 || q.Term == "" {
		t.Errorf("question = %+v", q)
	}
	code, text, _ := runSecbotCmd(t, nil, "quiz")
	if code != 0 || !strings.Contains(text, "正解: ") || !strings.Contains(text, "(seed ") {
		t.Errorf("secbot quiz = %q", text)
	}
}

func TestQuizExport(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "secbot.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	q := quiz.Question{Question: "どれ？", Choices: []string{"A", "B", "C", "D"}, Answer: 1}
	for i, r := range []quiz.Round{
		{ID: "r1", Channel: "C0123456789", Question: q, Opened: time.Date(2026, 11, 23, 10, 0, 0, 0, tokyo), Closes: time.Date(2026, 11, 24, 10, 0, 0, 0, tokyo), Revealed: true},
		{ID: "r2", Channel: "C0123456789", Question: q, Opened: time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo), Closes: time.Date(2026, 12, 1, 10, 0, 0, 0, tokyo)},
		{ID: "r3", Channel: "C0987654321", Question: q, Opened: time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo), Closes: time.Date(2026, 12, 1, 10, 0, 0, 0, tokyo)},
	} {
		if err := db.CreateRound(ctx, r); err != nil {
			t.Fatal(i, err)
		}
		for j, user := range []string{"U1", "U2"} {
			db.AddAnswer(ctx, quiz.Answer{RoundID: r.ID, Channel: r.Channel, UserID: user, UserName: "name " + user, Choice: j, Correct: j == 1,
				At: r.Opened.Add(time.Duration(j+1) * time.Minute)})
		}
	}
	db.Close()
	vars := map[string]string{"SECBOT_DB": path}
	code, out, errOut := runSecbotCmd(t, vars, "quiz", "export", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 || !reflect.DeepEqual(rows[0], quiz.CSVHeader) {
		t.Fatalf("rows = %q", rows)
	}
	if want := []string{"r1", "C0123456789", "U2", "name U2", "B", "true", "2026-11-23T10:02:00+09:00"}; !reflect.DeepEqual(rows[2], want) {
		t.Errorf("row 2 = %q, want %q", rows[2], want)
	}
	_, out, _ = runSecbotCmd(t, vars, "quiz", "export", "--format", "csv", "--from", "2026-11-30", "--to", "2026-11-30", "--channel", "C0123456789")
	rows, _ = csv.NewReader(strings.NewReader(out)).ReadAll()
	if len(rows) != 3 || rows[1][0] != "r2" || rows[2][0] != "r2" {
		t.Errorf("filtered rows = %q", rows)
	}
	_, out, _ = runSecbotCmd(t, vars, "quiz", "export", "--to", "2026-11-29")
	if rows, _ = csv.NewReader(strings.NewReader(out)).ReadAll(); len(rows) != 3 {
		t.Errorf("--to rows = %q", rows)
	}
	for _, args := range [][]string{
		{"quiz", "export", "--format", "xlsx"},
		{"quiz", "export", "--from", "yesterday"},
		{"quiz", "export", "--from", "2026-12-01", "--to", "2026-11-01"},
	} {
		if code, _, _ := runSecbotCmd(t, vars, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	code, _, errOut = runSecbotCmd(t, map[string]string{"SECBOT_DB": filepath.Join(t.TempDir(), "none.db")}, "quiz", "export")
	if code != 1 || !strings.Contains(errOut, "no database") {
		t.Errorf("missing db: exit %d %q", code, errOut)
	}
}

// fakeSlackAPI is a loopback stand-in for Slack's Web API: chat.postMessage
// and chat.update, with channel_not_found for CGONE0000 and one 429 for the
// first post to CBUSY0000.
type fakeSlackAPI struct {
	mu      sync.Mutex
	posts   map[string]int // successful chat.postMessage per channel
	tries   map[string]int
	updates int
}

func (f *fakeSlackAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	ch := r.FormValue("channel")
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch strings.TrimPrefix(r.URL.Path, "/api/") {
	case "chat.postMessage":
		f.tries[ch]++
		switch {
		case ch == "CGONE0000":
			fmt.Fprint(w, `{"ok":false,"error":"channel_not_found"}`)
			return
		case ch == "CBUSY0000" && f.tries[ch] == 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
			return
		}
		f.posts[ch]++
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1764464400.%06d"}`, ch, f.tries[ch])
	case "chat.update":
		f.updates++
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, ch, r.FormValue("ts"))
	default:
		fmt.Fprint(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// TestTwoProcessesAgainstSlack: two schedulers, each with its own Slack
// adapter and store handle on one SQLite file (two processes), post each
// slot once to a fake Slack Web API; a 429 is waited out, not lost; a
// channel_not_found is failed and not retried.
func TestTwoProcessesAgainstSlack(t *testing.T) {
	api := &fakeSlackAPI{posts: map[string]int{}, tries: map[string]int{}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "secbot.db")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, tokyo)
	clock := func() time.Time { return now }
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var scheds []*schedules.Scheduler
	var dbs []*sqlite.DB
	for i := range 2 {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.Now = clock
		a := slack.New(slack.Config{BotToken: "xoxb-test", APIURL: srv.URL + "/api/", Router: bot.NewRouter(), Log: quiet,
			Now: clock, Sleep: func(context.Context, time.Duration) error { return nil }})
		posters := func(string) (bot.Poster, error) { return a, nil }
		rs, err := rounds.New(rounds.Config{Pack: pack, Store: db, Posters: posters, Location: tokyo, Now: clock, Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		s, err := schedules.New(schedules.Config{Location: tokyo, Pack: pack, Store: db, Now: clock, Log: quiet,
			Owner:   fmt.Sprintf("process-%d", i),
			TipSpec: "0 10 * * 1-5", TipChannels: []string{"COK000000", "CGONE0000", "CBUSY0000"},
			QuizSpec: "0 10 * * 1", QuizChannels: []string{"CQUIZ0000"}, Rounds: rs, Posters: posters})
		if err != nil {
			t.Fatal(err)
		}
		scheds, dbs = append(scheds, s), append(dbs, db)
	}
	runBoth := func(at time.Time) {
		now = at
		var wg sync.WaitGroup
		for _, s := range scheds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.RunDue(context.Background(), at); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	runBoth(now)                                        // Monday 10:00: tips and the round
	runBoth(now.Add(time.Minute))                       // nothing new
	runBoth(time.Date(2026, 12, 1, 10, 0, 0, 0, tokyo)) // Tuesday: tips, and the round revealed
	runBoth(time.Date(2026, 12, 1, 10, 5, 0, 0, tokyo))

	want := map[string]int{"COK000000": 2, "CBUSY0000": 2, "CQUIZ0000": 2} // none to CGONE0000
	if !reflect.DeepEqual(api.posts, want) || api.updates != 1 {
		t.Errorf("posts = %v, updates = %d; want %v and 1 (round updated at the reveal)", api.posts, api.updates, want)
	}
	if api.tries["CGONE0000"] != 2 || api.tries["CBUSY0000"] != 3 {
		t.Errorf("tries = %v: channel_not_found once a day, one 429 waited out", api.tries)
	}
	claims, err := dbs[0].Claims(context.Background(), schedules.JobTip)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range claims {
		if c.Key == "CGONE0000" && c.Slot.After(now.Add(-48*time.Hour)) && (c.Status != schedules.StatusFailed || !strings.Contains(c.Detail, "channel_not_found")) {
			t.Errorf("CGONE0000 claim = %+v", c)
		}
	}
}
