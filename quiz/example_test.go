package quiz_test

import (
	"fmt"
	"time"

	"secbot/knowledge"
	"secbot/quiz"
)

// A channel's rounds follow its curriculum: every askable term once, in an
// order of the channel's own, before any comes back. Each planned round's
// question is generated from its term and kind.
func ExamplePlan() {
	pack, err := knowledge.Default()
	if err != nil {
		panic(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	season := quiz.DefaultSeasons(tokyo).At(time.Date(2026, 12, 7, 10, 0, 0, 0, tokyo))
	plan := quiz.Plan(pack, "C0987654321", season, nil, 3)
	for _, p := range plan {
		q, err := quiz.GenerateFor(pack, p.Term, p.Kind, 1)
		fmt.Println(err == nil && q.Term == p.Term && len(q.Choices) == quiz.NumChoices)
	}
	fmt.Println(season.Name(), len(quiz.Askable(pack)) > 70)
	// Output:
	// true
	// true
	// true
	// 2026 true
}

// Generate draws one question from a seed: the same seed, the same question.
func ExampleGenerate() {
	pack, err := knowledge.Default()
	if err != nil {
		panic(err)
	}
	a, _ := quiz.Generate(pack, 42)
	b, _ := quiz.Generate(pack, 42)
	fmt.Println(a.Question == b.Question, quiz.ChoiceLetter(a.Answer) != "")
	// Output: true true
}
