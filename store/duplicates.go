package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/lib/pq"
)

// A Probe is one session's identifiers as its other sessions are searched
// for them: the session, its vendor_data (duplicates are under another
// one), the hashes, and for a clone the session it came from (its other
// clones are found too).
type Probe struct {
	Session    uuid.UUID
	VendorData string
	Hashes     []Hashed
	Origin     *uuid.UUID
}

// DuplicateRef is another session found for a probe: Probe is the
// probe's index in probes and, for a duplicate, Hash the index in its
// Hashes of the identifier the other session holds too. Indexes rather
// than the probe's session and the hash, and no session id, because each
// column of each row read costs allocations, and an import reads a row
// per duplicate.
type DuplicateRef struct {
	Probe int `db:"probe"`
	Hash  int `db:"probe_hash"`
	SessionRef
}

// maxSameOrigin bounds the other clones of one origin a probe names.
const maxSameOrigin = 10

// Duplicates finds, for each probe, app's other live sessions holding one
// of its identifiers under a vendor_data other than the probe's (any, when
// it is empty), the lowest numbers first and at most limit, and app's
// other live clones of its origin (same, at most ten): one statement
// however many probes.
//
// The lookups are written so that their plan cannot depend on the
// planner's idea of an application's size: each identifier is one probe
// of the identifiers' primary key, each session found one probe of the
// sessions' (the fenced LATERAL subqueries fix that order). Left free,
// PostgreSQL chose for an application whose statistics predate its growth
// — every new one — to walk all its sessions in number order and scan all
// its identifiers for each: quadratic in the application's size.
func Duplicates(ctx context.Context, q Queryer, app uuid.UUID, probes []Probe, limit int) (dups, same []DuplicateRef, err error) {
	var ss, vs, ts pq.StringArray
	var ps, ks pq.Int64Array
	var bs pq.ByteaArray
	var cs, os pq.StringArray
	var cps pq.Int64Array
	for pi, p := range probes {
		session := p.Session.String()
		for k, h := range p.Hashes {
			ss, vs, ts, bs = append(ss, session), append(vs, p.VendorData), append(ts, string(h.Type)), append(bs, h.Hash)
			ps, ks = append(ps, int64(pi)), append(ks, int64(k))
		}
		if p.Origin != nil {
			cs, os, cps = append(cs, session), append(os, p.Origin.String()), append(cps, int64(pi))
		}
	}
	if len(ss) == 0 && len(cs) == 0 {
		return nil, nil, nil
	}
	var rows []struct {
		DuplicateRef
		Origin bool `db:"origin"`
	}
	err = q.SelectContext(ctx, &rows, `SELECT false AS origin, probe, probe_hash, session_number, vendor_data FROM (
			SELECT h.p AS probe, h.k AS probe_hash, s.session_number, s.vendor_data,
				row_number() OVER (PARTITION BY h.s ORDER BY s.session_number, h.t) AS n
			FROM unnest($2::uuid[], $3::int[], $4::int[], $5::text[], $6::text[], $7::bytea[]) AS h (s, p, k, vd, t, v)
			CROSS JOIN LATERAL (SELECT i.session_id FROM session_identifiers i
				WHERE i.application_id = $1 AND i.id_type = h.t AND i.value_hash = h.v AND i.session_id <> h.s OFFSET 0) i
			CROSS JOIN LATERAL (SELECT s.session_number, s.vendor_data FROM sessions s
				WHERE s.application_id = $1 AND s.session_id = i.session_id AND s.deleted_at IS NULL
				  AND (h.vd = '' OR s.vendor_data <> h.vd) OFFSET 0) s) d
		WHERE n <= $8
		UNION ALL
		SELECT true, c.p, 0, o.session_number, o.vendor_data
		FROM unnest($9::uuid[], $10::uuid[], $11::int[]) AS c (s, o, p)
		CROSS JOIN LATERAL (SELECT session_number, vendor_data FROM sessions
			WHERE application_id = $1 AND shared_from_session = c.o AND deleted_at IS NULL AND session_id <> c.s
			ORDER BY session_number LIMIT $12) o
		ORDER BY 1, 2, 4`, app, ss, ps, ks, vs, ts, bs, limit, cs, os, cps, maxSameOrigin)
	if err != nil {
		return nil, nil, mapErr(err)
	}
	for _, r := range rows {
		if r.Origin {
			same = append(same, r.DuplicateRef)
		} else {
			dups = append(dups, r.DuplicateRef)
		}
	}
	return dups, same, nil
}
