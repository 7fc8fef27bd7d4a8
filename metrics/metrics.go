// Package metrics exposes handoff's Prometheus metrics: what the API, the
// use cases, the webhook deliverer and the SSH server did, and the state
// of the database pool and the webhook outbox. It knows no other handoff
// package; cmd/handoff feeds it through the hooks each layer offers.
//
// Every label value comes from a small fixed set (route patterns, methods,
// status codes, outcomes): never an application, session, key or token id.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Outcomes of a use case: "ok" or an error code (domain.Code values), or
// "error" for anything unclassified.
var Outcomes = []string{"ok", "invalid", "unauthorized", "forbidden", "not_found", "conflict", "unavailable", "error"}

// Delivery results of one webhook attempt (webhook.Result* values).
var DeliveryResults = []string{"delivered", "retry", "failed", "dropped"}

// Build describes the binary for handoff_build_info.
type Build struct{ Version, Commit, GoVersion string }

// Sources are read at each scrape. Any may be nil.
type Sources struct {
	// DB is the pool, for its sql.DBStats.
	DB *sql.DB
	// Backlog is the webhook outbox: deliveries pending and the age of the
	// oldest one.
	Backlog func(context.Context) (pending int64, oldest time.Duration, err error)
	// SSHSessions is the number of connected workstations.
	SSHSessions func() int
	// AuditLag is how far the audit sequencer is behind the newest
	// committed event (ok false until a sequencer runs in this process).
	AuditLag func(context.Context) (lag time.Duration, ok bool, err error)
}

// Metrics holds handoff's collectors on a registry of its own (no global
// state: two servers in one test process do not share counts).
type Metrics struct {
	reg *prometheus.Registry

	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	mints     *prometheus.CounterVec
	imports   *prometheus.CounterVec
	decisions *prometheus.CounterVec
	delivered *prometheus.CounterVec
	delay     prometheus.Histogram
}

// New builds the metrics; Watch adds the gauges read at scrape time.
func New(b Build) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "handoff_http_requests_total",
		Help: "API requests by route pattern, method and status code."}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "handoff_http_request_duration_seconds",
		Help:    "API request latency by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"route", "method"})
	outcome := func(name, help string) *prometheus.CounterVec {
		v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"outcome"})
		for _, o := range Outcomes {
			v.WithLabelValues(o) // present at 0, so rates and alerts work from the start
		}
		return v
	}
	m.mints = outcome("handoff_share_tokens_minted_total", "Share-token mints (API and workstation) by outcome.")
	m.imports = outcome("handoff_imports_total", "Share-token imports by outcome.")
	m.decisions = outcome("handoff_decisions_total", "Status decisions (API and workstation) by outcome.")
	m.delivered = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "handoff_webhook_deliveries_total",
		Help: "Webhook delivery attempts by result: delivered, retry (failed, will retry), failed (given up), dropped (destination disabled or deleted)."}, []string{"result"})
	for _, r := range DeliveryResults {
		m.delivered.WithLabelValues(r)
	}
	m.delay = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "handoff_webhook_delivery_delay_seconds",
		Help:    "Time from the status change's commit to its successful delivery.",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400}})
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.mints, m.imports, m.decisions, m.delivered, m.delay} {
		f(c)
	}

	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f(collectors.NewBuildInfoCollector())
	f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "handoff_build_info",
		Help:        "Always 1; the labels name the build.",
		ConstLabels: prometheus.Labels{"version": b.Version, "commit": b.Commit, "goversion": b.GoVersion}},
		func() float64 { return 1 }))
	return m
}

// Watch registers the gauges read from src at each scrape; call it once,
// when the pool and the servers exist.
func (m *Metrics) Watch(src Sources) {
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	if src.DB != nil {
		f(collectors.NewDBStatsCollector(src.DB, "handoff"))
	}
	if src.SSHSessions != nil {
		f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "handoff_ssh_sessions",
			Help: "Workstations connected over SSH to this process."}, func() float64 { return float64(src.SSHSessions()) }))
	}
	if src.Backlog != nil {
		f(&backlog{read: src.Backlog})
	}
	if src.AuditLag != nil {
		f(&auditLag{read: src.AuditLag})
	}
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, Timeout: 10 * time.Second})
}

// Request counts one API request. route must be a route pattern.
func (m *Metrics) Request(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(d.Seconds())
}

// Operation counts one mint, import or decision by outcome.
func (m *Metrics) Operation(op, outcome string) {
	switch op {
	case "mint":
		m.mints.WithLabelValues(outcome).Inc()
	case "import":
		m.imports.WithLabelValues(outcome).Inc()
	case "decide":
		m.decisions.WithLabelValues(outcome).Inc()
	}
}

// Delivery counts one webhook attempt; for a delivered one, delay is the
// time from the commit of the status change to the receiver's answer.
func (m *Metrics) Delivery(result string, delay time.Duration) {
	m.delivered.WithLabelValues(result).Inc()
	if result == "delivered" {
		m.delay.Observe(max(0, delay).Seconds())
	}
}

// scrapeTimeout bounds the database reads of one scrape.
const scrapeTimeout = 5 * time.Second

// backlog reads the outbox at scrape time: two gauges from one query.
type backlog struct {
	read func(context.Context) (int64, time.Duration, error)
}

var (
	backlogPending = prometheus.NewDesc("handoff_webhook_backlog", "Webhook deliveries pending (not yet delivered or given up).", nil, nil)
	backlogOldest  = prometheus.NewDesc("handoff_webhook_backlog_oldest_seconds", "Age of the oldest pending webhook delivery (0 when none).", nil, nil)
	auditLagDesc   = prometheus.NewDesc("handoff_audit_sequencer_lag_seconds", "How far the audit sequencer is behind the newest committed event.", nil, nil)
)

func (b *backlog) Describe(ch chan<- *prometheus.Desc) { ch <- backlogPending; ch <- backlogOldest }

func (b *backlog) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	n, oldest, err := b.read(ctx)
	if err != nil {
		return // absent, so absent(handoff_webhook_backlog) can alert
	}
	ch <- prometheus.MustNewConstMetric(backlogPending, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(backlogOldest, prometheus.GaugeValue, oldest.Seconds())
}

// auditLag is the hook for the audit sequencer's lag.
type auditLag struct {
	read func(context.Context) (time.Duration, bool, error)
}

func (a *auditLag) Describe(ch chan<- *prometheus.Desc) { ch <- auditLagDesc }

func (a *auditLag) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if lag, ok, err := a.read(ctx); err == nil && ok {
		ch <- prometheus.MustNewConstMetric(auditLagDesc, prometheus.GaugeValue, lag.Seconds())
	}
}
