package bot

import (
	"context"
	"errors"
	"testing"
	"time"
)

type recordedObservation struct {
	command string
	text    string
	took    time.Duration
}

type observerFunc func(req Request, reply Reply, took time.Duration)

func (f observerFunc) Observe(req Request, reply Reply, took time.Duration) { f(req, reply, took) }

// TestRouterObserver: the observer sees every request once, with the
// command that served it ("" for none) and the reply the person got, even
// when the handler failed or panicked.
func TestRouterObserver(t *testing.T) {
	var seen []recordedObservation
	r := NewRouter()
	r.Observer = observerFunc(func(req Request, reply Reply, took time.Duration) {
		seen = append(seen, recordedObservation{req.Command, reply.Text, took})
	})
	r.Handle("term", HandlerFunc(func(context.Context, Request) (Reply, error) { return Reply{Text: "ok"}, nil }))
	r.Handle("tip", HandlerFunc(func(context.Context, Request) (Reply, error) { return Reply{}, errors.New("boom") }))
	r.Handle("quiz", HandlerFunc(func(context.Context, Request) (Reply, error) { panic("bad") }))
	for _, text := range []string{"/term VPN", "/tip", "/quiz", "/nosuch x"} {
		r.Route(t.Context(), Request{Platform: Slack, Text: text})
	}
	want := []recordedObservation{{"term", "ok", 0}, {"tip", Apology, 0}, {"quiz", Apology, 0}, {"", "", 0}}
	if len(seen) != len(want) {
		t.Fatalf("observed %d requests, want %d: %+v", len(seen), len(want), seen)
	}
	for i, w := range want {
		if seen[i].command != w.command || (w.text != "" && seen[i].text != w.text) || seen[i].took < 0 {
			t.Errorf("observation %d = %+v, want command %q reply %q", i, seen[i], w.command, w.text)
		}
	}
}
