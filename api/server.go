// Package api serves Didit's session-sharing REST API over the review use
// cases: the endpoints, headers, bodies and status codes of the seed's
// recipe, unchanged.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

//go:embed openapi.yaml
var openAPI []byte

// Server is the REST API.
type Server struct {
	svc      *review.Service
	log      *slog.Logger
	mux      *routeMux
	clients  clientAddrs
	failures *failures
	observe  func(RequestInfo)
}

// Option configures a Server.
type Option func(*Server)

// WithTrustedProxies names the reverse proxies whose X-Forwarded-For is
// believed; without it the client address is the TCP peer.
func WithTrustedProxies(p []netip.Prefix) Option { return func(s *Server) { s.clients.trusted = p } }

// WithAuthLimit replaces DefaultAuthLimit.
func WithAuthLimit(l AuthLimit) Option {
	return func(s *Server) { s.failures = newFailures(l, time.Now) }
}

// WithObserver has f called with every finished request (metrics).
func WithObserver(f func(RequestInfo)) Option { return func(s *Server) { s.observe = f } }

// New returns the API handler.
func New(svc *review.Service, log *slog.Logger, opts ...Option) *Server {
	s := &Server{svc: svc, log: log, mux: newRouteMux(), failures: newFailures(DefaultAuthLimit, time.Now)}
	for _, o := range opts {
		o(s)
	}
	s.mux.HandleFunc("POST /v3/session/{sessionId}/share/{$}", s.authed(s.share))
	s.mux.HandleFunc("POST /v3/session/import-shared/{$}", s.authed(s.importShared))
	s.mux.HandleFunc("GET /v3/session/{sessionId}/decision/{$}", s.authed(s.decision))
	s.mediaRoutes()
	s.mux.HandleFunc("PATCH /v3/session/{sessionId}/update-status/{$}", s.authed(s.updateStatus))
	s.mux.HandleFunc("DELETE /v3/session/{sessionId}/delete/{$}", s.authed(s.deleteSession))
	s.mux.HandleFunc("GET /v3/sessions/{$}", s.authed(s.listSessions))
	s.mux.HandleFunc("POST /v3/session/{$}", s.authed(s.createSession))
	s.mux.HandleFunc("POST /v3/session/{sessionId}/sandbox/complete/{$}", s.authed(s.completeSandbox))
	s.mux.HandleFunc("POST /v3/sessions/delete/{$}", s.authed(s.deleteSessions))
	s.mux.HandleFunc("GET /v3/session/{sessionId}/generate-pdf", s.authed(s.generatePDF))
	s.mux.HandleFunc("GET /v3/session/{sessionId}/webhooks/{$}", s.authed(s.sessionWebhooks))
	s.mux.HandleFunc("POST /v3/session/{sessionId}/webhooks/{deliveryId}/resend/{$}", s.authed(s.resendSessionWebhook))
	s.mux.HandleFunc("GET /v3/workflows/{$}", s.authed(s.listWorkflows))
	s.mux.HandleFunc("GET /v3/lists/{$}", s.authed(s.listLists))
	s.mux.HandleFunc("POST /v3/lists/{$}", s.authed(s.createList))
	s.mux.HandleFunc("GET /v3/lists/{list_uuid}/{$}", s.authed(s.getList))
	s.mux.HandleFunc("PATCH /v3/lists/{list_uuid}/{$}", s.authed(s.patchList))
	s.mux.HandleFunc("DELETE /v3/lists/{list_uuid}/{$}", s.authed(s.deleteList))
	s.mux.HandleFunc("GET /v3/lists/{list_uuid}/entries/{$}", s.authed(s.listEntries))
	s.mux.HandleFunc("POST /v3/lists/{list_uuid}/entries/{$}", s.authed(s.createEntry))
	s.mux.HandleFunc("DELETE /v3/lists/{list_uuid}/entries/{entry_uuid}/{$}", s.authed(s.deleteEntry))
	s.mux.HandleFunc("GET /v3/audit/checkpoint/{$}", s.authed(s.auditCheckpoint))
	s.mux.HandleFunc("GET /v3/audit/proof/{$}", s.authed(s.auditProof))
	s.webhookRoutes()
	s.entityRoutes()
	s.tokenRoutes()
	s.reviewRoutes()
	s.mux.HandleFunc("GET /openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(openAPI)
	})
	s.mux.HandleFunc("GET /healthz", s.health)
	return s
}

// ServeHTTP gives every request an id and one log line, answers unknown
// paths and methods in Didit's JSON error shape instead of the mux's plain
// text, and recovers from panics with a 500.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec, r, info := s.begin(w, r)
	w = rec
	defer s.finish(rec, info, start)
	defer func() {
		if v := recover(); v != nil {
			s.reqLog(r).Error("panic serving request", "method", r.Method, "route", info.Route, "panic", v)
			writeJSON(w, http.StatusInternalServerError, detail("A server error occurred."))
		}
	}()
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		info.Route = routeOf(pattern)
		s.mux.ServeHTTP(w, r) // sets the path values Handler does not
		return
	}
	probe := &statusProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		writeJSON(w, http.StatusMethodNotAllowed, detail("Method \""+r.Method+"\" not allowed."))
		return
	}
	writeJSON(w, http.StatusNotFound, detail("Not found."))
}

// statusProbe records what the mux would have answered.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(code int)        { p.status = code }

type handler func(w http.ResponseWriter, r *http.Request, caller domain.Caller) error

// routeOf is a mux pattern as a route label: "POST /v3/x/{id}/{$}" is
// "/v3/x/{id}/" (the method is a label of its own).
func routeOf(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	return strings.TrimSuffix(pattern, "{$}")
}

// authed resolves x-api-key before the handler runs, and carries the
// request id to review in the caller. A failed authentication (a bad or
// missing key, an invalid share token) draws on the client address's
// bucket; past its limit the answer is 429. Nothing else touches it.
func (s *Server) authed(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		info := infoOf(r)
		key := r.Header.Get("x-api-key")
		info.KeyPrefix = keyPrefix(key)
		caller, err := s.svc.Authenticate(r.Context(), key)
		if err == nil {
			caller.RequestID = info.ID
			err = h(w, r, caller)
		}
		var de *domain.Error
		if errors.As(err, &de) && (de.Code == domain.CodeUnauthorized || de.Code == domain.CodeForbidden) {
			info.Reason = de.Message
		}
		if domain.IsCode(err, domain.CodeUnauthorized) {
			if wait, limited := s.failures.fail(info.Client); limited {
				s.throttle(w, info, wait)
				return
			}
		}
		switch {
		case err == errTooLarge:
			writeJSON(w, http.StatusRequestEntityTooLarge, detail("Request body is larger than 1 MiB."))
		case err == errMediaType:
			writeJSON(w, http.StatusUnsupportedMediaType,
				detail(fmt.Sprintf("Unsupported media type %q in request; send application/json.", r.Header.Get("Content-Type"))))
		case err != nil:
			s.writeError(w, r, err)
		}
	}
}

// throttle answers 429 in the words of Django REST Framework's throttle,
// which Didit's back end uses.
func (s *Server) throttle(w http.ResponseWriter, info *RequestInfo, wait time.Duration) {
	secs := retryAfter(wait)
	info.Reason = "too many failed authentications from this address; last: " + info.Reason
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	writeJSON(w, http.StatusTooManyRequests, detail(fmt.Sprintf("Request was throttled. Expected available in %d %s.", secs, unit)))
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.svc.Ping(ctx); err != nil {
		w.Header().Set("Retry-After", unavailableRetryAfter)
		writeJSON(w, http.StatusServiceUnavailable, detail("database unavailable"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// sessionID reads the {sessionId} path segment; a malformed id is simply
// not found, as with Didit's uuid URL converter.
func sessionID(r *http.Request) (uuid.UUID, error) {
	v := r.PathValue("sessionId")
	id, err := uuid.Parse(v)
	if err != nil || len(v) != 36 {
		return uuid.Nil, domain.NotFoundf("Not found.")
	}
	return id, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"detail":"A server error occurred."}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}
