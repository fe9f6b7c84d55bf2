package schedules

import (
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec string
		from string // RFC3339
		want string // RFC3339 of the next activation; "" when the spec is refused
	}{
		{"0 9 * * 1-5", "2026-11-27T09:00:00+09:00", "2026-11-30T09:00:00+09:00"}, // Friday 9:00 → Monday
		{"0 9 * * 1-5", "2026-11-26T08:59:00+09:00", "2026-11-26T09:00:00+09:00"},
		{"0 10 * * 1", "2026-11-27T00:00:00Z", "2026-11-30T10:00:00+09:00"},
		{"@daily", "2026-11-27T12:00:00+09:00", "2026-11-28T00:00:00+09:00"},
		{"", "", ""},
		{"0 9 * *", "", ""},          // 4 fields
		{"0 25 * * *", "", ""},       // hour out of range
		{"0 0 30 2 *", "", ""},       // never fires
		{"TZ=UTC 0 9 * * *", "", ""}, // timezone belongs in the config
		{"0 9 * * 1-5 extra", "", ""},
		{"*/0 * * * *", "", ""}, // zero step: robfig/cron panics on some of these
		{"0-/ * * * *", "", ""},
		{"@every 1h", "", ""}, // slots relative to "now" could not be claimed once
		{"@hourly", "2026-11-27T09:30:00+09:00", "2026-11-27T10:00:00+09:00"},
	}
	for _, tt := range tests {
		s, err := ParseSpec(tt.spec, tokyo)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseSpec(%q) = ok, want an error", tt.spec)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tt.spec, err)
			continue
		}
		from, _ := time.Parse(time.RFC3339, tt.from)
		want, _ := time.Parse(time.RFC3339, tt.want)
		if got := s.Next(from); !got.Equal(want) {
			t.Errorf("ParseSpec(%q).Next(%s) = %s, want %s", tt.spec, tt.from, got, want)
		}
	}
}
