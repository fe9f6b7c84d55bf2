package quiz

import (
	"testing"
	"time"
)

func TestSeasons(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	fy := DefaultSeasons(tokyo)
	jst := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, tokyo) }
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{jst(2027, 3, 31, 23, 59), "2026"},
		{jst(2027, 4, 1, 0, 0), "2027"},
		{jst(2026, 4, 1, 0, 0), "2026"},
		{jst(2026, 1, 15, 12, 0), "2025"},
		{jst(2026, 12, 31, 23, 59), "2026"},
		// 2027-03-31 15:00 UTC is 04-01 00:00 in Tokyo: the zone decides.
		{time.Date(2027, 3, 31, 15, 0, 0, 0, time.UTC), "2027"},
		{time.Date(2027, 3, 31, 14, 59, 0, 0, time.UTC), "2026"},
	} {
		s := fy.At(tt.at)
		if s.Name() != tt.want || !s.Contains(tt.at) {
			t.Errorf("At(%v) = %s [%v, %v), want %s", tt.at, s.Name(), s.From, s.To, tt.want)
		}
	}
	s := fy.Year(2026)
	if !s.From.Equal(jst(2026, 4, 1, 0, 0)) || !s.To.Equal(jst(2027, 4, 1, 0, 0)) {
		t.Errorf("season 2026 = [%v, %v)", s.From, s.To)
	}
	if f := s.Filter(); !f.From.Equal(s.From) || !f.To.Equal(s.To) {
		t.Errorf("Filter = %+v", f)
	}
	if s.Contains(s.To) || !s.Contains(s.From) {
		t.Error("a season is [From, To)")
	}

	cal, err := ParseSeasons("01-01", time.UTC)
	if err != nil || cal.At(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).Name() != "2026" || cal.String() != "01-01" {
		t.Errorf("calendar years: %v %v", cal, err)
	}
	if d, err := ParseSeasons("", tokyo); err != nil || d.String() != "04-01" {
		t.Errorf("default = %v, %v", d, err)
	}
	for _, bad := range []string{"4-1", "04/01", "13-01", "02-30", "02-29", "april", "04-01-2026"} {
		if _, err := ParseSeasons(bad, tokyo); err == nil {
			t.Errorf("ParseSeasons(%q) accepted", bad)
		}
	}
}
