package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"secbot/knowledge"
)

// Answerer resolves glossary queries and free questions. index.Index
// implements it.
type Answerer interface {
	// Term answers what /term QUERY asks.
	Term(ctx context.Context, query string) (knowledge.Answer, error)
	// Ask answers a free question (a mention, a DM).
	Ask(ctx context.Context, question string) (knowledge.Answer, error)
}

// TermUsage is the help line of /term.
var TermUsage = HelpLine{Usage: "/term 用語", What: "用語集の定義・読み・本章の該当箇所・関連用語を表示します（例: /term ゼロトラスト）"}

// AskUsage is the help line of free questions.
var AskUsage = HelpLine{Usage: "@secbot 質問", What: "教材の該当箇所を探して答えます（例: @secbot 2025年の崖って何？）"}

// GapsUsage is the help line of /term gaps.
var GapsUsage = HelpLine{Usage: "/term gaps", What: "（管理者）過去30日に答えられなかった質問と、役に立たなかった回答"}

// NewTermHandler returns the handler of /term and of the term buttons.
func NewTermHandler(a Answerer, pack *knowledge.Pack) Handler {
	return HandlerFunc(func(ctx context.Context, req Request) (Reply, error) {
		query := req.Text
		private := true
		replace, del := false, false
		if req.Action != nil {
			query = req.Action.Value
			switch req.Action.ID {
			case ActionShareTerm:
				private, del = false, true
			case ActionOpenTerm:
			default:
				return Reply{}, fmt.Errorf("unknown term action %q", req.Action.ID)
			}
		}
		if strings.TrimSpace(query) == "" {
			return Reply{Private: true, Text: "使い方: /term 用語　（例: /term ゼロトラスト、/term シーサート、/term vpn）\n/help でほかのコマンドを確認できます。"}, nil
		}
		q, err := checkQuery(query)
		if err != nil {
			return Reply{}, err
		}
		ans, err := a.Term(ctx, q)
		if err != nil {
			return Reply{}, err
		}
		r := AnswerReply(ans, pack)
		r.Private, r.ReplaceOriginal, r.DeleteOriginal = private, replace, del
		return r, nil
	})
}

// NewAskHandler returns the handler of free questions (mentions, DMs,
// console lines that are not commands).
func NewAskHandler(a Answerer, pack *knowledge.Pack) Handler {
	return HandlerFunc(func(ctx context.Context, req Request) (Reply, error) {
		if strings.TrimSpace(req.Text) == "" {
			return Reply{Private: true, Text: "質問をどうぞ。例: 「2025年の崖って何？」「ゼロトラストとは」。/help で使い方を確認できます。"}, nil
		}
		q, err := checkQuery(req.Text)
		if err != nil {
			return Reply{}, err
		}
		ans, err := a.Ask(ctx, q)
		if err != nil {
			return Reply{}, err
		}
		return AnswerReply(ans, pack), nil
	})
}

// checkQuery turns knowledge.CheckQuery's errors into messages for people.
func checkQuery(q string) (string, error) {
	q, err := knowledge.CheckQuery(q)
	switch {
	case err == nil:
		return q, nil
	case errors.Is(err, knowledge.ErrLongQuery):
		return "", Userf("質問が長すぎます（%d文字まで）。調べたい言葉だけを入力してください。", knowledge.MaxQueryRunes)
	case errors.Is(err, knowledge.ErrControlChars), errors.Is(err, knowledge.ErrInvalidUTF8):
		return "", Userf("質問に使えない文字（制御文字など）が含まれています。1行の文章で入力してください。")
	default:
		return "", Userf("質問が空です。例: /term ゼロトラスト")
	}
}

// AnswerReply renders ans as a Reply, resolving section titles from pack.
func AnswerReply(ans knowledge.Answer, pack *knowledge.Pack) Reply {
	r := Reply{Answer: &ans, Source: SourceOf(pack)}
	if ans.Term != nil {
		for _, id := range ans.Term.Refs {
			r.Sections = append(r.Sections, SectionRef{ID: id, Title: refTitle(pack, id)})
		}
	}
	r.Text = AnswerText(ans, r.Sections, r.Source)
	return r
}

// TentativeNote heads a term answer secbot is not sure of (a description
// that fits the term best, but not clearly).
func TentativeNote(name string) string {
	return "もしかして「" + name + "」のことですか？ 違う場合は言い換えてみてください。"
}

// OtherCandidates labels the runners-up of a tentative answer.
const OtherCandidates = "ほかの候補"

// AnswerText is the plain-text form of an answer.
func AnswerText(ans knowledge.Answer, sections []SectionRef, source string) string {
	var b strings.Builder
	switch ans.Shows() {
	case knowledge.KindTerm:
		t := ans.Term
		if ans.Tentative {
			b.WriteString(TentativeNote(t.Name) + "\n")
		}
		b.WriteString("■ " + t.Name)
		if t.Reading != "" {
			b.WriteString("（" + t.Reading + "）")
		}
		b.WriteString("\n" + t.Definition + "\n")
		if len(t.Aliases) > 0 {
			b.WriteString("別名: " + strings.Join(t.Aliases, "、") + "\n")
		}
		if len(sections) > 0 {
			b.WriteString("本章・テキストの該当箇所: " + SectionsText(sections) + "\n")
		}
		if len(ans.Related) > 0 {
			b.WriteString("関連用語: " + strings.Join(ans.Related, "、") + "\n")
		}
		if ans.Tentative && len(ans.Suggestions) > 0 {
			b.WriteString(OtherCandidates + ": " + strings.Join(ans.Suggestions, "、") + "\n")
		}
	case knowledge.KindPassage:
		for i, p := range ans.Passages {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "【%s %s】\n%s\n", p.Section, p.Title, p.Text)
		}
	default:
		fmt.Fprintf(&b, "「%s」は用語集にも%sにも見つかりませんでした。\n", ans.Query, SourceLabel(source))
		if len(ans.Suggestions) > 0 {
			b.WriteString("もしかして: " + strings.Join(ans.Suggestions, "、") + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// SectionsText lists sections as "4-2-2 タイトル、2-2-4".
func SectionsText(sections []SectionRef) string {
	parts := make([]string, len(sections))
	for i, s := range sections {
		parts[i] = s.ID
		if s.Title != "" {
			parts[i] += " " + s.Title
		}
	}
	return strings.Join(parts, "、")
}

// refTitle names a glossary ref: the section's title when the pack has the
// section, else the chapter it is in ("第2章") for the seminar's other
// chapters, which the glossary cites too; "" when neither is known.
func refTitle(pack *knowledge.Pack, id string) string {
	if t := pack.SectionTitle(id); t != "" {
		return t
	}
	ch, _, ok := strings.Cut(id, "-")
	if !ok || ch == "" || strings.Trim(ch, "0123456789") != "" {
		return ""
	}
	for _, s := range pack.Sections {
		if strings.HasPrefix(s.ID, ch+"-") {
			return "（この教材の抜粋にない節）" // cited by the glossary, absent from the chapter text
		}
	}
	return "第" + ch + "章（このボットの教材外）"
}
