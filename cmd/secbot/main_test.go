package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestFlagsAnywhere: a flag after the query is a flag, not part of the
// query: scripts that write `secbot term ゼロトラスト --json` get JSON.
func TestFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{
		{"term", "--json", "ゼロトラスト"},
		{"term", "ゼロトラスト", "--json"},
		{"term", "ゼロトラスト", "-json=true"},
	} {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: mapEnv(nil)}
		if code := Main(t.Context(), env, args); code != 0 {
			t.Fatalf("%v exited %d: %s", args, code, errb.String())
		}
		var ans struct {
			Query string `json:"query"`
			Kind  string `json:"kind"`
		}
		if err := json.Unmarshal(out.Bytes(), &ans); err != nil || ans.Query != "ゼロトラスト" || ans.Kind != "term" {
			t.Errorf("%v = %q (%v), want the JSON term answer to ゼロトラスト", args, out.String(), err)
		}
	}
	// After "--", a dash is the query's own.
	if got := permuteFlags(newFlags(&Env{Stderr: &bytes.Buffer{}}, "t", ""), []string{"--", "--json"}); strings.Join(got, " ") != "-- --json" {
		t.Errorf("permuteFlags after -- = %v", got)
	}
	// Unknown flags are still usage errors.
	var errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb, Getenv: mapEnv(nil)}
	if code := Main(t.Context(), env, []string{"term", "VPN", "--jsn"}); code != 2 || !strings.Contains(errb.String(), "jsn") {
		t.Errorf("unknown flag exited %d: %s", code, errb.String())
	}
}
