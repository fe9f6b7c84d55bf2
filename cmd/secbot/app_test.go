package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
)

// lockedBuffer is a log sink shared by the App's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAppReloadUnderLoad drives the App in-process (so that `go test -race`
// sees its goroutines): requests keep flowing through the front ends'
// router while the config is reloaded, good and bad, and every one is
// answered; then Stop ends everything.
func TestAppReloadUnderLoad(t *testing.T) {
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","channel":"C1","ts":"1.1"}`)
	}))
	defer slackAPI.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "secbot.yaml")
	write := func(s string) {
		if err := os.WriteFile(cfgPath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("admins: [U1]\n")
	s, err := ReadSettings(mapEnv(map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slackAPI.URL + "/",
		"SECBOT_CONFIG": cfgPath, "SECBOT_DB": filepath.Join(dir, "secbot.db"), "SECBOT_ADDR": "127.0.0.1:0",
	}))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	app, err := Build(s, cfg, &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var answered, failed int
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := app.route.Route(context.Background(), bot.Request{Platform: bot.Slack, Text: "/term VPN", UserID: "U2", ChannelID: "C1"})
				mu.Lock()
				if r.Answer != nil && r.Answer.Kind == knowledge.KindTerm {
					answered++
				} else {
					failed++
				}
				mu.Unlock()
			}
		}()
	}
	for i, tc := range []struct {
		yaml string
		ok   bool
	}{
		{"admins: [U1, U2]\n", true},
		{"tips:\n  channels: [general]\n", false},
		{"admins: [U3]\ntips:\n  channels: [C0123456789]\n", true},
	} {
		write(tc.yaml)
		if err := app.Reload(); (err == nil) != tc.ok {
			t.Errorf("reload %d of %q = %v, want ok=%v", i, tc.yaml, err, tc.ok)
		}
	}
	close(stop)
	wg.Wait()
	if failed > 0 || answered == 0 {
		t.Errorf("during reloads %d requests answered, %d not", answered, failed)
	}
	if got := app.core.Load().router.Admins; !got["U3"] || got["U1"] {
		t.Errorf("admins after the last reload = %v, want only U3", got)
	}

	resp, err := http.Get("http://" + app.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`secbot_config_reloads_total{result="ok"} 2`, `secbot_config_reloads_total{result="refused"} 1`, `secbot_answers_total{kind="term"}`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := app.Stop(ctx); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if l := logs.String(); !strings.Contains(l, "line=2") || !strings.Contains(l, "general") || !strings.Contains(l, "is not a Slack channel id") {
		t.Errorf("the refused reload is not logged with its reason:\n%s", logs.String())
	}
}
