package postgres_test

import (
	"context"
	"log"
	"time"

	"secbot/store/postgres"
)

// Open the database of several replicas: each migrates at start, one at a
// time; Ping is the readiness probe.
func ExampleOpen() {
	ctx := context.Background()
	db, err := postgres.Open(ctx, "postgres://secbot@db.internal:5432/secbot?sslmode=verify-full",
		postgres.Timeout(5*time.Second))
	if err != nil {
		log.Fatal(err) // names user@host:port/db, never the password
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		log.Print("not ready: ", err)
	}
}

// An operator's migration before a rollout, as `secbot migrate` does it.
func ExampleDB_Migrate() {
	ctx := context.Background()
	db, err := postgres.Open(ctx, "postgres://secbot@db.internal:5432/secbot?sslmode=verify-full", postgres.NoMigrate())
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("applied %v", applied)
}
