package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	teamsapp "secbot/deploy/teams"
)

func init() {
	register(command{name: "teams", summary: "Teams bot tools: `teams package --out FILE.zip` builds the app upload package from TEAMS_APP_ID", run: runTeams})
}

// runTeams is `secbot teams package --out FILE.zip [--version V]
// [--website URL] [--domain HOST]`: the Teams app package (manifest.json
// filled from TEAMS_APP_ID, color.png, outline.png) of deploy/teams.
func runTeams(ctx context.Context, env *Env, args []string) error {
	const usageLine = "teams package --out FILE.zip [--version 1.0.0] [--website https://…] [--domain HOST]"
	if len(args) == 0 || args[0] != "package" {
		fmt.Fprintf(env.Stderr, "usage: secbot %s\n", usageLine)
		return errUsage
	}
	fs := newFlags(env, "teams package", usageLine)
	out := fs.String("out", "", "write the package to `FILE` (a .zip)")
	version := fs.String("version", "1.0.0", "the app `version`; raise it for each upload that changes the manifest")
	website := fs.String("website", "", "the developer `URL` (https) shown in the app details")
	domain := fs.String("domain", "", "the bot's public `HOST`, listed as a valid domain")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	appID := strings.TrimSpace(env.Getenv("TEAMS_APP_ID"))
	if appID == "" {
		return errors.New("TEAMS_APP_ID is not set: it is the Microsoft app id of the bot (Azure Bot resource or Teams Developer Portal)")
	}
	opt := teamsapp.Options{AppID: appID, Version: *version, Website: *website}
	if *domain != "" {
		opt.Domains = []string{*domain}
	}
	var b bytes.Buffer
	if err := teamsapp.Write(&b, opt); err != nil {
		return err
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: manifest.json (app %s, version %s), color.png, outline.png\n", *out, appID, *version)
	return nil
}
