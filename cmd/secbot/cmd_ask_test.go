package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAskJSON(t *testing.T) {
	tests := []struct{ question, kind, first string }{
		{"2025年の崖って何？", "passage", "4-2-2"},
		{"What is EDR?", "term", ""},
		{"有給休暇", "none", ""},
	}
	for _, tt := range tests {
		code, out, errOut := runAnswerCmd(t, "", "ask", "--json", tt.question)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.question, code, errOut)
		}
		var a struct {
			Kind     string
			Passages []struct{ Section, Title, Text string }
		}
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatal(err)
		}
		if a.Kind != tt.kind || tt.first != "" && (len(a.Passages) == 0 || a.Passages[0].Section != tt.first) {
			t.Errorf("ask %q = %s", tt.question, out)
		}
		for _, p := range a.Passages {
			if p.Title == "" || p.Text == "" {
				t.Errorf("ask %q: passage without title or text: %+v", tt.question, p)
			}
		}
	}
}

func TestAskHumanAndBatch(t *testing.T) {
	code, out, _ := runAnswerCmd(t, "", "ask", "善管注意義務とは")
	if code != 0 || !strings.HasPrefix(out, "【4-3-2 ") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	code, out, _ = runAnswerCmd(t, "ゼロトラストって何？\n寿司\n", "ask", "--json")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 2 {
		t.Errorf("exit %d, want 2 lines:\n%s", code, out)
	}
}
