package metrics_test

import (
	"net/http"
	"time"

	"secbot/metrics"
)

func Example() {
	m := metrics.New()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())

	// The router counts each request and its answer.
	m.Request("slack", "term")
	m.Answer(metrics.KindTerm)
	m.Latency("term", 12*time.Millisecond)

	// The poster counts each call's outcome; the scheduler each slot.
	m.Post("slack", metrics.PostOK)
	m.Claim("tip", metrics.ClaimWon)

	// A nil *Metrics is valid and counts nothing.
	var none *metrics.Metrics
	none.Post("teams", metrics.PostPermanent)
	// Output:
}
