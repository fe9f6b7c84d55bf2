package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig("secbot.yaml", []byte(`
timezone: Asia/Tokyo
admins: [U01HR]
tips:
  schedule: "0 9 * * 1-5"
  channels: [C0123456789, teams:exec]
quiz:
  schedule: "0 10 * * 1"
  channels: [C0987654321]
  answer_window: 24h
teams:
  workflows:
    exec: https://example.invalid/workflows/abc
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "Asia/Tokyo" || time.Duration(c.Quiz.AnswerWindow) != 24*time.Hour ||
		time.Duration(c.CatchUpGrace) != 2*time.Hour || len(c.Tips.Channels) != 2 {
		t.Errorf("config = %+v", c)
	}

	d := DefaultConfig()
	if d.Timezone != "Asia/Tokyo" || d.Tips.Schedule != "0 9 * * 1-5" || d.Quiz.Schedule != "0 10 * * 1" {
		t.Errorf("defaults = %+v", d)
	}
}

func TestParseConfigRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // substrings of the error
	}{
		{"bad yaml", "tips:\n  schedule: \"0 9 * * 1-5\n  channels: [C1]\n", []string{"secbot.yaml", "line"}},
		{"unknown key", "tips:\n  shedule: \"0 9 * * *\"\n", []string{"secbot.yaml", "line 2", "shedule"}},
		{"bad cron", "tips:\n  schedule: \"0 25 * * *\"\n", []string{"secbot.yaml", "line 2", "tips.schedule"}},
		{"panicking cron", "quiz:\n  schedule: \"*/0 * * * *\"\n", []string{"line 2", "quiz.schedule"}},
		{"bad timezone", "timezone: Mars/Olympus\n", []string{"line 1", "Mars/Olympus"}},
		{"bad window", "quiz:\n  answer_window: tomorrow\n", []string{"line 2", "tomorrow"}},
		{"tiny window", "quiz:\n  answer_window: 1s\n", []string{"line 2", "answer_window"}},
		{"bad channel", "tips:\n  channels: [general]\n", []string{"line 2", "general", "Slack channel id"}},
		{"unknown teams channel", "tips:\n  channels: [teams:nope]\n", []string{"teams:nope"}},
		{"zero grace", "catchup_grace: 0s\n", []string{"line 1", "catchup_grace", "positive"}},
		{"negative grace", "catchup_grace: -1h\n", []string{"line 1", "catchup_grace"}},
		{"public URL not a URL", "teams:\n  public_url: bot.example.jp\n", []string{"teams.public_url", "not an http(s) URL"}},
		{"duplicate channel", "quiz:\n  channels: [C0123456789, C0123456789]\n", []string{"twice"}},
	}
	for _, tt := range tests {
		_, err := ParseConfig("secbot.yaml", []byte(tt.yaml))
		if err == nil {
			t.Errorf("%s: ParseConfig accepted %q", tt.name, tt.yaml)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
}

func TestLoadConfigResolvesPacksBesideTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secbot.yaml")
	if err := os.WriteFile(path, []byte("packs: [company.yaml, /abs/other.yaml]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "company.yaml"); c.Packs[0] != want || c.Packs[1] != "/abs/other.yaml" {
		t.Errorf("packs = %v, want %s and /abs/other.yaml", c.Packs, want)
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing config: %v", err)
	}
}
