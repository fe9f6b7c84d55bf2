package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"secbot/internal/fakeslack"
	"secbot/store/postgres/pgtest"
)

// These tests run the real binary on a real PostgreSQL (SECBOT_TEST_POSTGRES,
// set by .ci/run; without it they are skipped, saying so): several replicas
// on one database, and one replica losing its database. docs/replicas.md
// describes them and has the figures of the benchmark beside them.

// claimOfCall returns the claim id in a chat.postMessage call's metadata.
func claimOfCall(c fakeslack.Call) string {
	var md struct {
		EventPayload struct{ Claim string } `json:"event_payload"`
	}
	_ = json.Unmarshal([]byte(c.Args.Get("metadata")), &md)
	return md.EventPayload.Claim
}

// claimOfMessage returns the claim id in a posted message's metadata.
func claimOfMessage(m map[string]any) string {
	md, _ := m["metadata"].(map[string]any)
	pl, _ := md["event_payload"].(map[string]any)
	s, _ := pl["claim"].(string)
	return s
}

// tipClaim splits "tip/<channel>/<slot>".
func tipClaim(id string) (channel string, slot time.Time, ok bool) {
	rest, ok := strings.CutPrefix(id, "tip/")
	if !ok {
		return "", time.Time{}, false
	}
	channel, at, ok := strings.Cut(rest, "/")
	if !ok {
		return "", time.Time{}, false
	}
	slot, err := time.Parse(time.RFC3339, at)
	return channel, slot, err == nil
}

func tipID(channel string, slot time.Time) string {
	return "tip/" + channel + "/" + slot.UTC().Format(time.RFC3339)
}

// startRound has UADMIN open a quiz round in channel through p and returns
// the round's id and the ts of its message.
func startRound(t *testing.T, fake *fakeslack.Server, p *proc, client *http.Client, channel string) (roundID, msgTS string) {
	t.Helper()
	form := url.Values{"command": {"/quiz"}, "text": {"start"}, "user_id": {"UADMIN"}, "channel_id": {channel},
		"team_id": {"T1"}, "trigger_id": {"trig-start-" + channel}, "response_url": {fake.ResponseURL()}}.Encode()
	if st, err := p.post(client, "/slack/commands", "application/x-www-form-urlencoded", []byte(form), nil); err != nil || st != 200 {
		t.Fatalf("/quiz start = %d, %v\n%s", st, err, p.log())
	}
	re := regexp.MustCompile(`"value":"([^"|]+)\|0"`)
	fakeslack.Eventually(t, "the round posted", func() bool {
		for _, c := range fake.Calls("chat.postMessage") {
			if m := re.FindStringSubmatch(c.Args.Get("blocks")); m != nil && c.Args.Get("channel") == channel {
				roundID = m[1]
				return true
			}
		}
		return false
	})
	fakeslack.Eventually(t, "the round's ts", func() bool {
		if msgs := fake.Messages(channel); len(msgs) > 0 {
			msgTS, _ = msgs[0]["ts"].(string)
		}
		return msgTS != ""
	})
	return roundID, msgTS
}

// quizClick is one click on a round's button, and what became of it.
type quizClick struct {
	user   string
	choice int // 0..3: A..D
	at     time.Time
	first  bool // the person's first click (people who click twice)

	to         int // the replica it went to
	start, end time.Time
	status     int // 0: no answer (connection refused, reset…)
}

// checkExport checks HR's export against the acknowledged clicks, as
// TestClicksSurviveSIGKILL does: each person with an acknowledged click is
// there exactly once, with their first choice (a second click counts only
// when the first one was never acknowledged).
func checkExport(t *testing.T, db string, clicks []quizClick) (people int) {
	t.Helper()
	acked := map[string][]quizClick{}
	for _, c := range clicks {
		if c.status == 200 {
			acked[c.user] = append(acked[c.user], c)
		}
	}
	choice, rows := exportAnswers(t, db)
	letter := []string{"A", "B", "C", "D"}
	for user, cs := range acked {
		if rows[user] != 1 {
			t.Errorf("%s: %d rows in the export, want 1 (acknowledged %d clicks)", user, rows[user], len(cs))
			continue
		}
		want := map[string]bool{}
		firstAcked := slices.ContainsFunc(cs, func(c quizClick) bool { return c.first })
		for _, c := range cs {
			if c.first || !firstAcked {
				want[letter[c.choice]] = true
			}
		}
		if !want[choice[user]] {
			t.Errorf("%s: exported choice %s, want %v", user, choice[user], want)
		}
	}
	for user := range rows {
		if _, ok := acked[user]; !ok && !strings.HasPrefix(user, "UADMIN") {
			// Kept though not acknowledged (the answer was lost on its way
			// back): harmless, and counted once all the same.
			if rows[user] != 1 {
				t.Errorf("%s: %d rows in the export (never acknowledged), want at most 1", user, rows[user])
			}
		}
	}
	return len(acked)
}

// TestThreeReplicasOnPostgreSQL: three `secbot run` processes share one
// PostgreSQL database, behind a "load balancer" that sends Slack's requests
// round-robin. A tip goes to six channels every minute; Slack answers the
// first try of a third of those posts with a 429 (Retry-After 1–2 s). When
// the first post of the second slot is rate limited, the replica making it
// is killed with SIGKILL 300 ms later, in the middle of waiting out the 429
// (and, usually, of waiting for the answer to a post that went out: the
// second slot's posts are stored at once but answered after 2 s); the other
// two carry on to the third slot. Then:
//   - every (channel, slot) from the first start to the end is posted, and
//     exactly once (grouped by the claim id in the message's metadata), the
//     dead replica's claims taken over by the others after looking for
//     their post first (and finding the ones it had made);
//   - an event that Slack sends to each replica (the second and third time
//     as retries) is answered once;
//   - a burst of 600 quiz clicks spread round-robin over the three (a fifth
//     of the people clicking twice, the second click through another
//     replica) is in HR's export exactly once per acknowledged person,
//     with their first choice.
func TestThreeReplicasOnPostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three real processes across two minute slots")
	}
	db := pgtest.Fresh(t)
	channels := []string{"C0REP0001", "C0REP0002", "C0REP0003", "C0REP0004", "C0REP0005", "C0REP0006"}

	fake := fakeslack.New(t)
	var armed atomic.Bool
	var heldSlot atomic.Int64 // the second slot, once armed
	rateLimited := make(chan fakeslack.Call, 1)
	tries := map[string]int{} // claim → tries; only FailWhen touches it, under the fake's lock
	fake.FailWhen = func(c fakeslack.Call, _ int) (fakeslack.Failure, bool) {
		id := claimOfCall(c)
		ch, slot, ok := tipClaim(id)
		if c.Method != "chat.postMessage" || !ok {
			return fakeslack.Failure{}, false
		}
		tries[id]++
		i := slices.Index(channels, ch)
		if tries[id] > 1 || (i+slot.Minute())%3 != 0 {
			return fakeslack.Failure{}, false
		}
		if armed.Load() && slot.Unix() == heldSlot.Load() {
			select {
			case rateLimited <- c:
			default:
			}
		}
		return fakeslack.Failure{Status: 429, RetryAfter: 1 + i%2}, true
	}
	// The tip posts of the slot with the kill are stored at once but
	// answered only 2 s later: a replica killed meanwhile has posted
	// without knowing it.
	const hold = 2 * time.Second
	fake.Hold = func(c fakeslack.Call) time.Duration {
		if _, slot, ok := tipClaim(claimOfCall(c)); ok && slot.Unix() == heldSlot.Load() {
			return hold
		}
		return 0
	}
	fake.Calls("") // the fake's lock publishes FailWhen and Hold to its handlers (-race)

	config := writeConfig(t, "timezone: Asia/Tokyo\nadmins: [UADMIN]\ntips:\n  schedule: \"* * * * *\"\n  channels: ["+strings.Join(channels, ", ")+"]\n")
	secbotBinary(t) // built before the clock starts
	started := time.Now()
	procs := make([]*proc, 3)
	for i := range procs {
		// Each replica has a token of its own: the fake's calls say who made them.
		procs[i] = startProc(t, append(slackEnv(t, fake, db, config), fmt.Sprintf("SLACK_BOT_TOKEN=xoxb-replica%d", i)))
	}
	ready := time.Now()
	// Every replica posts the latest slot when it starts (catch-up) and each
	// slot after it: from the slot of `ready` on, none may be missing.
	first := ready.Truncate(time.Minute)
	second, third := first.Add(time.Minute), first.Add(2*time.Minute)
	t.Logf("three replicas listening %s after the start; slots %s (catch-up), %s (a replica killed), %s",
		ready.Sub(started).Round(time.Millisecond), first.Format("15:04"), second.Format("15:04"), third.Format("15:04"))

	// The killer: the first rate-limited post of the second slot names the
	// replica to kill, while it waits out the 429.
	var dead atomic.Int32
	dead.Store(-1)
	type kill struct {
		replica int
		call    fakeslack.Call
		at      time.Time
	}
	killed := make(chan kill, 1)
	go func() {
		select {
		case <-time.After(time.Until(second.Add(-2 * time.Second))):
			heldSlot.Store(second.Unix())
			armed.Store(true)
		case <-t.Context().Done():
			return
		}
		select {
		case c := <-rateLimited:
			// Its other posts of the slot have gone out, unanswered.
			time.Sleep(300 * time.Millisecond)
			var i int
			fmt.Sscanf(c.Token, "xoxb-replica%d", &i)
			dead.Store(int32(i))
			procs[i].cmd.Process.Signal(syscall.SIGKILL)
			killed <- kill{i, c, time.Now()}
		case <-t.Context().Done():
		}
	}()

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()

	// Slack sends an event to one replica and, not hearing back in time,
	// retries it to the two others, all at once.
	var wg sync.WaitGroup
	for i, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h map[string]string
			if i > 0 {
				h = map[string]string{"X-Slack-Retry-Num": fmt.Sprint(i), "X-Slack-Retry-Reason": "http_timeout"}
			}
			if st, err := p.post(client, "/slack/events", "application/json", eventBody("EvReplicas", "ゼロトラストって何？"), h); (err != nil || st != 200) && int(dead.Load()) != i {
				t.Errorf("event (try %d) to replica %d = %d, %v", i+1, i, st, err)
			}
		}()
	}
	wg.Wait()

	// The quiz burst: 500 people, every fifth clicking twice (B, then C
	// two seconds later); click k goes to replica k mod 3.
	roundID, msgTS := startRound(t, fake, procs[0], client, "CQUIZ")
	var clicks []quizClick
	base := time.Now()
	for i := range 500 {
		u := fmt.Sprintf("UREP%04d", i)
		at := base.Add(time.Duration(i) * time.Millisecond)
		if i%5 == 0 {
			clicks = append(clicks, quizClick{user: u, choice: 1, at: at, first: true}, quizClick{user: u, choice: 2, at: at.Add(2 * time.Second)})
		} else {
			clicks = append(clicks, quizClick{user: u, choice: i % 4, at: at, first: true})
		}
	}
	for k := range clicks {
		clicks[k].to = k % 3
	}
	send := func(c *quizClick) {
		c.start = time.Now()
		body := clickBody(fake, "CQUIZ", msgTS, c.user, fmt.Sprintf("%s|%d", roundID, c.choice), c.at)
		c.status, _ = procs[c.to].post(client, "/slack/interactivity", "application/x-www-form-urlencoded", body, nil)
		c.end = time.Now()
	}
	jobs := make(chan []int)
	var resent atomic.Int32
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for person := range jobs {
				// One person's clicks in order, each through its replica.
				for _, k := range person {
					send(&clicks[k])
					if d := int(dead.Load()); clicks[k].status != 200 && d == clicks[k].to {
						// The replica died under the click: the person
						// clicks again, and the balancer sends it to a
						// live one.
						retry := clicks[k]
						retry.to = (d + 1) % 3
						send(&retry)
						clicks[k] = retry
						resent.Add(1)
					}
				}
			}
		}()
	}
	burst := time.Now()
	for k := 0; k < len(clicks); {
		j := k + 1
		for j < len(clicks) && clicks[j].user == clicks[k].user {
			j++
		}
		person := make([]int, 0, 2)
		for i := k; i < j; i++ {
			person = append(person, i)
		}
		jobs <- person
		k = j
	}
	close(jobs)
	wg.Wait()
	var failed int
	var lat []time.Duration
	for _, c := range clicks {
		if c.status == 200 {
			lat = append(lat, c.end.Sub(c.start))
		} else {
			failed++
			if failed <= 3 {
				t.Errorf("click of %s to replica %d = %d", c.user, c.to, c.status)
			}
		}
	}
	slices.Sort(lat)
	t.Logf("%d clicks in %s over three replicas (%d sent again after the kill); ack p50 %s, p99 %s",
		len(clicks), time.Since(burst).Round(time.Millisecond), resent.Load(), lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond))

	// The kill.
	var k kill
	select {
	case k = <-killed:
	case <-time.After(time.Until(second.Add(30 * time.Second))):
		t.Fatalf("no post of the slot %s was rate limited: nobody was killed", second.Format("15:04"))
	}
	<-procs[k.replica].done
	limitedID := claimOfCall(k.call)
	t.Logf("replica %d killed with SIGKILL at %s while its post %s waited out a 429", k.replica, k.at.Format("15:04:05.000"), limitedID)
	live := slices.DeleteFunc([]*proc{procs[0], procs[1], procs[2]}, func(p *proc) bool { return p == procs[k.replica] })

	// Every slot up to the third, on every channel.
	allPosted := func() bool {
		for _, ch := range channels {
			msgs := fake.Messages(ch)
			for s := first; !s.After(third); s = s.Add(time.Minute) {
				if !slices.ContainsFunc(msgs, func(m map[string]any) bool { return claimOfMessage(m) == tipID(ch, s) }) {
					return false
				}
			}
		}
		return true
	}
	deadline := third.Add(45 * time.Second)
	for !allPosted() && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	// A moment for a duplicate to show, then the two stop gracefully: after
	// that nothing more can be posted.
	time.Sleep(2 * time.Second)
	for _, p := range live {
		p.kill(syscall.SIGTERM)
	}
	end := time.Now()

	posts := 0
	for _, ch := range channels {
		count := map[string]int{}
		for _, m := range fake.Messages(ch) {
			count[claimOfMessage(m)]++
		}
		for id, n := range count {
			posts += n
			c, slot, ok := tipClaim(id)
			switch {
			case !ok || c != ch:
				t.Errorf("%s: a post with claim %q", ch, id)
			case n != 1:
				t.Errorf("%s posted %d times, want once", id, n)
			case slot.Before(started.Truncate(time.Minute)) || slot.After(end):
				t.Errorf("%s: a slot outside the run (%s to %s)", id, started.Format(time.TimeOnly), end.Format(time.TimeOnly))
			}
		}
		for s := first; !s.After(third); s = s.Add(time.Minute) {
			if count[tipID(ch, s)] == 0 {
				t.Errorf("%s was never posted (lost)", tipID(ch, s))
			}
		}
	}
	// The dead replica's posts that another replica finished: its last call
	// of a claim came from elsewhere, after the kill.
	last := map[string]fakeslack.Call{}
	var deadClaims []string
	for _, c := range fake.Calls("chat.postMessage") {
		id := claimOfCall(c)
		if _, _, ok := tipClaim(id); ok && c.Token == k.call.Token && !slices.Contains(deadClaims, id) {
			deadClaims = append(deadClaims, id)
		}
		last[id] = c
	}
	var takenOver, inDoubt []string
	for _, id := range deadClaims {
		if c := last[id]; c.Token != k.call.Token {
			takenOver = append(takenOver, fmt.Sprintf("%s by %s %s after the kill", id, strings.TrimPrefix(c.Token, "xoxb-"), c.At.Sub(k.at).Round(100*time.Millisecond)))
		} else if c.At.After(k.at.Add(-hold)) {
			inDoubt = append(inDoubt, id) // posted, unanswered when it died; never posted again (counted above)
		}
	}
	t.Logf("posted by the dead replica while it was being killed, found by the others and not posted again: %v", inDoubt)
	var looks []string
	for _, c := range fake.Calls("conversations.history") {
		looks = append(looks, fmt.Sprintf("%s by %s %s after the kill", c.Args.Get("channel"), strings.TrimPrefix(c.Token, "xoxb-"), c.At.Sub(k.at).Round(100*time.Millisecond)))
	}
	histories := len(looks)
	t.Logf("conversations.history look-ups: %v", looks)
	t.Logf("%d tip posts to %d channels, each (channel, slot) once; the dead replica's posts finished by the others: %v; %d conversations.history look-ups for posts in doubt",
		posts, len(channels), takenOver, histories)
	if !slices.ContainsFunc(takenOver, func(s string) bool { return strings.HasPrefix(s, limitedID+" ") }) {
		t.Errorf("%s, rate limited when its replica was killed, was not posted by another replica", limitedID)
	}
	if histories == 0 {
		t.Error("the dead replica's claims were taken over without looking for their posts first")
	}

	// The event, sent three times to three replicas, answered once.
	if n := answersTo(fake); n != 1 {
		t.Errorf("the event sent to each of the three replicas was answered %d times, want 1", n)
	}
	people := checkExport(t, db, clicks)
	t.Logf("export: %d acknowledged people, each once with their first choice", people)
	if people != 500 {
		t.Errorf("%d people acknowledged, want all 500", people)
	}
	if t.Failed() {
		for i, p := range procs {
			t.Logf("replica %d log:\n%s", i, p.log())
		}
	}
}

// tcpProxy stands between secbot and PostgreSQL so that a test can cut the
// connection without stopping a server that other processes use.
type tcpProxy struct {
	addr, target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{addr: ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			if p.ln != ln { // cut meanwhile
				p.mu.Unlock()
				c.Close()
				s.Close()
				return
			}
			p.conns[c], p.conns[s] = true, true
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				io.Copy(dst, src)
				dst.Close()
				src.Close()
			}
			go pipe(s, c)
			go pipe(c, s)
		}
	}()
}

// cut closes the listener and every connection: the server is gone.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// restore listens again on the same port.
func (p *tcpProxy) restore(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.serve(ln)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("listen on %s again: %v", p.addr, err)
}

// TestPostgreSQLConnectionLoss: secbot reaches PostgreSQL through a proxy,
// under a steady stream of quiz clicks; the proxy is cut (listener and
// every connection closed), then restored on the same port. While it is
// down /healthz answers 503 within seconds and no click gets a 200; once
// it is back /healthz is 200 again and clicks are kept; every click that
// got a 200, before, during or after, is in HR's export once.
func TestPostgreSQLConnectionLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real process")
	}
	direct := pgtest.Fresh(t)
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	viaProxy := u.String()

	fake := fakeslack.New(t)
	p := startProc(t, slackEnv(t, fake, viaProxy, writeConfig(t, "admins: [UADMIN]\n")))
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer client.CloseIdleConnections()
	health := func() int {
		resp, err := client.Get(p.base + "/healthz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := health(); st != 200 {
		t.Fatalf("/healthz = %d before the cut", st)
	}
	roundID, msgTS := startRound(t, fake, p, client, "CQUIZ")

	// A steady stream: 4 people at a time, each clicking once.
	var (
		mu     sync.Mutex
		clicks []quizClick
		n      atomic.Int64
		stop   = make(chan struct{})
		wg     sync.WaitGroup
	)
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
				i := n.Add(1)
				c := quizClick{user: fmt.Sprintf("ULOSS%05d", i), choice: int(i % 4), at: time.Now(), first: true}
				c.start = time.Now()
				c.status, _ = p.post(client, "/slack/interactivity", "application/x-www-form-urlencoded",
					clickBody(fake, "CQUIZ", msgTS, c.user, fmt.Sprintf("%s|%d", roundID, c.choice), c.at), nil)
				c.end = time.Now()
				mu.Lock()
				clicks = append(clicks, c)
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)

	// The phase boundaries are taken before the cut and before the
	// restore: a click that ends between the boundary and the actual cut
	// (or restore) is then "across", where either answer is right.
	cutAt := time.Now()
	proxy.cut()
	var downAfter time.Duration
	for time.Since(cutAt) < 10*time.Second {
		if health() == http.StatusServiceUnavailable {
			downAfter = time.Since(cutAt)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if downAfter == 0 {
		t.Errorf("/healthz did not answer 503 within 10 s of the cut")
	}
	time.Sleep(3 * time.Second) // clicks during the outage

	restoredAt := time.Now()
	proxy.restore(t)
	var upAfter time.Duration
	for time.Since(restoredAt) < 30*time.Second {
		if health() == 200 {
			upAfter = time.Since(restoredAt)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if upAfter == 0 {
		close(stop)
		wg.Wait()
		t.Fatalf("/healthz did not answer 200 within 30 s of the restore:\n%s", p.log())
	}
	healthyAt := time.Now()
	time.Sleep(2 * time.Second) // clicks after
	close(stop)
	wg.Wait()

	var before, during, after, afterFailed, duringOK, inFlight int
	var failLat []time.Duration
	mu.Lock()
	for _, c := range clicks {
		switch {
		case c.end.Before(cutAt):
			before++
			if c.status != 200 {
				t.Errorf("click of %s before the cut = %d", c.user, c.status)
			}
		case c.start.After(cutAt) && c.end.Before(restoredAt):
			during++
			failLat = append(failLat, c.end.Sub(c.start))
			if c.status == 200 {
				duringOK++
				t.Errorf("click of %s during the outage got a 200: secbot could not have kept it", c.user)
			}
		case c.start.After(healthyAt):
			after++
			if c.status != 200 {
				afterFailed++
				t.Errorf("click of %s after /healthz was 200 again = %d", c.user, c.status)
			}
		default:
			inFlight++ // across the cut or the restore: either answer is right, if true
		}
	}
	mu.Unlock()
	slices.Sort(failLat)
	t.Logf("/healthz 503 %s after the cut, 200 %s after the restore", downAfter.Round(time.Millisecond), upAfter.Round(time.Millisecond))
	t.Logf("clicks: %d before the cut (all 200), %d during the outage (none 200; answered in p50 %s, max %s), %d after (all 200), %d across a cut or restore",
		before, during, failLat[len(failLat)/2].Round(time.Millisecond), failLat[len(failLat)-1].Round(time.Millisecond), after, inFlight)
	if during == 0 || after == 0 || before == 0 {
		t.Errorf("want clicks in every phase: %d before, %d during, %d after", before, during, after)
	}

	// What was kept: every 200, once. The inbox may still be finishing
	// the clicks acknowledged just before the cut.
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, rows := exportAnswers(t, direct)
		missing := 0
		for _, c := range clicks {
			if c.status == 200 && rows[c.user] == 0 {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	people := checkExport(t, direct, clicks)
	t.Logf("export: %d acknowledged people, each once (%s after the last click)", people, time.Since(healthyAt.Add(2*time.Second)).Round(time.Millisecond))
	p.kill(syscall.SIGTERM)
	if t.Failed() {
		t.Logf("secbot log:\n%s", p.log())
	}
}
