package index

import (
	// Registers Bleve's stock cjk analyzer, which the comparison uses.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
)

// UseAnalyzer makes Build use the Bleve analyzer named name (secbot_ja or
// cjk) until the returned function is called.
func UseAnalyzer(name string) (restore func()) {
	old := bleveAnalyzer
	bleveAnalyzer = name
	return func() { bleveAnalyzer = old }
}

// UseBleveOnly turns off the name stages and the passage re-ranking, so that
// only Bleve's ranking answers, until the returned function is called.
func UseBleveOnly() (restore func()) {
	bleveOnly = true
	return func() { bleveOnly = false }
}
