-- +goose Up
-- The evidence captured in a session (document photos, selfie, registry
-- extract): biometric material, written and read only through
-- store.PutMedia and store.SessionMedia so that sealing it under its own
-- key changes one place. Cloned by an import, removed when the session is
-- deleted.
CREATE TABLE session_media (
    application_id uuid NOT NULL,
    session_id     uuid NOT NULL,
    name           text NOT NULL,
    content_type   text NOT NULL,
    data           bytea NOT NULL,
    PRIMARY KEY (application_id, session_id, name),
    FOREIGN KEY (application_id, session_id) REFERENCES sessions
);

-- +goose Down
DROP TABLE session_media;
