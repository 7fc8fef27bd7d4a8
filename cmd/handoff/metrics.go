package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"handoff/api"
	"handoff/metrics"
	"handoff/review"
	"handoff/webhook"
)

// serveMetrics is serve's --metrics: the collectors and the hooks that
// feed them. A nil *serveMetrics (no --metrics) adds nothing.
type serveMetrics struct {
	m    *metrics.Metrics
	addr string
}

// newServeMetrics builds the metrics for --metrics addr; the address must
// not be the API's: metrics are for the operator's network, never for
// partners.
func (a *app) newServeMetrics(addr, apiAddr string) (*serveMetrics, error) {
	if addr == "" {
		return nil, nil
	}
	if _, port, _ := net.SplitHostPort(addr); addr == apiAddr && port != "0" {
		return nil, fmt.Errorf("--metrics %s is the API's address; give the metrics a listener of their own", addr)
	}
	b := readBuildInfo()
	sm := &serveMetrics{m: metrics.New(metrics.Build{Version: b.Version, Commit: b.Commit, GoVersion: b.Go}), addr: addr}
	a.reviewOpts = append(a.reviewOpts, review.WithObserver(sm.m))
	return sm, nil
}

func (sm *serveMetrics) apiOptions() []api.Option {
	if sm == nil {
		return nil
	}
	return []api.Option{api.WithObserver(func(i api.RequestInfo) { sm.m.Request(i.Route, i.Method, i.Status, i.Duration) })}
}

func (sm *serveMetrics) senderConfig(cfg webhook.Config) webhook.Config {
	if sm != nil {
		cfg.Observe = sm.m.Delivery
	}
	return cfg
}

// server registers the scrape-time gauges and listens for scrapes.
func (sm *serveMetrics) server(a *app, svc *review.Service, sshSessions func() int) (server, error) {
	sm.m.Watch(metrics.Sources{DB: svc.DB().DB.DB, Backlog: svc.WebhookBacklog, SSHSessions: sshSessions,
		// serve always runs a sequencer (startSequencer), so the lag is
		// always meaningful here.
		AuditLag: func(ctx context.Context) (time.Duration, bool, error) {
			lag, err := svc.AuditLag(ctx)
			return lag, err == nil, err
		}})
	ln, err := net.Listen("tcp", sm.addr)
	if err != nil {
		return server{}, fmt.Errorf("listening on %s for --metrics: %w", sm.addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", sm.m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: errorLog(a.log)}
	fmt.Fprintf(a.stdout, "handoff metrics listening on http://%s/metrics\n", ln.Addr())
	return server{
		serve: func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
		shutdown: srv.Shutdown,
	}, nil
}
