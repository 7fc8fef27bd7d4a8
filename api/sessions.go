package api

import (
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
	s.writeSession(w, r, caller, http.StatusCreated, sess)
	return nil
}

// decision serves GET /v3/session/{sessionId}/decision/: the session in
// Didit's shape with Didit's session_url and reviews, and handoff's
// findings and provenance (domain.DecisionView).
func (s *Server) decision(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Decision(r.Context(), caller, id)
	if err != nil {
		return err
	}
	link, err := s.svc.MediaLinker(r.Context(), caller)
	if err != nil {
		return err
	}
	v.Link(requestBase(r), func(name string) string { return link(id, name) })
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(v.JSON())
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
