-- +goose Up
-- GET /v3/sessions/ pages newest first by session_number (the primary
-- unique key serves the unfiltered list); these serve its filters that a
-- partner reconciles with, so a page costs the same at any table size.
CREATE INDEX sessions_list_kind ON sessions (application_id, session_kind, session_number DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX sessions_shared_from ON sessions (application_id, shared_from_session)
    WHERE shared_from_session IS NOT NULL;

-- Users and businesses (GET /v3/users/, /v3/businesses/): Didit's lifecycle
-- status, newest activity first.
ALTER TABLE entities
    ADD COLUMN status     text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'FLAGGED', 'BLOCKED')),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX entities_list ON entities (application_id, kind, created_at DESC, vendor_data);

-- +goose Down
DROP INDEX entities_list;
ALTER TABLE entities DROP COLUMN status, DROP COLUMN updated_at;
DROP INDEX sessions_shared_from;
DROP INDEX sessions_list_kind;
