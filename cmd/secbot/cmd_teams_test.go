package main

import (
	"archive/zip"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestTeamsPackage(t *testing.T) {
	const appID = "8d2f6c1e-0b7a-4c3e-9f11-2a5b6c7d8e9f"
	out := filepath.Join(t.TempDir(), "secbot.zip")
	code, stdout, stderr := runSecbotCmd(t, map[string]string{"TEAMS_APP_ID": appID}, "teams", "package", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, out) {
		t.Errorf("stdout %q", stdout)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "manifest.json" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if strings.Count(string(b), appID) != 3 {
				t.Errorf("manifest does not name the app id three times (app, bot, compose extension):\n%s", b)
			}
		}
	}
	if strings.Join(names, ",") != "manifest.json,color.png,outline.png" {
		t.Errorf("package holds %v", names)
	}

	if code, _, stderr := runSecbotCmd(t, nil, "teams", "package", "--out", out); code != 1 || !strings.Contains(stderr, "TEAMS_APP_ID") {
		t.Errorf("without TEAMS_APP_ID: exit %d, %q", code, stderr)
	}
	if code, _, _ := runSecbotCmd(t, map[string]string{"TEAMS_APP_ID": appID}, "teams", "package"); code != 2 {
		t.Errorf("without --out: exit %d, want 2", code)
	}
	if code, _, _ := runSecbotCmd(t, nil, "teams"); code != 2 {
		t.Errorf("no subcommand: exit %d, want 2", code)
	}
}
