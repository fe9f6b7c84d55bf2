// Package fakeslack is a Slack that runs on loopback, for tests: the Web
// API methods secbot calls, response_url endpoints, and a Socket Mode
// websocket that sends envelopes and collects their acks. It speaks
// Slack's wire format, so the adapter under test uses the real slack-go
// client against it (slack.OptionAPIURL).
//
// slack-go's own slacktest lacks apps.connections.open, postEphemeral
// capture and scripted failures, hence this small server.
package fakeslack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The identity auth.test reports.
const (
	BotUserID = "UBOT"
	BotID     = "BBOT"
)

// Call is one Web API call the server received.
type Call struct {
	Method string
	// Token is the bearer token (or the form's token).
	Token string
	// Args holds the form fields, or the top-level fields of a JSON body
	// (as strings: JSON values other than strings keep their JSON text).
	Args url.Values
	// At is when the server took the call up (after APIDelay).
	At time.Time
}

// Blocks decodes the call's "blocks" argument.
func (c Call) Blocks() []map[string]any {
	var out []map[string]any
	_ = json.Unmarshal([]byte(c.Args.Get("blocks")), &out)
	return out
}

// Response is one message posted to a response_url.
type Response struct {
	// Path is the response_url's path (/response/N).
	Path string
	Body map[string]any
	Raw  []byte
}

// Failure is a scripted answer to the next call of a method.
type Failure struct {
	// Status is the HTTP status (429, 500, …); 0 means 200.
	Status int
	// RetryAfter is the Retry-After header in seconds, with Status 429.
	RetryAfter int
	// Error is Slack's error code for {"ok":false,"error":…}.
	Error string
}

// Upload is a file uploaded through the external upload flow
// (files.getUploadURLExternal, a POST to its upload_url,
// files.completeUploadExternal).
type Upload struct {
	// FileID is the id files.getUploadURLExternal gave.
	FileID string
	// Name and Length are what files.getUploadURLExternal was told.
	Name   string
	Length int
	// Data is what was posted to the upload URL ("file" form field).
	Data []byte
	// Uploaded is set once the bytes came; Completed once
	// files.completeUploadExternal shared the file.
	Uploaded, Completed bool
	// Channel, Title and Comment are files.completeUploadExternal's
	// channel_id, the file's title and initial_comment.
	Channel, Title, Comment string
}

// Ack is an acknowledgement the websocket received.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage
	// Size is the frame's length in bytes.
	Size int
}

// Server is a fake Slack. Create it with New; it closes with the test.
type Server struct {
	srv *httptest.Server

	mu        sync.Mutex
	calls     []Call
	responses []Response
	failures  map[string][]Failure
	acks      []Ack
	ts        int
	nextResp  int
	ws        *websocket.Conn
	wsWrite   sync.Mutex
	envelope  int
	conns     int
	// AppToken is what apps.connections.open requires; "" accepts any.
	AppToken string
	// messages holds what chat.postMessage posted, per channel, oldest
	// first, for conversations.history.
	messages map[string][]map[string]any

	// Members is each channel's member count for conversations.info
	// (default 25). Set it before the server is used.
	Members map[string]int

	// APIDelay and ResponseDelay slow every Web API call and every
	// response_url post down, as a loaded Slack would be. Set them before
	// the server is used.
	APIDelay, ResponseDelay time.Duration
	// FailWhen, when set, decides the answer to each Web API call that no
	// queued Failure (Fail) answers: n counts the earlier calls of the same
	// method to the same channel, so a script can fail, say, the first try
	// of every fifth channel. It runs under the server's lock: it must not
	// call the server. Set it before the server is used.
	FailWhen func(c Call, n int) (Failure, bool)
	// Hold, when set, is asked after each chat.postMessage that posted (the
	// message is stored: conversations.history shows it) how long to keep
	// the caller waiting for its answer, so that a test can kill a process
	// that has posted without knowing it. It runs without the server's
	// lock. Set it before the server is used.
	Hold func(c Call) time.Duration
	// tries counts the calls per method and channel, for FailWhen.
	tries map[string]int
	// uploads are the files of the external upload flow, in order.
	uploads []*Upload
}

// New starts a fake Slack on loopback.
func New(t testing.TB) *Server {
	s := &Server{failures: map[string][]Failure{}, messages: map[string][]map[string]any{}, tries: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("/response/{id}", s.serveResponse)
	mux.HandleFunc("/ws", s.serveWS)
	mux.HandleFunc("POST /upload/{id}", s.serveUpload)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		s.mu.Lock()
		if s.ws != nil {
			_ = s.ws.Close()
		}
		s.mu.Unlock()
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
	return s
}

// APIURL is the Web API base to give slack.OptionAPIURL (ends with "/").
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// ResponseURL returns a new response_url.
func (s *Server) ResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextResp++
	return fmt.Sprintf("%s/response/%d", s.srv.URL, s.nextResp)
}

// Fail makes the next calls of method answer with fs, in order.
func (s *Server) Fail(method string, fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], fs...)
}

// Calls returns the Web API calls received so far, of method (or of all
// methods when method is "").
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Responses returns the messages posted to response_urls so far.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.responses...)
}

// Messages returns what chat.postMessage posted to channel, oldest first.
func (s *Server) Messages(channel string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.messages[channel]...)
}

// Uploads returns the files of the external upload flow so far, in the
// order their upload URLs were asked for.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Upload, len(s.uploads))
	for i, u := range s.uploads {
		out[i] = *u
		out[i].Data = append([]byte(nil), u.Data...)
	}
	return out
}

// upload returns the upload with file id id (s.mu held).
func (s *Server) upload(id string) *Upload {
	for _, u := range s.uploads {
		if u.FileID == id {
			return u
		}
	}
	return nil
}

// serveUpload takes the bytes of a file at its upload URL, as Slack's
// files.slack.com does: a multipart form with the file in "file".
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f, _, err := r.FormFile("file")
	if err != nil {
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	data, err := io.ReadAll(f)
	if err != nil {
		http.Error(w, "unreadable file", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	u := s.upload(id)
	if u != nil {
		u.Data, u.Uploaded = data, true
	}
	s.mu.Unlock()
	if u == nil {
		http.Error(w, "unknown upload", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "OK - %d", len(data))
}

// MembersOf is the member count conversations.info reports for channel.
func (s *Server) MembersOf(channel string) int {
	if n, ok := s.Members[channel]; ok {
		return n
	}
	return 25
}

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Acks returns the socket-mode acks received so far.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if s.APIDelay > 0 {
		time.Sleep(s.APIDelay)
	}
	method := r.PathValue("method")
	body, _ := io.ReadAll(r.Body)
	call := Call{Method: method, Args: url.Values{}, At: time.Now()}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(body, &m)
		for k, v := range m {
			var str string
			if json.Unmarshal(v, &str) == nil {
				call.Args.Set(k, str)
			} else {
				call.Args.Set(k, string(v))
			}
		}
	} else {
		call.Args, _ = url.ParseQuery(string(body))
	}
	call.Token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if call.Token == "" {
		call.Token = call.Args.Get("token")
	}

	s.mu.Lock()
	s.calls = append(s.calls, call)
	var fail *Failure
	if fs := s.failures[method]; len(fs) > 0 {
		fail = &fs[0]
		s.failures[method] = fs[1:]
	}
	if try := method + "\x00" + call.Args.Get("channel"); fail == nil && s.FailWhen != nil {
		if f, ok := s.FailWhen(call, s.tries[try]); ok {
			fail = &f
		}
		s.tries[try]++
	}
	s.ts++
	ts := fmt.Sprintf("1700000000.%06d", s.ts)
	s.mu.Unlock()

	if fail != nil {
		if fail.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(fail.RetryAfter))
		}
		if fail.Status != 0 && fail.Status != http.StatusOK {
			w.WriteHeader(fail.Status)
			return
		}
		writeJSON(w, map[string]any{"ok": false, "error": fail.Error})
		return
	}
	channel := call.Args.Get("channel")
	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "user_id": BotUserID, "bot_id": BotID, "user": "secbot", "team": "Test", "team_id": "T1"})
	case "chat.postMessage":
		msg := map[string]any{"type": "message", "ts": ts, "text": call.Args.Get("text")}
		if md := call.Args.Get("metadata"); md != "" {
			var m any
			if json.Unmarshal([]byte(md), &m) == nil {
				msg["metadata"] = m
			}
		}
		s.mu.Lock()
		s.messages[channel] = append(s.messages[channel], msg)
		hold := s.Hold
		s.mu.Unlock()
		if hold != nil {
			if d := hold(call); d > 0 {
				time.Sleep(d)
			}
		}
		writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": ts, "message": msg})
	case "conversations.info":
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": channel, "num_members": s.MembersOf(channel)}})
	case "conversations.history":
		// Newest first, metadata only when asked for, as Slack does.
		s.mu.Lock()
		msgs := s.messages[channel]
		out := make([]map[string]any, 0, len(msgs))
		for i := len(msgs) - 1; i >= 0; i-- {
			m := map[string]any{}
			for k, v := range msgs[i] {
				if k != "metadata" || call.Args.Get("include_all_metadata") == "1" {
					m[k] = v
				}
			}
			out = append(out, m)
		}
		s.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "messages": out, "has_more": false})
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": ts})
	case "chat.update":
		writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": call.Args.Get("ts"), "text": call.Args.Get("text")})
	case "conversations.open":
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(call.Args.Get("users"), "U")}})
	case "files.getUploadURLExternal":
		n, err := strconv.Atoi(call.Args.Get("length"))
		if call.Args.Get("filename") == "" || err != nil || n <= 0 {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		s.mu.Lock()
		id := fmt.Sprintf("F%04d", len(s.uploads)+1)
		s.uploads = append(s.uploads, &Upload{FileID: id, Name: call.Args.Get("filename"), Length: n})
		s.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "upload_url": s.srv.URL + "/upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var files []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		if json.Unmarshal([]byte(call.Args.Get("files")), &files) != nil || len(files) == 0 {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		out := make([]map[string]any, 0, len(files))
		s.mu.Lock()
		for _, f := range files {
			u := s.upload(f.ID)
			if u == nil || !u.Uploaded || len(u.Data) != u.Length {
				s.mu.Unlock()
				writeJSON(w, map[string]any{"ok": false, "error": "file_not_found"})
				return
			}
			u.Completed, u.Channel, u.Title, u.Comment = true, call.Args.Get("channel_id"), f.Title, call.Args.Get("initial_comment")
			out = append(out, map[string]any{"id": f.ID, "title": f.Title})
		}
		s.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "files": out})
	case "apps.connections.open":
		if s.AppToken != "" && call.Token != s.AppToken {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/ws"})
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (s *Server) serveResponse(w http.ResponseWriter, r *http.Request) {
	if s.ResponseDelay > 0 {
		time.Sleep(s.ResponseDelay)
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.responses = append(s.responses, Response{Path: r.URL.Path, Body: body, Raw: raw})
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true})
}

// Sign returns Slack's X-Slack-Signature for body sent at ts.
func Sign(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts.Unix())
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignedRequest returns a POST of body to url signed with secret at ts.
func SignedRequest(url, contentType, secret string, ts time.Time, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("X-Slack-Signature", Sign(secret, ts, body))
	return req
}

// Eventually polls cond every few milliseconds until it holds or 5 s pass.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
