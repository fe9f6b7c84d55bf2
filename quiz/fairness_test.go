package quiz

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"secbot/knowledge"
)

// TestGenerateAsksEveryTerm: over many seeds every askable term of the
// default pack is asked, none far more often than its share, and no question
// prints its own answer (compared width-, case-, space- and
// punctuation-insensitively).
func TestGenerateAsksEveryTerm(t *testing.T) {
	pack, err := knowledge.Default()
	if err != nil {
		t.Skipf("default pack: %v", err)
	}
	const n = 3000
	count := map[string]int{}
	for seed := int64(0); seed < n; seed++ {
		q, err := Generate(pack, seed)
		if err != nil {
			t.Fatalf("Generate(%d): %v", seed, err)
		}
		count[q.Term]++
		ans := normalize(q.Choices[q.Answer])
		if ans != "" && strings.Contains(normalize(q.Question), ans) {
			t.Errorf("seed %d (%s): the question contains its answer %q: %q", seed, q.Kind, q.Choices[q.Answer], q.Question)
		}
		if q.Kind != KindWhichDefinition {
			if nq, nn := normalize(q.Question), normalize(q.Term); nn != "" && strings.Contains(nq, nn) {
				t.Errorf("seed %d (%s): the question names the term %q: %q", seed, q.Kind, q.Term, q.Question)
			}
		}
	}
	askable := 0
	for _, term := range pack.Terms {
		ok := false
		for _, k := range allKinds {
			if _, can := build(pack, pack.Terms, term, k, newRNG(1)); can {
				ok = true
			}
		}
		if !ok {
			continue
		}
		askable++
		if count[term.Name] == 0 {
			t.Errorf("%q was never asked in %d seeds", term.Name, n)
		}
	}
	mean := float64(n) / float64(askable)
	for name, c := range count {
		if float64(c) > 4*mean+10 {
			t.Errorf("%q asked %d times in %d seeds (mean %.1f)", name, c, n, mean)
		}
	}
	t.Logf("%d of %d terms askable; %d asked", askable, len(pack.Terms), len(count))
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Society 5.0": "society50", "Society5.0": "society50", "ＳＯＣＩＥＴＹ５．０": "society50",
		"ゼロデイ攻撃": "ゼロデイ攻撃", "DDoS 攻撃": "ddos攻撃", "シー・サート": "シーサート",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAliasGivingAwayName: an alias that is the name written differently
// is no question.
func TestAliasGivingAwayName(t *testing.T) {
	pack := testPack()
	pack.Terms = append(pack.Terms, knowledge.Term{Name: "Society 5.0", Aliases: []string{"Society5.0", "ＳＯＣＩＥＴＹ　５．０"},
		English: "SOCIETY 5.0", Definition: "サイバー空間とフィジカル空間を高度に融合させたシステムにより、経済発展と社会的課題の解決を両立する人間中心の社会", Refs: []string{"4-1-1"}})
	for seed := int64(0); seed < 2000; seed++ {
		q, err := Generate(pack, seed)
		if err != nil {
			t.Fatal(err)
		}
		if q.Term == "Society 5.0" && q.Kind != KindWhichDefinition && q.Kind != KindWhichTerm {
			t.Fatalf("seed %d: %s question gives the name away: %q", seed, q.Kind, q.Question)
		}
	}
}

func TestWriteCSVDefusesFormulas(t *testing.T) {
	for _, name := range []string{"=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1"} {
		var b bytes.Buffer
		if err := WriteCSV(&b, []Answer{{RoundID: "r", UserID: "U", UserName: name, At: time.Unix(0, 0)}}, time.UTC); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), ",'"+name[:1]) && !strings.Contains(b.String(), ",\"'"+name[:1]) {
			t.Errorf("%q not defused: %q", name, b.String())
		}
	}
	if got := csvSafe("sato"); got != "sato" {
		t.Errorf("csvSafe(sato) = %q", got)
	}
}
