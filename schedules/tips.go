package schedules

import (
	"fmt"
	"hash/fnv"
	"sort"
	"time"

	"github.com/robfig/cron/v3"

	"secbot/bot"
	"secbot/knowledge"
)

// TipEpoch is the first day tips are counted from. Changing it changes every
// channel's sequence.
var TipEpoch = [3]int{2024, 1, 1}

// Tips picks the tip a channel gets on a tip day. The choice is a pure
// function of the pack's tips, the channel, the day and the schedule, with
// no store involved, so `secbot tip --date D --channel C`, /tip and the
// scheduler always agree:
//
//   - tip days are the days the schedule fires on (business days for
//     "0 9 * * 1-5"), numbered 0, 1, 2, … from TipEpoch;
//   - each channel has its own order of the tips (sorted by id, then
//     shuffled by a generator seeded with a hash of the channel);
//   - tip day k gets the (k mod n)-th tip of that order (n tips).
//
// So any n tip days running — whenever a channel was added, however long
// secbot was down — show a channel every tip exactly once: a channel sees no
// tip twice before it has seen them all. (A guarantee that strong forces the
// order to repeat every n tip days: a sequence in which every window of n is
// a permutation is periodic.) Adding or removing tips changes the orders.
type Tips struct {
	pack  *knowledge.Pack
	tips  []knowledge.Tip
	sched cron.Schedule
	loc   *time.Location
}

var _ bot.TipSource = (*Tips)(nil)

// NewTips returns the tip picker for pack on sched (from ParseSpec) in loc.
func NewTips(pack *knowledge.Pack, sched cron.Schedule, loc *time.Location) *Tips {
	if loc == nil {
		loc = time.UTC
	}
	t := &Tips{pack: pack, sched: sched, loc: loc}
	if pack != nil {
		t.tips = append(t.tips, pack.Tips...)
		sort.SliceStable(t.tips, func(i, j int) bool { return t.tips[i].ID < t.tips[j].ID })
	}
	return t
}

// ErrNoTips is returned when the pack has no tips.
var ErrNoTips = fmt.Errorf("schedules: the knowledge pack has no tips")

// TipFor implements bot.TipSource: the tip channel gets on the tip day at
// falls on, or on the last tip day before it (Friday's on a weekend), and
// that day (midnight in the schedule's zone).
func (t *Tips) TipFor(channel string, at time.Time) (knowledge.Tip, time.Time, error) {
	if t == nil || t.sched == nil {
		return knowledge.Tip{}, time.Time{}, ErrNoTips // no tips.schedule
	}
	day, err := t.TipDay(at)
	if err != nil {
		return knowledge.Tip{}, time.Time{}, err
	}
	tip, err := t.On(channel, day)
	return tip, day, err
}

// TipDay returns the last tip day on or before the day at falls on.
func (t *Tips) TipDay(at time.Time) (time.Time, error) {
	d := t.midnight(at)
	epoch := t.epoch()
	for i := 0; i < 400 && !d.Before(epoch); i++ {
		if t.IsTipDay(d) {
			return d, nil
		}
		d = d.AddDate(0, 0, -1)
	}
	return time.Time{}, fmt.Errorf("schedules: no tip day on or before %s (tips count from %s)", t.midnight(at).Format(time.DateOnly), epoch.Format(time.DateOnly))
}

// IsTipDay reports whether the schedule fires on the day at falls on.
func (t *Tips) IsTipDay(at time.Time) bool {
	d := t.midnight(at)
	n := t.sched.Next(d.Add(-time.Second))
	return !n.IsZero() && n.Before(d.AddDate(0, 0, 1))
}

// On returns the tip channel gets on day, which should be a tip day.
func (t *Tips) On(channel string, day time.Time) (knowledge.Tip, error) {
	n := len(t.tips)
	if n == 0 {
		return knowledge.Tip{}, ErrNoTips
	}
	d := t.midnight(day)
	if d.Before(t.epoch()) {
		return knowledge.Tip{}, fmt.Errorf("schedules: %s is before the first tip day %s", d.Format(time.DateOnly), t.epoch().Format(time.DateOnly))
	}
	return t.tips[permutation(channel, n)[t.index(d)%n]], nil
}

// index counts the tip days from the epoch up to (not including) day.
func (t *Tips) index(day time.Time) int {
	k := 0
	x := t.sched.Next(t.epoch().Add(-time.Second))
	for !x.IsZero() && x.Before(day) {
		k++
		x = t.sched.Next(t.midnight(x).AddDate(0, 0, 1).Add(-time.Second))
	}
	return k
}

func (t *Tips) epoch() time.Time {
	return time.Date(TipEpoch[0], time.Month(TipEpoch[1]), TipEpoch[2], 0, 0, 0, 0, t.loc)
}

func (t *Tips) midnight(at time.Time) time.Time {
	at = at.In(t.loc)
	return time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, t.loc)
}

// permutation returns channel's permutation of 0…n-1. It uses
// its own generator (splitmix64 over FNV-1a) so that it never changes with
// the Go release.
func permutation(channel string, n int) []int {
	h := fnv.New64a()
	h.Write([]byte("secbot-tips\x00" + channel))
	state := h.Sum64()
	next := func() uint64 {
		state += 0x9e3779b97f4a7c15
		z := state
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := int(next() % uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
	return p
}
