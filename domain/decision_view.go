package domain

import (
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// DecisionView is the decision response: the session in Didit's shape
// (Session.DecisionJSON) and what goes around it — Didit's session_url and
// reviews, and handoff's findings and provenance (extensions Didit clients
// ignore). GET /v3/session/{id}/decision/ and the decision object of the
// finished-status webhooks both encode it, so the two cannot drift.
type DecisionView struct {
	Session    Session
	SessionURL string // the session's link; "" is null (sessions not created over the API)
	Reviews    []Review
	Findings   []Finding
	Provenance *Provenance // nil unless imported
}

// JSON encodes the view: the session's fields, then session_url, reviews,
// findings and, for an imported session, provenance.
func (v DecisionView) JSON() []byte {
	body := v.Session.DecisionJSON()
	extra := struct {
		SessionURL *string         `json:"session_url"`
		Reviews    []reviewJSON    `json:"reviews"`
		Findings   []Finding       `json:"findings"`
		Provenance *provenanceJSON `json:"provenance,omitempty"`
	}{Reviews: make([]reviewJSON, len(v.Reviews)), Findings: v.Findings}
	if v.SessionURL != "" {
		extra.SessionURL = &v.SessionURL
	}
	for i, r := range v.Reviews {
		extra.Reviews[i] = r.diditJSON()
	}
	if extra.Findings == nil {
		extra.Findings = []Finding{}
	}
	if v.Provenance != nil {
		extra.Provenance = v.Provenance.json()
	}
	tail, _ := json.Marshal(extra)
	// {session...} + {extra...} → {session..., extra...}
	return append(append(body[:len(body)-1:len(body)-1], ','), tail[1:]...)
}

// provenanceJSON is the decision response's provenance: the direct source
// with the issuer's audit evidence, and the chain back to the origin.
type provenanceJSON struct {
	SourceApplicationID uuid.UUID `json:"source_application_id"`
	SourceSessionID     uuid.UUID `json:"source_session_id"`
	TokenID             uuid.UUID `json:"token_id"`
	MintLeafHash        *string   `json:"mint_leaf_hash"`
	IssuerCheckpoint    *string   `json:"issuer_checkpoint"`
	OwnOrigin           bool      `json:"origin_is_own_application"`
	Chain               []hopJSON `json:"chain"`
}

type hopJSON struct {
	ApplicationID   uuid.UUID `json:"application_id"`
	ApplicationName *string   `json:"application_name"`
	SessionID       uuid.UUID `json:"session_id"`
	SessionNumber   *int64    `json:"session_number"`
	TokenID         uuid.UUID `json:"token_id"`
}

func (p *Provenance) json() *provenanceJSON {
	out := &provenanceJSON{SourceApplicationID: p.SourceApplicationID, SourceSessionID: p.SourceSessionID,
		TokenID: p.TokenID, OwnOrigin: p.OwnOrigin, Chain: make([]hopJSON, len(p.Chain))}
	if p.MintLeaf != nil {
		h := hex.EncodeToString(p.MintLeaf)
		out.MintLeafHash = &h
	}
	if p.IssuerCheckpoint != "" {
		out.IssuerCheckpoint = &p.IssuerCheckpoint
	}
	for i, h := range p.Chain {
		out.Chain[i] = hopJSON{ApplicationID: h.ApplicationID, SessionID: h.SessionID, TokenID: h.TokenID}
		if h.Application != "" {
			out.Chain[i].ApplicationName = &p.Chain[i].Application
		}
		if h.Number > 0 {
			out.Chain[i].SessionNumber = &p.Chain[i].Number
		}
	}
	return out
}

// reviewJSON is a review in Didit's shape; user is the display name
// Didit's create answers with, reason_code handoff's extension.
type reviewJSON struct {
	UUID           uuid.UUID       `json:"uuid"`
	ActivityType   Activity        `json:"activity_type"`
	User           string          `json:"user"`
	ActorDisplay   string          `json:"actor_display"`
	ActorEmail     *string         `json:"actor_email"`
	ActorType      ActorType       `json:"actor_type"`
	NewStatus      *Status         `json:"new_status"`
	PreviousStatus *Status         `json:"previous_status"`
	Comment        string          `json:"comment"`
	ReasonCode     *ReasonCode     `json:"reason_code"`
	Metadata       json.RawMessage `json:"metadata"`
	CreatedAt      string          `json:"created_at"`
}

// DiditJSON is r as Didit's reviews endpoints and the decision response
// show it.
func (r Review) DiditJSON() any { return r.diditJSON() }

func (r Review) diditJSON() reviewJSON {
	out := reviewJSON{UUID: r.ID, ActivityType: r.Activity, User: r.ActorDisplay, ActorDisplay: r.ActorDisplay,
		ActorType: r.ActorType, NewStatus: r.NewStatus, PreviousStatus: r.PreviousStatus, Comment: r.Comment,
		CreatedAt: r.CreatedAt.Format(time.RFC3339Nano)}
	if r.Reason != "" {
		out.ReasonCode = &r.Reason
	}
	if len(r.Metadata) > 0 {
		out.Metadata = r.Metadata
	}
	return out
}
