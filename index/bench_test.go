package index

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/upsidedown"

	"secbot/knowledge"
)

// Benchmarks (README, "Search and answers", has the figures):
//
//	go test ./index -run '^$' -bench 'Term|Ask' -benchtime 5000x
//	go test ./index -run '^$' -bench Build -benchtime 10x
//
// BenchmarkTerm and BenchmarkAsk report the 99th percentile of one query's
// latency (p99-µs) over every query of the query sets, in turn.

// benchQueries returns the first column of the query files whose base
// names start with prefix (term or ask): ours and the shared ones.
func benchQueries(b *testing.B, prefix string) []string {
	b.Helper()
	files, _ := filepath.Glob("testdata/" + prefix + "*.tsv")
	shared, _ := filepath.Glob("../../shared/eval/" + prefix + "*.tsv")
	var qs []string
	for _, f := range append(files, shared...) {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
				qs = append(qs, strings.Split(l, "\t")[0])
			}
		}
		fh.Close()
	}
	if len(qs) == 0 {
		b.Skip("no query files")
	}
	return qs
}

// benchLatency runs f over qs b.N times and reports p50 and p99.
func benchLatency(b *testing.B, qs []string, f func(context.Context, string) (knowledge.Answer, error)) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := f(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// BenchmarkTerm measures term resolution (secbot term): target p99 ≤ 1 ms.
func BenchmarkTerm(b *testing.B) {
	ix := defaultIndex(b)
	benchLatency(b, benchQueries(b, "term"), ix.Term)
}

// BenchmarkAsk measures free questions, passage search included (secbot
// ask): target p99 ≤ 5 ms.
func BenchmarkAsk(b *testing.B) {
	ix := defaultIndex(b)
	benchLatency(b, benchQueries(b, "ask"), ix.Ask)
}

// BenchmarkBuild measures Build until full text is ready, with secbot's
// own passage index (what Build uses), with Bleve's scorch in memory and
// with bleve.NewMemOnly's upsidedown store.
func BenchmarkBuild(b *testing.B) {
	pack, err := knowledge.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, typ := range []string{"", scorch.Name, upsidedown.Name} {
		name := typ
		if name == "" {
			name = "own"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ix, err := Build(pack, Options{IndexType: typ})
				if err != nil {
					b.Fatal(err)
				}
				if err := ix.Ready(context.Background()); err != nil {
					b.Fatal(err)
				}
				ix.Close()
			}
		})
	}
}
