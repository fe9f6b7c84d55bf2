package report

import (
	"cmp"
	"slices"
	"time"

	"secbot/quiz"
)

// Round is a quiz round as the report sees it.
type Round struct {
	ID      string
	Channel string
	// Term is the glossary term the round asked about ("" when unknown).
	Term string
	// Kind is the kind of question (quiz.Kind), for the record.
	Kind   quiz.Kind
	Opened time.Time
	// Revealed rounds are closed; only they make or break a streak.
	Revealed bool
	// Members is how many members the channel had when the round was
	// posted; 0 when nobody counted them.
	Members int
}

// RoundOf turns a stored quiz round into a report round; members is the
// channel's member count at the round (0 when unknown).
func RoundOf(r quiz.Round, members int) Round {
	return Round{ID: r.ID, Channel: r.Channel, Term: r.Question.Term, Kind: r.Question.Kind,
		Opened: r.Opened, Revealed: r.Revealed, Members: members}
}

// Data is what a report is made of.
type Data struct {
	// Answers are the answers of the period, oldest first.
	Answers []quiz.Answer
	// Rounds are the rounds the answers belong to and the period's rounds
	// nobody answered. Answers to rounds missing here still count, in the
	// week they were given.
	Rounds []Round
	// From and To are the period, From ≤ t < To; zero means open.
	From, To time.Time
	// Channel is the one channel reported on, "" for all.
	Channel string
	// Location is where weeks and times are told (nil: UTC).
	Location *time.Location
	// Generated is when the report was made, shown in the workbook.
	Generated time.Time
}

// Week is one channel's figures for one week.
type Week struct {
	Channel string
	// Start is the week's Monday, 00:00 in the report's location.
	Start time.Time
	// Rounds counts the rounds opened that week.
	Rounds int
	// Answerers counts the different people who answered them.
	Answerers int
	Answers   int
	Correct   int
	// Members is the channel's member count at the week's rounds (the
	// largest known); 0 when unknown.
	Members int
}

// Participation is Answerers / Members; ok is false when Members is unknown.
func (w Week) Participation() (rate float64, ok bool) { return ratio(w.Answerers, w.Members) }

// CorrectRate is Correct / Answers; ok is false without answers.
func (w Week) CorrectRate() (rate float64, ok bool) { return ratio(w.Correct, w.Answers) }

// WeekTotal is one week's figures over all the report's channels.
type WeekTotal struct {
	Start     time.Time
	Rounds    int
	Answerers int // summed over channels: a person in two channels counts twice
	Answers   int
	Correct   int
	// Members sums the known member counts; Counted is the answerers of
	// the channels whose members are known, so Counted/Members is a rate.
	Members, Counted int
}

// Participation is Counted / Members; ok is false when no member count is known.
func (w WeekTotal) Participation() (float64, bool) { return ratio(w.Counted, w.Members) }

// CorrectRate is Correct / Answers; ok is false without answers.
func (w WeekTotal) CorrectRate() (float64, bool) { return ratio(w.Correct, w.Answers) }

// TermStat is how a glossary term fared.
type TermStat struct {
	Term string
	// Asked counts the rounds about the term.
	Asked   int
	Answers int
	Correct int
	// Last is when a round last asked about it.
	Last time.Time
}

// CorrectRate is Correct / Answers; ok is false without answers.
func (t TermStat) CorrectRate() (float64, bool) { return ratio(t.Correct, t.Answers) }

// Person is one participant's record.
type Person struct {
	UserID   string
	UserName string
	// Channels lists the channels the person answered in, sorted.
	Channels []string
	// Rounds counts the rounds the person answered; Correct the right answers.
	Rounds  int
	Correct int
	// Streak counts the latest revealed rounds of the person's channels
	// answered right, back to the first one skipped or answered wrong.
	Streak int
	// Last is the person's latest answer.
	Last time.Time
}

// CorrectRate is Correct / Rounds.
func (p Person) CorrectRate() (float64, bool) { return ratio(p.Correct, p.Rounds) }

// Totals are the headline figures.
type Totals struct {
	Channels, Rounds, Answers, Correct, People int
	// Members and Counted as in WeekTotal, over the whole period.
	Members, Counted int
}

// CorrectRate is Correct / Answers.
func (t Totals) CorrectRate() (float64, bool) { return ratio(t.Correct, t.Answers) }

// Participation is Counted / Members over the channel-weeks whose members are known.
func (t Totals) Participation() (float64, bool) { return ratio(t.Counted, t.Members) }

// Report is the figures of a period, ready to be written.
type Report struct {
	From, To  time.Time
	Channel   string
	Location  *time.Location
	Generated time.Time

	Totals Totals
	// Weeks is per channel and week, by channel then week.
	Weeks []Week
	// WeekTotals is per week over all channels, every week from the first
	// to the last (weeks without rounds are zero), oldest first.
	WeekTotals []WeekTotal
	// Terms is weakest first: lowest correct rate, then most answers;
	// terms asked but never answered come last.
	Terms []TermStat
	// People is most right answers first.
	People []Person

	answers []quiz.Answer
	rounds  map[string]*Round
}

// Answers returns the answers the report was made of, oldest first.
func (r *Report) Answers() []quiz.Answer { return r.answers }

// TermOf returns the term of the round an answer belongs to ("" when unknown).
func (r *Report) TermOf(roundID string) string {
	if rd := r.rounds[roundID]; rd != nil {
		return rd.Term
	}
	return ""
}

// ratio is n/d, or (0, false) when d is 0.
func ratio(n, d int) (float64, bool) {
	if d <= 0 {
		return 0, false
	}
	return float64(n) / float64(d), true
}

// WeekStart returns the Monday 00:00 in loc of the week t falls in.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	y, m, d := t.Date()
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return time.Date(y, m, d-back, 0, 0, 0, 0, loc)
}

// Compute works out a report's figures from its data. The data's slices
// are not changed.
func Compute(d Data) *Report {
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	r := &Report{From: d.From, To: d.To, Channel: d.Channel, Location: loc, Generated: d.Generated,
		answers: d.Answers, rounds: make(map[string]*Round, len(d.Rounds))}
	for i := range d.Rounds {
		r.rounds[d.Rounds[i].ID] = &d.Rounds[i]
	}

	type weekKey struct {
		channel string
		start   int64
	}
	type weekAcc struct {
		Week
		people map[string]struct{}
	}
	weeks := map[weekKey]*weekAcc{}
	week := func(channel string, at time.Time) *weekAcc {
		s := WeekStart(at, loc)
		k := weekKey{channel, s.Unix()}
		w := weeks[k]
		if w == nil {
			w = &weekAcc{Week: Week{Channel: channel, Start: s}, people: map[string]struct{}{}}
			weeks[k] = w
		}
		return w
	}
	terms := map[string]*TermStat{}
	term := func(name string) *TermStat {
		t := terms[name]
		if t == nil {
			t = &TermStat{Term: name}
			terms[name] = t
		}
		return t
	}
	// Rounds opened outside the period (answered in it) give their term
	// and their place in streaks, but are not counted as the period's.
	inPeriod := func(t time.Time) bool {
		return (d.From.IsZero() || !t.Before(d.From)) && (d.To.IsZero() || t.Before(d.To))
	}
	for i := range d.Rounds {
		rd := &d.Rounds[i]
		if !inPeriod(rd.Opened) {
			continue
		}
		w := week(rd.Channel, rd.Opened)
		w.Rounds++
		w.Members = max(w.Members, rd.Members)
		if rd.Term != "" {
			t := term(rd.Term)
			t.Asked++
			if rd.Opened.After(t.Last) {
				t.Last = rd.Opened
			}
		}
	}

	type personAcc struct {
		Person
		channels map[string]struct{}
		right    map[string]bool // round id → answered right
	}
	people := map[string]*personAcc{}
	for _, a := range d.Answers {
		at := a.At
		rd := r.rounds[a.RoundID]
		if rd != nil {
			if inPeriod(rd.Opened) {
				at = rd.Opened
			}
			if rd.Term != "" {
				t := term(rd.Term)
				t.Answers++
				if a.Correct {
					t.Correct++
				}
			}
		}
		w := week(a.Channel, at)
		w.Answers++
		if a.Correct {
			w.Correct++
		}
		w.people[a.UserID] = struct{}{}

		p := people[a.UserID]
		if p == nil {
			p = &personAcc{Person: Person{UserID: a.UserID}, channels: map[string]struct{}{}, right: map[string]bool{}}
			people[a.UserID] = p
		}
		if a.UserName != "" {
			p.UserName = a.UserName
		}
		p.channels[a.Channel] = struct{}{}
		if _, dup := p.right[a.RoundID]; !dup {
			p.Rounds++
			if a.Correct {
				p.Correct++
			}
		}
		p.right[a.RoundID] = a.Correct
		if a.At.After(p.Last) {
			p.Last = a.At
		}
	}

	// Weeks, and the totals of every week from the first to the last.
	r.Weeks = make([]Week, 0, len(weeks))
	totals := map[int64]*WeekTotal{}
	channels := map[string]struct{}{}
	for _, w := range weeks {
		w.Answerers = len(w.people)
		r.Weeks = append(r.Weeks, w.Week)
		channels[w.Channel] = struct{}{}
		t := totals[w.Start.Unix()]
		if t == nil {
			t = &WeekTotal{Start: w.Start}
			totals[w.Start.Unix()] = t
		}
		t.Rounds += w.Rounds
		t.Answerers += w.Answerers
		t.Answers += w.Answers
		t.Correct += w.Correct
		if w.Members > 0 {
			t.Members += w.Members
			t.Counted += w.Answerers
		}
	}
	slices.SortFunc(r.Weeks, func(a, b Week) int {
		return cmp.Or(cmp.Compare(a.Channel, b.Channel), a.Start.Compare(b.Start))
	})
	if len(totals) > 0 {
		first, last := int64(1<<62), int64(-1<<62)
		for k := range totals {
			first, last = min(first, k), max(last, k)
		}
		for s := time.Unix(first, 0).In(loc); s.Unix() <= last; s = time.Date(s.Year(), s.Month(), s.Day()+7, 0, 0, 0, 0, loc) {
			if t := totals[s.Unix()]; t != nil {
				r.WeekTotals = append(r.WeekTotals, *t)
			} else {
				r.WeekTotals = append(r.WeekTotals, WeekTotal{Start: s})
			}
		}
	}
	for _, t := range r.WeekTotals {
		r.Totals.Rounds += t.Rounds
		r.Totals.Answers += t.Answers
		r.Totals.Correct += t.Correct
		r.Totals.Members += t.Members
		r.Totals.Counted += t.Counted
	}
	r.Totals.Channels = len(channels)
	r.Totals.People = len(people)

	r.Terms = make([]TermStat, 0, len(terms))
	for _, t := range terms {
		r.Terms = append(r.Terms, *t)
	}
	slices.SortFunc(r.Terms, compareWeakest)

	// Streaks: the revealed rounds of each channel, newest first.
	byChannel := map[string][]*Round{}
	for i := range d.Rounds {
		if rd := &d.Rounds[i]; rd.Revealed {
			byChannel[rd.Channel] = append(byChannel[rd.Channel], rd)
		}
	}
	for _, rs := range byChannel {
		slices.SortFunc(rs, func(a, b *Round) int { return cmp.Or(b.Opened.Compare(a.Opened), cmp.Compare(b.ID, a.ID)) })
	}
	r.People = make([]Person, 0, len(people))
	var mine []*Round
	for _, p := range people {
		for ch := range p.channels {
			p.Channels = append(p.Channels, ch)
		}
		slices.Sort(p.Channels)
		mine = mine[:0]
		for _, ch := range p.Channels {
			mine = append(mine, byChannel[ch]...)
		}
		if len(p.Channels) > 1 {
			slices.SortStableFunc(mine, func(a, b *Round) int { return b.Opened.Compare(a.Opened) })
		}
		for _, rd := range mine {
			if !p.right[rd.ID] {
				break
			}
			p.Streak++
		}
		r.People = append(r.People, p.Person)
	}
	slices.SortFunc(r.People, func(a, b Person) int {
		return cmp.Or(cmp.Compare(b.Correct, a.Correct), cmp.Compare(b.Rounds, a.Rounds),
			cmp.Compare(b.Streak, a.Streak), cmp.Compare(a.UserID, b.UserID))
	})
	return r
}

// compareWeakest orders terms weakest first: answered terms by correct rate
// (lowest first), then by more answers (a low rate over many answers is
// surer), then by name; terms nobody answered last.
func compareWeakest(a, b TermStat) int {
	ra, oka := a.CorrectRate()
	rb, okb := b.CorrectRate()
	switch {
	case oka != okb:
		if oka {
			return -1
		}
		return 1
	case oka && ra != rb:
		// a.Correct/a.Answers vs b.Correct/b.Answers, exactly.
		return cmp.Compare(a.Correct*b.Answers, b.Correct*a.Answers)
	}
	return cmp.Or(cmp.Compare(b.Answers, a.Answers), cmp.Compare(a.Term, b.Term))
}
