package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// ImportRequest is the body of POST /v3/session/import-shared/.
type ImportRequest struct {
	ShareToken  string
	WorkflowID  string
	VendorData  string
	TrustReview bool
}

// Import redeems a share token into the caller's application as a
// brand-new session cloned from the source, in one transaction: either the
// session, its entity, the import record and both audit events exist
// afterwards, or none of them do.
func (s *Service) Import(ctx context.Context, caller domain.Caller, req ImportRequest) (_ domain.Session, rerr error) {
	defer func() { s.observe(OpImport, rerr) }()
	if err := caller.Require(domain.PrivWriteSessions); err != nil {
		return domain.Session{}, err
	}
	if req.ShareToken == "" {
		return domain.Session{}, domain.FieldError("share_token", "This field is required.")
	}
	if req.WorkflowID == "" {
		return domain.Session{}, domain.FieldError("workflow_id", "This field is required.")
	}
	if err := domain.ValidateWorkflowID(req.WorkflowID); err != nil {
		return domain.Session{}, err
	}
	if err := domain.ValidateVendorData(req.VendorData); err != nil {
		return domain.Session{}, err
	}
	claims, err := domain.ParseShareToken(req.ShareToken, s.keys.lookup(ctx), s.now())
	if err != nil {
		return domain.Session{}, err
	}
	if claims.ForApplicationID != caller.ApplicationID || claims.FromApplicationID == caller.ApplicationID {
		return domain.Session{}, domain.Forbiddenf("This share token was not issued for your application.")
	}
	tokenID, _ := claims.TokenID()
	now := s.now().UTC()
	sess := store.NewSession{Session: domain.Session{ApplicationID: caller.ApplicationID, ID: uuid.New(),
		WorkflowID: req.WorkflowID, VendorData: req.VendorData, Version: 1,
		SharedFromSession: &claims.SessionID, CreatedAt: now.Truncate(time.Microsecond)},
		SharedFromApplication: &claims.FromApplicationID, ImportTokenID: &tokenID}

	blocked := false
	// Both applications' keys are at hand before the transaction holds a
	// connection (loading one may take another).
	myKeys, err := s.data.forApp(ctx, caller.ApplicationID)
	if err != nil {
		return domain.Session{}, err
	}
	srcKeys, err := s.data.forApp(ctx, claims.FromApplicationID)
	if err != nil {
		return domain.Session{}, err
	}
	var full domain.Session // the clone with its checks
	var matched listMatch
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// The record written at minting, held until commit so that a
		// revocation cannot slip in between this check and the import.
		src, err := store.ImportSource(ctx, tx, claims.FromApplicationID, tokenID, caller.ApplicationID, req.WorkflowID)
		if domain.IsCode(err, domain.CodeNotFound) {
			return domain.Unauthorizedf("Share token is invalid: it was not issued by this service.")
		} else if err != nil {
			return err
		}
		if err := claims.CheckRecord(src.Token.Record(), now); err != nil {
			return err
		}
		if src.Session == nil {
			return domain.NotFoundf("The original session no longer exists.")
		}
		if src.Session.Kind != claims.SessionKind {
			return domain.Unauthorizedf("Share token is invalid: its session_kind does not match the session.")
		}
		sess.Kind = claims.SessionKind
		redeemed, err := store.RedeemToken(ctx, tx, store.Import{ApplicationID: caller.ApplicationID, TokenID: tokenID,
			SessionID: sess.ID, SourceApplicationID: claims.FromApplicationID, SourceSessionID: claims.SessionID,
			ImportedBy: caller.Actor(), CreatedAt: now, SourceMintLeaf: src.Token.MintLeaf, SourceCheckpoint: src.Checkpoint,
			SourceApplicationName: src.ApplicationName, SourceSessionNumber: src.Session.Number})
		if err != nil {
			return err
		}
		if !redeemed {
			return domain.Forbiddenf("This share token has already been imported into your application.")
		}
		if src.WorkflowKind == nil || *src.WorkflowKind != claims.SessionKind {
			return domain.NotFoundf("Workflow %q not found in your application for %s sessions.", req.WorkflowID, claims.SessionKind)
		}
		sess.Status = domain.ImportedStatus(src.Session.Status, sess.Kind, req.TrustReview)
		// The clone is sealed under the importer's keys and its own id;
		// the source's keys never leave this process.
		var parts opened
		if sess.Payload, parts, err = s.data.reseal(ctx, store.SealedSession{Session: *src.Session, Payload: src.Payload}, srcKeys, myKeys, sess.ID); err != nil {
			return err
		}
		if err := announce(ctx, tx,
			Change{App: caller.ApplicationID, What: ChangeSessionImported, Session: &sess.ID, By: caller.Actor()},
			Change{App: claims.FromApplicationID, What: ChangeTokenImported, Session: &claims.SessionID, By: caller.Actor()}); err != nil {
			return err
		}
		if req.VendorData != "" {
			// Held until commit, so a block of this user waits for the import.
			st, err := store.EnsureEntityForUpdate(ctx, tx, caller.ApplicationID, sess.Kind, req.VendorData)
			if err != nil {
				return err
			}
			if blocked = st == domain.EntityBlocked; blocked {
				sess.Status = domain.StatusOf(sess.Kind, domain.PhaseInReview)
			}
		}
		// The clone takes its number from the importer's sequence and the
		// events go in pending: nothing here waits for another import.
		if err := store.InsertSession(ctx, tx, &sess); err != nil {
			return err
		}
		if full, err = parts.join(sess.Session); err != nil {
			return err
		}
		if matched, err = importMatch(ctx, tx, s.data.matchKeys(myKeys), &sess.Session, full); err != nil { // matching.go: may hold it In Review
			return err
		}
		if src.HasMedia {
			if err := s.copyMedia(ctx, tx, srcKeys, myKeys, claims.SessionID, sess.ID); err != nil { // re-sealed under the importer's keys
				return err
			}
		}
		// A clone has no details of its own (token, callback, metadata):
		// nothing to read back for its event.
		sess.Details = &domain.SessionDetails{}
		if err := s.emitStatusUpdated(ctx, tx, sess.Session); err != nil { // with the cloned checks
			return err
		}
		origin, err := recordUpstream(ctx, tx, *src.Session, tokenID, caller.ApplicationID, sess.ID) // provenance.go
		if err != nil {
			return err
		}
		link := mustJSON(importDetails{
			TokenID: tokenID, SourceSessionID: claims.SessionID, SourceApplicationID: claims.FromApplicationID,
			ImportedSessionID: sess.ID, ImportingApplicationID: caller.ApplicationID,
			MintedBy: src.Token.MintedBy, ImportedBy: caller.Actor(), TrustReview: req.TrustReview, BlockedEntity: blocked,
			Status: sess.Status, Findings: auditFindings(matched.Findings), SourceStatus: src.Session.Status,
			OriginApplicationID: origin.ApplicationID, OriginSessionID: origin.SessionID,
		})
		return store.InsertAudit(ctx, tx,
			domain.AuditEvent{ApplicationID: caller.ApplicationID, At: now, Actor: caller.Actor(), RequestID: caller.RequestID,
				Action: domain.ActionSessionImported, SessionID: &sess.ID, Details: link},
			domain.AuditEvent{ApplicationID: claims.FromApplicationID, At: now, Actor: caller.Actor(), RequestID: caller.RequestID,
				Action: domain.ActionTokenImported, SessionID: &claims.SessionID, Details: link})
	})
	if err != nil {
		return domain.Session{}, err
	}
	full.Status = sess.Status // as matching left it
	return full, nil
}

// importDetails are the details of an import's two audit events. The
// fields are in the order of their names, as json wrote the map this
// replaced (the events' bytes are the same); a struct is marshalled with
// a third of a map's allocations.
type importDetails struct {
	BlockedEntity          bool             `json:"blocked_entity"`
	Findings               []domain.Finding `json:"findings"`
	ImportedBy             string           `json:"imported_by"`
	ImportedSessionID      uuid.UUID        `json:"imported_session_id"`
	ImportingApplicationID uuid.UUID        `json:"importing_application_id"`
	MintedBy               string           `json:"minted_by"`
	OriginApplicationID    uuid.UUID        `json:"origin_application_id"`
	OriginSessionID        uuid.UUID        `json:"origin_session_id"`
	SourceApplicationID    uuid.UUID        `json:"source_application_id"`
	SourceSessionID        uuid.UUID        `json:"source_session_id"`
	SourceStatus           domain.Status    `json:"source_status"`
	Status                 domain.Status    `json:"status"`
	TokenID                uuid.UUID        `json:"token_id"`
	TrustReview            bool             `json:"trust_review"`
}
