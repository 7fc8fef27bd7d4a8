-- +goose Up
-- Every table that belongs to a tenant carries application_id and leads its
-- primary and unique keys with it, so the schema can be distributed by
-- tenant (Citus) without a rewrite. applications, api_keys and
-- signing_keys are small and would become reference tables.

CREATE TABLE applications (
    application_id uuid PRIMARY KEY,
    name           text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz
);
CREATE UNIQUE INDEX applications_live_name ON applications (lower(name)) WHERE deleted_at IS NULL;

-- One row per application, locked by each transaction that numbers a session
-- or appends to the audit trail: session numbers and the audit chain stay
-- gap-free under any concurrency.
CREATE TABLE app_counters (
    application_id      uuid PRIMARY KEY REFERENCES applications,
    last_session_number bigint NOT NULL DEFAULT 0,
    audit_seq           bigint NOT NULL DEFAULT 0,
    audit_head          bytea  NOT NULL DEFAULT ''
);

CREATE TABLE api_keys (
    application_id uuid NOT NULL REFERENCES applications,
    key_id         uuid NOT NULL,
    key_hash       bytea NOT NULL,
    key_prefix     text NOT NULL,
    privileges     text[] NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    PRIMARY KEY (application_id, key_id)
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);

CREATE TABLE workflows (
    application_id uuid NOT NULL REFERENCES applications,
    workflow_id    text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('user', 'business')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, workflow_id)
);

CREATE TABLE entities (
    application_id uuid NOT NULL REFERENCES applications,
    kind           text NOT NULL CHECK (kind IN ('user', 'business')),
    vendor_data    text NOT NULL,
    entity_id      uuid NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, kind, vendor_data)
);

CREATE TABLE sessions (
    application_id          uuid NOT NULL REFERENCES applications,
    session_id              uuid NOT NULL,
    session_number          bigint NOT NULL,
    session_kind            text NOT NULL CHECK (session_kind IN ('user', 'business')),
    status                  text NOT NULL,
    workflow_id             text NOT NULL,
    vendor_data             text NOT NULL DEFAULT '',
    shared_from_session     uuid,
    shared_from_application uuid,
    import_token_id         uuid,
    checks                  jsonb NOT NULL,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    expires_at              timestamptz,
    deleted_at              timestamptz,
    PRIMARY KEY (application_id, session_id),
    UNIQUE (application_id, session_number),
    FOREIGN KEY (application_id, workflow_id) REFERENCES workflows
);
-- The Sessions tab: finished sessions, newest first, paged by keyset.
CREATE INDEX sessions_finished ON sessions (application_id, session_number DESC)
    WHERE deleted_at IS NULL
      AND status IN ('Approved', 'Declined', 'In Review', 'APPROVED', 'DECLINED', 'IN_REVIEW');
-- The imports queue: imported sessions waiting In Review, oldest first.
CREATE INDEX sessions_queue ON sessions (application_id, created_at, session_number)
    WHERE deleted_at IS NULL AND shared_from_session IS NOT NULL
      AND status IN ('In Review', 'IN_REVIEW');
CREATE INDEX sessions_vendor ON sessions (application_id, vendor_data);

CREATE TABLE signing_keys (
    kid        text PRIMARY KEY,
    secret     bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE share_tokens (
    application_id     uuid NOT NULL REFERENCES applications,
    token_id           uuid NOT NULL,
    session_id         uuid NOT NULL,
    session_kind       text NOT NULL,
    for_application_id uuid NOT NULL REFERENCES applications,
    minted_by          text NOT NULL,
    kid                text NOT NULL,
    created_at         timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    PRIMARY KEY (application_id, token_id)
);
CREATE INDEX share_tokens_recent ON share_tokens (application_id, created_at DESC);

-- A token redeems once per receiver: the primary key decides races.
CREATE TABLE imports (
    application_id        uuid NOT NULL REFERENCES applications,
    token_id              uuid NOT NULL,
    session_id            uuid NOT NULL,
    source_application_id uuid NOT NULL,
    source_session_id     uuid NOT NULL,
    imported_by           text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, token_id)
);

CREATE TABLE audit_events (
    application_id uuid NOT NULL REFERENCES applications,
    seq            bigint NOT NULL,
    at             timestamptz NOT NULL,
    actor          text NOT NULL,
    action         text NOT NULL,
    session_id     uuid,
    details        json NOT NULL,
    prev_hash      bytea NOT NULL,
    hash           bytea NOT NULL,
    PRIMARY KEY (application_id, seq)
);
CREATE INDEX audit_events_session ON audit_events (application_id, session_id) WHERE session_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events, imports, share_tokens, signing_keys, sessions, entities, workflows, api_keys, app_counters, applications;
DROP FUNCTION audit_events_append_only();
