// Package shell is secbot's console adapter: it reads lines from a reader
// (a terminal or a pipe), routes each as a bot.Request and writes the reply
// as tidy text. It is what `secbot` runs when no chat credentials are set.
package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"secbot/bot"
	"secbot/knowledge"
)

// Router answers requests; *bot.Router implements it.
type Router interface {
	Route(ctx context.Context, req bot.Request) bot.Reply
}

// Shell is a console session.
type Shell struct {
	In     io.Reader
	Out    io.Writer
	Router Router
	// Interactive shows a banner and a prompt (a terminal); off for pipes,
	// where only the answers are written.
	Interactive bool
	// UserID and ChannelID identify the console's person and "channel" to
	// the handlers (quiz answers, tip subscriptions).
	UserID    string
	UserName  string
	ChannelID string
	// Pack names what the banner says secbot teaches; nil says 教材.
	Pack *knowledge.Pack
	// Dir is where files replies send (a /quiz report workbook) are
	// written; "" means the working directory.
	Dir string
}

// maxLine is the longest console line read; a longer line is skipped with
// a message, and the lines after it are read as usual.
const maxLine = 64 * 1024

// Banner greets a person at an interactive console; pack names what it
// teaches (nil: 教材).
func Banner(pack *knowledge.Pack) string {
	label, title := "教材", ""
	if pack != nil {
		label, title = pack.Source()
	}
	if title != "" {
		title = "「" + title + "」"
	}
	return fmt.Sprintf(banner, label+title, label)
}

const banner = `secbot — %sと用語集のガイド
  /term ゼロトラスト   用語を調べる（ひらがな・英語・略語でも可）
  /tip                 今日の経営者向けセキュリティのヒント
  /quiz                クイズ（answer B で回答）
  /help                使い方
  そのほかの文は質問として%sから答えます（例: 2025年の崖って何？）。終了は Ctrl-D、Ctrl-C または /exit。`

// TooLong is what the console says of a line longer than it reads.
const TooLong = "入力行が長すぎます（64KB まで）。この行は読み飛ばしました。"

// line is one line of input, or why there is none.
type line struct {
	text    string
	tooLong bool
	err     error
}

// Run reads lines until the end of input, /exit or ctx is done (Ctrl-C),
// answering each. It returns nil at the end of input.
func (s *Shell) Run(ctx context.Context) error {
	lines := make(chan line)
	done := make(chan struct{})
	defer close(done)
	go readLines(s.In, lines, done)
	if s.Interactive {
		fmt.Fprintln(s.Out, Banner(s.Pack))
	}
	answered := false
	for {
		if s.Interactive {
			fmt.Fprint(s.Out, "\n> ")
		}
		var l line
		var ok bool
		select {
		case <-ctx.Done():
			if s.Interactive {
				fmt.Fprintln(s.Out)
			}
			return nil
		case l, ok = <-lines:
		}
		if !ok {
			if s.Interactive {
				fmt.Fprintln(s.Out)
			}
			return nil
		}
		if l.err != nil {
			return fmt.Errorf("reading input: %w", l.err)
		}
		text := strings.TrimSpace(l.text)
		if text == "" && !l.tooLong {
			continue
		}
		if text == "/exit" || text == "/quit" {
			return nil
		}
		if answered && !s.Interactive {
			fmt.Fprintln(s.Out) // a blank line between answers
		}
		answered = true
		if l.tooLong {
			fmt.Fprintln(s.Out, TooLong)
			continue
		}
		reply := s.Router.Route(ctx, bot.Request{
			Platform:  bot.Shell,
			Text:      stripMention(text),
			UserID:    s.UserID,
			UserName:  s.UserName,
			ChannelID: s.ChannelID,
			Direct:    true,
		})
		fmt.Fprintln(s.Out, Render(s.saveFiles(reply)))
	}
}

// stripMention removes the "@secbot" a line starts with, as people type
// it in a channel (the help says @secbot 質問): the console is a DM, and
// the question is what follows. A line that is only the mention is kept.
func stripMention(text string) string {
	const mention = "@secbot"
	if len(text) > len(mention) && strings.EqualFold(text[:len(mention)], mention) {
		rest := strings.TrimLeft(text[len(mention):], " 　:：,、")
		if rest != "" && rest != text[len(mention):] {
			return rest
		}
	}
	return text
}

// saveFiles writes the files of r and its Also to s.Dir (an existing file
// of the same name is replaced whole) and returns r saying where each went.
func (s *Shell) saveFiles(r bot.Reply) bot.Reply {
	if f := r.File; f != nil {
		r.File = nil
		path, err := SaveFile(s.Dir, *f)
		if err != nil {
			r.Text = strings.TrimRight(r.Text, "\n") + "\n" + fmt.Sprintf("ファイル %s を保存できませんでした: %v", f.Name, err)
		} else {
			r.Text = strings.TrimRight(r.Text, "\n") + "\n→ 保存しました: " + path
		}
	}
	for i := range r.Also {
		r.Also[i] = s.saveFiles(r.Also[i])
	}
	return r
}

// SaveFile writes f into dir ("" means the working directory) through a
// temporary file renamed into place, and returns the file's absolute path.
// Only f.Name's base name is used: a name cannot lead out of dir.
func SaveFile(dir string, f bot.File) (string, error) {
	if dir == "" {
		dir = "."
	}
	name := filepath.Base(filepath.Clean("/" + f.Name))
	if name == "/" || name == "." {
		return "", fmt.Errorf("no file name")
	}
	path, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+name+".*")
	if err != nil {
		return "", err
	}
	_, err = tmp.Write(f.Data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return path, nil
}

// readLines sends each line of r (without its line ending) until the end of
// input or done. Lines over maxLine bytes are sent as tooLong, without text.
func readLines(r io.Reader, out chan<- line, done <-chan struct{}) {
	defer close(out)
	send := func(l line) bool {
		select {
		case out <- l:
			return true
		case <-done:
			return false
		}
	}
	br := bufio.NewReaderSize(r, 4096)
	for {
		var buf []byte
		tooLong := false
		for {
			chunk, isPrefix, err := br.ReadLine()
			if err != nil {
				if err != io.EOF {
					send(line{err: err})
				}
				return
			}
			if !tooLong {
				buf = append(buf, chunk...)
				if len(buf) > maxLine {
					tooLong, buf = true, nil
				}
			}
			if !isPrefix {
				break
			}
		}
		if !send(line{text: string(buf), tooLong: tooLong}) {
			return
		}
	}
}

// Render formats a reply as console text.
func Render(r bot.Reply) string {
	var b strings.Builder
	render(&b, r)
	for _, also := range r.Also {
		b.WriteString("\n")
		render(&b, also)
	}
	return strings.TrimRight(b.String(), "\n")
}

const rule = "────────────────────────────────────────"

func render(b *strings.Builder, r bot.Reply) {
	switch {
	case r.Answer != nil && r.Answer.Shows() == knowledge.KindTerm:
		t := r.Answer.Term
		b.WriteString("■ " + t.Name)
		if t.Reading != "" {
			b.WriteString("（" + t.Reading + "）")
		}
		b.WriteString("\n" + rule + "\n")
		b.WriteString(wrap(t.Definition, 38) + "\n")
		if len(t.Aliases) > 0 {
			b.WriteString("\n別名　　: " + strings.Join(t.Aliases, "、") + "\n")
		}
		if len(r.Sections) > 0 {
			b.WriteString("該当箇所: " + bot.SectionsText(r.Sections) + "\n")
		}
		if len(r.Answer.Related) > 0 {
			b.WriteString("関連用語: " + strings.Join(r.Answer.Related, "、") + "\n")
		}
	case r.Answer != nil && r.Answer.Shows() == knowledge.KindPassage:
		for i, p := range r.Answer.Passages {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(b, "【%s %s】\n%s\n", p.Section, p.Title, wrap(p.Text, 38))
		}
	case r.Tip != nil:
		t := r.Tip
		b.WriteString("💡 " + t.Tip.Title)
		if t.Date != "" {
			b.WriteString("（" + t.Date + "）")
		}
		b.WriteString("\n" + rule + "\n" + wrap(t.Tip.Body, 38) + "\n")
		fmt.Fprintf(b, "出典: %s %s\n", t.Tip.Section, t.SectionTitle)
		if len(t.Related) > 0 {
			b.WriteString("関連用語: " + strings.Join(t.Related, "、") + "\n")
		}
	case r.Round != nil:
		renderRound(b, r.Round)
	case r.Board != nil:
		b.WriteString("🏆 " + r.Board.Title + "\n")
		if len(r.Board.Rows) == 0 {
			b.WriteString(bot.EmptyBoard + "\n")
		}
		for _, row := range r.Board.Rows {
			name := row.UserName
			if name == "" {
				name = row.UserID
			}
			fmt.Fprintf(b, "%2d. %s　%d問正解 / %d問回答\n", row.Rank, name, row.Correct, row.Answered)
		}
	default:
		b.WriteString(r.Text + "\n")
		if len(r.TermButtons) > 0 {
			fmt.Fprintf(b, "定義は「/term %s」のように入力すると表示します。\n", r.TermButtons[0])
		}
	}
}

func renderRound(b *strings.Builder, q *bot.RoundCard) {
	b.WriteString("❓ " + wrap(q.Question, 38) + "\n")
	for i, c := range q.Choices {
		mark := "  "
		if q.Revealed && i == q.Answer {
			mark = "✔ "
		}
		fmt.Fprintf(b, "%s%c. %s\n", mark, 'A'+i, c)
	}
	if q.Revealed {
		fmt.Fprintf(b, "正解: %c. %s\n", 'A'+q.Answer, q.Choices[q.Answer])
		if q.Explanation != "" {
			b.WriteString("解説: " + wrap(q.Explanation, 38) + "\n")
		}
		if q.Section.ID != "" {
			fmt.Fprintf(b, "該当箇所: %s\n", bot.SectionsText([]bot.SectionRef{q.Section}))
		}
		if q.Answered > 0 {
			fmt.Fprintf(b, "正答率: %d/%d人（%d%%）\n", q.Correct, q.Answered, q.Share())
		}
		return
	}
	fmt.Fprintf(b, "回答者: %d人", q.Answered)
	if q.Closes != "" {
		b.WriteString("　締切: " + q.Closes)
	}
	b.WriteString("\n回答は「answer B」のように入力してください。\n")
}

// wrap breaks long lines of Japanese text at about width full-width
// characters (2*width columns), never inside a run of Latin letters or
// digits and never before closing punctuation.
func wrap(s string, width int) string {
	var out strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			out.WriteString("\n")
		}
		cols := 0
		for _, r := range line {
			if cols >= 2*width && !latin(r) && !strings.ContainsRune("。、）」』】", r) {
				out.WriteString("\n")
				cols = 0
			}
			out.WriteRune(r)
			if utf8.RuneLen(r) > 1 {
				cols += 2
			} else {
				cols++
			}
		}
	}
	return out.String()
}

func latin(r rune) bool {
	return r < 0x80 && r != ' '
}
