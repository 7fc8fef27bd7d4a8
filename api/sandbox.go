package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"handoff/domain"
	"handoff/review"
)

type createSessionBody struct {
	WorkflowID      *string         `json:"workflow_id"`
	VendorData      *string         `json:"vendor_data"`
	Callback        *string         `json:"callback"`
	Metadata        json.RawMessage `json:"metadata"`
	ContactDetails  json.RawMessage `json:"contact_details"`
	ExpectedDetails json.RawMessage `json:"expected_details"`
}

// jsonObject accepts an object, or (as Didit documents metadata) a string
// holding one; null and absent are nil.
func jsonObject(name string, raw json.RawMessage) (json.RawMessage, error) {
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return nil, nil
	}
	if t[0] == '"' {
		var inner string
		if json.Unmarshal(raw, &inner) != nil {
			return nil, domain.FieldError(name, "Must be a JSON object.")
		}
		t = strings.TrimSpace(inner)
	}
	if t == "" || t[0] != '{' || !json.Valid([]byte(t)) {
		return nil, domain.FieldError(name, "Must be a JSON object.")
	}
	var b bytes.Buffer
	json.Compact(&b, []byte(t))
	return json.RawMessage(b.Bytes()), nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// createSession serves POST /v3/session/. handoff captures nothing from a
// person, so the session waits Not Started for the sandbox to complete it.
func (s *Server) createSession(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	var body createSessionBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	n := review.NewSession{WorkflowID: str(body.WorkflowID), VendorData: str(body.VendorData), Callback: str(body.Callback)}
	var err error
	if n.Metadata, err = jsonObject("metadata", body.Metadata); err != nil {
		return err
	}
	if n.ContactDetails, err = jsonObject("contact_details", body.ContactDetails); err != nil {
		return err
	}
	if n.ExpectedDetails, err = jsonObject("expected_details", body.ExpectedDetails); err != nil {
		return err
	}
	sess, err := s.svc.CreateSession(r.Context(), caller, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"session_id": sess.ID, "session_number": sess.Number, "session_token": sess.Details.SessionToken,
		"url": domain.SandboxURL(requestBase(r), sess.ID), "session_kind": sess.Kind, "status": sess.Status, "workflow_id": sess.WorkflowID,
		"vendor_data": nullable(sess.VendorData), "callback": nullable(sess.Details.Callback),
		"metadata": rawOrNull(sess.Details.Metadata),
	})
	return nil
}

func rawOrNull(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}

type completeBody struct {
	Outcome *string `json:"outcome"`
}

// completeSandbox serves POST /v3/session/{sessionId}/sandbox/complete/
// (handoff extension): it answers with the finished session, as the
// decision endpoint shows it.
func (s *Server) completeSandbox(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	var body completeBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	sess, err := s.svc.CompleteSandbox(r.Context(), caller, id, str(body.Outcome))
	if err != nil {
		return err
	}
	s.writeSession(w, r, caller, http.StatusOK, sess)
	return nil
}

type batchDeleteBody struct {
	SessionNumbers []json.RawMessage `json:"session_numbers"`
	DeleteAll      *bool             `json:"delete_all"`
}

// deleteSessions serves POST /v3/sessions/delete/: session_numbers (as
// Didit sends them, decimal strings; integers are accepted too) or
// delete_all: true.
func (s *Server) deleteSessions(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	var body batchDeleteBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	all := body.DeleteAll != nil && *body.DeleteAll
	var numbers []int64
	if !all {
		if body.SessionNumbers != nil && len(body.SessionNumbers) == 0 {
			return domain.FieldError("session_numbers", "This list may not be empty.")
		}
		for _, raw := range body.SessionNumbers {
			v := strings.Trim(string(raw), `"`)
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 || strings.ContainsAny(v, "+-") {
				return domain.FieldError("session_numbers", "Each entry must be a session number (digits only), not %s.", raw)
			}
			numbers = append(numbers, n)
		}
	}
	gone, err := s.svc.DeleteSessions(r.Context(), caller, numbers, all)
	if err != nil {
		return err
	}
	deleted := make([]map[string]any, len(gone))
	for i, sess := range gone {
		deleted[i] = map[string]any{"session_id": sess.ID, "session_number": sess.Number}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted_count": len(gone), "deleted": deleted})
	return nil
}
