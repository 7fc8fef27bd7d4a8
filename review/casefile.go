package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// CaseFile is everything a case's PDF shows: the session with its checks,
// its findings, where it came from, and every decision and note on it.
type CaseFile struct {
	Application string
	Session     domain.Session
	Findings    []domain.Finding
	Provenance  *Provenance         // nil unless imported
	History     []domain.AuditEvent // oldest first
	GeneratedAt time.Time
}

// maxHistory bounds the events a case file lists.
const maxHistory = 500

// CaseFile gathers one of the caller's sessions for its PDF.
func (s *Service) CaseFile(ctx context.Context, caller domain.Caller, id uuid.UUID) (CaseFile, error) {
	sess, err := s.Session(ctx, caller, id)
	if err != nil {
		return CaseFile{}, err
	}
	cf := CaseFile{Session: sess, GeneratedAt: s.now().UTC()}
	if cf.Findings, err = s.findings(ctx, caller, sess); err != nil { // decision.go
		return CaseFile{}, err
	}
	if app, err := store.GetApplication(ctx, s.db, caller.ApplicationID); err == nil {
		cf.Application = app.Name
	} else {
		return CaseFile{}, err
	}
	if sess.Imported() {
		p, err := s.Provenance(ctx, caller, id)
		if err != nil {
			return CaseFile{}, err
		}
		cf.Provenance = &p
	}
	events, err := s.Audit(ctx, caller, AuditQuery{SessionID: &id, Limit: maxHistory})
	if err != nil {
		return CaseFile{}, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		cf.History = append(cf.History, events[i])
	}
	return cf, nil
}

// caseFindings is the one list of a case's findings: its entity's
// standing first, then what its data shows, then what the lists and the
// other sessions say (each part worst first).
func caseFindings(sess domain.Session, entity domain.EntityStatus, m listMatch) []domain.Finding {
	var out []domain.Finding
	if f := domain.EntityFinding(sess, entity); f != nil {
		out = append(out, *f)
	}
	out = append(out, domain.SessionFindings(sess, domain.DefaultThresholds)...)
	return append(out, m.Findings...)
}
