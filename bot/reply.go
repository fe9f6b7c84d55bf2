package bot

import (
	"secbot/knowledge"
	"secbot/quiz"
)

// Reply is what secbot answers. Exactly one of the content fields (Answer,
// Tip, Round, Board, Help) is usually set; Text is always set and is the
// plain-text form of the whole reply (notification fallback, console output
// for simple notices).
type Reply struct {
	// Private replies are shown only to the asker (Slack: ephemeral).
	Private bool
	// ReplaceOriginal asks the adapter to replace the message whose button
	// was clicked (an updated round, a shared card), where it can.
	ReplaceOriginal bool
	// DeleteOriginal asks the adapter to delete the (private) message whose
	// button was clicked, where it can.
	DeleteOriginal bool

	Text string

	Answer *knowledge.Answer
	// Terms resolves section ids to titles and related names for Answer's card.
	Sections []SectionRef
	Tip      *TipCard
	Round    *RoundCard
	Board    *Leaderboard
	Help     []HelpLine

	// TermButtons names glossary terms a text reply offers, each as a
	// button that opens its card (ActionOpenTerm); where buttons cannot be
	// clicked, renderers say how to look the terms up instead.
	TermButtons []string

	// File is sent to the asker alone, besides the reply (a report
	// workbook): Slack uploads it to the asker's direct messages with
	// File.Comment, the console writes it to its working directory and
	// says where; other adapters (Teams) send nothing of it, so a handler
	// sets it only for platforms that take files.
	File *File

	// Also holds further replies to send after this one (for example a
	// private note together with a shared card).
	Also []Reply

	// Source names the material an answer comes from ("第4章"; "教材" for
	// a pack of several chapters): renderers say "「…」は用語集にも第4章にも
	// 見つかりませんでした" with it. "" reads as 教材.
	Source string

	// Tag marks a scheduled post with its claim's id, so that a post whose
	// outcome is in doubt can be looked for before it is posted again.
	// Posters that can (Slack: message metadata) attach it.
	Tag PostTag
}

// File is a file a reply sends to the asker privately.
type File struct {
	// Name is the file name, with its extension ("report.xlsx").
	Name string
	Data []byte
	// Title is what the platform shows for the file ("" means Name).
	Title string
	// Comment goes with the file (Slack: the upload's initial comment).
	Comment string
}

// SectionRef is a section id with its title ("" when the chapter lacks it).
type SectionRef struct {
	ID    string
	Title string
}

// TipCard is a daily executive tip as posted.
type TipCard struct {
	Tip knowledge.Tip
	// SectionTitle is the title of Tip.Section.
	SectionTitle string
	// Related names glossary terms the tip touches.
	Related []string
	// Date is the day the tip is for (YYYY-MM-DD), "" when not dated.
	Date string
	// Source names the material the tip is from ("第4章").
	Source string
}

// RoundCard is a quiz round message: the question and its choices, and
// after the reveal the answer.
type RoundCard struct {
	RoundID  string
	Question string
	Choices  []string
	// Answered counts the people who have answered so far.
	Answered int
	// Closes is when the round is revealed, formatted for people.
	Closes string

	// Revealed is true once the round is closed; the fields below are set then.
	Revealed    bool
	Answer      int // index into Choices
	Explanation string
	Section     SectionRef
	// Correct counts the people who answered right.
	Correct int
	// Source names the material the explanation is from ("第4章").
	Source string

	// Practice marks one person's spaced-practice question (RoundID names
	// the drill): its buttons are ActionPracticeAnswer, and it has no
	// count, closing time or share of right answers.
	Practice bool
	// Box is the practice question's Leitner box (1–4).
	Box int
}

// ButtonAction is the Action id of c's answer buttons.
func (c *RoundCard) ButtonAction() string {
	if c.Practice {
		return ActionPracticeAnswer
	}
	return ActionQuizAnswer
}

// SourceLabel is how a message names the material: label, or 教材 when
// none is known.
func SourceLabel(label string) string {
	if label == "" {
		return "教材"
	}
	return label
}

// SourceOf is the label of pack's material (knowledge.Pack.Source), 教材
// without a pack.
func SourceOf(pack *knowledge.Pack) string {
	if pack == nil {
		return "教材"
	}
	label, _ := pack.Source()
	return label
}

// Share is the percentage of right answers, rounded down (0 with no
// answers): every renderer shows this one figure.
func (c RoundCard) Share() int { return quiz.Tally{Answered: c.Answered, Correct: c.Correct}.Share() }

// EmptyBoard is what a leaderboard with no rows says: only answers to
// revealed rounds count, so an open round's answers are not there yet.
const EmptyBoard = "まだ集計できる回答がありません（締め切られたクイズの回答だけを数えます）。"

// Leaderboard is a ranking of quiz players.
type Leaderboard struct {
	Title string
	Rows  []LeaderRow
}

// LeaderRow is one player's standing.
type LeaderRow struct {
	Rank     int
	UserID   string
	UserName string
	Correct  int
	Answered int
}

// HelpLine describes one command.
type HelpLine struct {
	Usage string // "/term WORD"
	What  string // "look a word up in the glossary"
}
