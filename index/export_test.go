package index

import (
	// Registers Bleve's stock cjk analyzer, which the comparison uses.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
)
