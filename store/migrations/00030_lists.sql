-- +goose Up
-- Lists as Didit has them (blocklists, allowlists, custom lists), and the
-- identifiers of every session, both keyed by a keyed hash (HMAC-SHA256
-- with the application's matching key, which vault owns) of the normalised value, so matching an
-- import is a handful of index lookups and a reader of these tables cannot
-- test a value against another application's.
CREATE TABLE lists (
    application_id      uuid NOT NULL REFERENCES applications,
    list_id             uuid NOT NULL,
    name                text NOT NULL,
    description         text NOT NULL DEFAULT '',
    list_type           text NOT NULL CHECK (list_type IN ('blocklist', 'allowlist', 'custom')),
    entry_type          text NOT NULL,
    is_system           boolean NOT NULL DEFAULT false,
    entry_count         bigint NOT NULL DEFAULT 0,
    last_entry_added_at timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (application_id, list_id),
    UNIQUE (application_id, name),
    CHECK (is_system = (list_type = 'blocklist'))
);
CREATE UNIQUE INDEX lists_system ON lists (application_id, entry_type) WHERE is_system;

CREATE TABLE list_entries (
    application_id           uuid NOT NULL,
    list_id                  uuid NOT NULL,
    entry_id                 uuid NOT NULL,
    entry_type               text NOT NULL,
    list_type                text NOT NULL,
    value                    text NOT NULL,
    value_hash               bytea NOT NULL,
    display_label            text NOT NULL DEFAULT '',
    comment                  text NOT NULL DEFAULT '',
    added_by                 text NOT NULL,
    reference_session_id     uuid,
    reference_session_number bigint,
    metadata                 jsonb,
    created_at               timestamptz NOT NULL,
    PRIMARY KEY (application_id, entry_id),
    FOREIGN KEY (application_id, list_id) REFERENCES lists ON DELETE CASCADE,
    UNIQUE (application_id, list_id, value_hash)
);
CREATE INDEX list_entries_match ON list_entries (application_id, entry_type, value_hash);
CREATE INDEX list_entries_page ON list_entries (application_id, list_id, created_at DESC, entry_id);

CREATE TABLE session_identifiers (
    application_id uuid NOT NULL,
    session_id     uuid NOT NULL,
    id_type        text NOT NULL,
    value_hash     bytea NOT NULL,
    PRIMARY KEY (application_id, id_type, value_hash, session_id),
    FOREIGN KEY (application_id, session_id) REFERENCES sessions
);
CREATE INDEX session_identifiers_session ON session_identifiers (application_id, session_id);
-- "this origin session was already imported as #43"
CREATE INDEX sessions_origin ON sessions (application_id, shared_from_session)
    WHERE shared_from_session IS NOT NULL AND deleted_at IS NULL;

-- +goose StatementBegin
-- ensure_lists gives an application one system
-- blocklist per entry type; called when an application is created, and
-- here for the ones that exist.
CREATE FUNCTION ensure_lists(app uuid, at timestamptz) RETURNS void LANGUAGE sql AS $$
    INSERT INTO lists (application_id, list_id, name, description, list_type, entry_type, is_system, created_at, updated_at)
    SELECT app, gen_random_uuid(), t.name, t.description, 'blocklist', t.entry_type, true, at, at
    FROM (VALUES
        ('document', 'Document Blocklist', 'Blocked identity documents (issuing country, type and number).'),
        ('face', 'Face Blocklist', 'Blocked faces (the face identifier of the portrait).'),
        ('phone', 'Phone Blocklist', 'Blocked phone numbers (E.164).'),
        ('email', 'Email Blocklist', 'Blocked e-mail addresses.'),
        ('user', 'User Blocklist', 'Blocked users (vendor_data).'),
        ('business', 'Business Blocklist', 'Blocked businesses (country and registration number).'),
        ('country', 'Country Blocklist', 'Blocked countries (ISO 3166-1 alpha-3).'),
        ('ip_address', 'IP Address Blocklist', 'Blocked IP addresses and CIDR ranges.')
    ) AS t (entry_type, name, description)
    ON CONFLICT DO NOTHING;
$$;
-- +goose StatementEnd
SELECT ensure_lists(application_id, now()) FROM applications;

-- +goose Down
DROP FUNCTION ensure_lists(uuid, timestamptz);
DROP INDEX sessions_origin;
DROP TABLE session_identifiers;
DROP TABLE list_entries;
DROP TABLE lists;
