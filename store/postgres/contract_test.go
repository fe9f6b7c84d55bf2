package postgres

import (
	"context"
	"testing"
	"time"

	"secbot/store/postgres/pgtest"
	"secbot/store/storetest"
)

var _ storetest.Store = (*DB)(nil)

// backend opens scratch databases on the test server (SECBOT_TEST_POSTGRES).
var backend = storetest.Backend{
	Fresh: func(t *testing.T) string { return pgtest.Fresh(t) },
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
