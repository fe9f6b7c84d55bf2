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

// floors are the gates of the sets that do not reach quality.TargetHitAt1
// yet: the level achieved, so that it does not fall. The gated people sets
// reach 0.95 (issue 10: people/describe.tsv 0.958, people/facts.tsv 0.951);
// the own sets of the search4 round are gated at the level they reached.
// The search6 sets (describe_own3 44/53 → 51/53, facts_own3 28/36 →
// 35/36) reach the target and are gated at it.
//
// The old blind sets 4 and 5 are development sets from search7 (people/
// *_dev4.tsv, *_dev5.tsv; blind6 is the blind one), gated at the level
// they had when they became development sets, raised to what they reach
// at each round. The search8 sets (describe_own4 55/60 → 60/60,
// facts_own4 39/40 → 40/40, chatty_own2 28/30 → 30/30, offtopic_own2
// 25/25) reach the target and are gated at it.
var floors = map[string]float64{
	"testdata/people/chatty_dev4.tsv":   1.00, // 29/32 as blind4; 32/32 with onlyNamed (search7)
	"testdata/people/describe_dev4.tsv": 0.97, // 57/78 as blind4; 70/78 (search7); 76/78 with properties, likeness examples, placeholders (search8)
	"testdata/people/facts_dev4.tsv":    0.88, // 22/27 as blind4; 23/27 with synonyms (search7); 24/27 with the step after another (search8)
	"testdata/people/describe_dev5.tsv": 0.99, // 86/105 as blind5; 100/105 (search7); 104/105 with ところ, counts, naming words, Aとか (search8)
	"testdata/people/facts_dev5.tsv":    0.98, // 44/50 as blind5; 48/50 (search7); 49/50 with 試算→算出 (search8)
	"testdata/people/describe_own2.tsv": 1.00, // 45/58 when written; 57/58 (search7); 58/58 with names in a list of examples (search8)
	"testdata/people/facts_own2.tsv":    1.00, // 20/31 when written; 28/31 (search7); 31/31 with announced lists, list headings, テキストでは (search8)
}

// TestQuality scores the query sets: our own under testdata/ and the shared
// eval sets when ../shared is beside the repository.
func TestQuality(t *testing.T) {
	t.Parallel() // no package state: Options replaced the switches
	ix := testIndex(t)
	own, _ := filepath.Glob("testdata/*.tsv")
	people, _ := filepath.Glob("testdata/people/*.tsv")
	own = append(own, people...)
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
			target, ok := floors[filepath.ToSlash(path)]
			if !ok {
				target = quality.TargetHitAt1
			}
			if rep.HitAt1() < target || rep.Refused() < quality.TargetRefused {
				t.Errorf("%s: hit@1 %.3f (want ≥ %.2f), none refused %d/%d", path, rep.HitAt1(), target, rep.NoneRefused, rep.NoneRows)
			}
		})
	}
}

// TestAnalyzerComparison scores every set with secbot's analyzer and with
// Bleve's stock cjk analyzer in the Bleve fields, each with the name stages
// and with Bleve alone (Options.BleveOnly). It asserts what the choice of
// analyzer rests on: secbot's analyzer scores at least as well as cjk on
// every set, in both settings. Run it with -v for the figures.
func TestAnalyzerComparison(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four indexes")
	}
	t.Parallel()
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/*.tsv")
	shared, _ := filepath.Glob("../../shared/eval/*.tsv")
	files = append(files, shared...)
	score := map[string]float64{} // mode + file → hit@1
	for _, mode := range []string{"secbot_ja", "cjk", "secbot_ja bleve-only", "cjk bleve-only"} {
		name, only, _ := strings.Cut(mode, " ")
		ix, err := index.Build(pack, index.Options{Analyzer: name, BleveOnly: only != ""})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			set, err := quality.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rep := quality.Run(context.Background(), ix, set)
			score[mode+" "+f] = rep.HitAt1()
			t.Logf("%-20s %-36s hit@1=%.3f none refused=%d/%d", mode, f, rep.HitAt1(), rep.NoneRefused, rep.NoneRows)
		}
		ix.Close()
	}
	for _, f := range files {
		for _, only := range []string{"", " bleve-only"} {
			ja, cjk := score["secbot_ja"+only+" "+f], score["cjk"+only+" "+f]
			if ja < cjk {
				t.Errorf("%s%s: secbot_ja hit@1 %.3f < cjk %.3f", f, only, ja, cjk)
			}
		}
	}
}
