package domain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Audit actions.
const (
	ActionAppCreated      = "application.created"
	ActionKeyCreated      = "api_key.created"
	ActionKeyRevoked      = "api_key.revoked"
	ActionSessionCreated  = "session.created"
	ActionTokenMinted     = "share_token.minted"
	ActionTokenImported   = "share_token.imported" // in the issuer's trail
	ActionSessionImported = "session.imported"     // in the importer's trail
	ActionStatusChanged   = "session.status_changed"
	ActionSessionDeleted  = "session.deleted"
	ActionWebhookChanged  = "webhook.changed"
)

// AuditEvent is one append-only entry in an application's trail. Events are
// chained per application: Hash covers the event and PrevHash, so altering
// or removing one breaks every link after it.
type AuditEvent struct {
	ApplicationID uuid.UUID
	Seq           int64
	At            time.Time
	Actor         string
	Action        string
	SessionID     *uuid.UUID
	// RequestID is the X-Request-Id of the API request that caused the
	// event, so an operator can go from a log line to the trail and back;
	// empty for the workstation and the command line.
	RequestID string
	Details   json.RawMessage
	PrevHash  []byte
	Hash      []byte
}

// ComputeHash derives the event's hash from its content and PrevHash. Each
// field is length-prefixed so no two events share an encoding.
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

// Chain links events onto a trail whose last event has prevSeq and
// prevHash: it numbers them, truncates their times to the microseconds the
// database keeps, and computes each hash. It returns the new head hash.
func Chain(events []AuditEvent, prevSeq int64, prevHash []byte) []byte {
	for i := range events {
		e := &events[i]
		prevSeq++
		e.Seq, e.PrevHash = prevSeq, prevHash
		e.At = e.At.UTC().Truncate(time.Microsecond)
		if len(e.Details) == 0 {
			e.Details = json.RawMessage("{}")
		}
		e.Hash = e.ComputeHash()
		prevHash = e.Hash
	}
	return prevHash
}

// ChainBreak describes the first event whose link does not verify.
type ChainBreak struct {
	Seq    int64
	Reason string
}

// VerifyChain walks events in sequence order and returns the first broken
// link, or nil when the whole chain holds.
func VerifyChain(events []AuditEvent, prevHash []byte, prevSeq int64) *ChainBreak {
	for i := range events {
		e := &events[i]
		switch {
		case e.Seq != prevSeq+1:
			return &ChainBreak{Seq: e.Seq, Reason: "sequence gap: an event before it is missing"}
		case hex.EncodeToString(e.PrevHash) != hex.EncodeToString(prevHash):
			return &ChainBreak{Seq: e.Seq, Reason: "previous-hash link does not match"}
		case hex.EncodeToString(e.ComputeHash()) != hex.EncodeToString(e.Hash):
			return &ChainBreak{Seq: e.Seq, Reason: "content does not match its hash (altered)"}
		}
		prevHash, prevSeq = e.Hash, e.Seq
	}
	return nil
}
