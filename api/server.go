// Package api serves Didit's session-sharing REST API over the review use
// cases: the endpoints, headers, bodies and status codes of the seed's
// recipe, unchanged.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

//go:embed openapi.yaml
var openAPI []byte

// Server is the REST API.
type Server struct {
	svc *review.Service
	log *slog.Logger
	mux *routeMux
}

// New returns the API handler.
func New(svc *review.Service, log *slog.Logger) *Server {
	s := &Server{svc: svc, log: log, mux: newRouteMux()}
	s.mux.HandleFunc("POST /v3/session/{sessionId}/share/{$}", s.authed(s.share))
	s.mux.HandleFunc("POST /v3/session/import-shared/{$}", s.authed(s.importShared))
	s.mux.HandleFunc("GET /v3/session/{sessionId}/decision/{$}", s.authed(s.decision))
	s.mux.HandleFunc("PATCH /v3/session/{sessionId}/update-status/{$}", s.authed(s.updateStatus))
	s.mux.HandleFunc("DELETE /v3/session/{sessionId}/delete/{$}", s.authed(s.deleteSession))
	s.webhookRoutes()
	s.mux.HandleFunc("GET /openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(openAPI)
	})
	s.mux.HandleFunc("GET /healthz", s.health)
	return s
}

// ServeHTTP answers unknown paths and methods in Didit's JSON error shape
// instead of the mux's plain text, and recovers from panics with a 500.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
			writeJSON(w, http.StatusInternalServerError, detail("A server error occurred."))
		}
	}()
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
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

// authed resolves x-api-key before the handler runs.
func (s *Server) authed(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.svc.Authenticate(r.Context(), r.Header.Get("x-api-key"))
		if err == nil {
			err = h(w, r, caller)
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

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.svc.DB().PingContext(ctx); err != nil {
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
