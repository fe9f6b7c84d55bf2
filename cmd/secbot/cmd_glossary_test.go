package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runSecbot runs Main with args and the given environment variables, and
// returns its exit status, standard output and standard error.
func runSecbotCmd(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := &Env{
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(k string) string { return vars[k] },
	}
	code := Main(context.Background(), env, args)
	return code, stdout.String(), stderr.String()
}

func TestGlossaryJSON(t *testing.T) {
	code, out, errOut := runSecbotCmd(t, nil, "glossary", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Exactly these keys, and [] rather than null.
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 82 {
		t.Fatalf("%d terms, want 82", len(raw))
	}
	for _, e := range raw {
		if len(e) != 5 {
			t.Errorf("entry has keys %v, want name, reading, aliases, definition, refs", jsonKeys(e))
		}
		for _, k := range []string{"name", "reading", "aliases", "definition", "refs"} {
			v, ok := e[k]
			if !ok {
				t.Errorf("entry lacks %q", k)
			}
			if string(v) == "null" {
				t.Errorf("%s: %q is null", e["name"], k)
			}
		}
	}
	var terms []glossaryEntry
	if err := json.Unmarshal([]byte(out), &terms); err != nil {
		t.Fatal(err)
	}
	byName := map[string]glossaryEntry{}
	for _, e := range terms {
		byName[e.Name] = e
	}
	if e := byName["CSIRT"]; e.Reading != "シーサート" || len(e.Aliases) != 0 || e.Refs[0] != "2-1-3" {
		t.Errorf("CSIRT = %+v", e)
	}
	if e := byName["ゼロトラスト"]; strings.Join(e.Refs, ",") != "2-2-4,4-1-3" {
		t.Errorf("ゼロトラスト = %+v", e)
	}
	if strings.Contains(out, `\u003c`) || strings.Contains(out, `\u0026`) {
		t.Errorf("HTML escaping in JSON output")
	}
}

func jsonKeys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestGlossaryText(t *testing.T) {
	code, out, errOut := runSecbotCmd(t, nil, "glossary")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"DDoS攻撃（ディードスこうげき）\n",
		"  別名: BEC、ベック\n",
		"  参照: 2-2-4、4-1-3\n",
		"\n82 terms\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestGlossaryWithOperatorPack(t *testing.T) {
	dir := t.TempDir()
	pack := filepath.Join(dir, "company.yaml")
	cfg := filepath.Join(dir, "secbot.yaml")
	write := func(name, s string) {
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(pack, "terms:\n  - name: 社内CSIRT窓口\n    definition: 情報システム部が受け付ける。\n")
	write(cfg, "packs: ["+pack+"]\n")
	code, out, errOut := runSecbotCmd(t, map[string]string{"SECBOT_CONFIG": cfg}, "glossary", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"name": "社内CSIRT窓口"`) {
		t.Errorf("operator term missing")
	}

	// A second definition of a default term names both files.
	write(pack, "terms:\n  - name: VPN\n    definition: 社内の説明。\n")
	code, _, errOut = runSecbotCmd(t, map[string]string{"SECBOT_CONFIG": cfg}, "glossary")
	if code != 1 || !strings.Contains(errOut, "VPN") || !strings.Contains(errOut, "company.yaml") || !strings.Contains(errOut, "glossary.yaml") {
		t.Errorf("duplicate term: exit %d, %q", code, errOut)
	}

	// Malformed YAML names the file and the line.
	write(pack, "terms:\n  - name: X\n    definition: [oops\n")
	code, _, errOut = runSecbotCmd(t, map[string]string{"SECBOT_CONFIG": cfg}, "glossary")
	if code != 1 || !strings.Contains(errOut, "company.yaml") || !strings.Contains(errOut, "line") {
		t.Errorf("malformed pack: exit %d, %q", code, errOut)
	}
}

func TestGlossaryUsage(t *testing.T) {
	if code, _, _ := runSecbotCmd(t, nil, "glossary", "extra"); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if code, _, _ := runSecbotCmd(t, nil, "glossary", "--nope"); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}
