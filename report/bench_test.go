package report_test

import (
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"secbot/report"
)

// BenchmarkReport makes the whole report — figures and workbook — over a
// year of weekly rounds in 20 channels of 100 people each (2,000 people),
// everyone answering every round: 1,040 rounds and 104,000 answers.
//
//	go test ./report/ -run '^$' -bench Report -benchtime 3x
//
// peak-MB is the largest heap in use seen while it runs (sampled every
// 5 ms), sys-MB what the Go runtime took from the OS by the end.
func BenchmarkReport(b *testing.B) {
	d := generate(b, 52, 20, 2000, 1)
	if len(d.Answers) != 52*2000 || len(d.Rounds) != 52*20 {
		b.Fatalf("%d answers, %d rounds", len(d.Answers), len(d.Rounds))
	}
	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := report.Compute(d)
		if err := r.WriteXLSX(io.Discard); err != nil {
			b.Fatal(err)
		}
		_ = r.Summary()
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(m.Sys)/(1<<20), "sys-MB")
	b.ReportMetric(float64(len(d.Answers)), "answers")
}
