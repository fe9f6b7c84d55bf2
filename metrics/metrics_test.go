package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"secbot/metrics"
)

// scrape returns what GET /metrics shows.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetricsShowWhatWasCounted(t *testing.T) {
	m := metrics.New()
	m.Request("slack", "term")
	m.Request("slack", "term")
	m.Answer(metrics.KindTerm)
	m.Latency("term", 30*time.Millisecond)
	m.Post("slack", metrics.PostRateLimited)
	m.Claim("tip", metrics.ClaimWon)
	m.Claims("tip", metrics.ClaimSkipped, 5)
	m.QuizAnswer("recorded")
	m.StoreError("claim")
	m.InboxDepth(func() float64 { return 7 })
	m.BuildInfo("v1.2.3", "abc", "go1.26")
	m.Reload(false, time.Unix(0, 0))

	out := scrape(t, m)
	for _, want := range []string{
		`secbot_requests_total{command="term",front_end="slack"} 2`,
		`secbot_answers_total{kind="term"} 1`,
		`secbot_answer_duration_seconds_bucket{command="term",le="0.05"} 1`,
		`secbot_posts_total{outcome="429",platform="slack"} 1`,
		`secbot_claims_total{job="tip",result="won"} 1`,
		`secbot_claims_total{job="tip",result="skipped"} 5`,
		`secbot_quiz_answers_total{outcome="recorded"} 1`,
		`secbot_store_errors_total{op="claim"} 1`,
		`secbot_inbox_depth 7`,
		`secbot_build_info{goversion="go1.26",revision="abc",version="v1.2.3"} 1`,
		`secbot_config_reloads_total{result="refused"} 1`,
		`go_goroutines `,
		`process_`, // the process collector (Linux)
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestNilMetricsDoNothing: packages and tests that do not care pass nil.
func TestNilMetricsDoNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Request("slack", "term")
	m.Answer(metrics.KindNone)
	m.Latency("term", time.Second)
	m.Post("teams", metrics.PostOK)
	m.Claim("quiz", metrics.ClaimAbandoned)
	m.QuizAnswer("recorded")
	m.StoreError("x")
	m.InboxDepth(func() float64 { return 1 })
	m.Reload(true, time.Now())
	m.Loaded(time.Now())
	m.BuildInfo("", "", "")
	if m.Registry() != nil {
		t.Error("nil Metrics has a registry")
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 404 {
		t.Errorf("nil Metrics handler = %d, want 404", rec.Code)
	}
}

// TestRegistriesAreSeparate: two Metrics (two apps in one test binary)
// do not share counters or panic on duplicate registration.
func TestRegistriesAreSeparate(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.Request("shell", "help")
	if strings.Contains(scrape(t, b), `secbot_requests_total{command="help"`) {
		t.Error("b shows a's request")
	}
}
