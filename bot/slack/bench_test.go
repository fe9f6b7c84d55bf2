package slack

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/index"
	"secbot/internal/fakeslack"
	"secbot/knowledge"
)

// The slash-command benchmark: 400 signed /term requests over loopback
// HTTP, 8 at a time, through signature check, routing and Block Kit
// rendering; the answer comes back inline in the ack. It reports the 50th
// and 99th percentile latency (target: p99 ≤ 50 ms).
//
//	go test ./bot/slack -run '^$' -bench SlashTerm -benchtime 3x
//
// "table" answers from a three-term in-memory table (the adapter's own
// cost); "index" answers with the real search index over the default pack.

const (
	benchRequests    = 400
	benchConcurrency = 8
)

// benchQueries are what people type: names, readings, lower case, typos,
// unknown words.
var benchQueries = []string{
	"ゼロトラスト", "シーサート", "csirt", "VPN", "ぜろとらすと", "ランサムウェア", "EDR", "標的型攻撃",
	"2025年の崖", "サプライチェーン攻撃", "ゼロトラスト とは", "fishing", "BEC", "多要素認証", "DX", "xyzzy",
}

func BenchmarkSlashTerm(b *testing.B) {
	b.Run("table", func(b *testing.B) { benchSlashTerm(b, tableRouter()) })
	b.Run("index", func(b *testing.B) {
		pack, err := knowledge.Default()
		if err != nil {
			b.Skipf("no default pack: %v", err)
		}
		ix, err := index.Build(pack)
		if err != nil {
			b.Skipf("index: %v", err)
		}
		defer ix.Close()
		if err := ix.Ready(context.Background()); err != nil {
			b.Skipf("index: %v", err)
		}
		r := bot.NewRouter()
		r.Log = slog.New(slog.DiscardHandler)
		r.Handle("term", bot.NewTermHandler(ix, pack), bot.TermUsage)
		benchSlashTerm(b, r)
	})
}

func benchSlashTerm(b *testing.B, router Router) {
	fake := fakeslack.New(b)
	a := New(Config{
		BotToken: "xoxb-bench", SigningSecret: testSecret, APIURL: fake.APIURL(), Router: router,
		Log: slog.New(slog.DiscardHandler),
	})
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchConcurrency}}

	bodies := make([][]byte, benchRequests)
	for i := range bodies {
		bodies[i] = []byte(url.Values{
			"command": {"/term"}, "text": {benchQueries[i%len(benchQueries)]}, "user_id": {"U1"}, "user_name": {"taro"},
			"channel_id": {"C1"}, "team_id": {"T1"}, "response_url": {fake.ResponseURL()},
		}.Encode())
	}

	var all []time.Duration
	b.ResetTimer()
	for range b.N {
		lat := make([]time.Duration, benchRequests)
		next := make(chan int)
		var wg sync.WaitGroup
		for range benchConcurrency {
			wg.Go(func() {
				for i := range next {
					start := time.Now()
					req := fakeslack.SignedRequest(srv.URL+"/slack/commands", "application/x-www-form-urlencoded", testSecret, time.Now(), bodies[i])
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
					}
					lat[i] = time.Since(start)
				}
			})
		}
		for i := range benchRequests {
			next <- i
		}
		close(next)
		wg.Wait()
		all = append(all, lat...)
	}
	b.StopTimer()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = a.Close(ctx)
	if n := len(fake.Responses()); n != 0 {
		b.Logf("%d answers went through response_url instead of the ack", n)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}
