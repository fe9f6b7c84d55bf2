package slack

import (
	"strings"
	"testing"
)

// TestNewRefusesIncompleteConfig: a missing router or token is an error
// the caller can report, not a panic.
func TestNewRefusesIncompleteConfig(t *testing.T) {
	if _, err := New(Config{BotToken: "xoxb-test"}); err == nil || !strings.Contains(err.Error(), "Router") {
		t.Errorf("New without Router = %v", err)
	}
	if _, err := New(Config{Router: &recordingRouter{}}); err == nil || !strings.Contains(err.Error(), "token") {
		t.Errorf("New without BotToken = %v", err)
	}
}
