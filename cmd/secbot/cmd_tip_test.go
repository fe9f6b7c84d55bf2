package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/schedules"
	"secbot/store/sqlite"
)

// recordingPoster keeps what the scheduler posts (to several channels at
// once).
type recordingPoster struct {
	mu    sync.Mutex
	posts map[string]bot.Reply
}

var _ bot.Poster = (*recordingPoster)(nil)

func (p *recordingPoster) Post(_ context.Context, ch string, r bot.Reply) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts[ch] = r
	return "ts", nil
}

func (p *recordingPoster) Update(context.Context, string, string, bot.Reply) error { return nil }

// TestTipMatchesScheduler: `secbot tip --date D --channel C` shows exactly
// what the scheduler posts in C on D.
func TestTipMatchesScheduler(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "secbot.yaml")
	os.WriteFile(cfgPath, []byte("timezone: Asia/Tokyo\ntips:\n  schedule: \"30 8 * * 1-5\"\n  channels: [C0123456789, C0AAAAAAAAA]\n"), 0o644)
	vars := map[string]string{"SECBOT_CONFIG": cfgPath}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(filepath.Join(dir, "secbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := &recordingPoster{}
	s, err := schedules.New(schedules.Config{Location: cfg.Location, TipSpec: cfg.Tips.Schedule, TipChannels: cfg.Tips.Channels,
		Pack: pack, Store: db, Posters: func(string) (bot.Poster, error) { return p, nil },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]bool{}
	for day := time.Date(2026, 11, 2, 0, 0, 0, 0, cfg.Location); day.Month() == 11; day = day.AddDate(0, 0, 1) {
		p.posts = map[string]bot.Reply{}
		slot := day.Add(8*time.Hour + 30*time.Minute)
		if err := s.RunDue(context.Background(), slot); err != nil {
			t.Fatal(err)
		}
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		if weekend != (len(p.posts) == 0) {
			t.Fatalf("%s: posts %v", day.Format(time.DateOnly), p.posts)
		}
		for ch, r := range p.posts {
			code, out, errOut := runSecbotCmd(t, vars, "tip", "--json", "--date", day.Format(time.DateOnly), "--channel", ch)
			if code != 0 || errOut != "" {
				t.Fatalf("secbot tip: exit %d: %s", code, errOut)
			}
			var got tipJSON
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			want := tipJSON{ID: r.Tip.Tip.ID, Section: r.Tip.Tip.Section, Title: r.Tip.Tip.Title, Body: r.Tip.Tip.Body}
			if got != want {
				t.Errorf("%s %s: secbot tip = %s, the scheduler posted %s", day.Format(time.DateOnly), ch, got.ID, want.ID)
			}
			if seen[ch] == nil {
				seen[ch] = map[string]bool{}
			}
			if len(seen[ch]) == len(pack.Tips) {
				seen[ch] = map[string]bool{} // all seen: a new round of tips
			}
			if seen[ch][got.ID] {
				t.Errorf("%s: %s again before all %d tips were seen", ch, got.ID, len(pack.Tips))
			}
			seen[ch][got.ID] = true
		}
	}
}

func TestTipJSONKeysAndWeekend(t *testing.T) {
	code, out, errOut := runSecbotCmd(t, nil, "tip", "--json", "--date", "2026-11-28", "--channel", "C0123456789")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if keys := sortedKeys(raw); !reflect.DeepEqual(keys, []string{"body", "id", "section", "title"}) {
		t.Errorf("keys = %v", keys)
	}
	if !strings.Contains(errOut, "2026-11-27") {
		t.Errorf("a Saturday should say it shows Friday's tip; stderr %q", errOut)
	}
	_, fri, _ := runSecbotCmd(t, nil, "tip", "--json", "--date", "2026-11-27", "--channel", "C0123456789")
	if fri != out {
		t.Errorf("Saturday %s != Friday %s", out, fri)
	}
	code, text, _ := runSecbotCmd(t, nil, "tip", "--date", "2026-11-27")
	if code != 0 || !strings.Contains(text, "出典: 第4章 4-3") {
		t.Errorf("text tip = %q", text)
	}
	for _, args := range [][]string{{"tip", "--date", "27/11/2026"}, {"tip", "extra"}} {
		if code, _, _ := runSecbotCmd(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// sortedKeys returns m's keys in order (jsonKeys' order is the map's).
func sortedKeys(m map[string]json.RawMessage) []string {
	keys := jsonKeys(m)
	sort.Strings(keys)
	return keys
}

// TestConfigExample: the documented example config is valid.
func TestConfigExample(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Location.String() != "Asia/Tokyo" || cfg.Tips.Schedule != "0 9 * * 1-5" || len(cfg.Quiz.Channels) != 1 ||
		time.Duration(cfg.Quiz.AnswerWindow) != 24*time.Hour || time.Duration(cfg.CatchUpGrace) != 2*time.Hour {
		t.Errorf("config.example.yaml = %+v", cfg)
	}
}
