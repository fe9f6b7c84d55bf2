package report_test

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"secbot/quiz"
	"secbot/report"
	"secbot/store/sqlite"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

func jst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, tokyo)
}

// withMembers is the store plus member counts, as a MemberSource.
type withMembers struct {
	*sqlite.DB
	members map[string]int
}

func (w withMembers) RoundMembers(context.Context, quiz.Filter) (map[string]int, error) {
	return w.members, nil
}

var _ report.MemberSource = withMembers{}

// fixture stores known rounds and answers around the 2027-04-01 season
// boundary in a real SQLite file:
//
//	CA r1 Mon 03-22 ゼロトラスト   U1 ✓ U2 ✓ U3 ✓            revealed, 4 members
//	CA r2 Mon 03-29 ランサムウェア U1 ✓ U2 ✗ U3 ✓            revealed, 5 members
//	CB rb Wed 03-31 23:00 EDR      U4 ✗ (23:59) U5 ✓ (04-01 00:00) revealed, 2 members
//	CA r3 Mon 04-05 ゼロトラスト   U1 ✓ U2 ✓ (U3 skips)       revealed
//	CA r4 Mon 04-12 EDR            U2 ✗                       open
func fixture(t testing.TB) withMembers {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "secbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	type ans struct {
		user    string
		correct bool
		at      time.Time
	}
	rounds := []struct {
		id, channel, term string
		opened            time.Time
		revealed          bool
		answers           []ans
	}{
		{"r1", "CA", "ゼロトラスト", jst(2027, 3, 22, 10, 0), true, []ans{{"U1", true, time.Time{}}, {"U2", true, time.Time{}}, {"U3", true, time.Time{}}}},
		{"r2", "CA", "ランサムウェア", jst(2027, 3, 29, 10, 0), true, []ans{{"U1", true, time.Time{}}, {"U2", false, time.Time{}}, {"U3", true, time.Time{}}}},
		{"rb", "CB", "EDR", jst(2027, 3, 31, 23, 0), true, []ans{{"U4", false, jst(2027, 3, 31, 23, 59)}, {"U5", true, jst(2027, 4, 1, 0, 0)}}},
		{"r3", "CA", "ゼロトラスト", jst(2027, 4, 5, 10, 0), true, []ans{{"U1", true, time.Time{}}, {"U2", true, time.Time{}}}},
		{"r4", "CA", "EDR", jst(2027, 4, 12, 10, 0), false, []ans{{"U2", false, time.Time{}}}},
	}
	for _, r := range rounds {
		q := quiz.Question{Question: "?", Choices: []string{"a", "b", "c", "d"}, Answer: 1, Term: r.term, Kind: quiz.KindWhichTerm}
		if err := db.CreateRound(ctx, quiz.Round{ID: r.id, Channel: r.channel, Question: q, Opened: r.opened, Closes: r.opened.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		for i, a := range r.answers {
			at := a.at
			if at.IsZero() {
				at = r.opened.Add(time.Duration(i+1) * time.Minute)
			}
			choice := 0
			if a.correct {
				choice = 1
			}
			if _, _, err := db.AddAnswer(ctx, quiz.Answer{RoundID: r.id, Channel: r.channel, UserID: a.user, UserName: "名前" + a.user,
				Choice: choice, Correct: a.correct, At: at}); err != nil {
				t.Fatal(err)
			}
		}
		if r.revealed {
			if _, err := db.MarkRevealed(ctx, r.id); err != nil {
				t.Fatal(err)
			}
		}
	}
	return withMembers{DB: db, members: map[string]int{"r1": 4, "r2": 5, "rb": 2}}
}

func season(year int) quiz.Season { return quiz.DefaultSeasons(tokyo).Year(year) }

func makeReport(t testing.TB, src report.Source, q report.Query) *report.Report {
	t.Helper()
	q.Location = tokyo
	if q.Now.IsZero() {
		q.Now = jst(2027, 4, 13, 9, 0)
	}
	r, err := report.Make(context.Background(), src, q)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestReportSeason2026(t *testing.T) {
	s := season(2026)
	r := makeReport(t, fixture(t), report.Query{From: s.From, To: s.To})

	tot := r.Totals
	if tot.Rounds != 3 || tot.Answers != 7 || tot.Correct != 5 || tot.People != 4 || tot.Channels != 2 {
		t.Errorf("totals = %+v; want 3 rounds, 7 answers (U5's at 04-01 00:00 is season 2027's), 5 right, 4 people, 2 channels", tot)
	}
	if p, ok := tot.Participation(); !ok || !near(p, 7.0/11) {
		t.Errorf("participation = %v %v, want 7/11", p, ok)
	}
	type wk struct {
		ch                          string
		start                       time.Time
		rounds, people, ans, ok, mm int
	}
	var got []wk
	for _, w := range r.Weeks {
		got = append(got, wk{w.Channel, w.Start, w.Rounds, w.Answerers, w.Answers, w.Correct, w.Members})
	}
	want := []wk{
		{"CA", jst(2027, 3, 22, 0, 0), 1, 3, 3, 3, 4},
		{"CA", jst(2027, 3, 29, 0, 0), 1, 3, 3, 2, 5},
		{"CB", jst(2027, 3, 29, 0, 0), 1, 1, 1, 0, 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("weeks =\n%v\nwant\n%v", got, want)
	}
	if p, _ := r.Weeks[0].Participation(); !near(p, 0.75) {
		t.Errorf("CA 03-22 participation = %v, want 0.75", p)
	}
	if c, _ := r.Weeks[1].CorrectRate(); !near(c, 2.0/3) {
		t.Errorf("CA 03-29 correct rate = %v", c)
	}
	if len(r.WeekTotals) != 2 || r.WeekTotals[1].Answerers != 4 || r.WeekTotals[1].Members != 7 {
		t.Errorf("week totals = %+v", r.WeekTotals)
	}
	var terms []string
	for _, ts := range r.Terms {
		terms = append(terms, ts.Term)
	}
	if want := []string{"EDR", "ランサムウェア", "ゼロトラスト"}; !reflect.DeepEqual(terms, want) {
		t.Errorf("terms = %v, want weakest first %v", terms, want)
	}
	streaks := map[string]int{}
	for _, p := range r.People {
		streaks[p.UserID] = p.Streak
	}
	if want := map[string]int{"U1": 2, "U2": 0, "U3": 2, "U4": 0}; !reflect.DeepEqual(streaks, want) {
		t.Errorf("streaks = %v, want %v", streaks, want)
	}
	if r.People[0].UserID != "U1" || r.People[0].Correct != 2 || r.People[0].Rounds != 2 || r.People[0].UserName != "名前U1" {
		t.Errorf("first person = %+v", r.People[0])
	}
}

func TestReportSeason2027(t *testing.T) {
	s := season(2027)
	r := makeReport(t, fixture(t), report.Query{From: s.From, To: s.To})
	if r.Totals.Rounds != 2 || r.Totals.Answers != 4 || r.Totals.People != 3 {
		t.Errorf("totals = %+v; want r3 and r4, 4 answers (U5's included), 3 people", r.Totals)
	}
	streaks := map[string]int{}
	for _, p := range r.People {
		streaks[p.UserID] = p.Streak
	}
	// r4 is open: U2's wrong answer to it breaks nothing yet. U5 answered
	// season 2026's last round right, on 04-01.
	if want := map[string]int{"U1": 1, "U2": 1, "U5": 1}; !reflect.DeepEqual(streaks, want) {
		t.Errorf("streaks = %v, want %v", streaks, want)
	}
	if r.TermOf("rb") != "EDR" {
		t.Error("U5's answer lost the term of the round opened before the season")
	}
	// U5's answer falls in its own week (the round is season 2026's);
	// the weeks run on without a gap.
	var starts []string
	for _, w := range r.WeekTotals {
		starts = append(starts, w.Start.Format("01-02"))
	}
	if want := []string{"03-29", "04-05", "04-12"}; !reflect.DeepEqual(starts, want) {
		t.Errorf("weeks = %v, want %v", starts, want)
	}
	for _, ts := range r.Terms {
		if ts.Term == "EDR" && (ts.Asked != 1 || ts.Answers != 2 || ts.Correct != 1) {
			t.Errorf("EDR = %+v: asked once this season (r4), answered by U5 (rb) and U2 (r4)", ts)
		}
	}
}

func TestReportChannelAndSummary(t *testing.T) {
	src := fixture(t)
	r := makeReport(t, src.DB, report.Query{Channel: "CA"}) // no member counts
	if r.Totals.Rounds != 4 || r.Totals.Answers != 9 || r.Totals.Channels != 1 {
		t.Errorf("CA totals = %+v", r.Totals)
	}
	if _, ok := r.Totals.Participation(); ok {
		t.Error("participation known without member counts")
	}
	sum := r.Summary()
	for _, want := range []string{"全期間・チャンネル CA", "ラウンド 4回", "回答 9件", "回答者 3人", "正解率 78%", "苦手な用語: EDR（0%）", "最長の連続正解: 名前U1 さん 3回"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if strings.Contains(sum, "参加率") {
		t.Errorf("summary shows a participation rate it cannot know:\n%s", sum)
	}
	empty := makeReport(t, src.DB, report.Query{Channel: "CNONE"})
	if !strings.Contains(empty.Summary(), "ありません") {
		t.Errorf("empty summary = %q", empty.Summary())
	}
	if _, err := report.Make(context.Background(), src.DB, report.Query{From: jst(2027, 4, 2, 0, 0), To: jst(2027, 4, 1, 0, 0)}); err == nil {
		t.Error("a period ending before it starts was accepted")
	}
}

func TestWeekStart(t *testing.T) {
	for _, tt := range []struct{ at, want time.Time }{
		{jst(2027, 4, 4, 23, 59), jst(2027, 3, 29, 0, 0)}, // Sunday night: the week of Monday 03-29
		{jst(2027, 4, 5, 0, 0), jst(2027, 4, 5, 0, 0)},
		{time.Date(2027, 4, 4, 15, 0, 0, 0, time.UTC), jst(2027, 4, 5, 0, 0)}, // Sunday in UTC, Monday in Tokyo
	} {
		if got := report.WeekStart(tt.at, tokyo); !got.Equal(tt.want) {
			t.Errorf("WeekStart(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}
