package index

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"secbot/knowledge"
)

// Benchmarks of a company's own glossary at scale (issue 10): the default
// pack copied n times, every term and section renamed per copy.
//
//	go test ./index -run '^$' -bench 'BuildScaled' -benchtime 1x
//	go test ./index -run '^$' -bench 'TermScaled|AskScaled|PassageScaled' -benchtime 2000x
//
// Targets at 100×: build ≤ 3 s, peak ≤ 400 MB, term p99 ≤ 2 ms.

// scaledPack returns the default pack copied n times.
func scaledPack(tb testing.TB, n int) *knowledge.Pack {
	tb.Helper()
	def, err := knowledge.Default()
	if err != nil {
		tb.Fatal(err)
	}
	if n == 1 {
		return def
	}
	out := &knowledge.Pack{}
	for k := 0; k < n; k++ {
		suffix := ""
		if k > 0 {
			suffix = "第" + strconv.Itoa(k) + "版"
		}
		for _, t := range def.Terms {
			t.Name += suffix
			if t.Reading != "" {
				t.Reading += suffix
			}
			as := make([]string, len(t.Aliases))
			for i, a := range t.Aliases {
				as[i] = a + suffix
			}
			t.Aliases = as
			if t.English != "" {
				t.English += suffix
			}
			out.Terms = append(out.Terms, t)
		}
		for _, s := range def.Sections {
			if k > 0 {
				s.ID = s.ID + "." + strconv.Itoa(k)
			}
			out.Sections = append(out.Sections, s)
		}
	}
	return out
}

var scales = []int{1, 10, 100}

// BenchmarkBuildScaled measures Build until full text is ready, and the
// heap in use afterwards (heap-MB).
func BenchmarkBuildScaled(b *testing.B) {
	for _, n := range scales {
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			pack := scaledPack(b, n)
			b.ResetTimer()
			var ix *Index
			var sync time.Duration
			for i := 0; i < b.N; i++ {
				if ix != nil {
					ix.Close()
				}
				var err error
				t0 := time.Now()
				if ix, err = Build(pack); err != nil {
					b.Fatal(err)
				}
				sync += time.Since(t0)
				if err := ix.Ready(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			// Build returning: /term answers from then on; ns/op is until
			// full text (Ask) is ready too.
			b.ReportMetric(float64(sync.Milliseconds())/float64(b.N), "build-ms")
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapInuse)/1e6, "heap-MB")
			ix.Close()
		})
	}
}

// BenchmarkTermScaled and BenchmarkAskScaled measure query latency over
// the query sets at each scale (p50-µs, p99-µs).
func BenchmarkTermScaled(b *testing.B) { benchScaled(b, "term", (*Index).Term) }
func BenchmarkAskScaled(b *testing.B)  { benchScaled(b, "ask", (*Index).Ask) }

func benchScaled(b *testing.B, prefix string, f func(*Index, context.Context, string) (knowledge.Answer, error)) {
	for _, n := range scales {
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			ix := scaledIndex(b, n)
			defer ix.Close()
			qs := benchQueries(b, prefix)
			benchLatency(b, qs, func(ctx context.Context, q string) (knowledge.Answer, error) { return f(ix, ctx, q) })
		})
	}
}

// scaledIndex builds the pack copied n times and waits for its full text.
// The caller closes it: a benchmark's function runs more than once, and
// each run's index (hundreds of MB at 100×) goes before the next.
func scaledIndex(b *testing.B, n int) *Index {
	b.Helper()
	ix, err := Build(scaledPack(b, n))
	if err != nil {
		b.Fatal(err)
	}
	if err := ix.Ready(context.Background()); err != nil {
		ix.Close()
		b.Fatal(err)
	}
	return ix
}

// BenchmarkPassageScaled measures the /term queries that a chapter passage
// answers (p50-µs, p99-µs; queries: how many): those of the own query sets
// (not the blind ones) whose Term answer at 1× is a passage answer. They
// are the /term queries that search the passages in full.
func BenchmarkPassageScaled(b *testing.B) {
	qs := passageTermQueries(b)
	for _, n := range scales {
		b.Run(fmt.Sprintf("%dx", n), func(b *testing.B) {
			ix := scaledIndex(b, n)
			defer ix.Close()
			benchLatency(b, qs, ix.Term)
			b.ReportMetric(float64(len(qs)), "queries")
		})
	}
}

// passageTermQueries returns the queries of the own sets (testdata/*.tsv,
// testdata/people/*.tsv) that Term answers with passages at 1×.
func passageTermQueries(b *testing.B) []string {
	b.Helper()
	ix, err := Build(scaledPack(b, 1))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	files, _ := filepath.Glob("testdata/*.tsv")
	people, _ := filepath.Glob("testdata/people/*.tsv")
	var qs []string
	seen := map[string]bool{}
	for _, f := range append(files, people...) {
		for _, q := range queryColumn(b, f) {
			if seen[q] {
				continue
			}
			seen[q] = true
			a, err := ix.Term(context.Background(), q)
			if err == nil && a.Kind == knowledge.KindPassage {
				qs = append(qs, q)
			}
		}
	}
	if len(qs) == 0 {
		b.Skip("no query answered by passages")
	}
	return qs
}
