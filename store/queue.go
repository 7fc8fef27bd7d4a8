package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/lib/pq"

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

// A Probe is one session's identifiers as its other sessions are searched
// for them: the session, its vendor_data (duplicates are under another
// one) and the hashes.
type Probe struct {
	Session    uuid.UUID
	VendorData string
	Hashes     []Hashed
}

// DuplicateRef is another session found holding one of a probe's
// identifiers.
type DuplicateRef struct {
	For uuid.UUID `db:"for_session"`
	SessionRef
}

// DuplicatesOf finds, for each probe, app's other live sessions holding
// one of its identifiers under a vendor_data other than the probe's (any,
// when it is empty), the lowest numbers first, at most limit for each
// identifier: one index lookup per identifier, in one statement.
func DuplicatesOf(ctx context.Context, q Queryer, app uuid.UUID, probes []Probe, limit int) ([]DuplicateRef, error) {
	var ss, vs, ts pq.StringArray
	var bs pq.ByteaArray
	for _, p := range probes {
		for _, h := range p.Hashes {
			ss, vs, ts, bs = append(ss, p.Session.String()), append(vs, p.VendorData), append(ts, string(h.Type)), append(bs, h.Hash)
		}
	}
	if len(ss) == 0 {
		return nil, nil
	}
	var out []DuplicateRef
	err := q.SelectContext(ctx, &out, `SELECT h.s AS for_session, d.* FROM unnest($2::uuid[], $3::text[], $4::text[], $5::bytea[]) AS h (s, vd, t, v)
		CROSS JOIN LATERAL (
			SELECT s.session_id, s.session_number, s.vendor_data, i.id_type, i.value_hash
			FROM session_identifiers i JOIN sessions s ON s.application_id = i.application_id AND s.session_id = i.session_id
			WHERE i.application_id = $1 AND i.id_type = h.t AND i.value_hash = h.v
			  AND s.deleted_at IS NULL AND s.session_id <> h.s AND (h.vd = '' OR s.vendor_data <> h.vd)
			ORDER BY s.session_number LIMIT $6) d
		ORDER BY h.s, d.session_number`, app, ss, vs, ts, bs, limit)
	return out, mapErr(err)
}

// OriginRef is a probe's origin session and the session it is asked for.
type OriginRef struct {
	Session, Origin uuid.UUID
}

// SameOrigins finds, for each clone, app's other live clones of its origin
// session (at most 10 each), in one statement.
func SameOrigins(ctx context.Context, q Queryer, app uuid.UUID, clones []OriginRef) ([]DuplicateRef, error) {
	if len(clones) == 0 {
		return nil, nil
	}
	ss, os := make(pq.StringArray, len(clones)), make(pq.StringArray, len(clones))
	for i, c := range clones {
		ss[i], os[i] = c.Session.String(), c.Origin.String()
	}
	var out []DuplicateRef
	err := q.SelectContext(ctx, &out, `SELECT h.s AS for_session, d.* FROM unnest($2::uuid[], $3::uuid[]) AS h (s, o)
		CROSS JOIN LATERAL (
			SELECT session_id, session_number, vendor_data, '' AS id_type, ''::bytea AS value_hash
			FROM sessions WHERE application_id = $1 AND shared_from_session = h.o AND deleted_at IS NULL AND session_id <> h.s
			ORDER BY session_number LIMIT 10) d
		ORDER BY h.s, d.session_number`, app, ss, os)
	return out, mapErr(err)
}
