package store

import (
	"context"

	"github.com/google/uuid"

	"handoff/domain"
)

// QueuedSession is a case in the imports queue as the work list reads it:
// the session with its sealed payload (its findings are read from it), the
// status of its user or business entity ("" when none) and the issuer's
// status at import, as the import's audit event recorded it ("" when
// unknown).
type QueuedSession struct {
	SealedSession
	EntityStatus domain.EntityStatus
	SourceStatus domain.Status
}

// ListQueueSealed is ListQueue with what the work list shows beside each
// case, in one query whatever the length of the queue: the payload, the
// entity's status and the issuer's status (one index probe per case on
// the audit trail's session index, sealed or pending).
func ListQueueSealed(ctx context.Context, q Queryer, app uuid.UUID, limit int) ([]QueuedSession, error) {
	var rows []struct {
		sealedRow
		EntityStatus *string `db:"entity_status"`
		SourceStatus *string `db:"source_status"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT s.application_id, s.session_id, s.session_number, s.session_kind, s.status, s.workflow_id,
			s.vendor_data, s.shared_from_session, s.created_at, s.expires_at, s.version, coalesce(s.key_generation, 0) AS key_generation,
			s.sealed, s.biometrics, s.checks, e.status AS entity_status, src.status AS source_status
		FROM sessions s
		LEFT JOIN entities e ON e.application_id = s.application_id AND e.kind = s.session_kind AND e.vendor_data = s.vendor_data
		LEFT JOIN LATERAL (
			SELECT details->>'source_status' AS status FROM audit_events
				WHERE application_id = s.application_id AND session_id = s.session_id AND action = $3
			UNION ALL
			SELECT details->>'source_status' FROM audit_pending
				WHERE application_id = s.application_id AND session_id = s.session_id AND action = $3
			LIMIT 1) src ON true
		WHERE s.application_id = $1 AND s.deleted_at IS NULL AND s.shared_from_session IS NOT NULL
		  AND s.status IN ('In Review', 'IN_REVIEW')
		ORDER BY s.created_at, s.session_number LIMIT $2`, app, limit, domain.ActionSessionImported)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]QueuedSession, len(rows))
	for i, r := range rows {
		out[i] = QueuedSession{SealedSession: SealedSession{Session: r.sessionRow.domain(), Payload: r.Payload}}
		if r.EntityStatus != nil {
			out[i].EntityStatus = domain.EntityStatus(*r.EntityStatus)
		}
		if r.SourceStatus != nil {
			out[i].SourceStatus = domain.Status(*r.SourceStatus)
		}
	}
	return out, nil
}
