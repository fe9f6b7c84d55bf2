package postgres

import (
	"context"
	"testing"
	"time"

	"secbot/intake"
	"secbot/quiz/rounds"
	"secbot/report"
	"secbot/schedules"
	"secbot/store/postgres/pgtest"
	"secbot/store/storetest"
)

// The interfaces that store/sqlite's DB serves, served alike.
var (
	_ storetest.Store = (*DB)(nil)
	_ schedules.Store = (*DB)(nil)
	_ intake.Store    = (*DB)(nil)
	_ report.Source   = (*DB)(nil)
	_ rounds.Store    = (*DB)(nil)
	_ rounds.History  = (*DB)(nil)
)

// backend opens scratch databases on the test server (SECBOT_TEST_POSTGRES).
var backend = storetest.Backend{
	Fresh: func(t testing.TB) string { return pgtest.Fresh(t) },
	Open: func(ctx context.Context, url string, now func() time.Time) (storetest.Store, error) {
		db, err := Open(ctx, url)
		if err != nil {
			return nil, err
		}
		db.Now = now
		return db, nil
	},
}

func TestContract(t *testing.T) {
	pgtest.Server(t)
	storetest.Run(t, backend)
}

// BenchmarkClaims measures claim throughput with 8 goroutines on one pool
// of 8 connections (docs/postgres.md has the figures):
//
//	SECBOT_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable \
//	  go test -run '^$' -bench Claims ./store/postgres
func BenchmarkClaims(b *testing.B) {
	pgtest.Server(b)
	be := backend
	be.Fresh = func(t testing.TB) string { return pgtest.Fresh(t) + "&pool_max_conns=8" }
	storetest.BenchClaims(b, be, 8)
}
