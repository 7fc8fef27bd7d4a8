package api

import (
	"net/http"

	"handoff/domain"
)

// writeSession writes a session in the seed's shape: the session fields,
// then every check family of its kind in the seed's order, its media
// references as the caller's links (media.go). The use case has already
// committed, so a link that cannot be made leaves the stored reference
// rather than failing the answer.
func (s *Server) writeSession(w http.ResponseWriter, r *http.Request, caller domain.Caller, status int, sess domain.Session) {
	if err := s.linkMedia(r, caller, &sess); err != nil {
		s.log.Warn("media links", "err", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(SessionJSON(sess))
}

// SessionJSON encodes s as the decision response shows it
// (domain.Session.DecisionJSON).
func SessionJSON(s domain.Session) []byte { return s.DecisionJSON() }
