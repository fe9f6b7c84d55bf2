// Package pgtest makes scratch PostgreSQL databases for tests, on the server
// that SECBOT_TEST_POSTGRES names (.ci/run sets it; see docs/postgres.md):
//
//	url := pgtest.Fresh(t) // a new database, dropped when t ends
//	db, err := postgres.Open(ctx, url)
//
// Without SECBOT_TEST_POSTGRES the tests that need a server are skipped,
// with a message that says so.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the variable naming the test server, a URL with a database that
// the user can connect to and the right to create databases, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const Env = "SECBOT_TEST_POSTGRES"

// Server returns the test server's URL, or skips t when Env is not set.
func Server(t testing.TB) string {
	t.Helper()
	// Only cmd/secbot reads the environment for secbot itself; the server a
	// test runs against is the test runner's to choose.
	u := os.Getenv(Env)
	if u == "" {
		t.Skipf("%s is not set: no PostgreSQL server to test against (.ci/run sets it; e.g. %s=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)", Env, Env)
	}
	return u
}

// Fresh creates a new, empty database (secbot_test_<random>) on the test
// server and returns its URL; the database is dropped when t ends. It skips
// t when Env is not set.
func Fresh(t testing.TB) string {
	t.Helper()
	server := Server(t)
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", Env)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "secbot_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to the test server (%s): %v", Env, err)
	}
	defer conn.Close(ctx)
	// template0: nobody is ever connected to it, so creating databases
	// never waits for another session to leave the template.
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE template0`); err != nil {
		t.Fatalf("create the scratch database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
