package api

import (
	"net/http"
	"time"

	"handoff/domain"
	"handoff/review"
)

// entityRoutes registers Didit's users and businesses endpoints: the
// entities an import creates for a new vendor_data.
func (s *Server) entityRoutes() {
	for _, e := range []struct {
		path string
		kind domain.Kind
	}{{"/v3/users/", domain.KindUser}, {"/v3/businesses/", domain.KindBusiness}} {
		s.mux.HandleFunc("GET "+e.path+"{$}", s.authed(s.listEntities(e.kind)))
		s.mux.HandleFunc("GET "+e.path+"{vendor_data}/{$}", s.authed(s.getEntity(e.kind)))
		s.mux.HandleFunc("PATCH "+e.path+"{vendor_data}/update-status/{$}", s.authed(s.updateEntityStatus(e.kind)))
	}
}

func (s *Server) listEntities(kind domain.Kind) handler {
	return func(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
		q := r.URL.Query()
		f := domain.EntityFilter{Kind: kind, Search: q.Get("search")}
		if v := q.Get("status"); v != "" {
			st, err := domain.ParseEntityStatus(v)
			if err != nil {
				return err
			}
			f.Status = st
		}
		if len(f.Search) > domain.MaxVendorData {
			return domain.FieldError("search", "Ensure this field has no more than %d characters.", domain.MaxVendorData)
		}
		p, err := pageParams(q)
		if err != nil {
			return err
		}
		if p.Before > 0 || p.After > 0 {
			return domain.Invalidf("Users and businesses page by limit and offset only.")
		}
		list, err := s.svc.Entities(r.Context(), caller, f, p)
		if err != nil {
			return err
		}
		results := make([]any, len(list.Entities))
		for i, e := range list.Entities {
			results[i] = entityJSON(e)
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"count": list.Count, "next": pageURL(r, list.Next), "previous": pageURL(r, list.Previous), "results": results})
		return nil
	}
}

func (s *Server) getEntity(kind domain.Kind) handler {
	return func(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
		d, err := s.svc.Entity(r.Context(), caller, kind, r.PathValue("vendor_data"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, entityDetailJSON(d))
		return nil
	}
}

type entityStatusBody struct {
	Status *string `json:"status"`
	Reason *string `json:"reason"`
}

func (s *Server) updateEntityStatus(kind domain.Kind) handler {
	return func(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
		var body entityStatusBody
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
		if body.Status == nil {
			return domain.FieldError("status", "This field is required.")
		}
		reason := ""
		if body.Reason != nil {
			reason = *body.Reason
		}
		d, err := s.svc.SetEntityStatus(r.Context(), caller, kind, r.PathValue("vendor_data"), *body.Status, reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, entityDetailJSON(d))
		return nil
	}
}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// entityJSON is a list row: Didit's user (or business) fields that
// handoff has.
func entityJSON(e domain.Entity) map[string]any {
	return map[string]any{
		"didit_internal_id": e.ID, "vendor_data": e.VendorData, "status": e.Status,
		"session_count": e.SessionCount, "approved_count": e.Approved, "declined_count": e.Declined, "in_review_count": e.Review,
		"first_session_at": timeOrNil(e.FirstSessionAt), "last_session_at": timeOrNil(e.LastSessionAt),
		"created_at": e.CreatedAt.UTC().Format(time.RFC3339Nano), "updated_at": e.UpdatedAt.UTC().Format(time.RFC3339Nano),
	}
}

// entityDetailJSON adds the entity's sessions and its last decision.
func entityDetailJSON(d review.EntityDetail) map[string]any {
	out := entityJSON(d.Entity)
	sessions := make([]map[string]any, len(d.Sessions))
	for i, s := range d.Sessions {
		sessions[i] = map[string]any{"session_id": s.ID, "session_number": s.Number, "status": s.Status,
			"workflow_id": s.WorkflowID, "shared_from_session": s.SharedFromSession,
			"created_at": s.CreatedAt.UTC().Format(time.RFC3339Nano)}
	}
	out["sessions"] = sessions
	out["last_decision"] = nil
	if s := d.LastDecision; s != nil {
		out["last_decision"] = map[string]any{"session_id": s.ID, "session_number": s.Number, "status": s.Status}
	}
	return out
}
