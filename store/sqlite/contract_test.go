package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"secbot/store/storetest"
)

var _ storetest.Store = (*DB)(nil)

// backend opens temporary files.
var backend = storetest.Backend{
	Fresh: func(t testing.TB) string { return filepath.Join(t.TempDir(), "secbot.db") },
	Open: func(ctx context.Context, path string, now func() time.Time) (storetest.Store, error) {
		db, err := Open(path)
		if err != nil {
			return nil, err
		}
		db.Now = now
		return db, nil
	},
}

// TestContract runs the contract every store keeps (store/storetest).
func TestContract(t *testing.T) { storetest.Run(t, backend) }

// BenchmarkClaims: go test -run '^$' -bench Claims ./store/sqlite
func BenchmarkClaims(b *testing.B) { storetest.BenchClaims(b, backend, 8) }
