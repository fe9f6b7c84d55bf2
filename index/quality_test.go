package index_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"secbot/index"
	"secbot/index/quality"
	"secbot/knowledge"
)

func testIndex(t testing.TB) *index.Index {
	t.Helper()
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(pack)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestQuality scores the query sets: our own under testdata/ and the shared
// eval sets when ../shared is beside the repository.
func TestQuality(t *testing.T) {
	ix := testIndex(t)
	own, _ := filepath.Glob("testdata/*.tsv")
	shared, _ := filepath.Glob("../../shared/eval/*.tsv")
	if len(shared) == 0 {
		t.Log("no ../shared/eval beside the repository: shared sets skipped")
	}
	for _, path := range append(own, shared...) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			set, err := quality.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rep := quality.Run(context.Background(), ix, set)
			rep.Write(os.Stderr, testing.Verbose())
			if !rep.Pass() {
				t.Errorf("%s: hit@1 %.3f (want ≥ %.2f), none refused %d/%d", path, rep.HitAt1(), quality.TargetHitAt1, rep.NoneRefused, rep.NoneRows)
			}
		})
	}
}

// TestAnalyzerComparison scores every set with secbot's analyzer and with
// Bleve's stock cjk analyzer in the Bleve fields (the name tables and the
// confidence rules stay the same). It asserts nothing about cjk: run it with
// -v to see the figures the README quotes.
func TestAnalyzerComparison(t *testing.T) {
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/*.tsv")
	shared, _ := filepath.Glob("../../shared/eval/*.tsv")
	files = append(files, shared...)
	for _, mode := range []string{"secbot_ja", "cjk", "secbot_ja bleve-only", "cjk bleve-only"} {
		name, only, _ := strings.Cut(mode, " ")
		restore := index.UseAnalyzer(name)
		if only != "" {
			r := restore
			off := index.UseBleveOnly()
			restore = func() { off(); r() }
		}
		ix, err := index.Build(pack)
		if err != nil {
			restore()
			t.Fatal(err)
		}
		for _, f := range files {
			set, err := quality.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rep := quality.Run(context.Background(), ix, set)
			t.Logf("%-20s %-36s hit@1=%.3f none refused=%d/%d", mode, f, rep.HitAt1(), rep.NoneRefused, rep.NoneRows)
		}
		ix.Close()
		restore()
	}
}
