package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/transparency-dev/merkle/rfc6962"
)

// Audit actions.
const (
	ActionAppCreated      = "application.created"
	ActionKeyCreated      = "api_key.created"
	ActionKeyRevoked      = "api_key.revoked"
	ActionSessionCreated  = "session.created"
	ActionTokenMinted     = "share_token.minted"
	ActionTokenImported   = "share_token.imported" // in the issuer's trail
	ActionTokenRevoked    = "share_token.revoked"
	ActionSessionImported = "session.imported" // in the importer's trail
	ActionStatusChanged   = "session.status_changed"
	ActionNoteAdded       = "session.note_added"
	ActionSessionDeleted  = "session.deleted"
	ActionWebhookChanged  = "webhook.changed"
	ActionKeysRotated     = "keys.rotated"      // a master key re-wrapped the data keys, or a new data key
	ActionSessionErased   = "session.erased"    // payload and biometrics deleted for good
	ActionRetentionSet    = "retention.changed" // the application's retention
	ActionCaseClaimed     = "case.claimed"      // an analyst opened a queued case and holds it (not each renewal)
	ActionCaseReleased    = "case.released"     // and let it go (closing it, quitting, switching application)
)

// AuditEvent is one append-only entry in an application's trail. A use
// case appends it pending (Seq 0); the sequencer gives it its sequence
// number and makes it leaf Seq-1 of the application's Merkle tree. Its leaf
// hash covers its content and its id, never its position, so it is known
// the moment the event is made.
type AuditEvent struct {
	ApplicationID uuid.UUID
	ID            uuid.UUID // uuid.Nil for events chained before the trees
	Seq           int64     // 0 while pending
	At            time.Time
	Actor         string
	Action        string
	SessionID     *uuid.UUID
	// RequestID is the X-Request-Id of the API request that caused the
	// event, so an operator can go from a log line to the trail and back;
	// empty for the workstation and the command line.
	RequestID string
	// SessionNumber is the number of the event's session in its
	// application, when listed (0 for none); not part of the leaf.
	SessionNumber int64
	Details       json.RawMessage
	QueuedAt      *time.Time // when it was inserted pending (not part of the leaf)
	// CommittedAt is when its use case's transaction committed, where the
	// database records commit times (track_commit_timestamp); not part of
	// the leaf.
	CommittedAt *time.Time
	SealedAt    *time.Time
	// PrevHash and Hash are the hash chain of events sealed before the
	// trees (see ComputeHash); nil for the others.
	PrevHash []byte
	Hash     []byte
}

// Prepare readies a new event for appending: an id, its time truncated to
// the microseconds the database keeps, and "{}" for no details.
func (e *AuditEvent) Prepare() {
	if e.ID == uuid.Nil && e.Seq == 0 {
		e.ID = uuid.New()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if len(e.Details) == 0 {
		e.Details = json.RawMessage("{}")
	}
}

// LeafData is the event's entry in the Merkle tree: its fields, each
// length-prefixed so no two events share an encoding. Events from before
// the trees have no id and are identified by their sequence number (an
// 8-byte field where an id is 16, so the two never collide).
func (e *AuditEvent) LeafData() []byte {
	var b bytes.Buffer
	field := func(p []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		b.Write(n[:])
		b.Write(p)
	}
	field([]byte("handoff-audit-v1"))
	if e.ID == uuid.Nil {
		var seq [8]byte
		binary.BigEndian.PutUint64(seq[:], uint64(e.Seq))
		field(seq[:])
	} else {
		field(e.ID[:])
	}
	field(e.ApplicationID[:])
	field([]byte(e.At.UTC().Format(time.RFC3339Nano)))
	field([]byte(e.Actor))
	field([]byte(e.Action))
	if e.SessionID != nil {
		field(e.SessionID[:])
	} else {
		field(nil)
	}
	field(e.Details)
	field([]byte(e.RequestID))
	return b.Bytes()
}

// LeafHash is the RFC 6962 leaf hash of LeafData.
func (e *AuditEvent) LeafHash() []byte {
	return rfc6962.DefaultHasher.HashLeaf(e.LeafData())
}

// ComputeHash derives a chained event's hash from its content and
// PrevHash, as events were sealed before the trees; kept to check the old
// chain once, when it migrates into the tree.
func (e *AuditEvent) ComputeHash() []byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field(e.PrevHash)
	field(e.ApplicationID[:])
	var seq [8]byte
	binary.BigEndian.PutUint64(seq[:], uint64(e.Seq))
	field(seq[:])
	field([]byte(e.At.UTC().Format(time.RFC3339Nano)))
	field([]byte(e.Actor))
	field([]byte(e.Action))
	if e.SessionID != nil {
		field(e.SessionID[:])
	} else {
		field(nil)
	}
	field(e.Details)
	// Added after the first events were written: hashed only when present,
	// so those keep their hashes. The length prefixes keep the encoding
	// unambiguous either way.
	if e.RequestID != "" {
		field([]byte(e.RequestID))
	}
	return h.Sum(nil)
}

// AuditBreak names the first event, or checkpoint, that does not verify.
type AuditBreak struct {
	Seq        int64 // the first bad event; 0 when it is a checkpoint
	Checkpoint int64 // the tree size of the bad checkpoint, if any
	Reason     string
}

// VerifyLegacyChain walks chained events in sequence order, starting
// after prevSeq whose hash is prevHash, and returns the first broken link,
// or nil when the chain holds.
func VerifyLegacyChain(events []AuditEvent, prevHash []byte, prevSeq int64) *AuditBreak {
	for i := range events {
		e := &events[i]
		switch {
		case e.Seq != prevSeq+1:
			return &AuditBreak{Seq: prevSeq + 1, Reason: "sequence gap: the event is missing"}
		case !bytes.Equal(e.PrevHash, prevHash):
			return &AuditBreak{Seq: e.Seq, Reason: "previous-hash link does not match"}
		case !bytes.Equal(e.ComputeHash(), e.Hash):
			return &AuditBreak{Seq: e.Seq, Reason: "content does not match its hash (altered)"}
		}
		prevHash, prevSeq = e.Hash, e.Seq
	}
	return nil
}

// Four-eyes and settings actions.
const (
	ActionDecisionProposed = "session.decision_proposed"
	ActionProposalRejected = "session.proposal_rejected"
	ActionAppSettings      = "application.settings_changed"
)
