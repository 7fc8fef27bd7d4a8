package api

import (
	"encoding/hex"
	"encoding/json"
	"net/http"

	"handoff/domain"
	"handoff/review"
)

type shareBody struct {
	ForApplicationID *string `json:"for_application_id"`
	TTLInSeconds     *int    `json:"ttl_in_seconds"`
}

func (s *Server) share(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var body shareBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	forApp, err := parseUUIDField("for_application_id", body.ForApplicationID)
	if err != nil {
		return err
	}
	ttl := domain.DefaultTTL
	if body.TTLInSeconds != nil {
		ttl = *body.TTLInSeconds
	}
	m, err := s.svc.Share(r.Context(), caller, id, forApp, ttl)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"share_token": m.Token, "for_application_id": m.ForApplicationID, "session_kind": m.SessionKind,
	})
	return nil
}

type importBody struct {
	ShareToken  *string `json:"share_token"`
	WorkflowID  *string `json:"workflow_id"`
	VendorData  *string `json:"vendor_data"`
	TrustReview *bool   `json:"trust_review"`
}

func (b importBody) request() review.ImportRequest {
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return review.ImportRequest{ShareToken: deref(b.ShareToken), WorkflowID: deref(b.WorkflowID),
		VendorData: deref(b.VendorData), TrustReview: b.TrustReview != nil && *b.TrustReview}
}

func (s *Server) importShared(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	var body importBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	sess, err := s.svc.Import(r.Context(), caller, body.request())
	if err != nil {
		return err
	}
	writeSession(w, http.StatusCreated, sess)
	return nil
}

func (s *Server) decision(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	sess, err := s.svc.Session(r.Context(), caller, id)
	if err != nil {
		return err
	}
	if sess.SharedFromSession == nil {
		writeSession(w, http.StatusOK, sess)
		return nil
	}
	p, err := s.svc.Provenance(r.Context(), caller, id)
	if err != nil {
		return err
	}
	prov := map[string]any{"source_application_id": p.SourceApplicationID, "source_session_id": p.SourceSessionID,
		"token_id": p.TokenID, "mint_leaf_hash": nil, "issuer_checkpoint": nil}
	if p.MintLeaf != nil {
		prov["mint_leaf_hash"] = hex.EncodeToString(p.MintLeaf)
	}
	if p.IssuerCheckpoint != "" {
		prov["issuer_checkpoint"] = p.IssuerCheckpoint
	}
	body := SessionJSON(sess)
	extra, _ := json.Marshal(prov)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(append(append(append(body[:len(body)-1:len(body)-1], `,"provenance":`...), extra...), '}'))
	return nil
}

type updateStatusBody struct {
	NewStatus *string `json:"new_status"`
	Comment   *string `json:"comment"`
}

func (s *Server) updateStatus(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var body updateStatusBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	if body.NewStatus == nil {
		return domain.FieldError("new_status", "This field is required.")
	}
	phase, err := domain.ParseDecision(*body.NewStatus)
	if err != nil {
		return s.svc.DecisionRefused(err)
	}
	d := domain.Decision{Phase: phase}
	if body.Comment != nil {
		d.Note = *body.Comment
	}
	sess, err := s.svc.Decide(r.Context(), caller, id, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"session_id": id, "session_kind": sess.Kind})
	return nil
}

func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteSession(r.Context(), caller, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
