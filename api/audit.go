package api

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"

	"handoff/domain"
)

// The audit endpoints are handoff extensions: a partner checks an issuer's
// log with them and the stand-alone auditverify package, without trusting
// handoff's database.

// auditCheckpoint serves GET /v3/audit/checkpoint/: the caller's
// application's latest signed checkpoint and the deployment's verifier key.
func (s *Server) auditCheckpoint(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	cp, vkey, err := s.svc.AuditCheckpoint(r.Context(), caller)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"application_id": cp.App, "tree_size": cp.Size,
		"root_hash": hex.EncodeToString(cp.Root), "checkpoint": cp.Note, "verifier_key": vkey, "created_at": cp.CreatedAt})
	return nil
}

// auditProof serves GET /v3/audit/proof/?leaf=…&tree_size=…: an inclusion
// proof of one of the caller's own sealed events.
func (s *Server) auditProof(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	q := r.URL.Query()
	leaf, err := parseLeaf(q.Get("leaf"))
	if err != nil {
		return err
	}
	var size int64
	if v := q.Get("tree_size"); v != "" {
		if size, err = strconv.ParseInt(v, 10, 64); err != nil || size < 1 {
			return domain.FieldError("tree_size", "must be a whole number of 1 or more")
		}
	}
	p, err := s.svc.AuditProof(r.Context(), caller, leaf, size)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// parseLeaf reads a leaf hash in hex (as handoff writes it) or base64.
func parseLeaf(v string) ([]byte, error) {
	if v == "" {
		return nil, domain.FieldError("leaf", "This field is required.")
	}
	if b, err := hex.DecodeString(v); err == nil && len(b) == 32 {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, domain.FieldError("leaf", "must be a SHA-256 leaf hash, 64 hex digits")
}
