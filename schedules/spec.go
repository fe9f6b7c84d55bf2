package schedules

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// parser accepts the standard 5-field cron format (minute hour dom month dow)
// and descriptors such as @daily.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec parses a 5-field cron spec in loc. It never panics: robfig/cron's
// parser panics on some malformed specs, and ParseSpec turns that into an
// error. TZ= and CRON_TZ= prefixes are refused: the config's timezone applies.
func ParseSpec(spec string, loc *time.Location) (s cron.Schedule, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("invalid cron spec %q: %v", spec, p)
		}
	}()
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("empty cron spec")
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, fmt.Errorf("cron spec %q: set the timezone with the config's timezone key, not in the spec", spec)
	}
	if loc == nil {
		loc = time.UTC
	}
	sched, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("invalid cron spec %q: %w", spec, err)
	}
	// @every N is a ConstantDelaySchedule: its slots count from whenever it
	// is asked, so slots could never be claimed once. Only wall-clock specs.
	ss, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("cron spec %q: @every is not supported; write the times (for example \"0 9 * * 1-5\")", spec)
	}
	ss.Location = loc
	// A spec that can never fire (0 0 30 2 *) returns the zero time.
	if sched.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, loc)).IsZero() {
		return nil, fmt.Errorf("cron spec %q never fires", spec)
	}
	return sched, nil
}
