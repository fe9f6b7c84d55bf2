// Command quality scores secbot's answers against query files: hit@1 for
// glossary terms and chapter sections, and the share of "none" rows refused
// (see package secbot/index/quality for the file format and the rules).
//
//	go run ./cmd/quality                               # index/testdata/*.tsv and ../shared/eval/*.tsv
//	go run ./cmd/quality ../shared/eval/term_queries.tsv
//	go run ./cmd/quality -v index/testdata/ask_queries.tsv
//
// A file whose name starts with "ask" is asked as free questions (secbot
// ask), any other as /term queries (secbot term). It exits 1 when a set
// misses the targets (hit@1 ≥ 0.95, every none row refused).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"secbot/index"
	"secbot/index/quality"
	"secbot/knowledge"
)

func main() {
	verbose := flag.Bool("v", false, "list every row, not only the misses")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: quality [-v] [FILE.tsv ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	files := flag.Args()
	if len(files) == 0 {
		for _, pattern := range []string{"index/testdata/*.tsv", "../shared/eval/*.tsv"} {
			m, _ := filepath.Glob(pattern)
			files = append(files, m...)
		}
	}
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "quality: no query files (run it from the repository root, or name files)")
		os.Exit(2)
	}
	pack, err := knowledge.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quality:", err)
		os.Exit(1)
	}
	ix, err := index.Build(pack)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quality:", err)
		os.Exit(1)
	}
	failed := false
	for _, f := range files {
		set, err := quality.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "quality:", err)
			os.Exit(1)
		}
		rep := quality.Run(context.Background(), ix, set)
		rep.Write(os.Stdout, *verbose)
		failed = failed || !rep.Pass()
	}
	if failed {
		os.Exit(1)
	}
}
