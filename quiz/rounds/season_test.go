package rounds_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"secbot/bot"
	"secbot/quiz"
	"secbot/quiz/rounds"
	"secbot/store/postgres"
	"secbot/store/postgres/pgtest"
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

// seasonStore is what the season tests need of a real store.
type seasonStore interface {
	rounds.Store
	ListRounds(ctx context.Context, f quiz.Filter) ([]quiz.Round, error)
}

// forEachStore runs f against a fresh SQLite store, and a fresh PostgreSQL
// database when SECBOT_TEST_POSTGRES names a server.
func forEachStore(t *testing.T, f func(t *testing.T, st seasonStore)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(filepath.Join(t.TempDir(), "secbot.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		f(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.Fresh(t)
		db, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		f(t, db)
	})
}

// seasonFixture is channel C1's rounds around the 2026 fiscal year's start
// (04-01 00:00 in Tokyo, 03-31 15:00 UTC):
//
//	r0 2026-03-31 23:30 JST (season 2025)  U1 right, U2 wrong
//	r1 2026-04-01 00:10 JST (season 2026; 2025 in UTC)  U1 wrong, U2 right, U3 right
//	r2 2026-04-13  U1 right, U2 right, U3 wrong
//	r3 2026-04-20  U1 right, U2 right (U3 skipped)
//	r4 2026-04-27, still open  U1 wrong, U4 right: not counted anywhere yet
//
// Season 2026, revealed rounds: U2 3/3 (streak 3, rank 1), U1 2/3 (streak
// 2, rank 2, missed r1's term), U3 1/2 (streak 0: skipped r3, rank 3).
func seasonFixture(t *testing.T, st seasonStore) (terms map[string]string) {
	t.Helper()
	ctx := context.Background()
	type ans struct {
		user  string
		right bool
	}
	rounds := []struct {
		id, term string
		opened   time.Time
		revealed bool
		answers  []ans
	}{
		{"r0", "WAF", jst(2026, 3, 31, 23, 30), true, []ans{{"U1", true}, {"U2", false}}},
		{"r1", "IPS", jst(2026, 4, 1, 0, 10), true, []ans{{"U1", false}, {"U2", true}, {"U3", true}}},
		{"r2", "EDR", jst(2026, 4, 13, 10, 0), true, []ans{{"U1", true}, {"U2", true}, {"U3", false}}},
		{"r3", "VPN", jst(2026, 4, 20, 10, 0), true, []ans{{"U1", true}, {"U2", true}}},
		{"r4", "SOC", jst(2026, 4, 27, 10, 0), false, []ans{{"U1", false}, {"U4", true}}},
	}
	terms = map[string]string{}
	for _, r := range rounds {
		terms[r.id] = r.term
		q := quiz.Question{Question: r.term + " とは？", Choices: []string{"a", "b", "c", "d"}, Answer: 0, Term: r.term}
		rd := quiz.Round{ID: r.id, Channel: "C1", Question: q, Seed: 1, Opened: r.opened, Closes: r.opened.Add(24 * time.Hour)}
		if err := st.CreateRound(ctx, rd); err != nil {
			t.Fatal(err)
		}
		for i, a := range r.answers {
			choice := 1
			if a.right {
				choice = 0
			}
			at := r.opened.Add(time.Duration(10+i) * time.Minute)
			if _, _, err := st.AddAnswer(ctx, quiz.Answer{RoundID: r.id, Channel: "C1", UserID: a.user, UserName: "name-" + a.user,
				Choice: choice, Correct: a.right, At: at}); err != nil {
				t.Fatal(err)
			}
		}
		if r.revealed {
			if _, err := st.MarkRevealed(ctx, r.id); err != nil {
				t.Fatal(err)
			}
		}
	}
	return terms
}

func seasonRounds(t testing.TB, st seasonStore, now time.Time) *rounds.Rounds {
	t.Helper()
	ss := quiz.DefaultSeasons(tokyo)
	rs, err := rounds.New(rounds.Config{Pack: pack, Store: st, Location: tokyo, Seasons: &ss,
		Now:     func() time.Time { return now },
		Posters: func(string) (bot.Poster, error) { return newPoster(), nil }})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func routeWith(rs *rounds.Rounds, req bot.Request) bot.Reply {
	r := bot.NewRouter()
	r.Admins = map[string]bool{"UADMIN": true}
	r.Handle("quiz", rs.Handler(), rounds.Usage...)
	return r.Route(context.Background(), req)
}

func TestProgressAndSeasonBoard(t *testing.T) {
	forEachStore(t, func(t *testing.T, st seasonStore) {
		terms := seasonFixture(t, st)
		now := jst(2026, 4, 28, 12, 0)
		rs := seasonRounds(t, st, now)
		ctx := context.Background()

		for _, tt := range []struct {
			user                          string
			rounds, correct, streak, rank int
			missed                        []string
		}{
			{"U1", 3, 2, 2, 2, []string{terms["r1"]}},
			{"U2", 3, 3, 3, 1, nil},
			{"U3", 2, 1, 0, 3, []string{terms["r2"]}},
			{"U4", 0, 0, 0, 0, nil},
		} {
			p, err := rs.Progress(ctx, tt.user, now)
			if err != nil {
				t.Fatal(err)
			}
			if p.Season.Year != 2026 || p.Rounds != tt.rounds || p.Correct != tt.correct || p.Streak != tt.streak ||
				p.Rank != tt.rank || !slices.Equal(p.Missed, tt.missed) || (tt.rank > 0 && p.Players != 3) {
				t.Errorf("%s: progress = %+v, want rounds %d correct %d streak %d rank %d/3 missed %v",
					tt.user, p, tt.rounds, tt.correct, tt.streak, tt.rank, tt.missed)
			}
		}
		// The season before: only r0 (23:30 on 03-31 in Tokyo).
		if p, _ := rs.Progress(ctx, "U1", jst(2026, 3, 31, 23, 59)); p.Season.Year != 2025 || p.Rounds != 1 || p.Rank != 1 {
			t.Errorf("U1 in season 2025 = %+v", p)
		}

		// /quiz me: private, the figures, a button per missed term.
		reply := routeWith(rs, bot.Request{Platform: bot.Slack, UserID: "U1", ChannelID: "C1", Text: "/quiz me"})
		for _, want := range []string{"2026年度", "回答したラウンド: 3回", "正解率: 66%（2/3）", "連続正解: 2回", "2位 / 3人", "IPS"} {
			if !strings.Contains(reply.Text, want) {
				t.Errorf("/quiz me says %q, want %q in it", reply.Text, want)
			}
		}
		if !reply.Private || !slices.Equal(reply.TermButtons, []string{"IPS"}) {
			t.Errorf("/quiz me = %+v, want private with the IPS button", reply)
		}
		if reply := routeWith(rs, bot.Request{Platform: bot.Slack, UserID: "U4", ChannelID: "C1", Text: "/quiz me"}); !strings.Contains(reply.Text, "まだありません") {
			t.Errorf("/quiz me without answers = %q", reply.Text)
		}
		if reply := routeWith(rs, bot.Request{Platform: bot.Teams, PublicReplies: true, UserID: "U1", ChannelID: "C1", Text: "/quiz me"}); strings.Contains(reply.Text, "正解率") {
			t.Errorf("/quiz me in a Teams channel shows the record to everyone: %q", reply.Text)
		}

		// Season leaderboards: this season, a named season; week and all kept.
		for _, tt := range []struct {
			text, title string
			users       []string
		}{
			{"leaderboard season", "2026年度（2026-04-01〜2027-03-31）", []string{"U2", "U1", "U3"}},
			{"leaderboard season 2025", "2025年度", []string{"U1", "U2"}},
			{"leaderboard all", "通算", []string{"U1", "U2", "U3"}}, // 3/4 each; U1 reached it first
			{"leaderboard week", "今週", nil},
		} {
			reply := routeWith(rs, bot.Request{Platform: bot.Slack, UserID: "U9", ChannelID: "C1", Command: "quiz", Text: tt.text})
			if reply.Board == nil {
				t.Errorf("/quiz %s = %q", tt.text, reply.Text)
				continue
			}
			var users []string
			for _, row := range reply.Board.Rows {
				users = append(users, row.UserID)
			}
			if !strings.Contains(reply.Board.Title, tt.title) || !slices.Equal(users, tt.users) {
				t.Errorf("/quiz %s = %q %v, want %q %v", tt.text, reply.Board.Title, users, tt.title, tt.users)
			}
		}
		if reply := routeWith(rs, bot.Request{UserID: "U9", ChannelID: "C1", Text: "/quiz leaderboard season 19"}); !strings.Contains(reply.Text, "始まる年") {
			t.Errorf("bad season = %q", reply.Text)
		}
	})
}

func TestReportCommand(t *testing.T) {
	forEachStore(t, func(t *testing.T, st seasonStore) {
		seasonFixture(t, st)
		rs := seasonRounds(t, st, jst(2026, 4, 28, 12, 0))
		admin := func(platform bot.Platform, text string) bot.Request {
			return bot.Request{Platform: platform, UserID: "UADMIN", ChannelID: "C1", Text: "/quiz report" + text}
		}

		if reply := routeWith(rs, bot.Request{Platform: bot.Slack, UserID: "U1", ChannelID: "C1", Text: "/quiz report"}); !strings.Contains(reply.Text, "管理者だけ") || reply.File != nil {
			t.Errorf("/quiz report by a non-admin = %+v", reply)
		}

		// Slack: the workbook goes to the DM with the summary; the channel
		// reply only says so. The season starts on 04-01 in Tokyo: r0 is
		// out, r1–r4 are in.
		reply := routeWith(rs, admin(bot.Slack, ""))
		if !reply.Private || reply.File == nil || !strings.Contains(reply.Text, "DM に送りました") {
			t.Fatalf("/quiz report on Slack = %+v", reply)
		}
		f := reply.File
		if !strings.HasSuffix(f.Name, ".xlsx") || !strings.Contains(f.Comment, "2026-04-01〜2027-03-31・チャンネル C1") ||
			!strings.Contains(f.Comment, "ラウンド 4回") || !strings.Contains(f.Title, "2026-04-01") {
			t.Errorf("file %q titled %q, comment:\n%s", f.Name, f.Title, f.Comment)
		}
		wb, err := excelize.OpenReader(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("the workbook does not open: %v", err)
		}
		if got := wb.GetSheetList(); !slices.Contains(got, "参加者") || !slices.Contains(got, "概要") {
			t.Errorf("sheets = %v", got)
		}
		rows, _ := wb.GetRows("参加者")
		if len(rows) < 2 || !slices.Contains(rows[1], "U2") {
			t.Errorf("参加者 = %v, want U2 (3 right) first", rows)
		}
		wb.Close()

		// A period: the first week of the season only.
		reply = routeWith(rs, admin(bot.Slack, " --from 2026-04-01 --to=2026-04-07"))
		if reply.File == nil || !strings.Contains(reply.File.Comment, "ラウンド 1回") || !strings.Contains(reply.File.Comment, "2026-04-01〜2026-04-07") {
			t.Errorf("/quiz report --from --to = %+v", reply)
		}
		// all channels, or a channel with nothing.
		if reply = routeWith(rs, admin(bot.Slack, " all")); reply.File == nil || !strings.Contains(reply.File.Comment, "全チャンネル") {
			t.Errorf("/quiz report all = %+v", reply)
		}
		if reply = routeWith(rs, admin(bot.Slack, " C9")); reply.File != nil || !strings.Contains(reply.Text, "/quiz report all") {
			t.Errorf("/quiz report of an empty channel = %+v", reply)
		}
		for _, bad := range []string{" --from 2026/04/01", " --to", " --since 2026-04-01", " --from 2026-05-01 --to 2026-04-01"} {
			if reply = routeWith(rs, admin(bot.Slack, bad)); reply.File != nil || reply.Text == bot.Apology {
				t.Errorf("/quiz report%s = %+v", bad, reply)
			}
		}

		// The console writes the file itself; the text is the summary.
		reply = routeWith(rs, admin(bot.Shell, ""))
		if reply.File == nil || !strings.Contains(reply.Text, "正解率") {
			t.Errorf("/quiz report at the console = %+v", reply)
		}
		// Teams takes no file: the summary alone, in a personal chat only.
		reply = routeWith(rs, admin(bot.Teams, ""))
		if reply.File != nil || !reply.Private || !strings.Contains(reply.Text, "ラウンド 4回") {
			t.Errorf("/quiz report on Teams = %+v", reply)
		}
		pub := admin(bot.Teams, "")
		pub.PublicReplies = true
		if reply = routeWith(rs, pub); strings.Contains(reply.Text, "ラウンド") {
			t.Errorf("/quiz report in a Teams channel shows HR's figures to everyone: %q", reply.Text)
		}
	})
}
