package report

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"secbot/quiz"
)

// Source is where a report's data comes from; store/sqlite.DB is one.
type Source interface {
	// Answers returns the answers f selects, oldest first.
	Answers(ctx context.Context, f quiz.Filter) ([]quiz.Answer, error)
	// ListRounds returns the rounds opened in f's period (and channel).
	ListRounds(ctx context.Context, f quiz.Filter) ([]quiz.Round, error)
}

// MemberSource is a Source that also knows how many members a channel had
// at its rounds; Load uses it when the Source has it.
type MemberSource interface {
	// RoundMembers returns the known member counts of the rounds f
	// selects, by round id.
	RoundMembers(ctx context.Context, f quiz.Filter) (map[string]int, error)
}

// Query selects a report's data.
type Query struct {
	// From and To bound the period, From ≤ t < To; zero means open.
	From, To time.Time
	// Channel limits the report to one channel ("" for all).
	Channel string
	// Location is where weeks are told (nil: UTC).
	Location *time.Location
	// Now is when the report is made (zero: time.Now()).
	Now time.Time
}

// Load reads a query's answers and rounds from src. Answers are taken by
// the time they were given, rounds by the time they opened; the rounds of
// answers given in the period to rounds opened before it are read too, so
// that every answer has its term.
func Load(ctx context.Context, src Source, q Query) (_ Data, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("report: load: %w", err)
		}
	}()
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return Data{}, fmt.Errorf("the period starts (%s) after it ends (%s)", q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	f := quiz.Filter{From: q.From, To: q.To, Channel: q.Channel}
	answers, err := src.Answers(ctx, f)
	if err != nil {
		return Data{}, err
	}
	// Rounds from the earliest of the period's start and the first
	// answer's round: a round opened on Sunday is answered on Monday.
	rf := f
	if len(answers) > 0 && !rf.From.IsZero() {
		rf.From = rf.From.Add(-8 * 24 * time.Hour)
	}
	rounds, err := src.ListRounds(ctx, rf)
	if err != nil {
		return Data{}, err
	}
	var members map[string]int
	if ms, ok := src.(MemberSource); ok {
		if members, err = ms.RoundMembers(ctx, rf); err != nil {
			return Data{}, err
		}
	}
	answered := make(map[string]bool, len(rounds))
	for _, a := range answers {
		answered[a.RoundID] = true
	}
	d := Data{Answers: answers, From: q.From, To: q.To, Channel: q.Channel, Location: q.Location, Generated: q.Now}
	for _, r := range rounds {
		// The extra days read before the period only bring in rounds
		// that were answered in it.
		if !q.From.IsZero() && r.Opened.Before(q.From) && !answered[r.ID] {
			continue
		}
		d.Rounds = append(d.Rounds, RoundOf(r, members[r.ID]))
	}
	return d, nil
}

// Make loads a query's data from src and computes its report: what the
// `/quiz report` chat command and `secbot quiz report` both call. The
// workbook is then r.WriteXLSX and the chat text r.Summary().
func Make(ctx context.Context, src Source, q Query) (*Report, error) {
	d, err := Load(ctx, src, q)
	if err != nil {
		return nil, err
	}
	return Compute(d), nil
}

// XLSX is the workbook of r as bytes, with a file name for an upload
// (secbot-quiz-report-YYYYMMDD.xlsx, the day it was made).
func (r *Report) XLSX() (name string, data []byte, err error) {
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		return "", nil, err
	}
	day := r.Generated
	if day.IsZero() {
		day = time.Now()
	}
	return "secbot-quiz-report-" + day.In(r.Location).Format("20060102") + ".xlsx", buf.Bytes(), nil
}
