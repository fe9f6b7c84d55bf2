package teamsbot_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"secbot/bot"
	"secbot/bot/teams"
	"secbot/bot/teamsbot"
)

// Example shows how secbot run wires the bot: the Router answers, the
// Inbox keeps activities before they are acknowledged, the Store (the
// SQLite DB) remembers conversations; the Bot serves /api/messages and
// posts scheduled tips and rounds, falling back to Workflows for channels
// it is not in.
func Example() {
	var (
		router *bot.Router      // bot.NewRouter() with its handlers
		inbox  teamsbot.Inbox   // the durable inbox
		store  teamsbot.Store   // *sqlite.DB
		flows  *teams.Workflows // teams.NewWorkflows(cfg.Teams.Workflows, nil)
	)
	b, err := teamsbot.New(teamsbot.Config{
		AppID:       os.Getenv("TEAMS_APP_ID"),
		AppPassword: os.Getenv("TEAMS_APP_PASSWORD"),
		TenantID:    os.Getenv("TEAMS_TENANT_ID"),
		OpenIDURL:   os.Getenv("TEAMS_OPENID_URL"),
		TokenURL:    os.Getenv("TEAMS_TOKEN_URL"),
		Router:      router,
		Inbox:       inbox,
		Store:       store,
		// teams.channels of the config, inverted: Teams channel id → "teams:NAME".
		Channels: map[string]string{"19:abc@thread.tacv2": "teams:exec"},
	})
	if err != nil {
		log.Print(err) // names what is missing
		return
	}
	mux := http.NewServeMux()
	b.Register(mux)
	var poster bot.Poster = b.Or(flows) // for the "teams:" channels of the scheduler
	var dm bot.DirectPoster = b         // for the Teams subscribers' digest
	_, _ = poster, dm
	// The inbox worker runs again the items of kind teamsbot.Kind that
	// were kept but not done when the process stopped.
	_ = b.Process(context.Background(), []byte(`{"type":"message","id":"…"}`))
	defer b.Shutdown(context.Background())
}
