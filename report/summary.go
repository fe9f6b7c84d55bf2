package report

import (
	"fmt"
	"strings"
)

// pct formats a rate as a whole percentage, or "—" when unknown.
func pct(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", v*100)
}

// headline is the first lines of the summary: the key figures.
func (r *Report) headline() string {
	t := r.Totals
	var b strings.Builder
	fmt.Fprintf(&b, "ラウンド %d回・回答 %d件・回答者 %d人（%dチャンネル）\n", t.Rounds, t.Answers, t.People, t.Channels)
	fmt.Fprintf(&b, "正解率 %s", pct(t.CorrectRate()))
	if p, ok := t.Participation(); ok {
		fmt.Fprintf(&b, "・参加率 %s", pct(p, ok))
	}
	return b.String()
}

// Summary is the report in a few Japanese lines for chat: the period, the
// key figures, the latest week against the one before, the weakest terms
// and the longest current streak.
func (r *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "クイズ集計（%s）\n", r.Period())
	if r.Totals.Rounds == 0 && r.Totals.Answers == 0 {
		b.WriteString("この期間のラウンドも回答もありません。")
		return b.String()
	}
	b.WriteString(r.headline())
	b.WriteString("\n")
	if n := len(r.WeekTotals); n > 0 {
		last := r.WeekTotals[n-1]
		fmt.Fprintf(&b, "最新週（%s〜）: 回答者 %d人・正解率 %s", last.Start.In(r.Location).Format("01/02"),
			last.Answerers, pct(last.CorrectRate()))
		if p, ok := last.Participation(); ok {
			fmt.Fprintf(&b, "・参加率 %s", pct(p, ok))
		}
		if n > 1 {
			prev := r.WeekTotals[n-2]
			fmt.Fprintf(&b, "（前週 回答者 %d人・正解率 %s）", prev.Answerers, pct(prev.CorrectRate()))
		}
		b.WriteString("\n")
	}
	var weak []string
	for _, t := range r.Terms {
		c, ok := t.CorrectRate()
		if !ok || len(weak) == 3 {
			break
		}
		weak = append(weak, fmt.Sprintf("%s（%s）", t.Term, pct(c, ok)))
	}
	if len(weak) > 0 {
		fmt.Fprintf(&b, "苦手な用語: %s\n", strings.Join(weak, "、"))
	}
	best := -1
	for i, p := range r.People {
		if p.Streak > 0 && (best < 0 || p.Streak > r.People[best].Streak) {
			best = i
		}
	}
	if best >= 0 {
		p := r.People[best]
		name := p.UserName
		if name == "" {
			name = p.UserID
		}
		fmt.Fprintf(&b, "最長の連続正解: %s さん %d回\n", name, p.Streak)
	}
	return strings.TrimRight(b.String(), "\n")
}
