package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"secbot/bot"
	"secbot/bot/teamsbot"
	"secbot/intake"
	"secbot/quiz/practice"
	"secbot/quiz/rounds"
	"secbot/report"
	"secbot/schedules"
	"secbot/store/postgres"
	"secbot/store/sqlite"
)

// Store is everything a running secbot keeps: store/sqlite (a file) and
// store/postgres (several replicas) implement it.
type Store interface {
	schedules.Store
	rounds.Store
	rounds.History
	practice.Store
	intake.Store
	bot.Subscriptions
	teamsbot.Store
	report.Source
	bot.GapStore
	// Version is the schema version; /healthz asks it.
	Version(ctx context.Context) (int, error)
	Close() error
}

var (
	_ Store = (*sqlite.DB)(nil)
	_ Store = (*postgres.DB)(nil)
)

// openStoreAt opens the store at path: a postgres:// URL (migrated under
// an advisory lock, one replica at a time), or a SQLite file, created on
// first run. A URL is never repeated in a message: it may carry a password.
func openStoreAt(path string) (Store, error) {
	if postgres.IsURL(path) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return postgres.Open(ctx, path)
	}
	if strings.Contains(path, "://") {
		return nil, errors.New("SECBOT_DB: a URL must start with postgres:// (or postgresql://); anything else is a SQLite file path")
	}
	if err := checkDBPath(path); err != nil {
		return nil, err
	}
	return sqlite.Open(path)
}

// readStore is what exports, reports and plans read.
type readStore interface {
	report.Source
	rounds.History
	bot.GapStore
	Close() error
}

// openStoreReadOnly opens SECBOT_DB for reading: exports and reports never
// create, migrate nor lock a SQLite file for writing (on PostgreSQL, give
// the operator's role read-only rights if that matters).
func openStoreReadOnly(env *Env) (readStore, error) {
	path := dbPath(env)
	if postgres.IsURL(path) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return postgres.Open(ctx, path, postgres.NoMigrate())
	}
	if strings.Contains(path, "://") {
		return nil, errors.New("SECBOT_DB: a URL must start with postgres:// (or postgresql://); anything else is a SQLite file path")
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s (set SECBOT_DB to the file secbot run uses)", path)
	}
	return sqlite.OpenReadOnly(path)
}

// checkDBPath says what is wrong with a SQLite path before SQLite does (its
// own message is "unable to open database file (14)"), and what to do.
func checkDBPath(path string) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return fmt.Errorf("SECBOT_DB=%s is a directory: point it at a file inside it, for example %s", path, filepath.Join(path, DefaultDBPath))
	case err == nil && !st.Mode().IsRegular():
		return fmt.Errorf("SECBOT_DB=%s is not a regular file: point it at a SQLite database file", path)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("SECBOT_DB=%s: %v", path, err)
	}
	dir := filepath.Dir(path)
	dst, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("SECBOT_DB=%s: the folder %s does not exist: create it (mkdir -p %s) or point SECBOT_DB at a file in an existing folder", path, dir, dir)
	case err != nil:
		return fmt.Errorf("SECBOT_DB=%s: %v", path, err)
	case !dst.IsDir():
		return fmt.Errorf("SECBOT_DB=%s: %s is not a folder", path, dir)
	}
	// SQLite writes the database and its journal (-wal, -shm) beside it:
	// the folder must be writable, not only the file.
	f, err := os.CreateTemp(dir, ".secbot-write-check-*")
	if err != nil {
		return fmt.Errorf("SECBOT_DB=%s: secbot cannot create files in %s (SQLite keeps its journal beside the database): make the folder writable by the user secbot runs as, or point SECBOT_DB elsewhere", path, dir)
	}
	f.Close()
	os.Remove(f.Name())
	if st != nil {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("SECBOT_DB=%s: the database file is not writable by the user secbot runs as (%v): fix its owner or mode", path, errors.Unwrap(err))
		}
		f.Close()
	}
	return nil
}
