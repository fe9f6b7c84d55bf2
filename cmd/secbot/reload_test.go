package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// liveSecbot is a secbot process under test with its log.
type liveSecbot struct {
	t     *testing.T
	cmd   *exec.Cmd
	base  string // http://127.0.0.1:port
	mu    sync.Mutex
	logs  bytes.Buffer
	lines chan string
}

// startSecbot runs the secbot binary with env (on top of cleanEnv) and
// waits until it listens.
func startSecbot(t *testing.T, env ...string) *liveSecbot {
	t.Helper()
	p := &liveSecbot{t: t, lines: make(chan string, 1000)}
	p.cmd = exec.Command(secbotBinary(t))
	p.cmd.Env = cleanEnv(t, append([]string{"SECBOT_ADDR=127.0.0.1:0"}, env...)...)
	p.cmd.Dir = t.TempDir()
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.logs.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		close(p.lines)
	}()
	line := p.waitLog("secbot listening")
	m := regexp.MustCompile(`127\.0\.0\.1:\d+`).FindString(line)
	if m == "" {
		t.Fatalf("no address in %q", line)
	}
	p.base = "http://" + m
	return p
}

// waitLog returns the next log line containing substr, failing after 60 s.
func (p *liveSecbot) waitLog(substr string) string {
	p.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("secbot exited before logging %q; log:\n%s", substr, p.log())
			}
			if strings.Contains(l, substr) {
				return l
			}
		case <-deadline:
			p.t.Fatalf("secbot did not log %q; log:\n%s", substr, p.log())
		}
	}
}

func (p *liveSecbot) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// get returns the status and body of GET path.
func (p *liveSecbot) get(path string) (int, string) {
	p.t.Helper()
	resp, err := http.Get(p.base + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// slashCommand sends a signed Slack slash command and returns the
// synchronous answer.
var triggerSeq atomic.Int64

func (p *liveSecbot) slashCommand(secret, command, text, user string) (int, string, error) {
	// Each invocation has its own trigger_id, as Slack's do: secbot
	// refuses a replay of the same one.
	form := url.Values{"command": {command}, "text": {text}, "user_id": {user}, "channel_id": {"C1"},
		"response_url": {"http://127.0.0.1:1/response"}, "team_id": {"T1"},
		"trigger_id": {fmt.Sprintf("%d.%d", time.Now().UnixNano(), triggerSeq.Add(1))}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, form)
	req, _ := http.NewRequest("POST", p.base+"/slack/commands", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func (p *liveSecbot) stop() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			p.t.Errorf("secbot exited with %v after SIGTERM; log:\n%s", err, p.log())
		}
	case <-time.After(30 * time.Second):
		p.t.Fatal("secbot did not stop after SIGTERM")
	}
}

// TestSIGHUPReloadsConfig: SIGHUP with a bad file keeps the running config
// and logs the file, line and reason; with a good one the new packs answer
// at once, and requests sent during the reload are all answered. /metrics
// counts both reloads and the requests.
func TestSIGHUPReloadsConfig(t *testing.T) {
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","channel":"C1","ts":"1.1"}`)
	}))
	defer slackAPI.Close()
	const signing = "test-signing-secret"
	dir := t.TempDir()
	cfg := filepath.Join(dir, "secbot.yaml")
	pack := filepath.Join(dir, "company.yaml")
	write := func(name, s string) {
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(cfg, "admins: [U1]\n")
	write(pack, "terms:\n  - name: 社内CSIRT窓口\n    definition: 情報システム部の内線1234が受け付ける。\n")

	p := startSecbot(t, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET="+signing, "SLACK_API_URL="+slackAPI.URL+"/",
		"SECBOT_CONFIG="+cfg, "SECBOT_LOG_FORMAT=json")
	ask := func(text string) string {
		t.Helper()
		code, body, err := p.slashCommand(signing, "/term", text, "U1")
		if err != nil || code != 200 {
			t.Fatalf("/term %s = %d %v", text, code, err)
		}
		return body
	}
	if body := ask("社内CSIRT窓口"); strings.Contains(body, "内線1234") {
		t.Fatalf("the company term answers before the pack is loaded: %s", body)
	}

	// A bad file: refused, logged with file, line and reason; the old
	// config keeps serving.
	write(cfg, "admins: [U1]\ntips:\n  schedule: \"61 9 * * *\"\n")
	p.cmd.Process.Signal(syscall.SIGHUP)
	line := p.waitLog("config reload refused")
	for _, want := range []string{`"file":"` + cfg + `"`, `"line":"3"`, "tips.schedule", `"level":"ERROR"`} {
		if !strings.Contains(line, want) {
			t.Errorf("refusal log %s lacks %s", line, want)
		}
	}
	if body := ask("VPN"); !strings.Contains(body, "Virtual Private Network") {
		t.Errorf("after a refused reload /term VPN = %s", body)
	}

	// A good file, with requests in flight across the swap.
	write(cfg, "admins: [U1]\npacks: ["+pack+"]\n")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failures []string
	var fmu sync.Mutex
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, body, err := p.slashCommand(signing, "/term", "VPN", "U2")
				if err != nil || code != 200 || !strings.Contains(body, "Virtual Private Network") {
					fmu.Lock()
					failures = append(failures, fmt.Sprintf("%d %v %.200s", code, err, body))
					fmu.Unlock()
				}
			}
		}()
	}
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog("config reloaded")
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d requests failed during the reload, first: %s", len(failures), failures[0])
	}
	if body := ask("社内CSIRT窓口"); !strings.Contains(body, "内線1234") {
		t.Errorf("after the reload the company term is not answered: %s", body)
	}
	if code, body := p.get("/healthz"); code != 200 || !strings.Contains(body, "Slack HTTP") {
		t.Errorf("/healthz = %d %s", code, body)
	}
	code, body := p.get("/metrics")
	for _, want := range []string{
		`secbot_config_reloads_total{result="ok"} 1`,
		`secbot_config_reloads_total{result="refused"} 1`,
		`secbot_requests_total{command="term",front_end="slack"}`,
		`secbot_answers_total{kind="term"}`,
		`secbot_answer_duration_seconds_count{command="term"}`,
		`secbot_build_info{`,
		`go_goroutines`,
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics (%d) lacks %s", code, want)
		}
	}
	p.stop()
}

// TestPostingOnlyProcess: TEAMS_WORKFLOW_URL with a teams:default schedule
// and nothing that receives runs (health and metrics, no console) instead
// of greeting nobody and exiting 0.
func TestPostingOnlyProcess(t *testing.T) {
	workflow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	}))
	defer workflow.Close()
	cfg := filepath.Join(t.TempDir(), "secbot.yaml")
	if err := os.WriteFile(cfg, []byte("tips:\n  channels: [teams:default]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startSecbot(t, "TEAMS_WORKFLOW_URL="+workflow.URL+"/wf", "SECBOT_CONFIG="+cfg)
	if code, body := p.get("/healthz"); code != 200 || !strings.Contains(body, "scheduled posts only") {
		t.Errorf("/healthz = %d %s", code, body)
	}
	if code, body := p.get("/metrics"); code != 200 || !strings.Contains(body, "secbot_build_info") {
		t.Errorf("/metrics = %d", code)
	}
	if code, _ := p.get("/teams/messages"); code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
		t.Errorf("a posting-only process serves the Teams webhook: %d", code)
	}
	p.stop()
}
