package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"secbot/store/sqlite"
)

// openStore opens the store SECBOT_DB names, or DefaultDBPath.
func openStore(env *Env) (*sqlite.DB, error) {
	return openStoreAt(dbPath(env))
}

// openStoreAt opens the store at path (a SQLite file; created on first
// run). The PostgreSQL store plugs in here: a postgres:// URL is refused by
// this build without being repeated (it may carry a password).
func openStoreAt(path string) (*sqlite.DB, error) {
	if strings.Contains(path, "://") {
		// PostgreSQL: store/postgres.Open(ctx, path) goes here once it exists.
		return nil, errors.New("SECBOT_DB: only SQLite file paths are supported by this version (PostgreSQL URLs are not)")
	}
	if err := checkDBPath(path); err != nil {
		return nil, err
	}
	return sqlite.Open(path)
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
