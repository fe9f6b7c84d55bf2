package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"secbot/store/storetest"
)

var _ storetest.Store = (*DB)(nil)

// TestContract runs the contract every store keeps (store/storetest), on
// temporary files.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		Fresh: func(t *testing.T) string { return filepath.Join(t.TempDir(), "secbot.db") },
		Open: func(ctx context.Context, path string, now func() time.Time) (storetest.Store, error) {
			db, err := Open(path)
			if err != nil {
				return nil, err
			}
			db.Now = now
			return db, nil
		},
	})
}
