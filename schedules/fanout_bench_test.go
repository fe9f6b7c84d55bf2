package schedules_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"secbot/bot"
	"secbot/bot/slack"
	"secbot/internal/fakeslack"
	"secbot/schedules"
	"secbot/store/sqlite"
)

// The fan-out benchmark: one tip slot to 1,000 Slack channels through the
// real scheduler, the real Slack adapter and a SQLite store, against a
// loopback Slack that answers each call in 100 ms and refuses the first try
// of every fifth channel with 429 Retry-After: 1. It reports RunDue's wall
// time, the minimum the limits allow and their ratio (target ≤ 1.5), and
// checks that every channel got exactly one post.
//
//	go test ./schedules -run '^$' -bench FanOut -benchtime 1x
//
// "slack" is that case at the default workspace budget (20 posts a second,
// bursts of 20); "budget=100" the same with a budget of 100 a second, to
// see what the scheduler's fan-out allows; "instant" a Slack with no
// latency, no 429s and no budget; "store" no Slack at all (a poster that
// returns at once): what the claims' SQLite reads and writes cost alone.

const (
	fanOutChannels = 1000
	fanOutLatency  = 100 * time.Millisecond
)

func BenchmarkFanOut(b *testing.B) {
	b.Run("slack", func(b *testing.B) { benchFanOut(b, fanOutLatency, true, slack.Budget{}) })
	b.Run("budget=100", func(b *testing.B) {
		benchFanOut(b, fanOutLatency, true, slack.Budget{PerSecond: 100, Burst: 100})
	})
	b.Run("instant", func(b *testing.B) { benchFanOut(b, 0, false, slack.Budget{PerSecond: -1}) })
	b.Run("store", func(b *testing.B) { benchFanOut(b, -1, false, slack.Budget{}) })
}

// nopPoster posts nothing, at once.
type nopPoster struct{}

var _ bot.Poster = nopPoster{}

func (nopPoster) Post(context.Context, string, bot.Reply) (string, error) { return "1.0", nil }
func (nopPoster) Update(context.Context, string, string, bot.Reply) error { return nil }

// benchFanOut runs the benchmark against a fake Slack answering in latency,
// or against nopPoster when latency < 0.
func benchFanOut(b *testing.B, latency time.Duration, limited bool, budget slack.Budget) {
	channels := make([]string, fanOutChannels)
	for i := range channels {
		channels[i] = fmt.Sprintf("C%04d", i)
	}
	slot := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var wall time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		fake := fakeslack.New(b)
		fake.APIDelay = latency
		if limited {
			// The first try of every fifth channel: 20% of the channels
			// and 1 in 6 of the calls.
			fake.FailWhen = func(c fakeslack.Call, n int) (fakeslack.Failure, bool) {
				i, _ := strconv.Atoi(c.Args.Get("channel")[1:])
				return fakeslack.Failure{Status: 429, RetryAfter: 1}, c.Method == "chat.postMessage" && n == 0 && i%5 == 0
			}
		}
		adapter, err := slack.New(slack.Config{BotToken: "xoxb-bench", APIURL: fake.APIURL(), Router: bot.NewRouter(),
			Log: slog.New(slog.DiscardHandler), PostBudget: budget})
		if err != nil {
			b.Fatal(err)
		}
		var poster bot.Poster = adapter
		if latency < 0 {
			poster = nopPoster{}
		}
		db, err := sqlite.Open(filepath.Join(b.TempDir(), "secbot.db"))
		if err != nil {
			b.Fatal(err)
		}
		s, err := schedules.New(schedules.Config{
			TipSpec: "0 9 * * *", TipChannels: channels, Pack: testPack(), Store: db,
			Posters: func(string) (bot.Poster, error) { return poster, nil },
			Now:     func() time.Time { return slot }, Log: slog.New(slog.DiscardHandler),
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := s.RunDue(context.Background(), slot.Add(time.Second)); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		b.StopTimer()

		for _, ch := range channels {
			if n := len(fake.Messages(ch)); n != 1 && latency >= 0 {
				b.Fatalf("%s got %d posts, want 1", ch, n)
			}
		}
		claims, err := db.Claims(context.Background(), schedules.JobTip)
		if err != nil {
			b.Fatal(err)
		}
		posted := 0
		for _, c := range claims {
			if c.Status == schedules.StatusPosted {
				posted++
			}
		}
		if len(claims) != fanOutChannels || posted != fanOutChannels {
			b.Fatalf("%d claims, %d posted; want %d of each", len(claims), posted, fanOutChannels)
		}
		db.Close()
		b.StartTimer()
	}
	b.StopTimer()
	avg := wall.Seconds() / float64(b.N)
	b.ReportMetric(avg, "wall-s")
	if limited {
		floor := minimumFanOut(fanOutChannels, fanOutChannels/5, latency, budget)
		b.ReportMetric(floor.Seconds(), "min-s")
		b.ReportMetric(avg/floor.Seconds(), "ratio")
	}
	b.ReportMetric(0, "ns/op")
}

// minimumFanOut is the least time the limits allow for posting to n
// channels of which retried get a 429 first: every call, refused or not,
// spends a turn of the workspace budget, the first Burst at once and the
// rest one every 1/PerSecond; the last call then takes latency. A refused
// channel needs at least latency + its 1 s Retry-After + latency.
func minimumFanOut(n, retried int, latency time.Duration, budget slack.Budget) time.Duration {
	if budget == (slack.Budget{}) {
		budget = slack.DefaultBudget
	}
	calls := n + retried
	spread := time.Duration(float64(calls-budget.Burst) / budget.PerSecond * float64(time.Second))
	return max(spread+latency, latency+time.Second+latency)
}
