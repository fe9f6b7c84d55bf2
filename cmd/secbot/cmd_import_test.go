package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seminarSource is the vendored seminar text the default pack comes from.
const seminarSource = "../../knowledge/seminar/testdata/000_91b200b167a5b78a.txt"

func TestImport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pack")
	code, stdout, stderr := runSecbotCmd(t, nil, "import", seminarSource, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "82 terms") {
		t.Errorf("stdout = %q", stdout)
	}
	// The import is the committed default pack, byte for byte.
	for _, f := range []string{"glossary.yaml", "chapter.yaml", "tips.yaml"} {
		got, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("../../knowledge/default", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from knowledge/default/%s", f, f)
		}
	}

	// Flags first works too, and the pack it writes loads as an operator pack.
	out2 := filepath.Join(t.TempDir(), "pack2")
	if code, _, stderr := runSecbotCmd(t, nil, "import", "-o", out2, seminarSource); code != 0 {
		t.Fatalf("flags first: exit %d: %s", code, stderr)
	}
}

func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	if code, _, _ := runSecbotCmd(t, nil, "import", seminarSource); code != 2 {
		t.Errorf("no -o: exit %d, want 2", code)
	}
	if code, _, _ := runSecbotCmd(t, nil, "import", "-o", dir); code != 2 {
		t.Errorf("no SOURCE: exit %d, want 2", code)
	}
	if code, _, stderr := runSecbotCmd(t, nil, "import", filepath.Join(dir, "missing.txt"), "-o", dir); code != 1 || !strings.Contains(stderr, "missing.txt") {
		t.Errorf("missing source: exit %d, %q", code, stderr)
	}
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("nothing here\n"), 0o644)
	if code, _, stderr := runSecbotCmd(t, nil, "import", empty, "-o", dir); code != 1 || !strings.Contains(stderr, "not a seminar text") {
		t.Errorf("not a seminar text: exit %d, %q", code, stderr)
	}
}
