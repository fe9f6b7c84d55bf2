package teamsbot

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"secbot/bot"
	"secbot/knowledge"
	"secbot/quiz"
	"secbot/quiz/rounds"
	"secbot/report"
	"secbot/retry"
	"secbot/store/sqlite"
)

// teachExec has the bot hear a message in the exec channel (of the team
// 19:general@thread.tacv2), as it must before it can post there, and
// drains the reply.
func teachExec(t *testing.T, h *harness) {
	t.Helper()
	if status, _ := h.send(t, h.channelMessage("act-teach-"+t.Name(), "hi"), ""); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	h.bf.wait(t)
	h.bot.wg.Wait()
}

// TestMembersCountsTheTeamRosterPageByPage: a channel's count is its
// team's roster, read through pagedmembers with the app token, following
// continuationToken to the last page.
func TestMembersCountsTheTeamRosterPageByPage(t *testing.T) {
	h := newHarness(t, nil)
	teachExec(t, h)
	h.bf.rosters["19:general@thread.tacv2"] = roster(1234)
	n, err := h.bot.Members(context.Background(), "teams:exec")
	if err != nil || n != 1234 {
		t.Fatalf("Members = %d, %v; want 1234", n, err)
	}
	var tokens []string
	for range 3 { // 500 + 500 + 234
		c := h.bf.wait(t)
		if c.Method != http.MethodGet || c.Path != "/v3/conversations/19:general@thread.tacv2/pagedmembers" {
			t.Errorf("call %s %s", c.Method, c.Path)
		}
		if c.Query.Get("pageSize") != "500" || !strings.HasPrefix(c.Auth, "Bearer tok-") {
			t.Errorf("query %v, auth %q", c.Query, c.Auth)
		}
		tokens = append(tokens, c.Query.Get("continuationToken"))
	}
	h.bf.none(t)
	if tokens[0] != "" || tokens[1] == "" || tokens[2] == "" || tokens[1] == tokens[2] {
		t.Errorf("continuation tokens %q", tokens)
	}
}

// TestMembersOfAChat: a group chat has no team: its own members count.
func TestMembersOfAChat(t *testing.T) {
	h := newHarness(t, nil)
	h.store.SaveConversation(context.Background(), Conversation{ID: "19:chat-1@thread.v2", ServiceURL: h.bf.srv.URL + "/",
		Type: GroupChat, TenantID: "tenant-1"})
	h.bf.rosters["19:chat-1@thread.v2"] = roster(3)
	n, err := h.bot.Members(context.Background(), "19:chat-1@thread.v2")
	if err != nil || n != 3 {
		t.Fatalf("Members = %d, %v; want 3", n, err)
	}
	if c := h.bf.wait(t); c.Path != "/v3/conversations/19:chat-1@thread.v2/pagedmembers" {
		t.Errorf("asked %s", c.Path)
	}
}

// TestMembersFailuresAreErrors: whatever goes wrong, Members says so (the
// round then leaves the count unknown), and within MembersTimeout.
func TestMembersFailuresAreErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("no conversation", func(t *testing.T) {
		h := newHarness(t, nil)
		if _, err := h.bot.Members(ctx, "teams:exec"); !errors.Is(err, ErrNoConversation) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("roster refused", func(t *testing.T) {
		h := newHarness(t, nil)
		teachExec(t, h) // no roster for the team: 404
		if _, err := h.bot.Members(ctx, "teams:exec"); !errors.Is(err, bot.ErrPermanent) || !strings.Contains(err.Error(), "404") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("server errors", func(t *testing.T) {
		h := newHarness(t, nil)
		teachExec(t, h)
		h.bf.rosters["19:general@thread.tacv2"] = roster(10)
		h.bf.fail = []int{500, 502, 503, 500}
		if _, err := h.bot.Members(ctx, "teams:exec"); err == nil || !strings.Contains(err.Error(), "after 4 tries") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("pages that never end", func(t *testing.T) {
		h := newHarness(t, nil)
		teachExec(t, h)
		h.bf.rosters["19:general@thread.tacv2"] = roster(maxMemberPages + 1)
		h.bf.memberPage = 1
		if _, err := h.bot.Members(ctx, "teams:exec"); !errors.Is(err, errMemberPages) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		h := newHarness(t, func(c *Config) {
			c.Sleep = retry.Sleep // a real wait, cut by the timeout
			c.MembersTimeout = 200 * time.Millisecond
		})
		teachExec(t, h)
		h.bf.rosters["19:general@thread.tacv2"] = roster(10)
		h.bf.fail = []int{429}
		h.bf.retryAfter = "30"
		start := time.Now()
		_, err := h.bot.Members(ctx, "teams:exec")
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Errorf("err = %v after %s", err, time.Since(start))
		}
	})
	t.Run("through a workflow", func(t *testing.T) {
		h := newHarness(t, nil)
		p := h.bot.Or(&recordPoster{}).(bot.MemberCounter)
		if n, err := p.Members(ctx, "teams:other"); n != 0 || err != nil {
			t.Errorf("Members through a workflow = %d, %v; want 0 (unknown), nil", n, err)
		}
	})
}

// TestTeamsRoundMembersReachTheReport: end to end, a round the bot posts
// in a channel keeps the team's member count in the store, and the HR
// report divides by it; a round posted through a workflow keeps none.
func TestTeamsRoundMembersReachTheReport(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "secbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC) // a Monday
	db.Now = func() time.Time { return now }
	h := newHarness(t, func(c *Config) { c.Store = db })
	teachExec(t, h)
	h.bf.rosters["19:general@thread.tacv2"] = roster(730)
	pack, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	workflow := &recordPoster{}
	rs, err := rounds.New(rounds.Config{Pack: pack, Store: db, Location: time.UTC, Now: func() time.Time { return now },
		Posters: func(string) (bot.Poster, error) { return h.bot.Or(workflow), nil }, Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close(ctx) })
	for _, ch := range []string{"teams:exec", "teams:other"} {
		if _, err := rs.OpenScheduled(ctx, ch, now, bot.PostTag{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(workflow.channels) != 1 {
		t.Fatalf("workflow posts %v", workflow.channels)
	}
	exec, other := rs.ScheduledID("teams:exec", now), rs.ScheduledID("teams:other", now)
	got, err := db.RoundMembers(ctx, quiz.Filter{})
	if err != nil || got[exec] != 730 || got[other] != 0 {
		t.Fatalf("RoundMembers = %v, %v; want %s: 730 and nothing for %s", got, err, exec, other)
	}
	// One person answers in exec: 1 of 730.
	if _, _, err := db.AddAnswer(ctx, quiz.Answer{RoundID: exec, Channel: "teams:exec", UserID: "aad-user-1", UserName: "山田 花子", Choice: 0, At: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	rep, err := report.Make(ctx, db, report.Query{Location: time.UTC, Now: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]int{}
	for _, w := range rep.Weeks {
		members[w.Channel] = w.Members
		if w.Channel == "teams:exec" {
			if rate, ok := w.Participation(); !ok || rate != 1.0/730 {
				t.Errorf("exec participation %v, %v; want 1/730", rate, ok)
			}
		}
	}
	if members["teams:exec"] != 730 || members["teams:other"] != 0 {
		t.Errorf("report members %v; want teams:exec 730, teams:other unknown", members)
	}
}
