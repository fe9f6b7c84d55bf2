package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// runAnswerCmd runs secbot with args and stdin, as a user would.
func runAnswerCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }}
	code = Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// answerJSONKeys returns the keys of a JSON object, sorted.
func answerJSONKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %s", raw)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestTermJSONContract(t *testing.T) {
	code, out, errOut := runAnswerCmd(t, "", "term", "--json", "ゼロトラストとは")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one line, got %q", out)
	}
	raw := json.RawMessage(out)
	if got, want := answerJSONKeys(t, raw), []string{"kind", "passages", "query", "suggestions", "term"}; !slices.Equal(got, want) {
		t.Errorf("answer keys = %q, want %q", got, want)
	}
	var ans struct {
		Query, Kind string
		Term        json.RawMessage
		Passages    []any
		Suggestions []string
	}
	json.Unmarshal(raw, &ans)
	if got, want := answerJSONKeys(t, ans.Term), []string{"aliases", "definition", "name", "reading", "refs"}; !slices.Equal(got, want) {
		t.Errorf("term keys = %q, want %q", got, want)
	}
	if ans.Query != "ゼロトラストとは" || ans.Kind != "term" || !strings.Contains(string(ans.Term), `"name":"ゼロトラスト"`) {
		t.Errorf("answer = %s", out)
	}
	if strings.Contains(out, "null") {
		t.Errorf("null in %s: lists must be []", out)
	}
}

func TestTermHuman(t *testing.T) {
	code, out, _ := runAnswerCmd(t, "", "term", "シーサート")
	if code != 0 || !strings.HasPrefix(out, "■ CSIRT（シーサート）\n") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	code, out, _ = runAnswerCmd(t, "", "term", "寿司")
	if code != 0 || !strings.Contains(out, "見つかりませんでした") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

func TestTermBatch(t *testing.T) {
	long := strings.Repeat("あ", 201)
	in := "ゼロトラスト\n寿司\n" + long + "\n\nwhat is edr?" // no final newline
	code, out, errOut := runAnswerCmd(t, in, "term", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 answers, one per input line, got %d:\n%s", len(lines), out)
	}
	var kinds []string
	for _, l := range lines {
		var a struct{ Kind string }
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		kinds = append(kinds, a.Kind)
	}
	if want := []string{"term", "none", "none", "none", "term"}; !slices.Equal(kinds, want) {
		t.Errorf("kinds = %q, want %q", kinds, want)
	}
	if !strings.Contains(errOut, "line 3: query is longer than 200 characters") || !strings.Contains(errOut, "line 4: query is empty") {
		t.Errorf("stderr = %q, want the refused lines named", errOut)
	}
}

func TestTermBatchHuman(t *testing.T) {
	code, out, _ := runAnswerCmd(t, "VPN\nWAF\n", "term")
	blocks := strings.Split(strings.TrimSpace(out), "\n\n")
	if code != 0 || len(blocks) != 2 || !strings.HasPrefix(blocks[0], "■ VPN") || !strings.HasPrefix(blocks[1], "■ WAF") {
		t.Errorf("exit %d, want two blocks:\n%s", code, out)
	}
}

func TestTermRefusesBadQuery(t *testing.T) {
	tests := []struct {
		name, query, stderr string
		code                int
	}{
		{"too long", strings.Repeat("x", 201), "longer than 200 characters", 1},
		{"control characters", "ゼロ\x07トラスト", "control characters", 1},
		{"empty", " ", "usage: secbot term", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runAnswerCmd(t, "", "term", "--json", tt.query)
			if code != tt.code || out != "" || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errOut, tt.code, tt.stderr)
			}
		})
	}
}
