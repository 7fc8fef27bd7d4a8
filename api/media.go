package api

import (
	"net/http"
	"strconv"

	"handoff/domain"
)

// Media links (handoff's server standing in for Didit's media host): the
// decision response's media fields are links to GET /v3/media/{token},
// valid for review.MediaLinkLifetime, for the application that read the
// decision only, with its x-api-key.

func (s *Server) mediaRoutes() {
	s.mux.HandleFunc("GET /v3/media/{token}", s.authed(s.media))
}

func (s *Server) media(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	m, err := s.svc.Media(r.Context(), caller, r.PathValue("token"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(m.Data)))
	h.Set("Cache-Control", "private, no-store") // biometric material: no shared or lasting copies
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(m.Data)
	return nil
}

// linkMedia puts the caller's fresh media links into a session's checks.
func (s *Server) linkMedia(r *http.Request, caller domain.Caller, sess *domain.Session) error {
	link, err := s.svc.MediaLinker(r.Context(), caller)
	if err != nil {
		return err
	}
	base, id := requestBase(r), sess.ID
	sess.Checks = domain.LinkMedia(sess.Checks, func(name string) string { return domain.MediaURL(base, link(id, name)) })
	return nil
}

// requestBase is this server's address as the client reached it, the
// base of the links in its answers.
func requestBase(r *http.Request) string { return requestScheme(r) + "://" + r.Host }

// requestScheme is the scheme the client reached this server with.
func requestScheme(r *http.Request) string {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return "https"
	}
	return "http"
}
