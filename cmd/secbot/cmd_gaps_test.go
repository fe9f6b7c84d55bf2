package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestGapsFromTheConsole: questions the console could not answer are
// recorded (the folded text only), and `secbot gaps --json` lists them,
// the most asked first; /term gaps is for admins (the console's person is
// one).
func TestGapsFromTheConsole(t *testing.T) {
	env := cleanEnv(t)
	cmd := exec.Command(secbotBinary(t))
	cmd.Env = env
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader("経費精算の締め日はいつ？\n/term 寿司\n経費精算の締め日はいつ？\n/term ゼロトラスト\n/term gaps\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("console: %v", err)
	}
	if !strings.Contains(string(out), "過去30日に答えられなかった質問") || !strings.Contains(string(out), "経費精算の締め日はいつ（2回）") {
		t.Errorf("/term gaps at the console:\n%s", out)
	}
	var db string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "SECBOT_DB="); ok {
			db = v
		}
	}
	code, stdout, stderr := runSecbotCmd(t, map[string]string{"SECBOT_DB": db}, "gaps", "--json")
	if code != 0 {
		t.Fatalf("secbot gaps --json: %d %s", code, stderr)
	}
	var r struct {
		Unanswered []struct {
			Text  string `json:"text"`
			Count int    `json:"count"`
		} `json:"unanswered"`
		LeastHelpful []json.RawMessage `json:"least_helpful"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(r.Unanswered) != 2 || r.Unanswered[0].Count != 2 || r.Unanswered[1].Text != "寿司" || r.LeastHelpful == nil {
		t.Errorf("secbot gaps --json = %s", stdout)
	}
}
