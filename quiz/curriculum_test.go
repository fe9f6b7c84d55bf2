package quiz

import (
	"errors"
	"hash/fnv"
	"slices"
	"testing"
	"time"

	"secbot/knowledge"
)

func defaultPack(t *testing.T) *knowledge.Pack {
	t.Helper()
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	return pack
}

// rate is a made-up correct rate of a term in a channel, in tenths.
func rate(channel, term string) int {
	h := fnv.New32a()
	h.Write([]byte(channel + "/" + term))
	return int(h.Sum32() % 11)
}

// runRounds plans and "asks" n rounds one at a time, as the scheduler does
// week after week, each answered by 10 people with rate(term) right.
func runRounds(pack *knowledge.Pack, channel string, s Season, n int) []Asked {
	var history []Asked
	for i := range n {
		p := Plan(pack, channel, s, history, 1)
		if len(p) != 1 {
			return history
		}
		history = append(history, Asked{Term: p[0].Term, Kind: p[0].Kind, At: s.From.AddDate(0, 0, 7*i),
			Answers: 10, Correct: rate(channel, p[0].Term)})
	}
	return history
}

func TestPlanCoversEveryTermOnce(t *testing.T) {
	pack := defaultPack(t)
	askable := Askable(pack)
	// The pack's 82 terms; two make no question of any kind (see the log).
	if len(askable) < 80 || len(askable) > len(pack.Terms) {
		t.Fatalf("%d askable terms of %d", len(askable), len(pack.Terms))
	}
	var notAskable []string
	for _, term := range pack.Terms {
		if !slices.Contains(askable, term.Name) {
			notAskable = append(notAskable, term.Name)
		}
	}
	t.Logf("%d of %d terms askable; not: %q", len(askable), len(pack.Terms), notAskable)

	s := DefaultSeasons(time.UTC).Year(2026)
	history := runRounds(pack, "C0987654321", s, 82)
	count := map[string]int{}
	for _, h := range history[:len(askable)] {
		count[h.Term]++
	}
	for _, term := range askable {
		if count[term] != 1 {
			t.Errorf("the first %d rounds asked %q %d times", len(askable), term, count[term])
		}
	}
	// The rounds after the first cycle are the channel's weakest terms.
	weakest := slices.Clone(askable)
	slices.SortStableFunc(weakest, func(a, b string) int { return rate("C0987654321", a) - rate("C0987654321", b) })
	for _, h := range history[len(askable):] {
		if r := rate("C0987654321", h.Term); r != rate("C0987654321", weakest[0]) {
			t.Errorf("round after the cycle asked %q (%d/10 right), want one of the weakest (%d/10)", h.Term, r, rate("C0987654321", weakest[0]))
		}
	}
	// Planning ahead gives the rounds that asking one by one gives.
	ahead := Plan(pack, "C0987654321", s, nil, len(askable))
	for i, p := range ahead {
		if p.Term != history[i].Term || p.Kind != history[i].Kind {
			t.Fatalf("round %d planned ahead %v, asked %v", i, p, history[i])
		}
	}
}

func TestPlanReproducibleAndDistinct(t *testing.T) {
	pack := defaultPack(t)
	seasons := DefaultSeasons(time.UTC)
	a := Plan(pack, "C1", seasons.Year(2026), nil, 20)
	if b := Plan(pack, "C1", seasons.Year(2026), nil, 20); !slices.Equal(a, b) {
		t.Errorf("two plans differ:\n%v\n%v", a, b)
	}
	if b := Plan(pack, "C2", seasons.Year(2026), nil, 20); slices.Equal(a, b) {
		t.Error("two channels get the same plan")
	}
	if b := Plan(pack, "C1", seasons.Year(2027), nil, 20); slices.Equal(a, b) {
		t.Error("two seasons get the same plan")
	}
	// 52 weekly rounds ask 52 different terms (Generate's lottery asked 36).
	terms := map[string]bool{}
	for _, p := range Plan(pack, "C1", seasons.Year(2026), nil, 52) {
		terms[p.Term] = true
	}
	if len(terms) != 52 {
		t.Errorf("52 rounds asked %d terms", len(terms))
	}
	if Plan(nil, "C1", seasons.Year(2026), nil, 3) != nil || Plan(pack, "C1", seasons.Year(2026), nil, 0) != nil {
		t.Error("no pack or n = 0 should plan nothing")
	}
}

func TestPlanWeakestFirst(t *testing.T) {
	pack := defaultPack(t)
	askable := Askable(pack)
	s := DefaultSeasons(time.UTC).Year(2026)
	// A full cycle asked, everything 90% right but five terms.
	weak := map[string]int{askable[7]: 1, askable[30]: 3, askable[2]: 0, askable[55]: 5, askable[61]: 2}
	var history []Asked
	for _, term := range askable {
		c, ok := weak[term]
		if !ok {
			c = 9
		}
		history = append(history, Asked{Term: term, Answers: 10, Correct: c})
	}
	history = append(history, Asked{Term: "用語集にない用語", Answers: 10, Correct: 0}) // ignored
	got := Plan(pack, "C1", s, history, 6)
	want := []string{askable[2], askable[7], askable[61], askable[30], askable[55]}
	for i, w := range want {
		if got[i].Term != w {
			t.Errorf("round %d = %q, want %q (weakest first)", i, got[i].Term, w)
		}
	}
	if _, ok := weak[got[5].Term]; ok {
		t.Errorf("round 5 = %q: a weak term twice in a cycle", got[5].Term)
	}
	// Asking the weakest (/quiz start, or the plan) moves the cycle on.
	history = append(history, Asked{Term: askable[2], Answers: 10, Correct: 10})
	if got := Plan(pack, "C1", s, history, 1); got[0].Term != askable[7] {
		t.Errorf("next = %q, want %q", got[0].Term, askable[7])
	}
}

func TestGenerateFor(t *testing.T) {
	pack := defaultPack(t)
	s := DefaultSeasons(time.UTC).Year(2026)
	for i, p := range Plan(pack, "C1", s, nil, len(Askable(pack))) {
		q, err := GenerateFor(pack, p.Term, p.Kind, int64(i))
		if err != nil {
			t.Fatalf("GenerateFor(%q, %s): %v", p.Term, p.Kind, err)
		}
		if q.Term != p.Term || q.Kind != p.Kind {
			t.Errorf("GenerateFor(%q, %s) asked about %q as %s", p.Term, p.Kind, q.Term, q.Kind)
		}
		checkQuestion(t, pack, int64(i), q)
		again, _ := GenerateFor(pack, p.Term, p.Kind, int64(i))
		if !slices.Equal(again.Choices, q.Choices) || again.Answer != q.Answer {
			t.Errorf("GenerateFor(%q) is not deterministic", p.Term)
		}
	}
	if _, err := GenerateFor(pack, "用語集にない用語", KindWhichTerm, 1); !errors.Is(err, ErrNotAskable) {
		t.Errorf("unknown term: %v", err)
	}
	if _, err := GenerateFor(pack, "ゼロトラスト", Kind("riddle"), 1); !errors.Is(err, ErrNotAskable) {
		t.Errorf("unknown kind: %v", err)
	}
}
