package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// Didit's Lists API: /v3/lists/ and their entries.

func pathUUID(r *http.Request, name string) (uuid.UUID, error) {
	v := r.PathValue(name)
	id, err := uuid.Parse(v)
	if err != nil || len(v) != 36 {
		return uuid.Nil, domain.NotFoundf("Not found.")
	}
	return id, nil
}

// limitOffset reads limit and offset and answers a LimitOffset page of
// results: {"count", "next", "previous", "results"}.
func limitOffset(r *http.Request) (domain.Page, error) {
	p, err := pageParams(r.URL.Query())
	p.Before, p.After = 0, 0
	return p, err
}

func writePage(w http.ResponseWriter, r *http.Request, p domain.Page, count int64, results []any) {
	var next, prev *domain.Page
	if int64(p.Offset+p.Limit) < count {
		next = &domain.Page{Limit: p.Limit, Offset: p.Offset + p.Limit}
	}
	if p.Offset > 0 {
		prev = &domain.Page{Limit: p.Limit, Offset: max(0, p.Offset-p.Limit)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": count, "next": pageURL(r, next), "previous": pageURL(r, prev), "results": results})
}

func listJSON(l domain.List) map[string]any {
	var last any
	if l.LastEntryAddedAt != nil {
		last = l.LastEntryAddedAt.UTC().Format(time.RFC3339)
	}
	return map[string]any{"uuid": l.ID, "name": l.Name, "description": l.Description, "list_type": l.Type,
		"entry_type": l.EntryType, "is_system": l.System, "entry_count": l.EntryCount, "last_entry_added_at": last,
		"created_at": l.CreatedAt.UTC().Format(time.RFC3339), "updated_at": l.UpdatedAt.UTC().Format(time.RFC3339)}
}

func entryJSON(e domain.ListEntry) map[string]any {
	var meta any
	if e.Metadata != nil {
		meta = json.RawMessage(e.Metadata)
	}
	out := map[string]any{"uuid": e.ID, "value": e.Value, "display_label": e.DisplayLabel, "comment": e.Comment,
		"added_by": e.AddedBy, "reference_session_id": e.ReferenceSessionID, "reference_session_number": e.ReferenceSessionNumber,
		"reference_object_uuid": e.ReferenceSessionID, "metadata": meta, "created_at": e.CreatedAt.UTC().Format(time.RFC3339)}
	if e.Unavailable {
		// handoff extension: a face entry and this server runs without the biometric key.
		out["biometrics"] = "unavailable"
	}
	return out
}

func (s *Server) listLists(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	p, err := limitOffset(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ls, n, err := s.svc.Lists(r.Context(), caller, review.ListsQuery{ListType: q.Get("list_type"), EntryType: q.Get("entry_type"),
		Limit: p.Limit, Offset: p.Offset})
	if err != nil {
		return err
	}
	out := make([]any, len(ls))
	for i, l := range ls {
		out[i] = listJSON(l)
	}
	writePage(w, r, p, n, out)
	return nil
}

func (s *Server) createList(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	var body struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		ListType    string `json:"list_type"`
		EntryType   string `json:"entry_type"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	l, err := s.svc.CreateList(r.Context(), caller, review.NewList{Name: body.Name, Description: body.Description,
		ListType: body.ListType, EntryType: body.EntryType})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, listJSON(l))
	return nil
}

func (s *Server) getList(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := pathUUID(r, "list_uuid")
	if err != nil {
		return err
	}
	l, err := s.svc.GetList(r.Context(), caller, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listJSON(l))
	return nil
}

func (s *Server) patchList(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := pathUUID(r, "list_uuid")
	if err != nil {
		return err
	}
	var body struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	l, err := s.svc.UpdateList(r.Context(), caller, id, review.ListPatch{Name: body.Name, Description: body.Description})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listJSON(l))
	return nil
}

func (s *Server) deleteList(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := pathUUID(r, "list_uuid")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteList(r.Context(), caller, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listEntries(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := pathUUID(r, "list_uuid")
	if err != nil {
		return err
	}
	p, err := limitOffset(r)
	if err != nil {
		return err
	}
	search := r.URL.Query().Get("search")
	if len(search) > domain.MaxListName {
		return domain.FieldError("search", "Ensure this field has no more than %d characters.", domain.MaxListName)
	}
	es, n, err := s.svc.ListEntries(r.Context(), caller, id, search, p.Limit, p.Offset)
	if err != nil {
		return err
	}
	out := make([]any, len(es))
	for i, e := range es {
		out[i] = entryJSON(e)
	}
	writePage(w, r, p, n, out)
	return nil
}

func (s *Server) createEntry(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := pathUUID(r, "list_uuid")
	if err != nil {
		return err
	}
	var body struct {
		Value              string          `json:"value"`
		ReferenceSessionID string          `json:"reference_session_id"`
		DisplayLabel       string          `json:"display_label"`
		Comment            string          `json:"comment"`
		Metadata           json.RawMessage `json:"metadata"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	req := review.NewEntry{Value: body.Value, DisplayLabel: body.DisplayLabel, Comment: body.Comment, Metadata: body.Metadata}
	if body.ReferenceSessionID != "" {
		ref, err := uuid.Parse(body.ReferenceSessionID)
		if err != nil || len(body.ReferenceSessionID) != 36 {
			return domain.FieldError("reference_session_id", "Must be a valid UUID.")
		}
		req.ReferenceSessionID = &ref
	}
	e, err := s.svc.AddEntry(r.Context(), caller, id, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, entryJSON(e))
	return nil
}

func (s *Server) deleteEntry(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := pathUUID(r, "list_uuid")
	if err != nil {
		return err
	}
	entry, err := pathUUID(r, "entry_uuid")
	if err != nil {
		return err
	}
	if err := s.svc.RemoveEntry(r.Context(), caller, id, entry); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
