package main

// The bare statements of a mint and of an import: what PostgreSQL does for
// one, one statement per step (read the session or the token record,
// check the partner, insert the token or the import, the entity, the
// webhook outbox, the clone — numbered from the importer's sequence, its
// sealed payload copied inside the database — its identifiers, the
// lookups of its list hits and duplicates, and the pending audit events),
// as review.Import issues them; review.Share folds the mint's four steps
// into two statements with no transaction held between them, and the
// yardstick stays the plain work. No application lock and no NOTIFY
// (handoff sends its change notifications after commit, many
// transactions' at once, see store.Notify; a NOTIFY in the transaction
// would serialise the commits of the bare work itself). Values the Go side
// computes between statements are constants or sub-selects. pgbench runs
// them on the same cluster in the same run, so handoff's rate over
// pgbench's is the share of the database's own speed that handoff keeps
// after HTTP, JSON, JWT, sealing and its round trips.

const mintSQL = `\set n random(1, :nsessions)
BEGIN;
SELECT session_id AS sid, session_kind, status, checks FROM sessions
  WHERE application_id = :x AND session_number = :n AND deleted_at IS NULL \gset
SELECT application_id, name, created_at, deleted_at FROM applications WHERE application_id = :y AND deleted_at IS NULL;
INSERT INTO share_tokens (application_id, token_id, session_id, session_kind, for_application_id, minted_by, kid, created_at, expires_at, mint_leaf)
  VALUES (:x, gen_random_uuid(), :sid, 'user', :y, 'api_key-bench', 'bench', now(), now() + interval '1 hour', sha256('leaf'::bytea));
INSERT INTO audit_pending (application_id, event_id, at, actor, action, session_id, details, request_id)
  VALUES (:x, gen_random_uuid(), now(), 'api_key-bench', 'share_token.minted', :sid,
    '{"token_id":"00000000-0000-0000-0000-000000000000","for_application_id":"00000000-0000-0000-0000-000000000000","ttl_in_seconds": 86400,"expires_at":"2026-12-02T00 00 00Z","kid":"20261201-abcdef01"}', 'bench');
COMMIT;
`

const importSQL = importBegin + importTokenRecord + importWork

// importWithoutRecord is the bare import without the token record check
// of issue 17 (the share_tokens row read and held FOR SHARE in the
// import's transaction): only the source session is read. loadgen
// -token-check runs it in turns with importSQL to price the check.
const importWithoutRecord = importBegin + importSourceOnly + importWork

const importBegin = `\set n random(1, :ntokens)
BEGIN;
`

const importTokenRecord = `SELECT t.application_id, t.token_id AS tid, t.session_id AS sid, t.session_kind, t.for_application_id,
    t.minted_by, t.kid, t.created_at, t.expires_at, t.mint_leaf, t.revoked_at, t.revoked_by,
    s.application_id AS s_app, s.session_number, s.session_kind AS s_kind, s.status, s.workflow_id, s.vendor_data,
    s.shared_from_session, s.created_at AS s_created, s.expires_at AS s_expires,
    (SELECT c.note FROM audit_checkpoints c WHERE c.application_id = t.application_id ORDER BY c.tree_size DESC LIMIT 1) AS checkpoint
  FROM share_tokens t
  LEFT JOIN (sessions s JOIN applications a ON a.application_id = s.application_id AND a.deleted_at IS NULL)
    ON s.application_id = t.application_id AND s.session_id = t.session_id AND s.deleted_at IS NULL
  WHERE t.application_id = :x AND t.token_id = (SELECT token_id FROM bench_tokens WHERE n = :n)
  FOR SHARE OF t \gset
`

const importSourceOnly = `SELECT (SELECT token_id FROM bench_tokens WHERE n = :n) AS tid, s.session_id AS sid,
    s.application_id AS s_app, s.session_number, s.session_kind AS s_kind, s.status, s.workflow_id, s.vendor_data,
    s.shared_from_session, s.created_at AS s_created, s.expires_at AS s_expires,
    (SELECT c.note FROM audit_checkpoints c WHERE c.application_id = s.application_id ORDER BY c.tree_size DESC LIMIT 1) AS checkpoint
  FROM sessions s JOIN applications a ON a.application_id = s.application_id AND a.deleted_at IS NULL
  WHERE s.application_id = :x AND s.session_id = (SELECT session_id FROM bench_tokens WHERE n = :n) AND s.deleted_at IS NULL \gset
`

const importWork = `INSERT INTO imports (application_id, token_id, session_id, source_application_id, source_session_id, imported_by, created_at,
    source_mint_leaf, source_checkpoint)
  VALUES (:y, gen_random_uuid(), gen_random_uuid(), :x, :sid, 'api_key-bench', now(), sha256('leaf'::bytea), :checkpoint)
  ON CONFLICT (application_id, token_id) DO NOTHING;
SELECT workflow_id, kind FROM workflows WHERE application_id = :y AND workflow_id = 'wf_partner_kyc';
\set v random(1, 1000000000)
INSERT INTO entities (application_id, kind, vendor_data, entity_id) VALUES (:y, 'user', 'bench-' || :v, gen_random_uuid()) ON CONFLICT DO NOTHING;
SELECT status FROM entities WHERE application_id = :y AND kind = 'user' AND vendor_data = 'bench-' || :v FOR UPDATE;
WITH dest AS (SELECT destination_id FROM webhook_destinations
    WHERE application_id = :y AND deleted_at IS NULL AND enabled AND 'status.updated' = ANY (subscribed_events)),
  ev AS (INSERT INTO webhook_events (application_id, event_id, webhook_type, session_id, payload, created_at)
    SELECT :y, gen_random_uuid(), 'status.updated', gen_random_uuid(), '{"webhook_type":"status.updated"}'::json, now() WHERE EXISTS (SELECT 1 FROM dest)
    RETURNING application_id, event_id),
  del AS (INSERT INTO webhook_deliveries (application_id, event_id, destination_id, queued_at, next_attempt_at)
    SELECT ev.application_id, ev.event_id, dest.destination_id, now(), now() FROM ev, dest RETURNING 1)
  SELECT count(*) FROM del;
INSERT INTO sessions (application_id, session_id, session_number, session_kind, status, workflow_id, vendor_data,
    shared_from_session, shared_from_application, import_token_id, key_generation, sealed, biometrics, created_at, updated_at)
  SELECT :y, gen_random_uuid(), next_session_number(:y), 'user', 'In Review',
    'wf_partner_kyc', 'bench-' || :v, src.session_id, src.application_id, :tid, src.key_generation, src.sealed, src.biometrics, now(), now()
  FROM sessions src WHERE src.application_id = :x AND src.session_id = :sid AND src.deleted_at IS NULL
  RETURNING session_id AS clone \gset
SELECT e.entry_id, e.list_id, e.value, e.display_label, e.comment, e.added_by,
    e.reference_session_id, e.reference_session_number, e.metadata, e.created_at, e.sealed, e.key_generation,
    e.entry_type, e.list_type, l.name, e.value_hash
  FROM unnest(ARRAY['user','email','phone','face','ip_address','ip_address','document'],
    ARRAY[sha256(('u' || :v)::bytea), sha256(('e' || :v)::bytea), sha256(('p' || :v)::bytea), sha256(('f' || :v)::bytea),
      sha256(('i' || :v)::bytea), sha256(('r' || :v)::bytea), sha256(('d' || :v)::bytea)]) AS h (t, v)
  JOIN list_entries e ON e.application_id = :y AND e.entry_type = h.t AND e.value_hash = h.v
  JOIN lists l ON l.application_id = e.application_id AND l.list_id = e.list_id
  WHERE e.list_type IN ('blocklist', 'allowlist')
  ORDER BY e.list_type DESC, e.created_at;
SELECT s.session_number, s.vendor_data
  FROM unnest(ARRAY['email','phone','face','ip_address','document'],
    ARRAY[sha256(('e' || :v)::bytea), sha256(('p' || :v)::bytea), sha256(('f' || :v)::bytea), sha256(('i' || :v)::bytea), sha256(('d' || :v)::bytea)]) AS h (t, v)
  JOIN session_identifiers i ON i.application_id = :y AND i.id_type = h.t AND i.value_hash = h.v
  JOIN sessions s ON s.application_id = i.application_id AND s.session_id = i.session_id
  WHERE s.deleted_at IS NULL AND s.session_id <> :clone AND s.vendor_data <> 'bench-' || :v
  ORDER BY s.session_number LIMIT 20;
SELECT session_number, vendor_data FROM sessions
  WHERE application_id = :y AND shared_from_session = :sid AND deleted_at IS NULL AND session_id <> :clone
  ORDER BY session_number LIMIT 10;
INSERT INTO session_identifiers (application_id, session_id, id_type, value_hash)
  SELECT :y, :clone, t, v FROM unnest(ARRAY['user','email','phone','face','ip_address','document'],
    ARRAY[sha256(('u' || :v)::bytea), sha256(('e' || :v)::bytea), sha256(('p' || :v)::bytea), sha256(('f' || :v)::bytea),
      sha256(('i' || :v)::bytea), sha256(('d' || :v)::bytea)]) AS h (t, v) ON CONFLICT DO NOTHING;
INSERT INTO audit_pending (application_id, event_id, at, actor, action, session_id, details, request_id) VALUES
    (:y, gen_random_uuid(), now(), 'api_key-bench', 'session.imported', :sid, '{"token_id":"00000000-0000-0000-0000-000000000000","source_session_id":"00000000-0000-0000-0000-000000000000","source_application_id":"00000000-0000-0000-0000-000000000000","imported_session_id":"00000000-0000-0000-0000-000000000000","importing_application_id":"00000000-0000-0000-0000-000000000000","minted_by":"api_key-bench","imported_by":"api_key-bench","trust_review": false,"blocked_entity": false,"status":"In Review","source_status":"Approved"}', 'bench'),
    (:x, gen_random_uuid(), now(), 'api_key-bench', 'share_token.imported', :sid, '{"token_id":"00000000-0000-0000-0000-000000000000","source_session_id":"00000000-0000-0000-0000-000000000000","source_application_id":"00000000-0000-0000-0000-000000000000","imported_session_id":"00000000-0000-0000-0000-000000000000","importing_application_id":"00000000-0000-0000-0000-000000000000","minted_by":"api_key-bench","imported_by":"api_key-bench","trust_review": false,"blocked_entity": false,"status":"In Review","source_status":"Approved"}', 'bench');
COMMIT;
`
