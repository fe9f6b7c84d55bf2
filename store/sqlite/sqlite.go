// Package sqlite is secbot's default store: one SQLite file (SECBOT_DB),
// pure Go (modernc.org/sqlite), created on first run and migrated with the
// versioned migrations embedded from migrations/.
//
// It keeps everything a restart needs: scheduling claims (what was posted
// where), the tip log, DM subscriptions, quiz rounds and answers. Several
// processes may share one file: the file is in WAL mode with a busy
// timeout, every write is one statement or an immediate transaction, and
// the uniqueness that matters (a claim's job, key and slot; a person's
// answer to a round; one open round a channel) is enforced by the schema.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open secbot database.
type DB struct {
	db *sql.DB
	// wmu lets one write of this process at a time reach SQLite, which
	// takes one writer anyway: the others wait here, in order, instead of
	// polling the busy handler (which sleeps up to 100 ms a turn and made a
	// burst of quiz clicks wait a second for their ack). Other processes on
	// the same file still wait through busy_timeout.
	wmu sync.Mutex
	// Now returns the current time; tests set it. Defaults to time.Now.
	Now func() time.Time
}

// Open opens the database at path, creating it and applying any pending
// migrations.
func Open(path string) (_ *DB, err error) {
	defer wrap(&err, "open %s", path)
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("invalid database path (it must be a file name without ? or #)")
	}
	// busy_timeout makes concurrent writers wait rather than fail; immediate
	// transactions take the write lock up front, so read-then-write
	// transactions cannot deadlock into SQLITE_BUSY.
	dsn := path + "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=1&_synchronous=NORMAL&_txlock=immediate"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{db: sdb, Now: time.Now}
	if err := db.migrate(context.Background()); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// migrate applies the embedded migrations not yet recorded in schema_version,
// each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	// Processes starting together on a new file can find it busy without
	// the busy timeout being consulted (one switches it to WAL while another
	// opens it): the first statement, which opens a connection, is retried.
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		_, err := db.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`)
		if err == nil {
			break
		}
		if !isBusy(err) || wait > 2*time.Second {
			return fmt.Errorf("create schema_version: %w", err)
		}
		time.Sleep(wait)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("migration %s: name must start with its version number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := db.tx(ctx, func(tx *sql.Tx) error {
			var n int
			// Checked inside the (immediate) transaction: two processes
			// starting at once apply each migration once.
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_version WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`, version, db.now())
			return err
		}); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// Version returns the schema version the database is at.
func (db *DB) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v)
	return int(v.Int64), err
}

// exec runs one write statement.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	return db.db.ExecContext(ctx, query, args...)
}

// tx runs f in an immediate transaction, committing when it returns nil.
func (db *DB) tx(ctx context.Context, f func(*sql.Tx) error) error {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// now is the current time in Unix milliseconds.
func (db *DB) now() int64 {
	if db.Now == nil {
		return time.Now().UnixMilli()
	}
	return db.Now().UnixMilli()
}

// ms converts a time to the stored form (Unix milliseconds; 0 for zero).
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts a stored time back (UTC; the zero time for 0).
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// isConstraint reports whether err is a uniqueness or key violation.
func isConstraint(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

// isBusy reports whether err is SQLITE_BUSY (of any kind).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// wrap prefixes *errp with context, once, at the top of a function.
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("sqlite: "+format+": %w", append(args, *errp)...)
	}
}
