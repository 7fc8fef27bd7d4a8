package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// Token listing and revocation are handoff extensions to Didit's API
// (x-handoff-extension in openapi.yaml): only the issuer sees or revokes
// its tokens, and another application's session is not found.

func (s *Server) tokenRoutes() {
	s.mux.HandleFunc("GET /v3/session/{sessionId}/share/{$}", s.authed(s.listTokens))
	s.mux.HandleFunc("POST /v3/session/{sessionId}/share/{tokenId}/revoke/{$}", s.authed(s.revokeToken))
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.SessionTokens(r.Context(), caller, id)
	if err != nil {
		return err
	}
	results := make([]map[string]any, len(list))
	for i, t := range list {
		results[i] = tokenJSON(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(results), "results": results})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	v := r.PathValue("tokenId")
	tokenID, err := uuid.Parse(v)
	if err != nil || len(v) != 36 {
		return domain.NotFoundf("Not found.")
	}
	t, err := s.svc.RevokeToken(r.Context(), caller, id, tokenID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenJSON(t))
	return nil
}

func tokenJSON(t review.TokenInfo) map[string]any {
	stamp := func(at *time.Time) any {
		if at == nil {
			return nil
		}
		return at.UTC().Format(time.RFC3339Nano)
	}
	return map[string]any{
		"token_id": t.TokenID, "session_id": t.SessionID, "session_kind": t.SessionKind,
		"for_application_id": t.PartnerID, "state": t.State,
		"created_at": stamp(&t.MintedAt), "expires_at": stamp(&t.ExpiresAt),
		"imported_at": stamp(t.ImportedAt), "revoked_at": stamp(t.RevokedAt),
	}
}
