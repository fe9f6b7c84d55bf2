package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"secbot/store/postgres"
	"secbot/store/sqlite"
)

func init() {
	register(command{name: "migrate", summary: "apply the store's migrations to SECBOT_DB (a SQLite file or a postgres:// URL) and exit", run: runMigrate})
}

// runMigrate is `secbot migrate`: it applies the migrations the store lacks
// and prints the schema version. PostgreSQL operators run it before they
// start replicas (which otherwise migrate at start, one at a time).
func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "migrate", "migrate   (SECBOT_DB names the store)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	target := dbPath(env)
	if postgres.IsURL(target) {
		return migratePostgres(ctx, env, target)
	}
	if strings.Contains(target, "://") {
		// Not repeated: a URL may carry a password.
		return errors.New("SECBOT_DB: a SQLite file path or a postgres:// URL is expected")
	}
	_, statErr := os.Stat(target)
	db, err := sqlite.Open(target)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	created := ""
	if errors.Is(statErr, os.ErrNotExist) {
		created = " (a new file)"
	}
	fmt.Fprintf(env.Stdout, "sqlite %s%s: schema version %d\n", target, created, v)
	return nil
}

func migratePostgres(ctx context.Context, env *Env, url string) error {
	db, err := postgres.Open(ctx, url, postgres.NoMigrate())
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	done := "up to date"
	if len(applied) > 0 {
		vs := make([]string, len(applied))
		for i, a := range applied {
			vs[i] = strconv.Itoa(a)
		}
		done = "applied migration " + strings.Join(vs, ", ")
		if len(applied) > 1 {
			done = "applied migrations " + strings.Join(vs, ", ")
		}
	}
	fmt.Fprintf(env.Stdout, "postgres %s: %s; schema version %d\n", postgres.Describe(url), done, v)
	return nil
}
