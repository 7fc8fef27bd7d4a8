package api

import (
	"net/http"

	"handoff/domain"
)

// listWorkflows serves GET /v3/workflows/: an array, as Didit answers, of
// the application's workflows with their kind.
func (s *Server) listWorkflows(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	list, err := s.svc.CallerWorkflows(r.Context(), caller)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, wf := range list {
		typ := "kyc"
		if wf.Kind == domain.KindBusiness {
			typ = "kyb"
		}
		out[i] = map[string]any{"workflow_id": wf.ID, "workflow_label": wf.ID, "workflow_type": typ,
			"session_kind": wf.Kind, "is_archived": false}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
