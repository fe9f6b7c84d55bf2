package fakeslack

// This file is the Socket Mode side of the fake: the websocket, the
// envelopes it sends and the acks it collects.

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{
	// The client sends Origin: https://api.slack.com, as to the real Slack.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.ws = conn
	s.conns++
	s.mu.Unlock()
	s.write(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"},
		"debug_info": map[string]any{"host": "fakeslack"}})
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil {
			continue
		}
		s.mu.Lock()
		s.acks = append(s.acks, Ack{EnvelopeID: ack.EnvelopeID, Payload: ack.Payload, Size: len(data)})
		s.mu.Unlock()
	}
}

func (s *Server) write(v any) error {
	s.mu.Lock()
	conn := s.ws
	s.mu.Unlock()
	if conn == nil {
		return fmt.Errorf("fakeslack: no websocket client")
	}
	s.wsWrite.Lock()
	defer s.wsWrite.Unlock()
	return conn.WriteJSON(v)
}

// Connected reports whether a socket-mode client is connected.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ws != nil
}

// Connections counts the websocket connections accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Envelope sends a socket-mode envelope of typ ("slash_commands",
// "events_api", "interactive") with payload and returns its envelope id.
func (s *Server) Envelope(typ string, payload any) (string, error) {
	s.mu.Lock()
	s.envelope++
	id := fmt.Sprintf("env-%d", s.envelope)
	s.mu.Unlock()
	err := s.write(map[string]any{
		"envelope_id":              id,
		"type":                     typ,
		"payload":                  payload,
		"accepts_response_payload": typ == "slash_commands",
	})
	return id, err
}

// Disconnect asks the socket-mode client to reconnect, as Slack does
// before it recycles a connection.
func (s *Server) Disconnect() error {
	return s.write(map[string]any{"type": "disconnect", "reason": "refresh_requested", "debug_info": map[string]any{"host": "fakeslack"}})
}
