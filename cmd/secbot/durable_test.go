package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"secbot/internal/fakeslack"
)

// These tests run the real binary against a loopback Slack and kill it with
// real signals: what secbot acknowledged must be in the store, exactly once.

const testSigning = "durable-signing-secret"

// proc is a running secbot.
type proc struct {
	t    testing.TB
	cmd  *exec.Cmd
	base string

	mu   sync.Mutex
	logs bytes.Buffer
	done chan error
}

// startProc runs `secbot run` with env (plus a free loopback address)
// and waits until it listens.
func startProc(t testing.TB, env []string) *proc {
	t.Helper()
	cmd := exec.Command(secbotBinary(t))
	cmd.Env = append(env, "SECBOT_ADDR=127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, done: make(chan error, 1)}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			p.mu.Lock()
			p.logs.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addrc <- m[1]:
				default:
				}
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case addr := <-addrc:
		p.base = "http://" + addr
	case err := <-p.done:
		t.Fatalf("secbot exited before listening: %v\n%s", err, p.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("secbot did not start listening:\n%s", p.log())
	}
	return p
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// kill sends sig and waits for the process to end.
func (p *proc) kill(sig syscall.Signal) {
	p.t.Helper()
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("secbot did not stop after %v", sig)
	}
}

// post sends a Slack-signed request to path and returns the status.
func (p *proc) post(client *http.Client, path, contentType string, body []byte, header map[string]string) (int, error) {
	req := fakeslack.SignedRequest(p.base+path, contentType, testSigning, time.Now(), body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func slackEnv(t testing.TB, fake *fakeslack.Server, db, config string) []string {
	return append(cleanEnv(t), "SECBOT_DB="+db, "SECBOT_CONFIG="+config,
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET="+testSigning, "SLACK_API_URL="+fake.APIURL())
}

func writeConfig(t testing.TB, text string) string {
	path := filepath.Join(t.TempDir(), "secbot.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// clickBody is the interactivity payload of a click on a round's button.
func clickBody(fake *fakeslack.Server, channel, msgTS, user, value string, at time.Time) []byte {
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]string{"id": user, "name": strings.ToLower(user)},
		"channel":      map[string]string{"id": channel},
		"container":    map[string]string{"type": "message", "channel_id": channel, "message_ts": msgTS},
		"response_url": fake.ResponseURL(), "trigger_id": "trig-" + user + value,
		"actions": []map[string]string{{"action_id": "quiz.answer", "block_id": "b", "type": "button", "value": value,
			"action_ts": fmt.Sprintf("%d.%06d", at.Unix(), at.Nanosecond()/1000)}},
	})
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}

// exportAnswers runs `secbot quiz export` on db: user → choice letter,
// with how many rows each user has.
func exportAnswers(t testing.TB, db string) (choice map[string]string, rows map[string]int) {
	t.Helper()
	cmd := exec.Command(secbotBinary(t), "quiz", "export", "--format", "csv")
	cmd.Env = append(cleanEnv(t), "SECBOT_DB="+db)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("quiz export: %v", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("export is not CSV: %v\n%s", err, out)
	}
	choice, rows = map[string]string{}, map[string]int{}
	for _, r := range recs[1:] {
		choice[r[2]] = r[4]
		rows[r[2]]++
	}
	return choice, rows
}

// TestClicksSurviveSIGKILL: a burst of quiz clicks at 48 at a time, with a
// response_url that takes 250 ms, the process killed with SIGKILL in the
// middle and restarted: every click that got its 200 is in HR's export,
// once, with the person's first choice; the round card's count converges on
// the stored count with chat.update calls within Slack's limit.
func TestClicksSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a real process mid-burst")
	}
	fake := fakeslack.New(t)
	fake.ResponseDelay = 250 * time.Millisecond
	db := filepath.Join(t.TempDir(), "secbot.db")
	config := writeConfig(t, "admins: [UADMIN]\n")
	env := slackEnv(t, fake, db, config)
	p := startProc(t, env)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	// An admin opens a round in CQUIZ.
	form := url.Values{"command": {"/quiz"}, "text": {"start"}, "user_id": {"UADMIN"}, "channel_id": {"CQUIZ"},
		"team_id": {"T1"}, "trigger_id": {"trig-start"}, "response_url": {fake.ResponseURL()}}.Encode()
	if st, err := p.post(client, "/slack/commands", "application/x-www-form-urlencoded", []byte(form), nil); err != nil || st != 200 {
		t.Fatalf("/quiz start = %d, %v", st, err)
	}
	var roundID, msgTS string
	fakeslack.Eventually(t, "the round posted", func() bool {
		for _, c := range fake.Calls("chat.postMessage") {
			if m := regexp.MustCompile(`"value":"([^"|]+)\|0"`).FindStringSubmatch(c.Args.Get("blocks")); m != nil {
				roundID = m[1]
				return true
			}
		}
		return false
	})
	fakeslack.Eventually(t, "the round's ts", func() bool {
		msgs := fake.Messages("CQUIZ")
		if len(msgs) > 0 {
			msgTS = msgs[0]["ts"].(string)
		}
		return msgTS != ""
	})

	// Each person clicks once; every fifth clicks twice (B, then C a moment
	// later): the first choice counts.
	type click struct {
		user, value string
		at          time.Time
		first       bool
	}
	var clicks []click
	base := time.Now()
	for i := range 1200 {
		u := fmt.Sprintf("U%04d", i)
		at := base.Add(time.Duration(i) * time.Millisecond)
		clicks = append(clicks, click{u, fmt.Sprintf("%s|%d", roundID, i%4), at, true})
		if i%5 == 0 {
			clicks = append(clicks, click{u, roundID + "|2", at.Add(2 * time.Second), false})
			clicks[len(clicks)-2].value = roundID + "|1"
		}
	}
	var mu sync.Mutex
	acked := map[string][]click{} // user → acknowledged clicks
	var lat []time.Duration
	send := func(p *proc, batch []click, killAfter int64, killer func()) (failed []click) {
		var n atomic.Int64
		var wg sync.WaitGroup
		jobs := make(chan []click)
		for range 48 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for user := range jobs {
					for _, c := range user {
						start := time.Now()
						// Slack stamps a click when it is made: the burst
						// is sent faster than the planned times, and a
						// stamp ahead of the clock is taken as now by
						// secbot, so a planned time would reorder clicks.
						st, err := p.post(client, "/slack/interactivity", "application/x-www-form-urlencoded", clickBody(fake, "CQUIZ", msgTS, c.user, c.value, time.Now()), nil)
						mu.Lock()
						if err == nil && st == 200 {
							acked[c.user] = append(acked[c.user], c)
							lat = append(lat, time.Since(start))
						} else {
							failed = append(failed, c)
						}
						mu.Unlock()
						if err == nil && st == 200 && n.Add(1) == killAfter {
							killer()
						}
					}
				}
			}()
		}
		// One person's clicks go in order, through one worker.
		for i := 0; i < len(batch); {
			j := i + 1
			for j < len(batch) && batch[j].user == batch[i].user {
				j++
			}
			jobs <- batch[i:j]
			i = j
		}
		close(jobs)
		wg.Wait()
		return failed
	}
	half := slices.IndexFunc(clicks, func(c click) bool { return c.user == "U0600" })
	var killOnce sync.Once
	failed := send(p, clicks[:half], 400, func() { killOnce.Do(func() { p.cmd.Process.Signal(syscall.SIGKILL) }) })
	<-p.done
	t.Logf("first process: %d clicks acknowledged before SIGKILL, %d failed", len(clicks[:half])-len(failed), len(failed))
	if len(failed) == 0 {
		t.Fatal("the kill came after the burst: nothing was in flight")
	}

	// Restarted on the same store; the rest of the burst, and the people
	// whose clicks failed click again.
	p = startProc(t, env)
	burst := time.Now()
	// A person clicks again in the order they clicked: their failed clicks
	// (appended by many workers, interleaved with other people's) are put
	// together, in order, so that one worker sends them.
	slices.SortStableFunc(failed, func(a, b click) int { return strings.Compare(a.user, b.user) })
	retry := send(p, append(append([]click(nil), clicks[half:]...), failed...), 0, nil)
	if len(retry) > 0 {
		t.Fatalf("%d clicks failed against a healthy process: %v", len(retry), retry[:min(3, len(retry))])
	}

	choice, rows := exportAnswers(t, db)
	mu.Lock()
	for user, cs := range acked {
		if rows[user] != 1 {
			t.Errorf("%s: %d rows in the export, want 1", user, rows[user])
			continue
		}
		want := map[string]bool{}
		for _, c := range clicks {
			if c.user == user && c.first {
				// The first click counts if it was kept; a second click
				// counts only when the first one never made it.
				want[c.value[strings.LastIndex(c.value, "|")+1:]] = true
				if !slices.ContainsFunc(cs, func(a click) bool { return a.first }) {
					for _, a := range cs {
						want[a.value[strings.LastIndex(a.value, "|")+1:]] = true
					}
				}
			}
		}
		got := map[string]string{"A": "0", "B": "1", "C": "2", "D": "3"}[choice[user]]
		if !want[got] {
			t.Errorf("%s: exported choice %s, want their first choice (%v); acknowledged %v", user, choice[user], want, cs)
		}
	}
	slices.Sort(lat)
	t.Logf("%d people acknowledged; ack latency p50 %s, p99 %s", len(acked), lat[len(lat)/2], lat[len(lat)*99/100])
	mu.Unlock()
	if len(choice) < 1200-len(failed) {
		t.Errorf("export has %d people, want at least %d", len(choice), 1200-len(failed))
	}

	// The card converges on the stored count, within chat.update's limit.
	want := fmt.Sprintf("回答済み: %d人", len(choice))
	fakeslack.Eventually(t, "the round card to show "+want, func() bool {
		ups := fake.Calls("chat.update")
		return len(ups) > 0 && strings.Contains(ups[len(ups)-1].Args.Get("text"), want)
	})
	elapsed := time.Since(burst)
	ups := len(fake.Calls("chat.update"))
	if limit := int(elapsed.Minutes()*50) + 4; ups > limit {
		t.Errorf("%d chat.update calls in %s, want at most %d (Slack allows about 50 a minute)", ups, elapsed.Round(time.Second), limit)
	}
	t.Logf("second burst: %d chat.update calls in %s", ups, elapsed.Round(time.Millisecond))
	resp, err := http.Get(p.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`secbot_quiz_answers_total{outcome="recorded"}`, `secbot_quiz_answers_total{outcome="duplicate"}`} {
		if !strings.Contains(string(metricsText), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	p.kill(syscall.SIGTERM)
}

// eventBody is an Events API app_mention envelope.
func eventBody(id, text string) []byte {
	b, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": id, "team_id": "T1",
		"event": map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> " + text, "ts": "1700000001.000100", "channel": "CASK"}})
	return b
}

// answersTo counts the answers posted to the mention in CASK.
func answersTo(fake *fakeslack.Server) int { return len(fake.Messages("CASK")) }

// TestEventsOnceAcrossRestartsAndReplicas: an event killed 30 ms after its
// 200 is answered after the restart; a retry of an answered event is not
// answered again, whether it reaches the restarted process or another one
// on the same store.
func TestEventsOnceAcrossRestartsAndReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a real process")
	}
	fake := fakeslack.New(t)
	fake.APIDelay = 100 * time.Millisecond // the answer is on its way when the kill comes
	db := filepath.Join(t.TempDir(), "secbot.db")
	env := slackEnv(t, fake, db, writeConfig(t, "admins: []\n"))
	client := &http.Client{Timeout: 10 * time.Second}
	p := startProc(t, env)
	if st, err := p.post(client, "/slack/events", "application/json", eventBody("Ev1", "ゼロトラストって何？"), nil); err != nil || st != 200 {
		t.Fatalf("event = %d, %v", st, err)
	}
	time.Sleep(30 * time.Millisecond)
	p.kill(syscall.SIGKILL)
	if n := answersTo(fake); n != 0 {
		t.Fatalf("answered %d times before the kill; the test needs it in flight", n)
	}
	p = startProc(t, env)
	// The killed process stops beating; its event is taken over.
	deadline := time.Now().Add(40 * time.Second)
	for answersTo(fake) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := answersTo(fake); n != 1 {
		t.Fatalf("the event acknowledged before SIGKILL was answered %d times after the restart, want 1\n%s", n, p.log())
	}
	if text := fake.Messages("CASK")[0]["text"].(string); !strings.Contains(text, "ゼロトラスト") {
		t.Errorf("answer = %q", text)
	}

	// A second replica on the same store; Slack retries Ev1 to each.
	q := startProc(t, env)
	for _, to := range []*proc{p, q} {
		if st, err := to.post(client, "/slack/events", "application/json", eventBody("Ev1", "ゼロトラストって何？"),
			map[string]string{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}); err != nil || st != 200 {
			t.Fatalf("retry = %d, %v", st, err)
		}
	}
	// A new event reaches q and is answered; the retries never are.
	if st, err := q.post(client, "/slack/events", "application/json", eventBody("Ev2", "VPNとは"), nil); err != nil || st != 200 {
		t.Fatalf("event 2 = %d, %v", st, err)
	}
	fakeslack.Eventually(t, "event 2 answered", func() bool { return answersTo(fake) >= 2 })
	p.kill(syscall.SIGTERM)
	p = startProc(t, env) // a graceful restart, then the retry again
	if st, err := p.post(client, "/slack/events", "application/json", eventBody("Ev2", "VPNとは"),
		map[string]string{"X-Slack-Retry-Num": "2"}); err != nil || st != 200 {
		t.Fatalf("retry after restart = %d, %v", st, err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := answersTo(fake); n != 2 {
		t.Errorf("two events, retried across processes and a restart, got %d answers; want 2", n)
	}
	p.kill(syscall.SIGTERM)
	q.kill(syscall.SIGTERM)
}

// TestScheduledPostSurvivesSIGKILLDuringRateLimit: the process posting a
// scheduled tip is killed while it waits out a 429; after the restart the
// slot is posted exactly once (looked for first, in case it went out).
func TestScheduledPostSurvivesSIGKILLDuringRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a real process")
	}
	fake := fakeslack.New(t)
	fake.Fail("chat.postMessage", fakeslack.Failure{Status: 429, RetryAfter: 120})
	db := filepath.Join(t.TempDir(), "secbot.db")
	env := slackEnv(t, fake, db, writeConfig(t, "timezone: Asia/Tokyo\ntips:\n  schedule: \"* * * * *\"\n  channels: [C0TIP0001]\n"))
	p := startProc(t, env)
	fakeslack.Eventually(t, "the first post attempt", func() bool { return len(fake.Calls("chat.postMessage")) > 0 })
	p.kill(syscall.SIGKILL)
	claim := func(m map[string]any) string {
		md, _ := m["metadata"].(map[string]any)
		pl, _ := md["event_payload"].(map[string]any)
		return fmt.Sprint(pl["claim"])
	}
	if n := len(fake.Messages("C0TIP0001")); n != 0 {
		t.Fatalf("posted %d before the kill, want 0 (it was rate limited)", n)
	}
	var md struct {
		EventPayload struct{ Claim string } `json:"event_payload"`
	}
	json.Unmarshal([]byte(fake.Calls("chat.postMessage")[0].Args.Get("metadata")), &md)
	killed := md.EventPayload.Claim
	p = startProc(t, env)
	posted := func() bool {
		return slices.ContainsFunc(fake.Messages("C0TIP0001"), func(m map[string]any) bool { return claim(m) == killed })
	}
	deadline := time.Now().Add(45 * time.Second)
	for !posted() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	msgs := fake.Messages("C0TIP0001")
	if !posted() {
		t.Fatalf("the slot %q was never posted after the restart:\n%s", killed, p.log())
	}
	seen := map[string]int{}
	for _, m := range msgs {
		seen[claim(m)]++
	}
	for id, n := range seen {
		if n != 1 || !strings.HasPrefix(id, "tip/C0TIP0001/") {
			t.Errorf("claim %s posted %d times", id, n)
		}
	}
	if len(fake.Calls("conversations.history")) == 0 {
		t.Error("the post in doubt was not looked for before posting again")
	}
	// Operators see it: the take-over and the posts are counted.
	resp, err := http.Get(p.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`secbot_claims_total{job="tip",result="abandoned"} 1`, `secbot_posts_total{outcome="ok",platform="slack"}`, `secbot_inbox_depth 0`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	p.kill(syscall.SIGTERM)
}

// TestSocketModeClicksSurviveSIGKILL: the same over Socket Mode — click
// envelopes acknowledged before a SIGKILL are all in the export after the
// restart, once each.
func TestSocketModeClicksSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a real process mid-burst")
	}
	fake := fakeslack.New(t)
	fake.ResponseDelay = 250 * time.Millisecond
	db := filepath.Join(t.TempDir(), "secbot.db")
	env := append(cleanEnv(t), "SECBOT_DB="+db, "SECBOT_CONFIG="+writeConfig(t, "admins: [UADMIN]\n"),
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_APP_TOKEN=xapp-test", "SLACK_API_URL="+fake.APIURL())
	p := startProc(t, env)
	fakeslack.Eventually(t, "the socket-mode connection", fake.Connected)
	if _, err := fake.Envelope("slash_commands", map[string]any{"command": "/quiz", "text": "start", "user_id": "UADMIN",
		"channel_id": "CQUIZ", "team_id": "T1", "trigger_id": "trig-start", "response_url": fake.ResponseURL()}); err != nil {
		t.Fatal(err)
	}
	var roundID string
	fakeslack.Eventually(t, "the round posted", func() bool {
		for _, c := range fake.Calls("chat.postMessage") {
			if m := regexp.MustCompile(`"value":"([^"|]+)\|0"`).FindStringSubmatch(c.Args.Get("blocks")); m != nil {
				roundID = m[1]
				return true
			}
		}
		return false
	})
	msgTS := ""
	fakeslack.Eventually(t, "the round's ts", func() bool {
		if msgs := fake.Messages("CQUIZ"); len(msgs) > 0 {
			msgTS = msgs[0]["ts"].(string)
		}
		return msgTS != ""
	})
	envelopeOf := map[string]string{} // envelope id → user
	choiceOf := map[string]string{}   // user → choice
	send := func(from, to int) {
		for i := from; i < to; i++ {
			u := fmt.Sprintf("U%04d", i)
			at := time.Now()
			payload := map[string]any{
				"type": "block_actions", "user": map[string]string{"id": u, "name": strings.ToLower(u)},
				"channel":      map[string]string{"id": "CQUIZ"},
				"container":    map[string]string{"type": "message", "channel_id": "CQUIZ", "message_ts": msgTS},
				"response_url": fake.ResponseURL(), "trigger_id": "trig-" + u,
				"actions": []map[string]string{{"action_id": "quiz.answer", "block_id": "b", "type": "button",
					"value": fmt.Sprintf("%s|%d", roundID, i%4), "action_ts": fmt.Sprintf("%d.%06d", at.Unix(), at.Nanosecond()/1000)}},
			}
			id, err := fake.Envelope("interactive", payload)
			if err != nil {
				return // the connection went with the process
			}
			envelopeOf[id], choiceOf[u] = u, "ABCD"[i%4:i%4+1]
		}
	}
	acked := func() map[string]bool {
		out := map[string]bool{}
		for _, a := range fake.Acks() {
			if u, ok := envelopeOf[a.EnvelopeID]; ok {
				out[u] = true
			}
		}
		return out
	}
	send(0, 600)
	fakeslack.Eventually(t, "200 clicks acknowledged", func() bool { return len(acked()) >= 200 })
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	before := acked()
	t.Logf("%d of %d click envelopes acknowledged before SIGKILL", len(before), len(envelopeOf))

	p = startProc(t, env)
	fakeslack.Eventually(t, "the reconnection", func() bool { return fake.Connections() >= 2 })
	send(600, 800)
	fakeslack.Eventually(t, "the new clicks acknowledged", func() bool { return len(acked()) >= len(before)+200 })
	choice, rows := exportAnswers(t, db)
	for u := range acked() {
		if rows[u] != 1 || choice[u] != choiceOf[u] {
			t.Errorf("%s: %d rows, choice %q; want 1 row with %s", u, rows[u], choice[u], choiceOf[u])
		}
	}
	p.kill(syscall.SIGTERM)
}
