package main

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"secbot/internal/fakeslack"
	"secbot/store/postgres/pgtest"
)

// BenchmarkTermOverHTTP: signed `/term` slash commands over HTTP, as Slack
// sends them, against 1 replica on SQLite, 1 on PostgreSQL and 3 on one
// PostgreSQL database (requests round-robin over the three), 8 and 64 at a
// time. Each request is kept in the inbox before its answer (one store
// write, one more when it is done), then answered in the HTTP response. It reports
// the latency's p50 and p99 and the requests a second; ns/op is wall time
// divided by requests. Figures and the command: docs/replicas.md.
//
//	SECBOT_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//	  go test ./cmd/secbot -run '^$' -bench TermOverHTTP -benchtime 3000x
func BenchmarkTermOverHTTP(b *testing.B) {
	setups := []struct {
		name     string
		replicas int
		db       func(b *testing.B) string
	}{
		{"sqlite-1", 1, func(b *testing.B) string { return filepath.Join(b.TempDir(), "secbot.db") }},
		{"postgres-1", 1, func(b *testing.B) string { return pgtest.Fresh(b) }},
		{"postgres-3", 3, func(b *testing.B) string { return pgtest.Fresh(b) }},
	}
	for _, s := range setups {
		b.Run(s.name, func(b *testing.B) {
			fake := fakeslack.New(b)
			env := slackEnv(b, fake, s.db(b), writeConfig(b, "admins: []\n"))
			procs := make([]*proc, s.replicas)
			for i := range procs {
				procs[i] = startProc(b, env)
			}
			for _, conc := range []int{8, 64} {
				b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) { benchTerm(b, fake, procs, conc) })
			}
		})
	}
}

var benchTerms = []string{"ゼロトラスト", "VPN", "フィッシング", "多要素認証", "ランサムウェア", "パスワード"}

var benchSeq atomic.Int64 // trigger ids: every request is a new command

func benchTerm(b *testing.B, fake *fakeslack.Server, procs []*proc, conc int) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	defer client.CloseIdleConnections()
	respURL := fake.ResponseURL()
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				form := url.Values{"command": {"/term"}, "text": {benchTerms[i%len(benchTerms)]}, "user_id": {fmt.Sprintf("UB%04d", i%1000)},
					"channel_id": {"CBENCH"}, "team_id": {"T1"}, "trigger_id": {fmt.Sprintf("bench-%d", benchSeq.Add(1))},
					"response_url": {respURL}}.Encode()
				t0 := time.Now()
				st, err := procs[i%len(procs)].post(client, "/slack/commands", "application/x-www-form-urlencoded", []byte(form), nil)
				lat[i] = time.Since(t0)
				if err != nil || st != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Errorf("%d of %d requests failed", n, b.N)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
}
