package review

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"net/url"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/domain/synth"
	"handoff/domain/synth/evidence"
	"handoff/store"
	"handoff/vault"
)

// NewSession is the body of POST /v3/session/.
type NewSession struct {
	WorkflowID      string
	VendorData      string
	Callback        string
	Metadata        json.RawMessage // a JSON object, or nil
	ContactDetails  json.RawMessage
	ExpectedDetails json.RawMessage
}

func (n NewSession) validate() error {
	if n.WorkflowID == "" {
		return domain.FieldError("workflow_id", "This field is required.")
	}
	if err := domain.ValidateWorkflowID(n.WorkflowID); err != nil {
		return err
	}
	if err := domain.ValidateVendorData(n.VendorData); err != nil {
		return err
	}
	if n.Callback != "" {
		u, err := url.Parse(n.Callback)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(n.Callback) > 2000 {
			return domain.FieldError("callback", "Enter a valid http or https URL of at most 2000 characters.")
		}
	}
	for name, raw := range map[string]json.RawMessage{"metadata": n.Metadata, "contact_details": n.ContactDetails, "expected_details": n.ExpectedDetails} {
		if len(raw) > 0 && (raw[0] != '{' || !json.Valid(raw)) {
			return domain.FieldError(name, "Must be a JSON object.")
		}
	}
	return nil
}

// CreateSession creates a session that nobody will capture: handoff is a
// sandbox, so it waits Not Started until CompleteSandbox fills it.
func (s *Service) CreateSession(ctx context.Context, caller domain.Caller, n NewSession) (domain.Session, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.Session{}, err
	}
	if err := n.validate(); err != nil {
		return domain.Session{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	sess := domain.Session{ApplicationID: caller.ApplicationID, ID: uuid.New(), WorkflowID: n.WorkflowID,
		VendorData: n.VendorData, CreatedAt: now, Checks: domain.Checks{}, Version: 1,
		Details: &domain.SessionDetails{SessionToken: sessionToken(), Callback: n.Callback, Metadata: n.Metadata,
			ContactDetails: n.ContactDetails, ExpectedDetails: n.ExpectedDetails}}
	keys, err := s.data.forApp(ctx, caller.ApplicationID) // before the transaction takes a connection
	if err != nil {
		return domain.Session{}, err
	}
	details, err := keys.sealDetails(sess.ID, *sess.Details)
	if err != nil {
		return domain.Session{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		wf, err := store.GetWorkflow(ctx, tx, caller.ApplicationID, n.WorkflowID)
		if domain.IsCode(err, domain.CodeNotFound) {
			return domain.NotFoundf("Workflow %q not found in your application.", n.WorkflowID)
		} else if err != nil {
			return err
		}
		sess.Kind, sess.Status = wf.Kind, domain.StatusOf(wf.Kind, domain.PhaseNotStarted)
		for _, f := range domain.Families(wf.Kind) {
			sess.Checks[f] = json.RawMessage("[]")
		}
		if n.VendorData != "" {
			if _, err := store.EnsureEntity(ctx, tx, caller.ApplicationID, sess.Kind, n.VendorData); err != nil {
				return err
			}
		}
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionCreated, Session: &sess.ID, By: caller.Actor()}); err != nil {
			return err
		}
		row := store.NewSession{Session: sess}
		if row.Payload, err = keys.seal(sess.ID, sess.Checks); err != nil {
			return err
		}
		if err := store.InsertSession(ctx, tx, &row); err != nil {
			return err
		}
		sess.Number = row.Number
		if err := store.InsertSessionDetails(ctx, tx, caller.ApplicationID, sess.ID, details); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: now, Actor: caller.Actor(), RequestID: caller.RequestID,
			Action: domain.ActionSessionCreated, SessionID: &sess.ID,
			Details: mustJSON(map[string]any{"session_number": sess.Number, "workflow_id": sess.WorkflowID, "sandbox": true})})
	})
	if err != nil {
		return domain.Session{}, err
	}
	return sess, nil
}

// sessionToken is the random token of a session's link.
func sessionToken() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// CompleteSandbox stands in for the person or company going through
// capture: it fills a Not Started or In Progress session with synthetic,
// internally consistent checks for outcome (a finished status, or a named
// finding such as face_mismatch) and moves it through In Progress to that
// status, emitting a status.updated event for each step.
func (s *Service) CompleteSandbox(ctx context.Context, caller domain.Caller, id uuid.UUID, outcome string) (domain.Session, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.Session{}, err
	}
	if outcome == "" {
		return domain.Session{}, domain.FieldError("outcome", "This field is required.")
	}
	var seed [8]byte
	rand.Read(seed[:])
	gen := synth.New(binary.LittleEndian.Uint64(seed[:]))
	var sess domain.Session
	keys, err := s.data.forApp(ctx, caller.ApplicationID) // before the transaction takes a connection
	if err != nil {
		return domain.Session{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if sess, err = store.GetSession(ctx, tx, caller.ApplicationID, id, true); err != nil {
			return err
		}
		if p := sess.Status.Phase(); p != domain.PhaseNotStarted && p != domain.PhaseInProgress {
			return domain.Invalidf("Only a Not Started or In Progress session can be completed; this one is %s.", sess.Status)
		}
		status, checks, err := gen.OutcomeAt(sess.Kind, outcome, sess.CreatedAt)
		if err != nil {
			return err
		}
		from := sess.Status
		if sess.Status.Phase() == domain.PhaseNotStarted {
			sess.Status = domain.StatusOf(sess.Kind, domain.PhaseInProgress)
			sess.Changed()
			if err := s.emitStatusUpdated(ctx, tx, sess); err != nil {
				return err
			}
		}
		sess.Status, sess.Checks = status, checks
		sess.Changed()
		if err := s.emitStatusUpdated(ctx, tx, sess); err != nil {
			return err
		}
		sealed, err := keys.seal(id, checks)
		if err != nil {
			return err
		}
		if err := store.CompleteSession(ctx, tx, caller.ApplicationID, id, status, sealed, sess.Version, s.now()); err != nil {
			return err
		}
		if err := recordIdentifiers(ctx, tx, vault.NewMatcher(keys.match), sess); err != nil { // so imports find it as a duplicate
			return err
		}
		media, err := keys.sealMedia(id, evidence.Media(sess.Kind, checks))
		if err != nil {
			return err
		}
		if err := store.PutMedia(ctx, tx, caller.ApplicationID, id, media); err != nil {
			return err
		}
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionDecided, Session: &id, By: caller.Actor()}); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: s.now(), Actor: caller.Actor(), RequestID: caller.RequestID,
			Action: domain.ActionStatusChanged, SessionID: &id,
			Details: mustJSON(map[string]any{"from": from, "to": status, "sandbox_outcome": outcome})})
	})
	if err != nil {
		return domain.Session{}, err
	}
	sess.Details, err = s.sessionDetails(ctx, caller.ApplicationID, id)
	return sess, err
}

// MaxBatchDelete bounds session_numbers in one batch delete.
const MaxBatchDelete = 1000

// DeleteSessions soft-deletes the caller's sessions with the given
// numbers, or every live one with all, in one transaction, and returns
// what it deleted (numbers that match nothing are skipped). Like Didit it
// sends no webhook; each erasure is in the audit trail.
func (s *Service) DeleteSessions(ctx context.Context, caller domain.Caller, numbers []int64, all bool) ([]domain.Session, error) {
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return nil, err
	}
	if !all && len(numbers) == 0 {
		return nil, domain.FieldError("session_numbers", "Give at least one session number, or delete_all: true.")
	}
	if len(numbers) > MaxBatchDelete {
		return nil, domain.FieldError("session_numbers", "Ensure this field has no more than %d elements.", MaxBatchDelete)
	}
	var gone []domain.Session
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if all {
			gone, err = store.LiveSessions(ctx, tx, caller.ApplicationID)
		} else {
			gone, err = store.SessionNumbersOf(ctx, tx, caller.ApplicationID, numbers)
		}
		if err != nil || len(gone) == 0 {
			return err
		}
		now := s.now()
		events := make([]domain.AuditEvent, len(gone))
		for i, sess := range gone {
			if err := store.EraseSession(ctx, tx, caller.ApplicationID, sess.ID, now); err != nil {
				return err
			}
			events[i] = domain.AuditEvent{At: now, Actor: caller.Actor(), RequestID: caller.RequestID,
				Action: domain.ActionSessionDeleted, SessionID: &gone[i].ID,
				Details: mustJSON(map[string]any{"status": sess.Status, "session_number": sess.Number, "batch": true})}
		}
		if err := announce(ctx, tx, Change{App: caller.ApplicationID, What: ChangeSessionDeleted, By: caller.Actor()}); err != nil {
			return err
		}
		return store.AppendAudit(ctx, tx, caller.ApplicationID, events...)
	})
	return gone, err
}
