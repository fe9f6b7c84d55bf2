package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"secbot/store"
)

// BenchClaims measures claim throughput with workers goroutines on one
// store: "new" claims a distinct slot each time (every claim wins, an
// insert); "contended" has every worker claim the same slots, as replicas
// firing one schedule do (one of workers wins each slot). It reports
// claims/s (calls) and, for contended, slots/s.
func BenchClaims(b *testing.B, be Backend, workers int) {
	for _, contended := range []bool{false, true} {
		name := "new"
		if contended {
			name = "contended"
		}
		b.Run(fmt.Sprintf("%s/workers=%d", name, workers), func(b *testing.B) {
			ctx := context.Background()
			s, err := be.Open(ctx, be.Fresh(b), time.Now)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var next atomic.Int64
			var wins atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						slot := i
						if contended {
							slot = i / int64(workers)
						}
						c := store.Claim{Job: "tip", Key: "C1", Slot: T0.Add(time.Duration(slot) * time.Minute),
							Status: store.StatusClaimed, Owner: fmt.Sprintf("w%d", w), Attempts: 1}
						ok, err := s.Claim(ctx, c)
						if err != nil {
							b.Error(err)
							return
						}
						if ok {
							wins.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "claims/s")
			if contended {
				b.ReportMetric(float64(wins.Load())/elapsed.Seconds(), "slots/s")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}
