package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSetupMistakesAreRefused: a half-configured environment or config
// makes `secbot run` (and `secbot run --check`) refuse to start with a
// message that names what is missing, instead of opening the console to
// nobody and exiting 0.
func TestSetupMistakesAreRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	slackChannels := write("slack.yaml", "tips:\n  channels: [C0123456789]\n")
	teamsDefault := write("teams.yaml", "tips:\n  channels: [teams:default]\n")
	plainHTTP := write("http.yaml", "teams:\n  workflows:\n    exec: http://example.com/workflows/x\n")
	httpPublic := write("public.yaml", "teams:\n  public_url: http://bot.example.jp\n")
	example, _ := filepath.Abs(filepath.Join("..", "..", "config.example.yaml"))
	db := filepath.Join(dir, "secbot.db")
	slack := map[string]string{"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": "s", "SECBOT_DB": db}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}

	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // in stderr
	}{
		{"bot token alone", map[string]string{"SLACK_BOT_TOKEN": "xoxb-t", "SECBOT_DB": db}, []string{"run"},
			[]string{"SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP)"}},
		{"app token without bot token", map[string]string{"SLACK_APP_TOKEN": "xapp-t", "SECBOT_DB": db}, []string{"run"},
			[]string{"SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not"}},
		{"signing secret without bot token", map[string]string{"SLACK_SIGNING_SECRET": "s"}, []string{"run", "--check"},
			[]string{"SLACK_BOT_TOKEN"}},
		{"workflow URL with nothing to post", map[string]string{"TEAMS_WORKFLOW_URL": "https://example.com/wf", "SECBOT_DB": db}, []string{"run"},
			[]string{"TEAMS_WORKFLOW_URL is set but no tips or quiz channel is teams:default"}},
		{"http workflow URL", map[string]string{"TEAMS_WORKFLOW_URL": "http://example.com/wf?sig=secret", "SECBOT_CONFIG": teamsDefault}, []string{"run", "--check"},
			[]string{"TEAMS_WORKFLOW_URL", "not an https URL"}},
		{"teams app id alone", map[string]string{"TEAMS_APP_ID": "app"}, []string{"run", "--check"},
			[]string{"TEAMS_APP_ID is set but TEAMS_APP_PASSWORD is not"}},
		{"bad teams secret", map[string]string{"TEAMS_OUTGOING_SECRET": "not base64!"}, []string{"run", "--check"},
			[]string{"TEAMS_OUTGOING_SECRET"}},
		{"slack channels without a token", map[string]string{"SECBOT_CONFIG": slackChannels}, []string{"run", "--check"},
			[]string{"slack.yaml", "tips.channels", "C0123456789", "SLACK_BOT_TOKEN is not set"}},
		{"teams:default without the URL", with(slack, "SECBOT_CONFIG", teamsDefault), []string{"run"},
			[]string{"teams:default needs TEAMS_WORKFLOW_URL"}},
		{"http workflow in the config", with(slack, "SECBOT_CONFIG", plainHTTP), []string{"run", "--check"},
			[]string{"teams.workflows.exec", "not an https URL"}},
		{"http public URL", with(slack, "SECBOT_CONFIG", httpPublic), []string{"run", "--check"},
			[]string{"teams.public_url", "not an https URL"}},
		{"example placeholders", with(slack, "SECBOT_CONFIG", example), []string{"run", "--check"},
			[]string{"config.example.yaml: line ", "teams.workflows.exec still holds the example's REPLACE-ME", "teams.channels.exec"}},
		{"bad address", with(slack, "SECBOT_ADDR", "localhost:99999"), []string{"run", "--check"},
			[]string{"SECBOT_ADDR=\"localhost:99999\"", "65535"}},
		{"address without port", with(slack, "SECBOT_ADDR", "3000"), []string{"run"},
			[]string{"SECBOT_ADDR=\"3000\"", "host:port"}},
		{"bad log level", map[string]string{"SECBOT_LOG_LEVEL": "verbose"}, []string{"run", "--check"},
			[]string{"SECBOT_LOG_LEVEL=\"verbose\"", "debug, info, warn or error"}},
		{"bad log format", map[string]string{"SECBOT_LOG_FORMAT": "xml"}, []string{"run"},
			[]string{"SECBOT_LOG_FORMAT=\"xml\"", "text or json"}},
		{"database is a directory", map[string]string{"SECBOT_DB": dir}, []string{"run"},
			[]string{"SECBOT_DB=" + dir + " is a directory", filepath.Join(dir, "secbot.db")}},
		{"database folder missing", map[string]string{"SECBOT_DB": filepath.Join(dir, "nope", "secbot.db")}, []string{"run", "--check"},
			[]string{"folder " + filepath.Join(dir, "nope") + " does not exist", "mkdir -p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runSecbotCmd(t, tt.env, tt.args...)
			if code != 1 {
				t.Errorf("%v exited %d, want 1; stdout %q", tt.args, code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("error %q lacks %q", errOut, w)
				}
			}
			if strings.Contains(errOut, "sig=secret") {
				t.Errorf("error repeats a URL's secret: %q", errOut)
			}
		})
	}
}

// TestDatabaseFolderNotWritable needs a user that permissions apply to.
func TestDatabaseFolderNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere; permissions cannot be tested")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(dir, 0o555)
	code, _, errOut := runSecbotCmd(t, map[string]string{"SECBOT_DB": filepath.Join(dir, "secbot.db")}, "run")
	if code != 1 || !strings.Contains(errOut, "cannot create files in "+dir) || !strings.Contains(errOut, "writable") {
		t.Errorf("exit %d: %q", code, errOut)
	}
}

// TestRunCheckSaysWhatWouldStart: the check names the front ends and the
// schedules; a Workflows URL with teams: schedules and nothing that
// receives is a posting-only process, which is legitimate.
func TestRunCheckSaysWhatWouldStart(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "secbot.yaml")
	os.WriteFile(cfg, []byte("tips:\n  channels: [teams:default, C0123456789]\nquiz:\n  channels: [C0987654321]\n"), 0o644)
	code, out, errOut := runSecbotCmd(t, map[string]string{
		"SECBOT_CONFIG": cfg, "SLACK_BOT_TOKEN": "xoxb-t", "SLACK_APP_TOKEN": "xapp-t", "SLACK_SIGNING_SECRET": "s",
		"TEAMS_OUTGOING_SECRET": "MDEyMzQ1Njc4OWFiY2RlZg==", "TEAMS_WORKFLOW_URL": "https://example.com/wf",
	}, "run", "--check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"front end: Slack Socket Mode, Slack HTTP, Teams outgoing webhook", ":3000", `tips:      "0 9 * * 1-5" → teams:default, C0123456789`, `quiz:      "0 10 * * 1" → C0987654321`} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}

	os.WriteFile(cfg, []byte("tips:\n  channels: [teams:default]\n"), 0o644)
	code, out, errOut = runSecbotCmd(t, map[string]string{"SECBOT_CONFIG": cfg, "TEAMS_WORKFLOW_URL": "https://example.com/wf"}, "run", "--check")
	if code != 0 || !strings.Contains(out, "scheduled posts only") {
		t.Errorf("posting-only check: exit %d, %q %q", code, out, errOut)
	}

	// Nothing set: the console, which posts no schedules.
	code, out, _ = runSecbotCmd(t, nil, "run", "--check")
	if code != 0 || !strings.Contains(out, "front end: console") || !strings.Contains(out, "none at the console") {
		t.Errorf("console check: exit %d, %q", code, out)
	}
}

// TestVersionAndHelp: scripts get usage and the version on stdout, exit 0.
func TestVersionAndHelp(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errOut := runSecbotCmd(t, nil, args...)
		if code != 0 || !strings.HasPrefix(out, "secbot ") || !strings.Contains(out, "revision:") || !strings.Contains(out, "go1.") {
			t.Errorf("%v: exit %d, %q %q", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		code, out, errOut := runSecbotCmd(t, nil, args...)
		if code != 0 || !strings.Contains(out, "commands:") || !strings.Contains(out, "version") || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"help", "term"}, {"term", "--help"}, {"term", "-h"}} {
		code, out, errOut := runSecbotCmd(t, nil, args...)
		if code != 0 || !strings.Contains(out, "usage: secbot term") || !strings.Contains(out, "-json") || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	code, out, _ := runSecbotCmd(t, nil, "help", "run")
	if code != 0 || !strings.Contains(out, "-check") {
		t.Errorf("help run: exit %d, %q", code, out)
	}
	code, out, errOut := runSecbotCmd(t, nil, "help", "nosuch")
	if code != 2 || out != "" || !strings.Contains(errOut, `unknown command "nosuch"`) {
		t.Errorf("help nosuch: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestLogSettings: SECBOT_LOG_LEVEL and SECBOT_LOG_FORMAT shape the log;
// the console is quieter by default.
func TestLogSettings(t *testing.T) {
	tests := []struct {
		env      map[string]string
		console  bool
		info     bool // an info line shows
		warnJSON bool // a warn line is JSON
	}{
		{nil, false, true, false},
		{nil, true, false, false},
		{map[string]string{"SECBOT_LOG_LEVEL": "debug"}, true, true, false},
		{map[string]string{"SECBOT_LOG_LEVEL": "error"}, false, false, false},
		{map[string]string{"SECBOT_LOG_FORMAT": "json", "SECBOT_LOG_LEVEL": "WARN"}, false, false, true},
	}
	for _, tt := range tests {
		s, err := ReadSettings(mapEnv(tt.env))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		log := newLogger(s, &b, tt.console)
		log.Info("hello")
		log.Warn("careful")
		out := b.String()
		if strings.Contains(out, "hello") != tt.info {
			t.Errorf("%v console=%v: info shown = %v:\n%s", tt.env, tt.console, !tt.info, out)
		}
		if strings.Contains(out, `"msg":"careful"`) != tt.warnJSON {
			t.Errorf("%v: JSON = %v:\n%s", tt.env, !tt.warnJSON, out)
		}
	}
}
