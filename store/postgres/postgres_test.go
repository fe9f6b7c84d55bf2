package postgres

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"secbot/store/postgres/pgtest"
)

// TestOpenErrorsHidePassword: a failed Open says where it looked (user,
// host, database) and never the password, however the URL is written.
func TestOpenErrorsHidePassword(t *testing.T) {
	for _, c := range []struct{ url, where string }{
		{"postgres://secbot:Sup3r%40Secret@127.0.0.1:1/secbotdb?sslmode=disable", "secbot@127.0.0.1:1/secbotdb"},
		{"postgresql://secbot:Sup3rSecret@127.0.0.1:1/secbotdb?sslmode=disable&pool_max_conns=nope", "invalid database URL"},
		{"postgres://secbot@127.0.0.1:1/secbotdb?password=Sup3rSecret&sslmode=bogus", "invalid database URL"},
		{"host=127.0.0.1 port=1 user=secbot dbname=secbotdb password=Sup3rSecret sslmode=disable", "secbot@127.0.0.1:1/secbotdb"},
	} {
		_, err := Open(context.Background(), c.url)
		if err == nil {
			t.Errorf("Open(%s) succeeded", c.where)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.where) {
			t.Errorf("error %q does not say %q", msg, c.where)
		}
		if strings.Contains(msg, "Sup3r") {
			t.Errorf("error shows the password: %q", msg)
		}
	}
	if got := Describe("postgres://secbot:pw@db.example:6432/secbot?sslmode=require"); got != "secbot@db.example:6432/secbot" {
		t.Errorf("Describe = %q", got)
	}
}

// TestMigrationsMirrorSQLite: every SQLite migration has a PostgreSQL twin
// with the same number, so Version means the same schema in both stores.
func TestMigrationsMirrorSQLite(t *testing.T) {
	files, err := migrationFiles()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range files {
		have[f.name[:3]] = true
	}
	lite, err := filepath.Glob("../sqlite/migrations/*.sql")
	if err != nil || len(lite) == 0 {
		t.Fatalf("no SQLite migrations found: %v", err)
	}
	for _, l := range lite {
		if base := filepath.Base(l); !have[base[:3]] {
			t.Errorf("SQLite migration %s has no PostgreSQL twin in migrations/", base)
		}
	}
	if len(files) != len(lite) {
		t.Errorf("%d PostgreSQL migrations, %d SQLite ones", len(files), len(lite))
	}
}

// TestMigrateOnceUnderLock: openers racing on a new database each find the
// work done or do it, never twice (schema_version has one row a file), and
// Migrate afterwards applies nothing.
func TestMigrateOnceUnderLock(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Fresh(t)
	var wg sync.WaitGroup
	applied := make([][]int, 3)
	for i := range applied {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(ctx, url, NoMigrate())
			if err != nil {
				t.Error(err)
				return
			}
			defer db.Close()
			if applied[i], err = db.Migrate(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	files, _ := migrationFiles()
	total := 0
	for _, a := range applied {
		total += len(a)
	}
	if total != len(files) {
		t.Errorf("applied %v, want %d migrations in all", applied, len(files))
	}
	db, err := Open(ctx, url, NoMigrate())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM schema_version`).Scan(&rows); err != nil || rows != len(files) {
		t.Errorf("schema_version rows = %d, %v; want %d", rows, err, len(files))
	}
	if a, err := db.Migrate(ctx); err != nil || len(a) != 0 {
		t.Errorf("Migrate on a current schema = %v, %v", a, err)
	}
	if v, err := db.Version(ctx); err != nil || v != files[len(files)-1].version {
		t.Errorf("Version = %d, %v", v, err)
	}
}

// TestOpenWithoutMigrating: NoMigrate leaves a new database empty
// (version 0), for `secbot migrate` to fill.
func TestOpenWithoutMigrating(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, pgtest.Fresh(t), NoMigrate())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.Version(ctx); v != 0 || err != nil {
		t.Errorf("Version = %d, %v; want 0", v, err)
	}
	if _, err := db.InboxDepth(ctx); err == nil {
		t.Error("InboxDepth on an unmigrated database succeeded")
	}
}
