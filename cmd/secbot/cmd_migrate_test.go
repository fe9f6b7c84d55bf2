package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"secbot/store/postgres/pgtest"
)

func TestMigrateSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secbot.db")
	code, out, errOut := runSecbotCmd(t, map[string]string{"SECBOT_DB": path}, "migrate")
	if code != 0 || !strings.Contains(out, "sqlite "+path+" (a new file): schema version ") {
		t.Fatalf("migrate = %d, %q, %q", code, out, errOut)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	code, out2, errOut := runSecbotCmd(t, map[string]string{"SECBOT_DB": path}, "migrate")
	if code != 0 || strings.Contains(out2, "new file") || !strings.Contains(out2, out[strings.Index(out, "schema version"):]) {
		t.Errorf("migrate again = %d, %q, %q; want the same version", code, out2, errOut)
	}
	if code, _, errOut := runSecbotCmd(t, map[string]string{"SECBOT_DB": filepath.Join(t.TempDir(), "no", "dir", "x.db")}, "migrate"); code != 1 || errOut == "" {
		t.Errorf("migrate in a missing directory = %d, %q; want 1 and a reason", code, errOut)
	}
	if code, _, _ := runSecbotCmd(t, map[string]string{"SECBOT_DB": path}, "migrate", "extra"); code != 2 {
		t.Errorf("migrate extra = %d, want 2 (usage)", code)
	}
}

func TestMigratePostgres(t *testing.T) {
	url := pgtest.Fresh(t)
	vars := map[string]string{"SECBOT_DB": url}
	code, out, errOut := runSecbotCmd(t, vars, "migrate")
	if code != 0 || !strings.HasPrefix(out, "postgres postgres@127.0.0.1:5432/secbot_test_") || !strings.Contains(out, ": applied migrations 1, 2") {
		t.Fatalf("migrate = %d, %q, %q", code, out, errOut)
	}
	code, out, errOut = runSecbotCmd(t, vars, "migrate")
	if code != 0 || !strings.Contains(out, ": up to date; schema version ") {
		t.Errorf("migrate again = %d, %q, %q", code, out, errOut)
	}
}

// TestMigrateUnreachable: a server that does not answer fails the command
// with a message naming where it looked, without the password.
func TestMigrateUnreachable(t *testing.T) {
	url := "postgres://secbot:s3cr%40t-pw@127.0.0.1:1/secbotdb?sslmode=disable&connect_timeout=2"
	code, out, errOut := runSecbotCmd(t, map[string]string{"SECBOT_DB": url}, "migrate")
	if code != 1 || out != "" {
		t.Fatalf("migrate = %d, %q, %q; want exit 1", code, out, errOut)
	}
	if !strings.Contains(errOut, "secbot@127.0.0.1:1/secbotdb") {
		t.Errorf("the error does not say where: %q", errOut)
	}
	if strings.Contains(errOut, "s3cr") {
		t.Errorf("the error shows the password: %q", errOut)
	}
	code, _, errOut = runSecbotCmd(t, map[string]string{"SECBOT_DB": "mysql://u:pw@host/db"}, "migrate")
	if code != 1 || strings.Contains(errOut, "pw") {
		t.Errorf("migrate on another URL = %d, %q", code, errOut)
	}
}
