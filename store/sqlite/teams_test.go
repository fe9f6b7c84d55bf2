package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"secbot/bot/teamsbot"
)

func TestTeamsConversationsAndMembers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "secbot.db")
	db := openTest(t, path)
	if _, err := db.Conversation(ctx, "19:exec@thread.tacv2", false); !errors.Is(err, teamsbot.ErrNotFound) {
		t.Fatalf("empty store: %v", err)
	}
	ch := teamsbot.Conversation{ID: "19:exec@thread.tacv2", ServiceURL: "https://smba.example/jp/", TenantID: "t1",
		Type: teamsbot.Channel, TeamID: "19:general@thread.tacv2", BotID: "28:app", UpdatedAt: t0}
	dm := teamsbot.Conversation{ID: "a:1on1", ServiceURL: "https://smba.example/jp/", TenantID: "t1",
		Type: teamsbot.Personal, BotID: "28:app", UserID: "aad-1", UpdatedAt: t0}
	for _, c := range []teamsbot.Conversation{ch, dm} {
		if err := db.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// The service URL moves (Teams does that): the newest wins.
	ch.ServiceURL = "https://smba.example/apac/"
	if err := db.SaveConversation(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Conversation(ctx, ch.ID, false); err != nil || got != ch {
		t.Errorf("channel: %+v, %v; want %+v", got, err, ch)
	}
	if got, err := db.Conversation(ctx, "aad-1", true); err != nil || got != dm {
		t.Errorf("1:1 of aad-1: %+v, %v", got, err)
	}
	if _, err := db.Conversation(ctx, "aad-2", true); !errors.Is(err, teamsbot.ErrNotFound) {
		t.Errorf("1:1 of a stranger: %v", err)
	}
	m := teamsbot.Member{UserID: "aad-1", TeamsID: "29:u1", Name: "山田", ServiceURL: "https://smba.example/jp/", TenantID: "t1", BotID: "28:app", UpdatedAt: t0}
	if err := db.SaveMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	m.Name = "山田 花子"
	db.SaveMember(ctx, m)
	// A restart keeps them.
	db.Close()
	db = openTest(t, path)
	if got, err := db.Member(ctx, "aad-1"); err != nil || got != m {
		t.Errorf("member: %+v, %v", got, err)
	}
	if _, err := db.Member(ctx, "aad-2"); !errors.Is(err, teamsbot.ErrNotFound) {
		t.Errorf("stranger: %v", err)
	}
}
