package rounds

import (
	"context"
	"fmt"
	"slices"
	"time"

	"secbot/bot"
	"secbot/quiz"
)

// JobRemind is the scheduler job name proposed for closing reminders
// (Key: the round id; Slot: Reminder.Slot), so that each is claimed, and
// posted, exactly once across processes like a reveal.
const JobRemind = "remind"

// minRemindLeft is the least time a reminder must leave to answer: a
// reminder found later than that (a process was down) is skipped.
const minRemindLeft = 5 * time.Minute

// Reminder is a closing reminder due: the round and when it was due
// (its Closes minus Config.RemindBefore).
type Reminder struct {
	Round quiz.Round
	Slot  time.Time
}

// RemindersDue returns the closing reminders due at now, soonest first:
// the posted, unrevealed rounds whose reminder time (Closes minus
// RemindBefore) has come and that still have minRemindLeft to go. None when
// RemindBefore is 0 (off). A round whose answer window is shorter than
// RemindBefore gets none. The caller claims each (JobRemind, Round.ID,
// Slot) before calling Remind, so that it is posted once.
func (r *Rounds) RemindersDue(ctx context.Context, now time.Time) ([]Reminder, error) {
	before := r.cfg.RemindBefore
	if before <= 0 {
		return nil, nil
	}
	// DueRounds(t) is every unrevealed round closing at or before t.
	rs, err := r.cfg.Store.DueRounds(ctx, now.Add(before))
	if err != nil {
		return nil, err
	}
	var out []Reminder
	for _, rd := range rs {
		slot := rd.Closes.Add(-before)
		switch {
		case rd.Revealed, rd.MessageID == "", slot.Before(rd.Opened), now.Before(slot),
			rd.Closes.Sub(now) < minRemindLeft:
			continue
		}
		out = append(out, Reminder{Round: rd, Slot: slot})
	}
	slices.SortFunc(out, func(a, b Reminder) int { return a.Slot.Compare(b.Slot) })
	return out, nil
}

// Remind posts round id's closing reminder in its channel: how long is
// left and how many have answered, no names. tag marks the post (the
// claim's id). It returns the message id, or ErrClosed when the round has
// closed (or nearly) meanwhile: the reminder is then skipped.
func (r *Rounds) Remind(ctx context.Context, id string, tag bot.PostTag) (string, error) {
	rd, err := r.cfg.Store.Round(ctx, id)
	if err != nil {
		return "", err
	}
	now := r.cfg.Now()
	if rd.Revealed || rd.Closes.Sub(now) < minRemindLeft {
		return "", fmt.Errorf("%w: round %s closes at %s", ErrClosed, id, rd.Closes.In(r.cfg.Location).Format(time.RFC3339))
	}
	p, err := r.poster(rd.Channel)
	if err != nil {
		return "", err
	}
	t, err := r.cfg.Store.Tally(ctx, id)
	if err != nil {
		return "", err
	}
	return p.Post(ctx, rd.Channel, bot.Reply{Text: ReminderText(rd.Closes.Sub(now), t.Answered, bot.FormatCloses(rd.Closes, r.cfg.Location)), Tag: tag})
}

// ReminderText is a closing reminder: the time left (rounded down to
// minutes), the closing time and the number who have answered.
func ReminderText(left time.Duration, answered int, closes string) string {
	left = left.Truncate(time.Minute)
	h, m := int(left/time.Hour), int(left%time.Hour/time.Minute)
	var rest string
	switch {
	case h > 0 && m > 0:
		rest = fmt.Sprintf("%d時間%d分", h, m)
	case h > 0:
		rest = fmt.Sprintf("%d時間", h)
	default:
		rest = fmt.Sprintf("%d分", m)
	}
	who := fmt.Sprintf("これまでに %d人が回答しました。", answered)
	if answered == 0 {
		who = "まだ誰も回答していません。"
	}
	return fmt.Sprintf("⏰ クイズの締切まであと%s（%s）。%sまだの方は /quiz から回答できます。", rest, closes, who)
}
