package api

import (
	"net/http"

	"handoff/domain"
)

// writeSession writes a session in the seed's shape: the session fields,
// then every check family of its kind in the seed's order.
func writeSession(w http.ResponseWriter, status int, s domain.Session) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(SessionJSON(s))
}

// SessionJSON encodes s as the decision response shows it
// (domain.Session.DecisionJSON).
func SessionJSON(s domain.Session) []byte { return s.DecisionJSON() }
