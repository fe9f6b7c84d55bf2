package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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
	"syscall"
	"testing"
	"time"
)

// binary is the secbot program built once for the tests that run it as a
// real process, through its real stdin, stdout and signals.
var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

func secbotBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "secbot-bin")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "secbot")
		cmd := exec.Command("go", "build", "-o", binary, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// cleanEnv is the environment of a secbot process in a test: no chat
// credentials leak in from the machine.
func cleanEnv(t testing.TB, extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "SECBOT_DB=" + filepath.Join(t.TempDir(), "secbot.db")}
	return append(env, extra...)
}

func TestConsoleThroughStdio(t *testing.T) {
	cmd := exec.Command(secbotBinary(t))
	cmd.Env = cleanEnv(t)
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(strings.Join([]string{
		"/term ぜろとらすと",
		"2025年の崖って何？",
		"/term 寿司",
		"/term " + strings.Repeat("長", 201),
		"/help",
		"/quiz start",
		"/quiz",
	}, "\n") + "\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("secbot exited with %v at the end of input; stderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"■ ゼロトラスト",    // hiragana finds the katakana term
		"該当箇所: 2-2-4", // where the text covers it
		"【4-2-2 ",     // the 2025年の崖 passage with its section
		"「寿司」は用語集にも第4章にも見つかりませんでした", // an honest "I don't know"
		"長すぎます",    // over-long input gets a message
		"/term 用語", // help lists the commands
		"/quiz",    //
		"❓ ",       // a quiz round opened at the console
		"answer B", // and how to answer it
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secbot —") {
		t.Errorf("piped input shows the interactive banner:\n%s", out)
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

func TestRunCheckRefusesBadConfig(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "secbot.yaml")
	os.WriteFile(bad, []byte("timezone: Asia/Tokyo\ntips:\n  schedule: \"61 9 * * 1-5\"\n"), 0o644)
	var stdout, stderr bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: mapEnv(map[string]string{"SECBOT_CONFIG": bad})}
	if code := Main(t.Context(), env, []string{"run", "--check"}); code != 1 {
		t.Fatalf("run --check on a bad config exited %d, want 1", code)
	}
	for _, want := range []string{bad, "line 3", "tips.schedule"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("error %q lacks %q", stderr.String(), want)
		}
	}

	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("tips:\n  channels: [C0123456789]\nquiz:\n  channels: [C0987654321]\n  answer_window: 2h\n"), 0o644)
	stdout.Reset()
	stderr.Reset()
	env.Getenv = mapEnv(map[string]string{"SECBOT_CONFIG": good, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s"})
	if code := Main(t.Context(), env, []string{"run", "--check"}); code != 0 {
		t.Fatalf("run --check on a good config exited %d: %s", code, stderr.String())
	}
	for _, want := range []string{"config OK", "82 terms", "C0123456789", "answers for 2h0m0s", "front end: Slack HTTP", "/healthz"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("run --check output lacks %q:\n%s", want, stdout.String())
		}
	}

	// Slack without its bot token is refused before anything starts.
	env.Getenv = mapEnv(map[string]string{"SLACK_SIGNING_SECRET": "s"})
	if code := Main(t.Context(), env, []string{"run", "--check"}); code != 1 || !strings.Contains(stderr.String(), "SLACK_BOT_TOKEN") {
		t.Errorf("run --check without SLACK_BOT_TOKEN exited %d: %s", code, stderr.String())
	}
}

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestRunServesHTTPAndStopsOnSIGTERM runs secbot with Slack over HTTP and
// the Teams outgoing webhook against a loopback Slack Web API, asks it a
// signed /term and a Teams message (whose card's 👎 link it then opens),
// checks /healthz, then sends SIGTERM and expects a clean exit and the vote
// in `secbot gaps`.
func TestRunServesHTTPAndStopsOnSIGTERM(t *testing.T) {
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"user_id":"UBOT","bot_id":"BBOT","channel":"C1","ts":"1.1"}`)
	}))
	defer slackAPI.Close()

	const signing = "test-signing-secret"
	teamsKey := []byte("0123456789abcdef0123456789abcdef")
	dir := t.TempDir()
	db, config := filepath.Join(dir, "secbot.db"), filepath.Join(dir, "secbot.yaml")
	const publicURL = "http://127.0.0.1:1" // as the browser would see secbot; rewritten below
	if err := os.WriteFile(config, []byte("teams:\n  public_url: "+publicURL+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(secbotBinary(t))
	cmd.Env = cleanEnv(t,
		"SLACK_BOT_TOKEN=xoxb-test",
		"SLACK_SIGNING_SECRET="+signing,
		"SLACK_API_URL="+slackAPI.URL+"/",
		"TEAMS_OUTGOING_SECRET="+base64.StdEncoding.EncodeToString(teamsKey),
		"SECBOT_ADDR=127.0.0.1:0",
		"SECBOT_DB="+db, "SECBOT_CONFIG="+config,
	)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// The log says where it listens.
	addrc := make(chan string, 1)
	var logs bytes.Buffer
	var logMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			logMu.Lock()
			logs.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
	}()
	var base string
	select {
	case addr := <-addrc:
		base = "http://" + addr
	case <-time.After(30 * time.Second):
		t.Fatal("secbot did not start listening")
	}

	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz = %v, %v", resp, err)
	}
	resp.Body.Close()

	// A signed /term.
	form := url.Values{"command": {"/term"}, "text": {"ゼロトラスト"}, "user_id": {"U1"}, "channel_id": {"C1"},
		"response_url": {slackAPI.URL + "/response"}, "team_id": {"T1"}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(signing))
	fmt.Fprintf(mac, "v0:%s:%s", ts, form)
	req, _ := http.NewRequest("POST", base+"/slack/commands", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "ゼロトラスト") {
		t.Errorf("signed /term = %d %s", resp.StatusCode, body)
	}

	// A forged one.
	req, _ = http.NewRequest("POST", base+"/slack/commands", strings.NewReader(form))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0=00")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("forged /term = %d, want 401", resp.StatusCode)
	}

	// A Teams message with a good HMAC.
	activity, _ := json.Marshal(map[string]any{"type": "message", "id": "1", "text": "<at>secbot</at> VPN", "timestamp": time.Now().UTC(),
		"from": map[string]string{"id": "29:1", "name": "Aiko"}, "conversation": map[string]string{"id": "19:c@thread.tacv2"}})
	tm := hmac.New(sha256.New, teamsKey)
	tm.Write(activity)
	req, _ = http.NewRequest("POST", base+"/teams/messages", bytes.NewReader(activity))
	req.Header.Set("Authorization", "HMAC "+base64.StdEncoding.EncodeToString(tm.Sum(nil)))
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Virtual Private Network") {
		t.Errorf("Teams message = %d %s", resp.StatusCode, body)
	}
	// Its card's 👎 link records Aiko's vote.
	links := regexp.MustCompile(`"url":"`+regexp.QuoteMeta(publicURL)+`(/teams/vote\?t=[^"]+)"`).FindAllStringSubmatch(string(body), -1)
	if len(links) != 2 {
		t.Fatalf("vote links %q in %s", links, body)
	}
	resp, err = http.Get(base + links[1][1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "役に立たなかったことを記録しました") {
		t.Errorf("GET the 👎 link = %d %s", resp.StatusCode, body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			logMu.Lock()
			t.Errorf("secbot exited with %v after SIGTERM; log:\n%s", err, logs.String())
			logMu.Unlock()
		}
	case <-time.After(30 * time.Second):
		t.Fatal("secbot did not stop after SIGTERM")
	}
	if code, out, errOut := runSecbotCmd(t, map[string]string{"SECBOT_DB": db}, "gaps", "--json"); code != 0 || !strings.Contains(out, `"up":0,"down":1`) {
		t.Errorf("secbot gaps --json = %d %s %s", code, out, errOut)
	}
}
