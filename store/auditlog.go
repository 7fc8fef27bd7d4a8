package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"handoff/domain"
)

// Tree is the sealed state of one application's Merkle tree: its size and
// compact range (roots of the perfect subtrees covering [0, size)), and up
// to which sequence number chained events from before the trees are still
// to be integrated.
type Tree struct {
	App          uuid.UUID     `db:"application_id"`
	Size         int64         `db:"size"`
	CompactRange pq.ByteaArray `db:"compact_range"`
	LegacyUntil  int64         `db:"legacy_until"`
}

// TreeNode is one node of a perfect subtree: level 0 holds the leaves.
type TreeNode struct {
	Level uint
	Index uint64
	Hash  []byte
}

// Checkpoint is a signed statement of a tree's size and root.
type Checkpoint struct {
	App       uuid.UUID `db:"application_id"`
	Size      int64     `db:"tree_size"`
	Root      []byte    `db:"root_hash"`
	Note      string    `db:"note"`
	CreatedAt time.Time `db:"created_at"`
}

// PendingApps lists the applications with events to seal: pending ones,
// or chained ones from before the trees not yet integrated. It reads
// across tenants but locks nothing.
func PendingApps(ctx context.Context, q Queryer) ([]uuid.UUID, error) {
	var apps []uuid.UUID
	err := q.SelectContext(ctx, &apps, `SELECT DISTINCT application_id FROM audit_pending
		UNION SELECT application_id FROM audit_trees WHERE legacy_until > size`)
	return apps, mapErr(err)
}

// ReadBatch reads app's tree and up to limit of its pending events,
// oldest first, locking nothing: the batch a sequencer seals with
// SaveBatch, which applies only if nobody sealed first. ok is false when
// app has no tree. While chained events from before the trees are still to
// be integrated (LegacyUntil > Size) no pending event is read.
func ReadBatch(ctx context.Context, q Queryer, app uuid.UUID, limit int) (tree Tree, events []domain.AuditEvent, ok bool, err error) {
	var rows []struct {
		Size        int64         `db:"tree_size"`
		Range       pq.ByteaArray `db:"tree_range"`
		LegacyUntil int64         `db:"tree_legacy"`
		QueuedAt    *time.Time    `db:"queued_at"`
		CommittedAt *time.Time    `db:"committed_at"`
		auditRow
	}
	// The commit time is read with the pending row: it is what the sealing
	// lag is measured from, and the row goes when the batch is saved.
	err = q.SelectContext(ctx, &rows, Keyed+`SELECT t.size AS tree_size, t.compact_range AS tree_range, t.legacy_until AS tree_legacy,
			e.queued_at, e.committed_at, t.application_id, 0::bigint AS seq, e.event_id, coalesce(e.at, 'epoch') AS at,
			coalesce(e.actor, '') AS actor, coalesce(e.action, '') AS action, e.session_id, coalesce(e.details, '') AS details,
			e.request_id, NULL::timestamptz AS sealed_at, NULL::bytea AS prev_hash, NULL::bytea AS hash
		FROM audit_trees t
		LEFT JOIN LATERAL (
			SELECT p.queued_at, p.event_id, p.at, p.actor, p.action, p.session_id, p.details::text AS details, p.request_id,
				CASE WHEN current_setting('track_commit_timestamp')::bool THEN pg_xact_commit_timestamp(p.xmin) END AS committed_at
			FROM audit_pending p WHERE p.application_id = t.application_id AND t.legacy_until <= t.size
			ORDER BY p.queued_at, p.event_id LIMIT $2) e ON true
		WHERE t.application_id = $1
		ORDER BY e.queued_at, e.event_id`, app, limit)
	if err != nil || len(rows) == 0 {
		return Tree{}, nil, false, mapErr(err)
	}
	tree = Tree{App: app, Size: rows[0].Size, CompactRange: rows[0].Range, LegacyUntil: rows[0].LegacyUntil}
	if rows[0].ID == nil {
		return tree, nil, true, nil // nothing pending
	}
	events = make([]domain.AuditEvent, len(rows))
	for i, r := range rows {
		events[i] = r.domain()
		events[i].QueuedAt, events[i].CommittedAt = r.QueuedAt, r.CommittedAt
	}
	return tree, events, true, nil
}

// SealedEvent is a sealed event with the leaf hash stored in its tree
// (nil when the leaf is missing).
type SealedEvent struct {
	domain.AuditEvent
	StoredLeaf []byte
}

// SealedEvents returns app's sealed events with seq in (after, until],
// in order, at most limit, each with its stored leaf.
func SealedEvents(ctx context.Context, q Queryer, app uuid.UUID, after, until int64, limit int) ([]SealedEvent, error) {
	var rows []struct {
		auditRow
		Leaf []byte `db:"leaf"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT e.application_id, e.seq, e.event_id, e.at, e.actor, e.action, e.session_id,
			e.details::text AS details, e.request_id, e.sealed_at, e.prev_hash, e.hash, n.hash AS leaf
		FROM audit_events e
		LEFT JOIN audit_tree_nodes n ON n.application_id = e.application_id AND n.level = 0 AND n.idx = e.seq - 1
		WHERE e.application_id = $1 AND e.seq > $2 AND e.seq <= $3 ORDER BY e.seq LIMIT $4`, app, after, until, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]SealedEvent, len(rows))
	for i, r := range rows {
		out[i] = SealedEvent{AuditEvent: r.auditRow.domain(), StoredLeaf: r.Leaf}
	}
	return out, nil
}

// Batch is one sequencer step for one application: the events it numbered
// (empty for chained events already in audit_events), the tree nodes they
// made, the tree after them (grown from PrevSize) and its signed
// checkpoint.
type Batch struct {
	PrevSize   int64
	Tree       Tree
	Events     []domain.AuditEvent
	Nodes      []TreeNode
	Checkpoint Checkpoint
}

// ErrSealedFirst is SaveBatch's refusal of a batch another sequencer's
// batch got ahead of.
var ErrSealedFirst = errors.New("another sequencer sealed these events first")

// SaveBatch writes a sealed batch — its events taken out of pending, the
// tree nodes, the checkpoint and the tree — in one statement, which on the
// pool is its own transaction. It applies only when the tree is still at
// PrevSize and every event was still pending; otherwise nothing is
// written and it returns ErrSealedFirst.
func SaveBatch(ctx context.Context, q Queryer, b Batch) error {
	n := len(b.Events)
	seqs, ids, ats := make([]int64, n), make([]string, n), make([]string, n)
	actors, actions, details := make([]string, n), make([]string, n), make([]string, n)
	sessions, requests := make([]sql.NullString, n), make([]sql.NullString, n)
	queued, committed := make([]sql.NullString, n), make([]sql.NullString, n)
	stamp := func(t *time.Time) sql.NullString {
		if t == nil {
			return sql.NullString{}
		}
		return sql.NullString{String: t.UTC().Format(time.RFC3339Nano), Valid: true}
	}
	for i, e := range b.Events {
		queued[i], committed[i] = stamp(e.QueuedAt), stamp(e.CommittedAt)
		requests[i] = sql.NullString{String: e.RequestID, Valid: e.RequestID != ""}
		seqs[i], ids[i], ats[i] = e.Seq, e.ID.String(), e.At.UTC().Format(time.RFC3339Nano)
		actors[i], actions[i], details[i] = e.Actor, e.Action, string(e.Details)
		if e.SessionID != nil {
			sessions[i] = sql.NullString{String: e.SessionID.String(), Valid: true}
		}
	}
	levels, idxs, hashes := make([]int64, len(b.Nodes)), make([]int64, len(b.Nodes)), make([][]byte, len(b.Nodes))
	for i, nd := range b.Nodes {
		levels[i], idxs[i], hashes[i] = int64(nd.Level), int64(nd.Index), nd.Hash
	}
	_, err := q.ExecContext(ctx, Keyed+`WITH taken AS (
			DELETE FROM audit_pending WHERE application_id = $1 AND event_id = ANY ($3::uuid[]) RETURNING 1),
		ev AS (
			INSERT INTO audit_events (application_id, seq, event_id, at, actor, action, session_id, details, request_id, queued_at, committed_at, sealed_at)
			SELECT $1, u.seq, u.id, u.at, u.actor, u.action, u.sid, u.details, u.rid, u.queued, u.committed, clock_timestamp()
			FROM unnest($2::bigint[], $3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::uuid[], $8::json[], $18::text[], $19::timestamptz[], $20::timestamptz[])
				AS u(seq, id, at, actor, action, sid, details, rid, queued, committed)),
		nd AS (
			INSERT INTO audit_tree_nodes (application_id, level, idx, hash)
			SELECT $1, u.l, u.i, u.h FROM unnest($9::smallint[], $10::bigint[], $11::bytea[]) AS u(l, i, h)),
		cp AS (
			INSERT INTO audit_checkpoints (application_id, tree_size, root_hash, note, created_at) VALUES ($1, $12, $13, $14, $15)),
		grown AS (
			UPDATE audit_trees SET size = $12, compact_range = $16 WHERE application_id = $1 AND size = $17 RETURNING 1)
		SELECT audit_batch_applies((SELECT count(*) FROM grown) = 1 AND (SELECT count(*) FROM taken) = $21)`,
		b.Tree.App, pq.Array(seqs), pq.Array(ids), pq.Array(ats), pq.Array(actors), pq.Array(actions), pq.Array(sessions),
		pq.Array(details), pq.Array(levels), pq.Array(idxs), pq.Array(hashes),
		b.Checkpoint.Size, b.Checkpoint.Root, b.Checkpoint.Note, b.Checkpoint.CreatedAt, b.Tree.CompactRange, b.PrevSize,
		pq.Array(requests), pq.Array(queued), pq.Array(committed), n)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && (pqErr.Code == "40001" || pqErr.Code == "23505") {
		return ErrSealedFirst // the guard, or a sequence number or node sealed meanwhile
	}
	return mapErr(err)
}

// Checkpoints returns app's checkpoints with tree_size > after, oldest
// first, at most limit.
func Checkpoints(ctx context.Context, q Queryer, app uuid.UUID, after int64, limit int) ([]Checkpoint, error) {
	var out []Checkpoint
	err := q.SelectContext(ctx, &out, `SELECT application_id, tree_size, root_hash, note, created_at FROM audit_checkpoints
		WHERE application_id = $1 AND tree_size > $2 ORDER BY tree_size LIMIT $3`, app, after, limit)
	return out, mapErr(err)
}

// GetCheckpoint returns app's checkpoint at size; size 0 means the latest.
func GetCheckpoint(ctx context.Context, q Queryer, app uuid.UUID, size int64) (Checkpoint, error) {
	var c Checkpoint
	err := q.GetContext(ctx, &c, `SELECT application_id, tree_size, root_hash, note, created_at FROM audit_checkpoints
		WHERE application_id = $1 AND ($2 = 0 OR tree_size = $2) ORDER BY tree_size DESC LIMIT 1`, app, size)
	return c, notFound(err, "checkpoint not found")
}

// NodeHashes returns the hashes of app's tree nodes in the order asked;
// not found when one is missing.
func NodeHashes(ctx context.Context, q Queryer, app uuid.UUID, nodes []TreeNode) ([][]byte, error) {
	if len(nodes) == 0 {
		return [][]byte{}, nil
	}
	levels, idxs := make([]int64, len(nodes)), make([]int64, len(nodes))
	for i, nd := range nodes {
		levels[i], idxs[i] = int64(nd.Level), int64(nd.Index)
	}
	var rows []struct {
		Ord  int    `db:"ord"`
		Hash []byte `db:"hash"`
	}
	err := q.SelectContext(ctx, &rows, `SELECT u.ord, n.hash FROM unnest($2::smallint[], $3::bigint[]) WITH ORDINALITY AS u(l, i, ord)
		JOIN audit_tree_nodes n ON n.application_id = $1 AND n.level = u.l AND n.idx = u.i ORDER BY u.ord`,
		app, pq.Array(levels), pq.Array(idxs))
	if err != nil {
		return nil, mapErr(err)
	}
	if len(rows) != len(nodes) {
		return nil, domain.NotFoundf("audit tree nodes missing")
	}
	out := make([][]byte, len(rows))
	for i, r := range rows {
		out[i] = r.Hash
	}
	return out, nil
}

// LeafIndex finds the leaf with hash in app's tree.
func LeafIndex(ctx context.Context, q Queryer, app uuid.UUID, hash []byte) (int64, error) {
	var idx int64
	err := q.GetContext(ctx, &idx, `SELECT idx FROM audit_tree_nodes WHERE application_id = $1 AND level = 0 AND hash = $2
		ORDER BY idx LIMIT 1`, app, hash)
	return idx, notFound(err, "No sealed event with this leaf hash in your application.")
}

// NoteKey is the deployment's checkpoint signing key; Signer is stored as
// sealed by whoever wrote it.
type NoteKey struct {
	Name     string `db:"name"`
	Verifier string `db:"verifier"`
	Signer   []byte `db:"signer"`
}

// GetNoteKey loads the checkpoint key named name.
func GetNoteKey(ctx context.Context, q Queryer, name string) (NoteKey, error) {
	var k NoteKey
	err := q.GetContext(ctx, &k, `SELECT name, verifier, signer FROM audit_note_keys WHERE name = $1`, name)
	return k, notFound(err, "no checkpoint key "+quote(name))
}

// AddNoteKey stores k unless a key of that name exists (another process
// made it first); the caller reads back the one that won.
func AddNoteKey(ctx context.Context, q Queryer, k NoteKey) error {
	_, err := q.ExecContext(ctx, `INSERT INTO audit_note_keys (name, verifier, signer) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, k.Name, k.Verifier, k.Signer)
	return mapErr(err)
}
