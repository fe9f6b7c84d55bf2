package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"secbot/bot"
	"secbot/internal/fakeslack"
	"secbot/knowledge"
	"secbot/quiz/rounds"
	"secbot/store/sqlite"
)

// BenchmarkClickAck measures how long a quiz click waits for its 200 when
// 200 people click a second for 10 seconds (open loop: clicks go out on
// time whether or not earlier ones were answered) and Slack's
// response_url takes 250 ms. Each click is stored (SQLite, one insert)
// before its 200; the receipt and the round card follow. Target: p99 ≤
// 100 ms.
//
//	go test ./bot/slack -run '^$' -bench ClickAck -benchtime 1x
func BenchmarkClickAck(b *testing.B) {
	const rate, seconds = 200, 10
	pack, err := knowledge.Default()
	if err != nil {
		b.Fatal(err)
	}
	fake := fakeslack.New(b)
	fake.ResponseDelay = 250 * time.Millisecond
	db, err := sqlite.Open(filepath.Join(b.TempDir(), "secbot.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	quiet := slog.New(slog.DiscardHandler)
	var a *Adapter
	rs, err := rounds.New(rounds.Config{Pack: pack, Store: db, Log: quiet,
		Posters: func(string) (bot.Poster, error) { return a, nil }})
	if err != nil {
		b.Fatal(err)
	}
	router := bot.NewRouter()
	router.Log = quiet
	router.Handle("quiz", rs.Handler(), rounds.Usage...)
	a = New(Config{BotToken: "xoxb-bench", SigningSecret: testSecret, APIURL: fake.APIURL(), Router: router, Log: quiet})
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

	var all []time.Duration
	for n := range b.N {
		channel := fmt.Sprintf("CBENCH%d", n)
		r, err := rs.Start(context.Background(), channel)
		if err != nil {
			b.Fatal(err)
		}
		bodies := make([][]byte, rate*seconds)
		for i := range bodies {
			payload, _ := json.Marshal(map[string]any{
				"type": "block_actions", "user": map[string]string{"id": fmt.Sprintf("U%05d", i)},
				"channel":      map[string]string{"id": channel},
				"container":    map[string]string{"channel_id": channel, "message_ts": r.MessageID},
				"response_url": fake.ResponseURL(),
				"actions":      []map[string]string{{"action_id": "quiz.answer", "block_id": "b", "type": "button", "value": bot.EncodeAnswer(r.ID, i%4)}},
			})
			bodies[i] = []byte(url.Values{"payload": {string(payload)}}.Encode())
		}
		lat := make([]time.Duration, len(bodies))
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / rate)
		b.StartTimer()
		for i := range bodies {
			<-tick.C
			wg.Go(func() {
				start := time.Now()
				req := fakeslack.SignedRequest(srv.URL+"/slack/interactivity", "application/x-www-form-urlencoded", testSecret, time.Now(), bodies[i])
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
				}
				lat[i] = time.Since(start)
			})
		}
		wg.Wait()
		b.StopTimer()
		tick.Stop()
		all = append(all, lat...)
		if t, _ := db.Tally(context.Background(), r.ID); t.Answered != len(bodies) {
			b.Errorf("%d answers stored, want %d", t.Answered, len(bodies))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = a.Close(ctx)
	_ = rs.Close(ctx)
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.ReportMetric(0, "ns/op")
}
