package api

import "net/http"

// routeMux is the server's ServeMux, remembering every pattern registered
// on it so that a test can hold the served routes against openapi.yaml.
// Handlers register with s.mux.HandleFunc as on a plain ServeMux.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// Routes lists the patterns the server serves ("POST /v3/session/{sessionId}/share/{$}").
func (s *Server) Routes() []string { return append([]string(nil), s.mux.patterns...) }
