-- +goose Up
-- The audit trail becomes a verifiable log. A use case appends its events
-- to audit_pending, unsequenced and without a lock; a sequencer moves them,
-- in batches, into audit_events with their sequence numbers and integrates
-- them into the application's RFC 6962 Merkle tree (audit_tree_nodes),
-- then signs a checkpoint (audit_checkpoints). The sequencer of one
-- application runs in one process at a time: it holds the application's
-- audit_trees row (FOR UPDATE SKIP LOCKED) for the batch.

CREATE TABLE audit_pending (
    application_id uuid NOT NULL REFERENCES applications,
    event_id       uuid NOT NULL,
    at             timestamptz NOT NULL,
    actor          text NOT NULL,
    action         text NOT NULL,
    session_id     uuid,
    details        json NOT NULL,
    request_id     text,
    -- When the row went in (not the use case's clock): the order the
    -- sequencer seals in.
    queued_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (application_id, event_id)
);
CREATE INDEX audit_pending_order ON audit_pending (application_id, queued_at, event_id);

-- Events sealed before the trees were chained (prev_hash, hash) and have
-- no event_id; they keep both as they were. Sealed events have an id and
-- the time they were sealed.
ALTER TABLE audit_events ADD COLUMN event_id uuid, ADD COLUMN sealed_at timestamptz,
    ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL;

-- Every node of the perfect subtrees, leaves (level 0) included: what
-- inclusion and consistency proofs are built from.
CREATE TABLE audit_tree_nodes (
    application_id uuid NOT NULL REFERENCES applications,
    level          smallint NOT NULL,
    idx            bigint NOT NULL,
    hash           bytea NOT NULL,
    PRIMARY KEY (application_id, level, idx)
);
CREATE INDEX audit_tree_leaves ON audit_tree_nodes (application_id, hash) WHERE level = 0;

-- One row per application: the tree's size and its compact range (the
-- roots of the perfect subtrees covering it), and, after the migration
-- from the hash chain, up to which sequence number audit_events already
-- holds numbered events still to be integrated.
CREATE TABLE audit_trees (
    application_id uuid PRIMARY KEY REFERENCES applications,
    size           bigint NOT NULL DEFAULT 0,
    compact_range  bytea[] NOT NULL DEFAULT '{}',
    legacy_until   bigint NOT NULL DEFAULT 0
);

CREATE TABLE audit_checkpoints (
    application_id uuid NOT NULL REFERENCES applications,
    tree_size      bigint NOT NULL,
    root_hash      bytea NOT NULL,
    note           text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, tree_size)
);

-- The deployment's checkpoint signing key (Ed25519, signed-note format).
-- The private key is stored as sealed by the one function that writes it.
CREATE TABLE audit_note_keys (
    name        text PRIMARY KEY,
    verifier    text NOT NULL,
    signer      bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER audit_tree_nodes_no_update BEFORE UPDATE OR DELETE ON audit_tree_nodes
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Provenance: a token remembers its mint event's leaf hash, and an import
-- records it with the issuer's latest signed checkpoint at import time.
ALTER TABLE share_tokens ADD COLUMN mint_leaf bytea;
ALTER TABLE imports ADD COLUMN source_mint_leaf bytea, ADD COLUMN source_checkpoint text;

-- The chained events migrate into the trees once: the first sequencer to
-- hold an application's tree integrates seq 1..legacy_until in order.
INSERT INTO audit_trees (application_id, legacy_until) SELECT application_id, audit_seq FROM app_counters;
DROP TABLE app_counters;

-- +goose Down
CREATE TABLE app_counters (
    application_id      uuid PRIMARY KEY REFERENCES applications,
    last_session_number bigint NOT NULL DEFAULT 0,
    audit_seq           bigint NOT NULL DEFAULT 0,
    audit_head          bytea  NOT NULL DEFAULT ''
);
ALTER TABLE imports DROP COLUMN source_mint_leaf, DROP COLUMN source_checkpoint;
ALTER TABLE share_tokens DROP COLUMN mint_leaf;
DROP TABLE audit_note_keys, audit_checkpoints, audit_trees, audit_tree_nodes, audit_pending;
