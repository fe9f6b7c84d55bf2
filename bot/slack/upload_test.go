package slack

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"secbot/bot"
	"secbot/internal/fakeslack"
	"secbot/quiz"
	"secbot/quiz/rounds"
	"secbot/store/sqlite"
)

// reportRouter is the real /quiz handler over a SQLite store with two
// revealed rounds in C1; U1 (the harness's slash command user) is an admin.
func reportRouter(t *testing.T) *bot.Router {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "secbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Date(2026, 11, 16, 10, 0, 0, 0, tokyo)
	for i, term := range []string{"ゼロトラスト", "VPN"} {
		id := "r" + string(rune('1'+i))
		q := quiz.Question{Question: term + "とは", Choices: []string{"a", "b", "c", "d"}, Term: term}
		rd := quiz.Round{ID: id, Channel: "C1", Question: q, Opened: opened, Closes: opened.Add(24 * time.Hour)}
		if err := db.CreateRound(ctx, rd); err != nil {
			t.Fatal(err)
		}
		for j, user := range []string{"U7", "U8"} {
			a := quiz.Answer{RoundID: id, Channel: "C1", UserID: user, UserName: "山田" + user, Choice: j, Correct: j == 0, At: opened.Add(time.Minute)}
			if _, _, err := db.AddAnswer(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.MarkRevealed(ctx, id); err != nil {
			t.Fatal(err)
		}
		opened = opened.AddDate(0, 0, 7)
	}
	rs, err := rounds.New(rounds.Config{Pack: testPack, Store: db, Location: tokyo,
		Now:     func() time.Time { return time.Date(2026, 12, 2, 9, 0, 0, 0, tokyo) },
		Posters: func(string) (bot.Poster, error) { return nil, bot.ErrPermanent },
		Log:     slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	r := bot.NewRouter()
	r.Log = slog.New(slog.DiscardHandler)
	r.Admins = map[string]bool{"U1": true}
	r.Handle("quiz", rs.Handler(), rounds.Usage...)
	return r
}

// replyText is what the asker was shown: the ack's body or what followed
// through the response_url.
func replyText(h *harness, body []byte, responseURL string) string {
	text := string(body)
	for _, r := range h.responsesTo(responseURL) {
		text += string(r.Raw)
	}
	return text
}

// TestQuizReportUploadedToAdminDM: /quiz report builds the workbook and
// sends it to the admin's DM through files.uploadV2's three steps —
// files.getUploadURLExternal, the upload, files.completeUploadExternal to
// the DM that conversations.open gave — with the summary as the comment;
// the channel reply only says so.
func TestQuizReportUploadedToAdminDM(t *testing.T) {
	h := newHarness(t, reportRouter(t))
	status, body, responseURL := h.command("/quiz", "report", "C1")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	h.settle()

	var methods []string
	for _, c := range h.slack.Calls("") {
		methods = append(methods, c.Method)
	}
	want := []string{"conversations.open", "files.getUploadURLExternal", "files.completeUploadExternal"}
	if !slices.Equal(methods, want) {
		t.Fatalf("calls %v, want %v", methods, want)
	}
	if open := h.slack.Calls("conversations.open")[0]; open.Args.Get("users") != "U1" {
		t.Errorf("conversations.open users=%q, want the admin U1", open.Args.Get("users"))
	}
	get := h.slack.Calls("files.getUploadURLExternal")[0]
	ups := h.slack.Uploads()
	if len(ups) != 1 {
		t.Fatalf("%d uploads, want 1", len(ups))
	}
	up := ups[0]
	if !up.Uploaded || !up.Completed || up.Channel != "D1" {
		t.Errorf("upload %+v: want uploaded and shared to the admin's DM D1", up)
	}
	if up.Name != "secbot-quiz-report-20261202.xlsx" || get.Args.Get("filename") != up.Name || up.Length != len(up.Data) {
		t.Errorf("upload named %q (asked %q), %d bytes of %d", up.Name, get.Args.Get("filename"), len(up.Data), up.Length)
	}
	for _, w := range []string{"クイズ集計（2026-04-01〜2027-03-31・チャンネル C1）", "ラウンド 2回", "回答者 2人", "正解率 50%"} {
		if !strings.Contains(up.Comment, w) {
			t.Errorf("initial comment lacks %q:\n%s", w, up.Comment)
		}
	}
	if !strings.Contains(up.Title, "secbot クイズ集計") {
		t.Errorf("title %q", up.Title)
	}
	f, err := excelize.OpenReader(bytes.NewReader(up.Data))
	if err != nil {
		t.Fatalf("the uploaded bytes are not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("用語別")
	if err != nil || len(rows) < 3 {
		t.Fatalf("用語別 = %v, %v", rows, err)
	}
	if names := []string{rows[1][1], rows[2][1]}; !slices.Contains(names, "VPN") || !slices.Contains(names, "ゼロトラスト") {
		t.Errorf("用語別 lists %v", names)
	}
	if text := replyText(h, body, responseURL); !strings.Contains(text, "DM に送りました") || !strings.Contains(text, "ephemeral") {
		t.Errorf("the channel reply = %s", text)
	}
}

// TestQuizReportUploadFails: when Slack refuses the upload, the admin is
// told the file did not go, not that it did.
func TestQuizReportUploadFails(t *testing.T) {
	h := newHarness(t, reportRouter(t))
	h.slack.Fail("files.completeUploadExternal", fakeslack.Failure{Error: "missing_scope"})
	_, body, responseURL := h.command("/quiz", "report", "C1")
	h.settle()
	text := replyText(h, body, responseURL)
	if strings.Contains(text, "DM に送りました") || !strings.Contains(text, "送れませんでした") {
		t.Errorf("reply after a refused upload = %s", text)
	}
	if ups := h.slack.Uploads(); len(ups) != 1 || ups[0].Completed {
		t.Errorf("uploads %+v", ups)
	}
}

// TestQuizReportRefusedToNonAdmin: no upload for a non-admin.
func TestQuizReportRefusedToNonAdmin(t *testing.T) {
	r := reportRouter(t)
	r.Admins = map[string]bool{}
	h := newHarness(t, r)
	_, body, responseURL := h.command("/quiz", "report all", "C1")
	h.settle()
	if text := replyText(h, body, responseURL); !strings.Contains(text, "管理者だけ") {
		t.Errorf("reply = %s", text)
	}
	if n := len(h.slack.Calls("")); n != 0 {
		t.Errorf("%d Web API calls for a refused report", n)
	}
}
