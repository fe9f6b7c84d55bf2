package quiz

import (
	"fmt"
	"strconv"
	"time"
)

// DefaultSeasonStart is the day seasons start by default: April 1st, the
// start of the Japanese fiscal year.
const DefaultSeasonStart = "04-01"

// Seasons splits time into yearly seasons that start on one day (MM-DD) at
// 00:00 in a location: leaderboards and the curriculum start afresh each
// season.
type Seasons struct {
	Month    time.Month
	Day      int
	Location *time.Location
}

// Season is one season: [From, To), named by the year it starts in.
type Season struct {
	// Year is the year the season starts in: season 2026 of the Japanese
	// fiscal year runs from 2026-04-01 to 2027-03-31.
	Year     int
	From, To time.Time
}

// Name is the season's name, its starting year ("2026").
func (s Season) Name() string { return strconv.Itoa(s.Year) }

// Contains reports whether t falls in the season.
func (s Season) Contains(t time.Time) bool { return !t.Before(s.From) && t.Before(s.To) }

// Filter selects the season's answers.
func (s Season) Filter() Filter { return Filter{From: s.From, To: s.To} }

// ParseSeasons reads a season start written MM-DD ("04-01"; "" is the
// default) for seasons in loc (nil: UTC). February 29th is refused: a
// season must start every year.
func ParseSeasons(start string, loc *time.Location) (Seasons, error) {
	if start == "" {
		start = DefaultSeasonStart
	}
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.Parse("01-02", start)
	if err != nil || len(start) != 5 {
		return Seasons{}, fmt.Errorf("season start %q: write it as MM-DD, for example 04-01", start)
	}
	if t.Month() == time.February && t.Day() == 29 {
		return Seasons{}, fmt.Errorf("season start %q: February 29th is not in every year", start)
	}
	return Seasons{Month: t.Month(), Day: t.Day(), Location: loc}, nil
}

// DefaultSeasons are the Japanese fiscal years in loc.
func DefaultSeasons(loc *time.Location) Seasons {
	s, _ := ParseSeasons(DefaultSeasonStart, loc)
	return s
}

// Year returns the season that starts in year.
func (ss Seasons) Year(year int) Season {
	loc := ss.Location
	if loc == nil {
		loc = time.UTC
	}
	from := time.Date(year, ss.Month, ss.Day, 0, 0, 0, 0, loc)
	return Season{Year: year, From: from, To: time.Date(year+1, ss.Month, ss.Day, 0, 0, 0, 0, loc)}
}

// At returns the season t falls in.
func (ss Seasons) At(t time.Time) Season {
	loc := ss.Location
	if loc == nil {
		loc = time.UTC
	}
	y := t.In(loc).Year()
	if s := ss.Year(y); !t.Before(s.From) {
		return s
	}
	return ss.Year(y - 1)
}

// String is the season start as written in the config (MM-DD).
func (ss Seasons) String() string { return fmt.Sprintf("%02d-%02d", int(ss.Month), ss.Day) }
