// Package metrics owns secbot's Prometheus collectors. It is a leaf: it
// imports client_golang and nothing of secbot, so every package may call it.
//
// A *Metrics keeps its collectors on a registry of its own (never the
// global default one), together with the Go runtime and process
// collectors; Handler serves them for GET /metrics.
//
// Every method is safe to call on a nil *Metrics and then does nothing:
// packages and tests that do not care about metrics pass nil.
//
//	m := metrics.New()
//	m.Request("slack", "term")
//	m.Answer("term", 12*time.Millisecond)
//	m.Post("slack", metrics.PostOK)
//	mux.Handle("GET /metrics", m.Handler())
//
// The metric names, with queries and alerts, are in docs/operations.md.
package metrics

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Outcomes of a post (Post).
const (
	// PostOK: the platform took the message.
	PostOK = "ok"
	// PostRateLimited: the platform answered 429; the post is retried
	// after Retry-After.
	PostRateLimited = "429"
	// PostTransient: a 5xx or network error; the post is retried.
	PostTransient = "transient_error"
	// PostPermanent: the platform refused the message for good (channel
	// not found, bot not in channel, bad token); it is not retried.
	PostPermanent = "permanent_error"
)

// Results of a scheduled slot's claim (Claim).
const (
	// ClaimWon: this process claimed the slot and will post it.
	ClaimWon = "won"
	// ClaimSkipped: another process had claimed it, or it was too late to
	// post (outside the catch-up grace).
	ClaimSkipped = "skipped"
	// ClaimAbandoned: this process gave up on a claim it held (attempts
	// exhausted, permanent error).
	ClaimAbandoned = "abandoned"
)

// Kinds of answer (Answer); they are knowledge.Answer's kinds.
const (
	KindTerm    = "term"
	KindPassage = "passage"
	KindNone    = "none"
)

// Metrics holds secbot's collectors. Create it with New; the zero value is
// not usable, but a nil *Metrics is (every method does nothing).
type Metrics struct {
	reg *prometheus.Registry

	requests    *prometheus.CounterVec
	answers     *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	posts       *prometheus.CounterVec
	claims      *prometheus.CounterVec
	quizAnswers *prometheus.CounterVec
	storeErrors *prometheus.CounterVec
	reloads     *prometheus.CounterVec
	reloadTime  prometheus.Gauge
	buildInfo   *prometheus.GaugeVec

	mu           sync.Mutex
	inboxDepthFn func() float64
}

// New returns a Metrics with every collector registered on a fresh
// registry, plus the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "secbot_requests_total",
		Help: "Requests routed, by front end (slack, teams, shell) and command (term, ask, tip, quiz, help, unknown).",
	}, []string{"front_end", "command"})
	m.answers = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "secbot_answers_total",
		Help: "Answers to /term and free questions, by kind: term (a glossary entry), passage (a chapter passage), none (nothing answered with confidence).",
	}, []string{"kind"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "secbot_answer_duration_seconds",
		Help:    "Time the router took to answer a request, by command (search and handlers; not the platform's round trip).",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"command"})
	m.posts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "secbot_posts_total",
		Help: "Calls that post or update a message, by platform and outcome (ok, 429, transient_error, permanent_error).",
	}, []string{"platform", "outcome"})
	m.claims = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "secbot_claims_total",
		Help: "Scheduled slots, by job (tip, quiz, reveal, digest, …) and result (won, skipped, abandoned).",
	}, []string{"job", "result"})
	m.quizAnswers = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "secbot_quiz_answers_total",
		Help: "Quiz answers received, by outcome (recorded, changed, duplicate, closed, …).",
	}, []string{"outcome"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "secbot_store_errors_total",
		Help: "Store operations that failed, by operation.",
	}, []string{"op"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "secbot_config_reloads_total",
		Help: "Config reloads (SIGHUP), by result (ok, refused).",
	}, []string{"result"})
	m.reloadTime = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "secbot_config_last_reload_success_timestamp_seconds",
		Help: "When the running config was loaded (start or last good SIGHUP), Unix seconds.",
	})
	m.buildInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "secbot_build_info",
		Help: "Always 1; its labels say which build runs.",
	}, []string{"version", "revision", "goversion"})
	m.reg.MustRegister(m.requests, m.answers, m.latency, m.posts, m.claims, m.quizAnswers,
		m.storeErrors, m.reloads, m.reloadTime, m.buildInfo,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "secbot_inbox_depth",
			Help: "Inputs acknowledged and stored but not yet handled (the durable inbox); 0 without one.",
		}, func() float64 {
			if f := m.inboxDepth(); f != nil {
				return f()
			}
			return 0
		}),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Registry returns the registry the collectors are on, for tests and for
// packages that register collectors of their own.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// Handler serves the metrics in the Prometheus text format. On a nil
// Metrics it answers 404.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request counts one request routed from frontEnd ("slack", "teams",
// "shell") for command. Pass only known command names: every distinct
// value is a time series ("unknown" for the rest).
func (m *Metrics) Request(frontEnd, command string) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(frontEnd, command).Inc()
}

// Answer counts an answer of kind (KindTerm, KindPassage, KindNone).
func (m *Metrics) Answer(kind string) {
	if m == nil {
		return
	}
	m.answers.WithLabelValues(kind).Inc()
}

// Latency records how long the answer to command took.
func (m *Metrics) Latency(command string, d time.Duration) {
	if m == nil {
		return
	}
	m.latency.WithLabelValues(command).Observe(d.Seconds())
}

// Post counts one post (or update) to platform ("slack", "teams") with its
// outcome (PostOK, PostRateLimited, PostTransient, PostPermanent).
func (m *Metrics) Post(platform, outcome string) {
	if m == nil {
		return
	}
	m.posts.WithLabelValues(platform, outcome).Inc()
}

// Claim counts one scheduled slot of job ("tip", "quiz", "reveal",
// "digest") with its result (ClaimWon, ClaimSkipped, ClaimAbandoned).
// Skipped slots may be counted n at a time with Claims.
func (m *Metrics) Claim(job, result string) { m.Claims(job, result, 1) }

// Claims counts n slots of job with result.
func (m *Metrics) Claims(job, result string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.claims.WithLabelValues(job, result).Add(float64(n))
}

// Quiz answer outcomes (QuizAnswer).
const (
	QuizRecorded  = "recorded"  // a person's first answer to the round
	QuizDuplicate = "duplicate" // an answer after theirs was recorded
	QuizClosed    = "closed"    // an answer after the round closed
)

// QuizAnswer counts one quiz answer with its outcome: "recorded" (a first
// answer), "changed", "duplicate" (the same click again), "closed" (after
// the reveal). Keep to a few fixed values.
func (m *Metrics) QuizAnswer(outcome string) {
	if m == nil {
		return
	}
	m.quizAnswers.WithLabelValues(outcome).Inc()
}

// StoreError counts a failed store operation op ("claim", "record_answer",
// "inbox_put", …: a fixed name per call site, never the error text).
func (m *Metrics) StoreError(op string) {
	if m == nil {
		return
	}
	m.storeErrors.WithLabelValues(op).Inc()
}

// InboxDepth makes secbot_inbox_depth report f() at each scrape (the
// number of stored inputs not yet handled). f must be quick and safe for
// concurrent use; a later call replaces f, nil turns it back to 0.
func (m *Metrics) InboxDepth(f func() float64) {
	if m == nil {
		return
	}
	m.setInboxDepth(f)
}

// Reload records a config reload: ok, or refused (the old config kept).
func (m *Metrics) Reload(ok bool, at time.Time) {
	if m == nil {
		return
	}
	if ok {
		m.reloads.WithLabelValues("ok").Inc()
		m.reloadTime.Set(float64(at.Unix()))
		return
	}
	m.reloads.WithLabelValues("refused").Inc()
}

// Loaded records when the running config was loaded at start.
func (m *Metrics) Loaded(at time.Time) {
	if m == nil {
		return
	}
	m.reloadTime.Set(float64(at.Unix()))
}

// BuildInfo sets secbot_build_info's labels.
func (m *Metrics) BuildInfo(version, revision, goVersion string) {
	if m == nil {
		return
	}
	m.buildInfo.Reset()
	m.buildInfo.WithLabelValues(version, revision, goVersion).Set(1)
}

func (m *Metrics) setInboxDepth(f func() float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inboxDepthFn = f
}

func (m *Metrics) inboxDepth() func() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.inboxDepthFn
}
