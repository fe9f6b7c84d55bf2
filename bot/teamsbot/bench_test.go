package teamsbot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkActivityToReply measures one message activity from the POST to
// /api/messages (token verified, kept in the Inbox, routed) until its reply
// reaches the fake connector, with 8 activities in flight at once. It
// reports the 50th and 99th percentile latencies.
//
//	go test -run '^$' -bench ActivityToReply -benchtime 2000x ./bot/teamsbot/
func BenchmarkActivityToReply(b *testing.B) {
	h := newHarness(b, nil)
	h.bf.calls = nil
	auth := "Bearer " + h.bf.token(b, h.bf.k1, "k1", nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	send := func(id string) (time.Duration, error) {
		act := h.channelMessage(id, "ゼロトラストとは")
		body, _ := json.Marshal(act)
		done := make(chan struct{})
		h.bf.waiters.Store(id, done)
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+Path, strings.NewReader(string(body)))
		req.Header.Set("Authorization", auth)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d", resp.StatusCode)
		}
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			return 0, fmt.Errorf("no reply to %s", id)
		}
		return time.Since(start), nil
	}
	if _, err := send("warm-up"); err != nil { // fetch keys and the app token
		b.Fatal(err)
	}
	const workers = 8
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				d, err := send(fmt.Sprintf("bench-%d", i))
				if err != nil {
					failed.Store(err)
					return
				}
				lat[i] = d
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
