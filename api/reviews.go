package api

import (
	"net/http"

	"handoff/domain"
	"handoff/review"
)

// Reviews as Didit has them: every decision and note on a session, from
// any front end, is an entry of its feed.

func (s *Server) reviewRoutes() {
	s.mux.HandleFunc("POST /v3/sessions/{sessionId}/reviews/{$}", s.authed(s.addReview))
	s.mux.HandleFunc("GET /v3/sessions/{sessionId}/reviews/{$}", s.authed(s.listReviews))
}

type reviewBody struct {
	NewStatus *string `json:"new_status"`
	Comment   *string `json:"comment"`
}

func (s *Server) addReview(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var body reviewBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	req := review.ReviewRequest{}
	if body.NewStatus != nil {
		req.NewStatus = *body.NewStatus
	}
	if body.Comment != nil {
		req.Comment = *body.Comment
	}
	rv, err := s.svc.AddReview(r.Context(), caller, id, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rv.DiditJSON())
	return nil
}

func (s *Server) listReviews(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Reviews(r.Context(), caller, id)
	if err != nil {
		return err
	}
	results := make([]any, len(list))
	for i, rv := range list {
		results[i] = rv.DiditJSON()
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(results), "next": nil, "previous": nil, "results": results})
	return nil
}
