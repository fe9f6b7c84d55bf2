package index_test

import (
	"context"
	"os"
	"path/filepath"
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
