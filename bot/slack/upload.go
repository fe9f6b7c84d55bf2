package slack

import (
	"bytes"
	"context"
	"errors"

	"github.com/slack-go/slack"

	"secbot/bot"
)

// uploadFailed is what the asker reads when a file could not be sent.
const uploadFailed = "ファイルを DM に送れませんでした。しばらくしてからもう一度お試しください。"

// openDM returns the id of the direct message channel with userID
// (conversations.open).
func (a *Adapter) openDM(ctx context.Context, userID string) (string, error) {
	var channel string
	err := a.call(ctx, "conversations.open", userID, false, func(ctx context.Context) error {
		ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
		if err == nil {
			channel = ch.ID
		}
		return err
	})
	return channel, err
}

// SendFile sends f to userID's direct messages through Slack's external
// upload flow (files.getUploadURLExternal, the upload to the URL it gives,
// files.completeUploadExternal sharing it to the DM with f.Comment as the
// initial comment), and returns the DM's channel id. It needs the
// files:write scope (and im:write for conversations.open).
func (a *Adapter) SendFile(ctx context.Context, userID string, f bot.File) (string, error) {
	if f.Name == "" || len(f.Data) == 0 {
		return "", errors.New("slack: an empty file")
	}
	channel, err := a.openDM(ctx, userID)
	if err != nil {
		return "", err
	}
	title := f.Title
	if title == "" {
		title = f.Name
	}
	// A retry goes through the three steps again: a file half uploaded is
	// never shared, and Slack deletes it.
	err = a.call(ctx, "files.uploadV2", channel, false, func(ctx context.Context) error {
		_, err := a.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(f.Data), FileSize: len(f.Data), Filename: f.Name,
			Title: title, InitialComment: truncate(escape(f.Comment), maxSectionText), Channel: channel,
		})
		return err
	})
	return channel, err
}

// sendFiles sends the files of r and its Also to userID's DM and returns
// r without them; a reply whose file could not be sent says so instead.
func (a *Adapter) sendFiles(ctx context.Context, userID string, r bot.Reply) bot.Reply {
	if r.File != nil {
		if userID == "" {
			a.log.Error("a file reply without a user to send it to")
			r = bot.Reply{Private: true, Text: uploadFailed}
		} else if _, err := a.SendFile(ctx, userID, *r.File); err != nil {
			a.log.Error("could not send a file", "user", userID, "file", r.File.Name, "slack_error", slackCode(err), "err", err)
			r = bot.Reply{Private: true, Text: uploadFailed, Also: r.Also}
		}
		r.File = nil
	}
	if len(r.Also) > 0 {
		also := make([]bot.Reply, len(r.Also))
		for i, x := range r.Also {
			also[i] = a.sendFiles(ctx, userID, x)
		}
		r.Also = also
	}
	return r
}
