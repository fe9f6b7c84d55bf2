package index

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"secbot/knowledge"
)

// TestPassageScoresAreBleves: secbot's own passage index (passagescore.go)
// finds the passages Bleve's scorch finds for the query of matchQuery, in
// the same order, with the same scores (within 1e-9, relative; equal
// scores in passage order), for every query of the own query sets — as
// typed, and as search receives it (understand's question). The blind sets
// (testdata/blind*) are not read. The default pack, and two copies of it:
// every score then ties with its copy's. What search makes of the hits is
// the same either way.
func TestPassageScoresAreBleves(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.tsv")
	people, _ := filepath.Glob("testdata/people/*.tsv")
	var texts []string
	seen := map[string]bool{}
	for _, f := range append(files, people...) {
		for _, q := range queryColumn(t, f) {
			q, err := knowledge.CheckQuery(q)
			if err != nil {
				continue
			}
			for _, s := range []string{q, understand(q).question} {
				if !seen[s] {
					seen[s] = true
					texts = append(texts, s)
				}
			}
		}
	}
	if len(texts) < 300 {
		t.Fatalf("%d query texts: the query sets are missing", len(texts))
	}
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%dx", n), func(t *testing.T) {
			pack := scaledPack(t, n)
			own, bl := readyIndex(t, pack, Options{}), readyIndex(t, pack, Options{IndexType: scorch.Name})
			if own.full.passages == nil || own.full.passageIdx != nil || bl.full.passageIdx == nil {
				t.Fatal("the default Options must use secbot's passage index, IndexType scorch Bleve's")
			}
			docs := len(own.passages)
			matched := 0
			for _, text := range texts {
				got := own.full.passages.search(text, 0)
				want, err := bl.full.searchPassages(context.Background(), bl, text, docs)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) > 0 {
					matched++
				}
				if msg := sameHits(tiesByPosition(got), tiesByPosition(want)); msg != "" {
					t.Errorf("%q: %s", text, msg)
					continue
				}
				// Re-ranked, a passage found both ways scores the same, and
				// holds as much of the question (passageHolds reads the
				// posting lists, Bleve's index the passages' token sets).
				ours, err := own.search(context.Background(), text, rerankDepth)
				if err != nil {
					t.Fatal(err)
				}
				theirs, err := bl.search(context.Background(), text, rerankDepth)
				if err != nil {
					t.Fatal(err)
				}
				byID := map[int]Hit{}
				for _, h := range theirs {
					byID[h.id] = h
				}
				qt := tokenize(text)
				for _, h := range ours {
					if b, ok := byID[h.id]; ok && (h.Coverage != b.Coverage || h.Words != b.Words || !scoresTie(h.Score, b.Score)) {
						t.Errorf("%q: passage %d: coverage %v words %v score %v, through Bleve %v %v %v",
							text, h.id, h.Coverage, h.Words, h.Score, b.Coverage, b.Words, b.Score)
					}
				}
				ids := func(hs []Hit) []int {
					var out []int
					for _, h := range hs {
						out = append(out, h.id)
					}
					slices.Sort(out)
					return out
				}
				// (Bleve orders equal scores as it likes: compared when the
				// same passages are found first.)
				if len(ours) > 0 && len(theirs) > 0 && ours[0].id == theirs[0].id && slices.Equal(ids(ours), ids(theirs)) {
					if a, b := own.full.sectionHitsCoverage(qt, synonymHints(Key(text)), ours), bl.full.sectionHitsCoverage(qt, synonymHints(Key(text)), theirs); a != b {
						t.Errorf("%q: section coverage %v, through Bleve %v", text, a, b)
					}
				}
				// The top k, through the heap, are the first k of all.
				for _, k := range []int{1, maxPassages, rerankDepth} {
					top := own.full.passages.search(text, k)
					if len(top) != min(k, len(got)) || !slices.Equal(top, got[:len(top)]) {
						t.Errorf("%q: top %d %v, want %v", text, k, top, got[:min(k, len(got))])
					}
				}
			}
			if matched < len(texts)/2 {
				t.Errorf("only %d of %d query texts find passages", matched, len(texts))
			}
		})
	}
}

// readyIndex builds pack with opts and waits for its full text.
func readyIndex(tb testing.TB, pack *knowledge.Pack, opts Options) *Index {
	tb.Helper()
	ix, err := Build(pack, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if err := ix.Ready(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return ix
}

// defaultIndex is readyIndex of the default pack.
func defaultIndex(tb testing.TB) *Index {
	tb.Helper()
	pack, err := knowledge.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return readyIndex(tb, pack, Options{})
}

// scoresTie reports whether two scores are equal within 1e-9, relative.
func scoresTie(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// tiesByPosition returns hits with each run of tying scores in passage
// order.
func tiesByPosition(hits []scoredPassage) []scoredPassage {
	out := slices.Clone(hits)
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && scoresTie(out[i].score, out[j].score) {
			j++
		}
		slices.SortFunc(out[i:j], func(a, b scoredPassage) int { return a.id - b.id })
		i = j
	}
	return out
}

// sameHits describes how got differs from want, "" when it does not.
func sameHits(got, want []scoredPassage) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d hits, Bleve %d", len(got), len(want))
	}
	for i := range got {
		if got[i].id != want[i].id || !scoresTie(got[i].score, want[i].score) {
			return fmt.Sprintf("hit %d: passage %d score %.17g, Bleve passage %d score %.17g",
				i, got[i].id, got[i].score, want[i].id, want[i].score)
		}
	}
	return ""
}

// queryColumn returns the first column of a query file's rows.
func queryColumn(t testing.TB, path string) []string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var qs []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			qs = append(qs, strings.Split(l, "\t")[0])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return qs
}
