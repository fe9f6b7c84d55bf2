package seminar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"secbot/knowledge"
)

var update = flag.Bool("update", false, "rewrite the default pack (knowledge/default) from testdata")

// source is the vendored seminar text the default pack is generated from.
const source = "testdata/000_91b200b167a5b78a.txt"

// defaultDir is the committed, embedded default pack.
const defaultDir = "../default"

func importSource(t testing.TB) *knowledge.Pack {
	t.Helper()
	f, err := os.Open(source)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := Import(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDefaultPackUpToDate fails when re-importing the vendored source would
// change the committed default pack. Run `go test ./knowledge/seminar -update`
// to regenerate it.
func TestDefaultPackUpToDate(t *testing.T) {
	p := importSource(t)
	if *update {
		if err := Write(defaultDir, p); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Files(p)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(defaultDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not the importer's output for %s; run `go test ./knowledge/seminar -update`", name, source)
		}
	}
}
